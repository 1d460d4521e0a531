package org.lsmspark.cli;

import org.lsmspark.model.ModelFormatException;
import org.lsmspark.spark.LsmSparkVersion;
import org.lsmspark.spark.Redaction;
import org.lsmspark.spark.TableConflictException;
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
    int code;
    try {
      code = run(args);
    } catch (Throwable t) { // an Error (out of memory...) is a failure too, not "rows in error"
      t.printStackTrace();
      code = ExitCode.FAILURE;
    }
    System.exit(code);
  }

  /** Runs one command and returns its {@link ExitCode}. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (isUsage(e)) { // the user's to fix: one line
        cmd.getErr().println("lsm " + cmd.getCommandName() + ": error: " + Redaction.text(e.getMessage()));
        if (System.getenv("LSM_DEBUG") != null) {
          e.printStackTrace(cmd.getErr());
        }
        return ExitCode.USAGE;
      }
      cmd.getErr().println("lsm " + cmd.getCommandName() + ": failed: " + Redaction.text(String.valueOf(e.getMessage())));
      if (!isConflict(e) || System.getenv("LSM_DEBUG") != null) { // a conflict is expected: rerun, no trace
        e.printStackTrace(cmd.getErr());
      }
      return ExitCode.FAILURE;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("lsm: " + e.getMessage());
      e.getCommandLine().getErr().println("Try 'lsm " + e.getCommandLine().getCommandName() + " --help'.");
      return ExitCode.USAGE;
    });
    return cli.execute(args);
  }

  /** Errors in what the user gave: options, the model, the input's schema. */
  static boolean isUsage(Exception e) {
    return e instanceof UserException || e instanceof ModelFormatException || e instanceof IllegalArgumentException;
  }

  /** Another run committed to the same rows first: the table is whole, this run committed nothing. */
  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TableConflictException) {
        return true;
      }
    }
    return false;
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
      return new String[] {"lsm-spark " + LsmSparkVersion.of()};
    }
  }
}
