package org.lsmspark.cli;

import picocli.CommandLine.Option;

/** {@code --model}, for every command that reads a model. */
final class ModelOption {
  @Option(names = "--model", required = true, description = "Model directory (any Hadoop file system path).")
  String model;
}
