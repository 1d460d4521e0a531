package org.lsmspark.inference;

/**
 * The outcome for one window of a batch: a prediction, or the message saying why this window
 * could not be scored. Exactly one of the two is set.
 */
public record WindowResult(Prediction prediction, String error) {
  public WindowResult {
    if ((prediction == null) == (error == null)) {
      throw new IllegalArgumentException("a window result holds a prediction or an error, exactly one");
    }
  }

  public static WindowResult ok(Prediction prediction) {
    return new WindowResult(prediction, null);
  }

  public static WindowResult error(String message) {
    return new WindowResult(null, message);
  }

  public boolean isOk() {
    return prediction != null;
  }

  /** The prediction; throws {@link IllegalStateException} with the error for an error result. */
  public Prediction get() {
    if (prediction == null) {
      throw new IllegalStateException(error);
    }
    return prediction;
  }
}
