package org.lsmspark.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.lsmspark.model.DistinctStrings;
import org.lsmspark.model.Futures;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TokenizerConfig;
import org.lsmspark.model.WeightFiles;

/**
 * Turns texts into embeddings (TF-IDF projected by {@code components}) and embeddings back into
 * vocabulary turns (cosine similarity), as the model format's "Tokenizer" section specifies.
 * Immutable and thread-safe.
 */
public final class Tokenizer {
  /** The predicted text when the best similarity does not exceed {@code unknown_threshold}. */
  public static final String UNKNOWN = "[UNKNOWN]";

  /** Orders strings by Unicode code point, as Python sorts str (String.compareTo orders UTF-16 units). */
  public static final java.util.Comparator<String> CODE_POINT_ORDER = TextAnalyzer.CODE_POINT_ORDER;

  /** One vocabulary turn ranked by cosine similarity. */
  public record Candidate(String text, int index, float score) {}

  /** A decoded embedding: the predicted turn (or {@link #UNKNOWN}), the best similarity, the top k. */
  public record Decoding(String predictedText, float confidence, List<Candidate> topK) {
    public Decoding {
      topK = List.copyOf(topK);
    }
  }

  private final TokenizerConfig config;
  private final DistinctStrings terms;
  private final Tensor idf;
  private final Tensor components;
  private final DistinctStrings vocabulary;
  private final Tensor vocabEmbeddings;

  private final int dim;
  private final TextAnalyzer analyzer;
  private final float[] idfValues;
  /** components transposed to [F, D], so a term's column is contiguous for the sparse projection. */
  private final float[] componentsByTerm;
  private final float[] vocabValues;
  private final VocabularyIndex decoder;
  /** Built on the first approximate decode: building the graph takes about a minute at full size. */
  private final Lazy<ApproximateIndex> approximate;

  /**
   * @param terms the F TF-IDF terms ({@code terms.txt})
   * @param idf [F]
   * @param components [D, F]
   * @param vocabulary the V distinct vocabulary turns ({@code vocab.jsonl})
   * @param vocabEmbeddings [V, D]
   * @throws IllegalArgumentException naming the file whose shape or content does not fit
   */
  public Tokenizer(TokenizerConfig config, List<String> terms, Tensor idf, Tensor components,
      List<String> vocabulary, Tensor vocabEmbeddings) {
    this(config, terms, idf, components, vocabulary, vocabEmbeddings, null, "off");
  }

  /**
   * A tokenizer of a model whose fingerprint is {@code modelKey}: its decode's factored arrays
   * may come from, and go to, the index cache {@code indexCache} names: a folder; "off" for none;
   * null for the folder system property {@code lsm.index.cache} names, if any.
   */
  public Tokenizer(TokenizerConfig config, List<String> terms, Tensor idf, Tensor components,
      List<String> vocabulary, Tensor vocabEmbeddings, String modelKey, String indexCache) {
    this.config = Objects.requireNonNull(config, "config");
    this.terms = distinct(WeightFiles.TERMS, Objects.requireNonNull(terms, "terms"), "term");
    this.idf = Objects.requireNonNull(idf, "idf");
    this.components = Objects.requireNonNull(components, "components");
    this.vocabulary = distinct(WeightFiles.VOCAB, Objects.requireNonNull(vocabulary, "vocabulary"), "turn");
    this.vocabEmbeddings = Objects.requireNonNull(vocabEmbeddings, "vocabEmbeddings");

    int f = this.terms.size();
    int v = this.vocabulary.size();
    if (components.rank() != 2 || components.dim(1) != f || components.dim(0) < 1) {
      throw new IllegalArgumentException(
          WeightFiles.COMPONENTS + ": shape " + components.shapeString() + ", expected [D, " + f + "]");
    }
    this.dim = components.dim(0);
    requireShape(WeightFiles.IDF, idf, f);
    requireShape(WeightFiles.VOCAB_EMBEDDINGS, vocabEmbeddings, v, dim);
    if (v == 0) {
      throw new IllegalArgumentException(WeightFiles.VOCAB + ": the vocabulary is empty");
    }
    this.analyzer = new TextAnalyzer(config.ngramMax());
    // the model's own arrays, read only here and by the decoder: a copy would hold them twice
    this.idfValues = idf.sharedArray();
    float[] comps = components.sharedArray();
    this.componentsByTerm = byTerm(comps, dim, f);
    this.vocabValues = vocabEmbeddings.sharedArray();
    // the vocabulary embeddings are their TF-IDF rows times componentsᵀ (the model format): the
    // decoder may preselect through that factorisation, checking it row by row when it builds
    List<String> turns = this.vocabulary;
    this.decoder = new VocabularyIndex(vocabValues, v, dim, VocabularyIndex.DEFAULT_BLOCK_ROWS,
        new VocabularyIndex.Factors(comps, componentsByTerm, f, idfValues, row -> termCounts(turns.get(row)),
            modelKey, IndexCache.of(indexCache)),
        VocabularyIndex.Preselect.fromSystemProperty());
    this.approximate = new Lazy<>(() -> new ApproximateIndex(decoder, dim, ApproximateIndex.DEFAULT_EF));
  }

