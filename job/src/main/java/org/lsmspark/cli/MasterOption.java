package org.lsmspark.cli;

import picocli.CommandLine.Option;

/** {@code --master}, for every command that runs Spark. */
final class MasterOption {
  @Option(names = "--master", defaultValue = "local[*]",
      description = "Spark master when not under spark-submit (default: ${DEFAULT-VALUE}).")
  String master;
}
