package org.lsmspark.bench;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Compares the three maintained JVM HNSW libraries on this workload: jvector 3.0.6, Lucene 9.12.3
 * and hnswlib-core 1.2.1, each with M 16 and beam 100 at build, over the same unit vectors (the
 * distinct vocabulary embeddings) and queries (predicted embeddings), by build time, recall@1 and
 * recall@5 against exact (candidates rescored exactly, as the decode does) and queries per second
 * on one thread at several search beams.
 *
 * <pre>java -cp BENCH_CLASSPATH org.lsmspark.bench.AnnLibraries DIR [ef,...]</pre>
 * DIR holds vocab.f32 [U, 128], queries.f32 [Q, 128] (both little-endian float32, unit length) and
 * truth.i32 [Q, 5] (the exact top 5 of each query).
 */
public final class AnnLibraries {
  private static final int M = 16;
  private static final int BEAM = 100;
  private static final int DIM = 128;

  private interface Searcher {
    int[] search(float[] query, int ef) throws IOException;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int[] efs = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {16, 64, 256};
    float[][] vocab = floats(dir.resolve("vocab.f32"));
    float[][] queries = floats(dir.resolve("queries.f32"));
    int[] truth = ints(dir.resolve("truth.i32"));
    System.out.printf(Locale.ROOT, "%d vectors, %d queries, cores %d%n", vocab.length, queries.length,
        Runtime.getRuntime().availableProcessors());
    run("jvector", vocab, queries, truth, efs, () -> jvector(vocab));
    run("lucene", vocab, queries, truth, efs, () -> lucene(vocab));
    run("hnswlib", vocab, queries, truth, efs, () -> hnswlib(vocab));
  }

  private interface Build {
    Searcher build() throws Exception;
  }

  private static void run(String name, float[][] vocab, float[][] queries, int[] truth, int[] efs, Build b)
      throws Exception {
    long t0 = System.nanoTime();
    Searcher s = b.build();
    double build = (System.nanoTime() - t0) / 1e9;
    for (int ef : efs) {
      for (int warm = 0; warm < Math.min(200, queries.length); warm++) {
        s.search(queries[warm], ef);
      }
      int hit1 = 0;
      int hit5 = 0;
      long t1 = System.nanoTime();
      for (int q = 0; q < queries.length; q++) {
        int[] top = rescore(s.search(queries[q], ef), vocab, queries[q]);
        hit1 += top.length > 0 && top[0] == truth[q * 5] ? 1 : 0;
        for (int j = 0; j < 5; j++) {
          for (int t : top) {
            if (t == truth[q * 5 + j]) {
              hit5++;
              break;
            }
          }
        }
      }
      double secs = (System.nanoTime() - t1) / 1e9;
      System.out.printf(Locale.ROOT, "%-8s build %6.1f s  ef %4d  recall@1 %.3f  recall@5 %.3f  %8.0f queries/s%n",
          name, build, ef, hit1 / (double) queries.length, hit5 / (5.0 * queries.length), queries.length / secs);
    }
  }

  /** The 5 best candidates by exact (double) dot product, ties by index. */
  private static int[] rescore(int[] candidates, float[][] vocab, float[] q) {
    List<double[]> scored = new ArrayList<>();
    for (int c : candidates) {
      double dot = 0;
      for (int d = 0; d < DIM; d++) {
        dot += (double) q[d] * vocab[c][d];
      }
      scored.add(new double[] {dot, c});
    }
    scored.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
    int n = Math.min(5, scored.size());
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = (int) scored.get(i)[1];
    }
    return out;
  }

  private static Searcher jvector(float[][] vocab) throws IOException {
    VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
    List<VectorFloat<?>> list = new ArrayList<>(vocab.length);
    for (float[] v : vocab) {
      list.add(vts.createFloatVector(v));
    }
    ListRandomAccessVectorValues ravv = new ListRandomAccessVectorValues(list, DIM);
    var sim = io.github.jbellis.jvector.vector.VectorSimilarityFunction.DOT_PRODUCT;
    GraphIndexBuilder builder = new GraphIndexBuilder(BuildScoreProvider.randomAccessScoreProvider(ravv, sim),
        DIM, M, BEAM, 1.2f, 1.2f);
    OnHeapGraphIndex graph = builder.build(ravv);
    return (q, ef) -> {
      var r = GraphSearcher.search(vts.createFloatVector(q), ef, ravv, sim, graph,
          io.github.jbellis.jvector.util.Bits.ALL);
      var nodes = r.getNodes();
      int[] out = new int[nodes.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = nodes[i].node;
      }
      return out;
    };
  }

  private static Searcher lucene(float[][] vocab) throws IOException {
    RandomAccessVectorValues.Floats values = RandomAccessVectorValues.fromFloats(List.of(vocab), DIM);
    var scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
    RandomVectorScorerSupplier supplier =
        scorer.getRandomVectorScorerSupplier(VectorSimilarityFunction.DOT_PRODUCT, values);
    OnHeapHnswGraph graph = HnswGraphBuilder.create(supplier, M, BEAM, 42).build(vocab.length);
    return (q, ef) -> {
      var collector = HnswGraphSearcher.search(
          scorer.getRandomVectorScorer(VectorSimilarityFunction.DOT_PRODUCT, values.copy(), q), ef, graph, null,
          Integer.MAX_VALUE);
      ScoreDoc[] docs = collector.topDocs().scoreDocs;
      int[] out = new int[docs.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = docs[i].doc;
      }
      return out;
    };
  }

  private record Vec(Integer id, float[] vector) implements Item<Integer, float[]> {
    @Override
    public int dimensions() {
      return DIM;
    }
  }

  private static Searcher hnswlib(float[][] vocab) throws InterruptedException {
    HnswIndex<Integer, float[], Vec, Float> index = HnswIndex
        .newBuilder(DIM, DistanceFunctions.FLOAT_INNER_PRODUCT, vocab.length)
        .withM(M).withEfConstruction(BEAM).withEf(BEAM).build();
    List<Vec> items = new ArrayList<>(vocab.length);
    for (int i = 0; i < vocab.length; i++) {
      items.add(new Vec(i, vocab[i]));
    }
    index.addAll(items);
    return (q, ef) -> {
      index.setEf(ef);
      List<SearchResult<Vec, Float>> r = index.findNearest(q, ef);
      int[] out = new int[r.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = r.get(i).item().id();
      }
      return out;
    };
  }

  private static float[][] floats(Path p) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    int n = b.remaining() / 4 / DIM;
    float[][] out = new float[n][DIM];
    for (float[] row : out) {
      b.asFloatBuffer().get(row);
      b.position(b.position() + 4 * DIM);
    }
    return out;
  }

  private static int[] ints(Path p) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    int[] out = new int[b.remaining() / 4];
    b.asIntBuffer().get(out);
    return out;
  }
}
