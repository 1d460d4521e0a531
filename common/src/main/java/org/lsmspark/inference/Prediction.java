package org.lsmspark.inference;

import java.util.List;
import org.lsmspark.tokenizer.Tokenizer;

/** The model's answer for one window: the predicted embedding and its decoding. */
public record Prediction(float[] embedding, Tokenizer.Decoding decoding) {
  public String predictedText() {
    return decoding.predictedText();
  }

  public float confidence() {
    return decoding.confidence();
  }

  public List<Tokenizer.Candidate> topK() {
    return decoding.topK();
  }
}