  /** C [dim, features] row-major laid out by term: a term's column of C contiguous. */
  static float[] byTerm(float[] components, int dim, int features) {
    float[] t = new float[components.length];
    for (int d = 0; d < dim; d++) {
      for (int j = 0; j < features; j++) {
        t[j * dim + d] = components[d * features + j];
      }
    }
    return t;
  }

  private static void requireShape(String file, Tensor t, int... expected) {
    if (!t.hasShape(expected)) {
      throw new IllegalArgumentException(
          file + ": shape " + t.shapeString() + ", expected " + Arrays.toString(expected));
    }
  }

  /** {@code values} as distinct strings: a model's bundle hands over the ones it checked and indexed. */
  private static DistinctStrings distinct(String file, List<String> values, String what) {
    try {
      return DistinctStrings.of(values, what);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public TokenizerConfig config() {
    return config;
  }

  public DistinctStrings terms() {
    return terms;
  }

  public Tensor idf() {
    return idf;
  }

  public Tensor components() {
    return components;
  }

  public DistinctStrings vocabulary() {
    return vocabulary;
  }

  public Tensor vocabEmbeddings() {
    return vocabEmbeddings;
  }

  public int embeddingDim() {
    return dim;
  }

  public int vocabularySize() {
    return vocabulary.size();
  }

  public int featureCount() {
    return terms.size();
  }

  /** The vocabulary index of {@code turn}, or -1 if it is not a vocabulary turn. */
  public int indexOf(String turn) {
    return vocabulary.indexOf(turn);
  }

  /** The embedding of {@code text}, a new array of length {@link #embeddingDim()}. */
  public float[] encode(String text) {
    float[] out = new float[dim];
    encodeInto(text, out, 0);
    return out;
  }

  /** Writes the embedding of {@code text} into {@code dest[offset, offset + embeddingDim())}. */
  public void encodeInto(String text, float[] dest, int offset) {
    Objects.requireNonNull(text, "text must not be null");
    Objects.requireNonNull(dest, "dest must not be null");
    Objects.checkFromIndexSize(offset, dim, dest.length);
    int row = indexOf(text);
    if (row >= 0) {
      System.arraycopy(vocabValues, row * dim, dest, offset, dim);
      return;
    }
    SparseVector x = tfidf(text);
    if (x.size() == 0) {
      Arrays.fill(dest, offset, offset + dim, 0f);
      return;
    }
    double[] acc = new double[dim];
    for (int p = 0; p < x.size(); p++) {
      double w = x.value(p);
      int base = x.index(p) * dim;
      for (int d = 0; d < dim; d++) {
        acc[d] += w * componentsByTerm[base + d];
      }
    }
    for (int d = 0; d < dim; d++) {
      dest[offset + d] = (float) acc[d];
    }
  }

  /**
   * The L2-normalised TF-IDF vector of {@code text} over {@link #terms()}, before the projection
   * (empty when no term occurs): what {@link #encode} projects, for sparse retrieval baselines.
   */
  public SparseVector tfidf(String text) {
    Objects.requireNonNull(text, "text must not be null");
    return SparseVector.tfidf(termCounts(text), idfValues);
  }

  /**
   * The lowercased words of {@code text} as the analyzer finds them ({@code (?u)\b\w\w+\b}), in
   * order, stop words kept: the tokens of lexical baselines such as BM25.
   */
  public static List<String> words(String text) {
    return TextAnalyzer.words(Objects.requireNonNull(text, "text must not be null"));
  }

  /** (term index, count) pairs of the known n-grams of {@code text}, by ascending term index, flat. */
  int[] termCounts(String text) {
    List<String> grams = analyzer.analyze(text);
    int[] ids = new int[grams.size()];
    int n = 0;
    for (String g : grams) {
      int j = terms.indexOf(g);
      if (j >= 0) {
        ids[n++] = j;
      }
    }
    Arrays.sort(ids, 0, n);
    int[] pairs = new int[2 * n];
    int m = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && ids[j] == ids[i]) {
        j++;
      }
      pairs[m++] = ids[i];
      pairs[m++] = j - i;
      i = j;
    }
    return Arrays.copyOf(pairs, m);
  }

