package org.lsmspark.training;

import java.util.List;
import org.lsmspark.model.ModelConfig;
import org.lsmspark.reservoir.Reservoir;
import org.lsmspark.reservoir.TurnState;
import org.lsmspark.reservoir.Waveform;
import org.lsmspark.tokenizer.Tokenizer;

/**
 * Windows as turn ids over a table of turn states: each distinct turn is embedded and run through
 * the reservoir once, and a batch's waveforms are rendered from the table when the batch is
 * drawn. Holding every rendered waveform instead would take gigabytes (a stacked v2 window is
 * tens of thousands of values). Immutable after construction; rendering is thread-confined.
 */
final class TrainingData {
  /** Windows of one split: {@code turns[i·W + t]} is turn t of window i; {@code targets[i]} its next turn. */
  record WindowSet(int[] turns, int[] targets) {
    int size() {
      return targets.length;
    }
  }

  private final int window;
  private final int dim;
  private final Waveform waveform;
  private final Tokenizer tokenizer;
  /** By turn id: vocabulary index, and {@code vocabularySize} for the padding turn when it is not a vocabulary turn. */
  private final float[][] embeddings;
  private final TurnState[] states;

  TrainingData(ModelConfig config, Tokenizer tokenizer, Reservoir reservoir) {
    this.window = config.windowSize();
    this.dim = config.embeddingDim();
    this.waveform = Waveform.of(config);
    this.tokenizer = tokenizer;
    int v = tokenizer.vocabularySize();
    embeddings = new float[v + 1][];
    states = new TurnState[v + 1];
    float[] all = tokenizer.vocabEmbeddings().toArray();
    for (int i = 0; i <= v; i++) {
      embeddings[i] = i < v ? java.util.Arrays.copyOfRange(all, i * dim, (i + 1) * dim) : tokenizer.encode(Windows.PAD);
      states[i] = reservoir.turn(embeddings[i]);
    }
  }

  int waveSize() {
    return waveform.size();
  }

  int dim() {
    return dim;
  }

  int turnCount() {
    return embeddings.length;
  }

  float[] embedding(int turn) {
    return embeddings[turn];
  }

  /** The windows {@code refs} of {@code dialogues} as turn ids; every turn must be a vocabulary turn or the padding. */
  WindowSet windows(List<List<String>> dialogues, List<Windows.Ref> refs) {
    int[] turns = new int[refs.size() * window];
    int[] targets = new int[refs.size()];
    for (int i = 0; i < refs.size(); i++) {
      List<String> context = Windows.context(dialogues, refs.get(i), window);
      for (int t = 0; t < window; t++) {
        turns[i * window + t] = id(context.get(t));
      }
      targets[i] = id(Windows.target(dialogues, refs.get(i)));
    }
    return new WindowSet(turns, targets);
  }

  private int id(String turn) {
    int v = tokenizer.indexOf(turn);
    if (v >= 0) {
      return v;
    }
    if (turn.equals(Windows.PAD)) {
      return embeddings.length - 1;
    }
    throw new IllegalStateException("turn is not in the fitted vocabulary: " + turn);
  }

  /**
   * Renders windows {@code order[from..from+n)} of {@code set}: waveforms into {@code waves}
   * ([n, H, Wd, C]), target embeddings into {@code targets} ([n, D]) and target ids into {@code targetIds}.
   */
  void render(WindowSet set, int[] order, int from, int n, float[] waves, float[] targets, int[] targetIds) {
    int size = waveform.size();
    double[] wave = new double[size];
    TurnState[] rows = new TurnState[window];
    for (int i = 0; i < n; i++) {
      int w = order == null ? from + i : order[from + i];
      for (int t = 0; t < window; t++) {
        rows[t] = states[set.turns()[w * window + t]];
      }
      waveform.render(rows, wave, 0);
      for (int k = 0; k < size; k++) {
        waves[i * size + k] = (float) wave[k];
      }
      int target = set.targets()[w];
      System.arraycopy(embeddings[target], 0, targets, i * dim, dim);
      targetIds[i] = target;
    }
  }
}
