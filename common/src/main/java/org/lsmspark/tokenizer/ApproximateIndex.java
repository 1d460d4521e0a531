package org.lsmspark.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;

/**
 * Approximate top k: Lucene's HNSW graph over the distinct unit vocabulary vectors proposes
 * {@code max(ef, k)} candidates, which {@link VocabularyIndex#rankDistinct} rescores exactly; a query
 * whose candidates hold fewer than k rows is answered exactly. Built once, on the first approximate
 * decode, from a fixed seed, so the same model gives the same graph and the same answers.
 * (Lucene over jvector and hnswlib-core: see docs/BENCHMARKS.md.)
 */
final class ApproximateIndex {
  /** Graph degree and build beam: Lucene's defaults. */
  static final int M = 16;
  static final int BUILD_BEAM = 100;
  /** Search beam: recall@1 about 0.9 on the full-size perf model (docs/BENCHMARKS.md). */
  static final int DEFAULT_EF = 1024;
  private static final long SEED = 42;

  private final VocabularyIndex exact;
  private final int ef;
  private final FlatVectorsScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
  private final RandomAccessVectorValues.Floats vectors;
  private final OnHeapHnswGraph graph;

  ApproximateIndex(VocabularyIndex exact, int dim, int ef) {
    if (ef < 1) {
      throw new IllegalArgumentException("ef must be at least 1, got " + ef);
    }
    this.exact = exact;
    this.ef = ef;
    List<float[]> units = new ArrayList<>(exact.distinctCount());
    for (int g = 0; g < exact.distinctCount(); g++) {
      units.add(exact.distinctUnit(g));
    }
    this.vectors = RandomAccessVectorValues.fromFloats(units, dim);
    try {
      this.graph = units.isEmpty() ? null
          : HnswGraphBuilder.create(scorer.getRandomVectorScorerSupplier(VectorSimilarityFunction.DOT_PRODUCT, vectors),
              M, BUILD_BEAM, SEED).build(units.size());
    } catch (IOException e) {
      throw new UncheckedIOException("building the HNSW graph of the vocabulary", e);
    }
  }

  /** For each query its approximate top {@code k} (1 ≤ k ≤ vocabulary size), ranked as the exact decode ranks. */
  VocabularyIndex.Hit[][] topK(float[][] queries, int k) {
    VocabularyIndex.Hit[][] out = new VocabularyIndex.Hit[queries.length][];
    // independent graph walks, spread over the decode's fork-join pool: the OnHeapHnswGraph overload of
    // HnswGraphSearcher.search keeps its cursor in its own searcher, not in the shared graph
    IntStream range = IntStream.range(0, queries.length);
    (queries.length > 1 ? range.parallel() : range).forEach(i -> {
      VocabularyIndex.Hit[] hits = graph == null ? null : exact.rankDistinct(queries[i], candidates(queries[i], k), k);
      out[i] = hits != null ? hits : exact.topK(new float[][] {queries[i]}, k)[0];
    });
    return out;
  }

  private int[] candidates(float[] query, int k) {
    float[] unit = unit(query);
    if (unit == null) {
      return new int[0]; // a zero query: rankDistinct answers it
    }
    try {
      ScoreDoc[] docs = HnswGraphSearcher.search(
          scorer.getRandomVectorScorer(VectorSimilarityFunction.DOT_PRODUCT, vectors.copy(), unit),
          Math.max(ef, k), graph, null, Integer.MAX_VALUE).topDocs().scoreDocs;
      int[] out = new int[docs.length];
      for (int j = 0; j < out.length; j++) {
        out[j] = docs[j].doc;
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("searching the HNSW graph of the vocabulary", e);
    }
  }

  private static float[] unit(float[] q) {
    double s = 0;
    for (float x : q) {
      s += (double) x * x;
    }
    if (s == 0) {
      return null;
    }
    double n = Math.sqrt(s);
    float[] u = new float[q.length];
    for (int d = 0; d < q.length; d++) {
      u[d] = (float) (q[d] / n);
    }
    return u;
  }
}