  /** Decodes one embedding; the same computation as a batch of one. */
  public Decoding decode(float[] embedding, int k) {
    return decodeBatch(new float[][] {embedding}, k).get(0);
  }

  /**
   * Decodes a batch: for each embedding the top {@code k} (clamped to the vocabulary size) turns by
   * cosine similarity, ties by vocabulary index. Results do not depend on the batch size.
   */
  public List<Decoding> decodeBatch(float[][] embeddings, int k) {
    return decodeBatch(embeddings, k, DecodeMode.EXACT);
  }

  /**
   * Decodes a batch as {@link #decodeBatch(float[][], int)} does; {@link DecodeMode#APPROXIMATE}
   * takes its candidates from an HNSW graph of the vocabulary (built on first use) and rescores
   * them exactly, so a listed turn's score is exact but a better turn may be missing.
   */
  public List<Decoding> decodeBatch(float[][] embeddings, int k, DecodeMode mode) {
    return decode(embeddings, k, mode);
  }

  /**
   * Decodes a batch as {@link #decodeBatch(float[][], int, DecodeMode)} does, with the decode's
   * parallel work (the factored preselection's groups of queries) on {@code pool}'s threads rather
   * than the common {@link ForkJoinPool}: an inference engine passes the pool of
   * its {@code threads}, so that an executor uses the cores Spark gives it, not the machine's. The
   * call runs as a task of {@code pool} (a parallel stream forks into the pool of the task it runs
   * in, see {@link java.util.concurrent.ForkJoinTask#fork()}); the results are the same whatever
   * the pool. Its GEMMs run on those threads too: the first such call sets ND4J's BLAS to one
   * thread a call for the JVM ({@link NativeBlas}).
   */
  public List<Decoding> decodeBatch(float[][] embeddings, int k, DecodeMode mode, ForkJoinPool pool) {
    Objects.requireNonNull(pool, "pool must not be null");
    NativeBlas.callersThreadOnly();
    if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == pool) {
      return decode(embeddings, k, mode);
    }
    return Futures.get(pool.submit(() -> decode(embeddings, k, mode)), "decoding");
  }

  private List<Decoding> decode(float[][] embeddings, int k, DecodeMode mode) {
    Objects.requireNonNull(mode, "mode must not be null");
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    checkEmbeddings(embeddings);
    int kk = Math.min(k, vocabulary.size());
    List<Decoding> out = new ArrayList<>(embeddings.length);
    VocabularyIndex.Hit[][] found = mode == DecodeMode.EXACT ? decoder.topK(embeddings, kk)
        : approximate.get().topK(embeddings, kk);
    for (VocabularyIndex.Hit[] hits : found) {
      List<Candidate> top = new ArrayList<>(hits.length);
      for (VocabularyIndex.Hit h : hits) {
        top.add(new Candidate(vocabulary.get(h.index()), h.index(), (float) h.score()));
      }
      double best = hits[0].score();
      String predicted = best > config.unknownThreshold() ? top.get(0).text() : UNKNOWN;
      out.add(new Decoding(predicted, (float) best, top));
    }
    return out;
  }

  /**
   * For each embedding, the 1-based rank of vocabulary turn {@code turns[i]} over the whole
   * vocabulary, in the order {@link #decodeBatch} lists candidates (cosine similarity, ties by
   * vocabulary index): what retrieval metrics such as hit@k and reciprocal rank need.
   */
  public long[] ranks(float[][] embeddings, int[] turns) {
    Objects.requireNonNull(turns, "turns must not be null");
    checkEmbeddings(embeddings);
    if (turns.length != embeddings.length) {
      throw new IllegalArgumentException(embeddings.length + " embeddings but " + turns.length + " turns");
    }
    for (int t : turns) {
      if (t < 0 || t >= vocabulary.size()) {
        throw new IllegalArgumentException("turn index " + t + " is outside the vocabulary [0, " + vocabulary.size() + ")");
      }
    }
    return decoder.ranks(embeddings, turns);
  }

  private void checkEmbeddings(float[][] embeddings) {
    Objects.requireNonNull(embeddings, "embeddings must not be null");
    for (int i = 0; i < embeddings.length; i++) {
      Objects.requireNonNull(embeddings[i], "embedding " + i + " must not be null");
      if (embeddings[i].length != dim) {
        throw new IllegalArgumentException(
            "embedding " + i + " has length " + embeddings[i].length + ", expected " + dim);
      }
      for (float x : embeddings[i]) {
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException("embedding " + i + " contains a non-finite value: " + x);
        }
      }
    }
  }
}
