package org.lsmspark.inference;

import java.util.ArrayList;
import java.util.List;
import org.lsmspark.cnn.BatchedCnn;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.model.WeightFiles;
import org.lsmspark.reservoir.Reservoir;
import org.lsmspark.reservoir.TurnState;
import org.lsmspark.reservoir.Waveform;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * A loaded model, the one home of its path: window of turns → turn embeddings → reservoir
 * ({@link #turn}) → waveform → CNN ({@link #predictEmbedding}) → nearest vocabulary turns. No
 * caches; the engine adds those. Immutable and thread-safe.
 */
public final class LsmModel {
  private final ModelBundle bundle;
  private final Tokenizer tokenizer;
  private final Reservoir reservoir;
  private final Waveform waveform;
  private final BatchedCnn cnn;

  private LsmModel(ModelBundle bundle, String indexCache) {
    this.bundle = bundle;
    ModelConfig c = bundle.config();
    this.tokenizer = new Tokenizer(c.tokenizer(), bundle.terms(), bundle.tensor(WeightFiles.IDF),
        bundle.tensor(WeightFiles.COMPONENTS), bundle.vocabulary(), bundle.tensor(WeightFiles.VOCAB_EMBEDDINGS),
        bundle.fingerprint(), indexCache);
    this.reservoir = Reservoir.of(bundle);
    this.waveform = Waveform.of(c);
    this.cnn = BatchedCnn.of(bundle);
  }

  /** The model of a bundle, its decode's index kept in the folder system property {@code lsm.index.cache} names. */
  public static LsmModel of(ModelBundle bundle) {
    return new LsmModel(bundle, null);
  }

  /** The same with the index cache {@link EngineOptions#indexCache()} describes. */
  public static LsmModel of(ModelBundle bundle, String indexCache) {
    return new LsmModel(bundle, indexCache);
  }

  public ModelBundle bundle() {
    return bundle;
  }

  public ModelConfig config() {
    return bundle.config();
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public int windowSize() {
    return waveform.height();
  }

  /** The CNN's inner loops, for the load's log line. */
  public String cnnLoops() {
    return cnn.describe();
  }

  /** Throws {@link IllegalArgumentException} naming what is wrong with {@code turns}. */
  public void checkWindow(List<String> turns) {
    if (turns == null) {
      throw new IllegalArgumentException("window is null");
    }
    if (turns.size() != windowSize()) {
      throw new IllegalArgumentException("window has " + turns.size() + " turns, expected " + windowSize());
    }
    for (int t = 0; t < turns.size(); t++) {
      if (turns.get(t) == null) {
        throw new IllegalArgumentException("turn " + t + " of the window is null");
      }
    }
  }

  /** One turn through the reservoir: its embedding and every layer's output. */
  public TurnState turn(float[] turnEmbedding) {
    return reservoir.turn(turnEmbedding);
  }

  /** The predicted embedding of the turn after {@code window} (its W turns, oldest first). */
  public float[] predictEmbedding(TurnState[] window) {
    double[] wave = new double[waveform.size()];
    waveform.render(window, wave, 0);
    return cnn.forward(wave, 0);
  }

  /**
   * The predicted embeddings of several windows in one pass through the CNN; each is
   * bit-identical to {@link #predictEmbedding} of that window alone.
   */
  public float[][] predictEmbeddings(List<TurnState[]> windows) {
    int size = waveform.size();
    double[] waves = new double[windows.size() * size];
    for (int i = 0; i < windows.size(); i++) {
      waveform.render(windows.get(i), waves, i * size);
    }
    return cnn.forward(waves, 0, windows.size());
  }

  /** The predicted embedding of the turn after {@code turns}. */
  public float[] embedWindow(List<String> turns) {
    checkWindow(turns);
    TurnState[] window = new TurnState[turns.size()];
    for (int t = 0; t < window.length; t++) {
      window[t] = turn(tokenizer.encode(turns.get(t)));
    }
    return predictEmbedding(window);
  }

  /** Next-turn predictions for a batch of windows: each embedded on its own, decoded together. */
  public List<Prediction> predict(List<List<String>> windows, int k) {
    float[][] embeddings = new float[windows.size()][];
    for (int i = 0; i < embeddings.length; i++) {
      embeddings[i] = embedWindow(windows.get(i));
    }
    List<Tokenizer.Decoding> decoded = tokenizer.decodeBatch(embeddings, k);
    List<Prediction> out = new ArrayList<>(embeddings.length);
    for (int i = 0; i < embeddings.length; i++) {
      out.add(new Prediction(embeddings[i], decoded.get(i)));
    }
    return out;
  }
}
