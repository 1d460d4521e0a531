package org.lsmspark.model;

import static org.lsmspark.model.Checks.require;

/** The {@code tokenizer} section of {@code model.json}: how texts become TF-IDF vectors. */
public record TokenizerConfig(
    int maxFeatures,
    int minDf,
    int ngramMax,
    String stopWords,
    boolean lowercase,
    String tokenPattern,
    double unknownThreshold) {

  public static final String ENGLISH = "english";
  public static final String TOKEN_PATTERN = "(?u)\\b\\w\\w+\\b";

  public TokenizerConfig {
    require(maxFeatures >= 1, "max_features must be at least 1, got " + maxFeatures);
    require(minDf >= 1, "min_df must be at least 1, got " + minDf);
    require(ngramMax >= 1, "ngram_max must be at least 1, got " + ngramMax);
    require(ENGLISH.equals(stopWords), "stop_words must be \"english\", got " + quoted(stopWords));
    require(lowercase, "lowercase must be true");
    require(TOKEN_PATTERN.equals(tokenPattern),
        "token_pattern must be " + quoted(TOKEN_PATTERN) + ", got " + quoted(tokenPattern));
    require(Double.isFinite(unknownThreshold), "unknown_threshold must be a finite number");
  }

  /** The original's defaults. */
  public static TokenizerConfig defaults() {
    return new TokenizerConfig(10_000, 2, 2, ENGLISH, true, TOKEN_PATTERN, 0.1);
  }

  public TokenizerConfig withMaxFeatures(int value) {
    return new TokenizerConfig(value, minDf, ngramMax, stopWords, lowercase, tokenPattern, unknownThreshold);
  }

  public TokenizerConfig withMinDf(int value) {
    return new TokenizerConfig(maxFeatures, value, ngramMax, stopWords, lowercase, tokenPattern, unknownThreshold);
  }

  public TokenizerConfig withNgramMax(int value) {
    return new TokenizerConfig(maxFeatures, minDf, value, stopWords, lowercase, tokenPattern, unknownThreshold);
  }

  static String quoted(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
