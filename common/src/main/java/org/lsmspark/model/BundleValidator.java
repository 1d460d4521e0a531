package org.lsmspark.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Every shape, value and list the format constrains; a problem names the file. */
final class BundleValidator {
  private BundleValidator() {}

  /** The terms of {@code terms.txt}, checked: at least one, none empty, none twice. */
  static DistinctStrings terms(List<String> terms) {
    if (terms.isEmpty()) {
      throw new ModelFormatException(WeightFiles.TERMS, "holds no terms");
    }
    for (int i = 0; i < terms.size(); i++) {
      if (terms.get(i).isEmpty()) {
        throw new ModelFormatException(WeightFiles.TERMS, "line " + (i + 1) + " is an empty term");
      }
    }
    return distinct(WeightFiles.TERMS, terms, "term");
  }

  /** The turns of {@code vocab.jsonl}, checked: at least one, none twice. */
  static DistinctStrings vocabulary(List<String> vocabulary) {
    if (vocabulary.isEmpty()) {
      throw new ModelFormatException(WeightFiles.VOCAB, "holds no vocabulary turns");
    }
    return distinct(WeightFiles.VOCAB, vocabulary, "turn");
  }

  private static DistinctStrings distinct(String file, List<String> values, String what) {
    try {
      return DistinctStrings.of(values, what);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file, e.getMessage());
    }
  }

  /** The tensors against the configuration and the term and turn counts; every file has a digest. */
  static void validate(ModelConfig config, List<String> terms, List<String> vocabulary,
      Map<String, Tensor> tensors, Map<String, String> digests) {
    checkShapes(config, terms.size(), vocabulary.size(), tensors);
    checkValues(tensors);
    for (String file : List.of(WeightFiles.TERMS, WeightFiles.VOCAB)) {
      if (!digests.containsKey(file)) {
        throw new ModelFormatException(file, "has no digest");
      }
    }
    for (String file : tensors.keySet()) {
      if (!digests.containsKey(file)) {
        throw new ModelFormatException(file, "has no digest");
      }
    }
  }

  private static void checkShapes(ModelConfig config, int f, int v, Map<String, Tensor> tensors) {
    int d = config.embeddingDim();
    Map<String, int[]> expected = new LinkedHashMap<>();
    expected.put(WeightFiles.IDF, new int[] {f});
    expected.put(WeightFiles.COMPONENTS, new int[] {d, f});
    expected.put(WeightFiles.VOCAB_EMBEDDINGS, new int[] {v, d});
    config.weightShapes().forEach((name, shape) -> expected.put(name + WeightFiles.NPY, shape));
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      Tensor t = tensors.get(e.getKey());
      if (t == null) {
        throw new ModelFormatException(e.getKey(), "is missing");
      }
      if (!t.hasShape(e.getValue())) {
        throw new ModelFormatException(e.getKey(), "shape " + t.shapeString() + ", expected "
            + Arrays.toString(e.getValue()) + " by model.json");
      }
    }
  }

  /** Values checked in parallel ranges of this many (a full-size model holds 21 million). */
  private static final int RANGE = 1 << 20;

  static void checkValues(Map<String, Tensor> tensors) {
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      boolean mask = e.getKey().endsWith(".mask" + WeightFiles.NPY);
      int n = t.size();
      int bad = IntStream.range(0, (n + RANGE - 1) / RANGE).parallel()
          .map(r -> firstBad(t, mask, r * RANGE, Math.min(n, (r + 1) * RANGE)))
          .filter(i -> i >= 0).min().orElse(-1);
      if (bad >= 0) {
        float x = t.get(bad);
        throw new ModelFormatException(e.getKey(), Float.isFinite(x)
            ? "mask value " + x + " at flat index " + bad + " is not 0 or 1"
            : "value " + x + " at flat index " + bad + " is not finite");
      }
    }
  }

  /**
   * The first flat index in [from, to) of a value that is not finite (or, in a mask, not 0 or 1); -1
   * if none. A loop for each kind: one loop testing {@code mask} inside was compiled for the kind it
   * met first and recompiled when the other came.
   */
  private static int firstBad(Tensor t, boolean mask, int from, int to) {
    float[] v = t.sharedArray();
    return mask ? firstNotBinary(v, from, to) : firstNotFinite(v, from, to);
  }

  private static int firstNotFinite(float[] v, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Float.isFinite(v[i])) {
        return i;
      }
    }
    return -1;
  }

  private static int firstNotBinary(float[] v, int from, int to) {
    for (int i = from; i < to; i++) {
      if (v[i] != 0f && v[i] != 1f) {
        return i;
      }
    }
    return -1;
  }
}
