package org.lsmspark.cli;

import java.io.UncheckedIOException;
import org.lsmspark.model.ModelFormatException;
import org.lsmspark.spark.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lsm} command line. */
@Command(
    name = "lsm",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Scores dialogue corpora with Liquid State Machine next-turn models.",
    subcommands = {DemoCommand.class, PredictCommand.class, ScoreCommand.class, IngestCommand.class, TrainCommand.class,
        EvaluateCommand.class, ReportCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command and returns its exit code: 0 done, 1 some input failed, 2 usage or fatal error. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      // user errors get one line; anything else is a bug and keeps its stack trace
      if (e instanceof ModelFormatException || e instanceof IllegalArgumentException
          || e instanceof UncheckedIOException || e instanceof UserException) {
        cmd.getErr().println("lsm " + cmd.getCommandName() + ": error: " + Redaction.text(e.getMessage()));
        if (System.getenv("LSM_DEBUG") != null) {
          e.printStackTrace(cmd.getErr());
        }
        return 2;
      }
      throw e;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("lsm: " + e.getMessage());
      e.getCommandLine().getErr().println("Try 'lsm " + e.getCommandLine().getCommandName() + " --help'.");
      return 2;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** An error in what the user gave (a file, an option); reported in one line. */
  static final class UserException extends RuntimeException {
    UserException(String message) {
      super(message);
    }

    UserException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"lsm-spark " + (v == null ? "(development build)" : v)};
    }
  }
}
