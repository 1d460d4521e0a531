package org.lsmspark.cli;

import org.lsmspark.inference.EngineOptions;
import org.lsmspark.tokenizer.DecodeMode;
import picocli.CommandLine.Option;

/** {@code --decode} and {@code --decode-check-rate}, shared by {@code lsm predict} and {@code lsm score}. */
final class DecodeOptionsMixin {
  @Option(names = "--decode", defaultValue = "exact", paramLabel = "exact|approximate",
      description = "exact (default): the true top k; approximate: candidates from an HNSW graph of the vocabulary"
          + " (built at load), rescored exactly.")
  String decode;

  @Option(names = "--decode-check-rate", defaultValue = "" + EngineOptions.DEFAULT_DECODE_CHECK_RATE, paramLabel = "R",
      description = "With --decode approximate, the fraction of embeddings also decoded exactly for recall@1 and"
          + " recall@5 in the statistics (default: ${DEFAULT-VALUE}).")
  double decodeCheckRate;

  /** The decode mode; a bad value is refused naming the option. */
  DecodeMode mode() {
    try {
      return DecodeMode.parse(decode);
    } catch (IllegalArgumentException e) {
      throw new Main.UserException("--decode: " + e.getMessage());
    }
  }

  /** The check rate; a value outside [0, 1] is refused naming the option. */
  double checkRate() {
    if (!(decodeCheckRate >= 0 && decodeCheckRate <= 1)) {
      throw new Main.UserException("--decode-check-rate must be between 0 and 1, got " + decodeCheckRate);
    }
    return decodeCheckRate;
  }
}
