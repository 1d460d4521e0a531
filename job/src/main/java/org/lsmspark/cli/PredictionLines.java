package org.lsmspark.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import org.lsmspark.inference.Prediction;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * {@code lsm predict}'s output lines, one JSON object a line, written straight to the output by
 * Jackson's streaming generator (no tree and no string a row). Not thread-safe: one thread writes.
 */
final class PredictionLines implements Closeable {
  private static final JsonFactory JSON = new JsonFactory().setRootValueSeparator(null);

  private final JsonGenerator out;
  private final boolean embedding;

  /** @param embedding whether rows carry the predicted embedding */
  PredictionLines(Writer target, boolean embedding) throws IOException {
    this.out = JSON.createGenerator(target);
    this.embedding = embedding;
  }

  /** {"id", "error"}. */
  void error(WindowLine.Id id, String error) throws IOException {
    out.writeStartObject();
    id(id);
    out.writeStringField("error", error);
    end();
  }

  /** {"id", "predicted_text", "confidence", "top_k": [{"text", "score"}...], "embedding"?}. */
  void prediction(WindowLine.Id id, Prediction p) throws IOException {
    out.writeStartObject();
    id(id);
    out.writeStringField("predicted_text", p.predictedText());
    out.writeNumberField("confidence", p.confidence());
    out.writeArrayFieldStart("top_k");
    for (Tokenizer.Candidate c : p.topK()) {
      out.writeStartObject();
      out.writeStringField("text", c.text());
      out.writeNumberField("score", c.score());
      out.writeEndObject();
    }
    out.writeEndArray();
    if (embedding) {
      out.writeArrayFieldStart("embedding");
      for (float v : p.embedding()) {
        out.writeNumber(v);
      }
      out.writeEndArray();
    }
    end();
  }

  /** Hands what was written to the target writer (which may still buffer it). */
  void flush() throws IOException {
    out.flush();
  }

  /** Flushes and closes the target writer too. */
  @Override
  public void close() throws IOException {
    out.close();
  }

  private void id(WindowLine.Id id) throws IOException {
    out.writeFieldName("id");
    if (id.string()) {
      out.writeString(id.text());
    } else {
      out.writeRawValue(id.text()); // a number or boolean, as the input spelled it
    }
  }

  private void end() throws IOException {
    out.writeEndObject();
    out.writeRaw('\n');
  }
}
