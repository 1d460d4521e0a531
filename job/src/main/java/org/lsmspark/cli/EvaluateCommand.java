package org.lsmspark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import org.lsmspark.inference.LsmModel;
import org.lsmspark.model.ModelDirectory;
import org.lsmspark.spark.LsmSparkVersion;
import org.lsmspark.spark.Redaction;
import org.lsmspark.training.Evaluator;
import org.lsmspark.training.OneOfHundred;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lsm evaluate}: next-turn retrieval metrics of a model and three baselines on held-out conversations. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Ranks the whole vocabulary for every window of held-out conversations and reports hit@1, hit@5, hit@10,",
      "mean reciprocal rank and mean confidence of the model and of three baselines on the same windows:",
      "a random vocabulary turn, the most frequent gold turn, and the vocabulary turn nearest to the last",
      "context turn. The gold turn is the actual next turn when it is in the vocabulary, else the",
      "vocabulary turn nearest to its embedding.",
      "Then the 1-of-100 protocol: each gold turn among 99 distractors drawn with the seed from the corpus's",
      "distinct turns, ranked by the model and by random, most frequent, nearest to last, TF-IDF context",
      "and BM25 baselines (recall@1, recall@10, MRR; ties count against the gold)."
    })
final class EvaluateCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateCommand.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--model", required = true, description = "Model directory (any Hadoop file system path).")
  String model;

  @Option(names = "--input", required = true, paramLabel = "CORPUS", description = "Held-out corpus of turns, as for train.")
  String input;

  @Option(names = "--max-windows", defaultValue = "0", paramLabel = "N", description = "Evaluate a seeded sample of N windows; 0 for all (default: all).")
  int maxWindows;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the window sample, the 1-of-100 distractors and the random baselines (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", defaultValue = "1", description = "ND4J threads for the ranking products (default: ${DEFAULT-VALUE}; more stalls on a shared machine).")
  int threads;

  @Option(names = "--output", paramLabel = "REPORT.json", description = "Also write the report as JSON.")
  Path output;

  @Override
  public Integer call() throws IOException {
    Options.nonNegative("--max-windows", maxWindows);
    Options.positive("--threads", threads);
    org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(threads);
    org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxMasterThreads(threads);
    long t0 = System.nanoTime();
    LsmModel lsm = LsmModel.of(ModelDirectory.read(model));
    LOG.info(String.format("model %s loaded: %d vocabulary turns, window %d, in %.1f s", lsm.bundle().modelId(),
        lsm.tokenizer().vocabularySize(), lsm.windowSize(), (System.nanoTime() - t0) / 1e9));
    List<List<String>> dialogues = CorpusInput.read(input, "lsm evaluate", LOG);
    long t1 = System.nanoTime();
    long[] last = {0};
    boolean terminal = System.console() != null;
    Evaluator.Report report = Evaluator.evaluate(lsm, dialogues, maxWindows, seed, done -> {
      long now = System.nanoTime();
      if (terminal && now - last[0] > 500_000_000L) {
        last[0] = now;
        System.err.printf("\revaluating: %d windows, %.0f windows/s", done, done / ((now - t1) / 1e9));
        System.err.flush();
      }
    });
    double secs = (System.nanoTime() - t1) / 1e9;
    if (terminal) {
      System.err.println();
    }
    LOG.info(String.format("evaluated %d windows in %.1f s (%.0f windows/s)", report.windows(), secs,
        report.windows() / secs));
    System.out.print(table(report));
    if (output != null) {
      Path tmp = output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".partial");
      // what was evaluated, and by what, before the figures: a report read alone says what it measured
      ObjectNode doc = JSON.createObjectNode();
      doc.put("model_id", lsm.bundle().modelId());
      doc.put("model_fingerprint", lsm.bundle().fingerprint());
      doc.put("model_path", Redaction.path(model)); // "model" holds its figures
      doc.put("input", Redaction.path(input));
      doc.put("max_windows", maxWindows);
      doc.put("seed", seed);
      doc.put("lsm_spark", LsmSparkVersion.of());
      doc.setAll(json(report));
      Files.writeString(tmp, JSON.writeValueAsString(doc) + "\n");
      Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("report written to " + output);
    }
    return 0;
  }

  static String table(Evaluator.Report r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%d windows; gold turn in the vocabulary for %.1f%%, else its nearest vocabulary turn (%.1f%%)%n",
        r.windows(), 100 * r.goldInVocabulary(), 100 * (1 - r.goldInVocabulary())));
    b.append(String.format("%-16s %8s %8s %8s %8s %10s%n", "", "hit@1", "hit@5", "hit@10", "MRR", "confidence"));
    row(b, "model", r.model());
    row(b, "random", r.random());
    row(b, "most frequent", r.mostFrequent());
    row(b, "nearest to last", r.nearestToLast());
    OneOfHundred.Report h = r.oneOfHundred();
    if (h == null) {
      b.append(String.format("%n1-of-100: skipped, the corpus has fewer than 100 distinct turns%n"));
      return b.toString();
    }
    b.append(String.format("%n1-of-%d response selection: the gold turn among %d distractors drawn from the corpus%n",
        h.candidates(), h.candidates() - 1));
    b.append(String.format("%-16s %9s %9s %8s%n", "", "recall@1", "recall@10", "MRR"));
    row(b, "model", h.model());
    row(b, "random", h.random());
    row(b, "most frequent", h.mostFrequent());
    row(b, "nearest to last", h.nearestToLast());
    row(b, "tf-idf context", h.tfidfContext());
    row(b, "bm25", h.bm25());
    return b.toString();
  }

  private static void row(StringBuilder b, String name, OneOfHundred.Metrics m) {
    b.append(String.format("%-16s %9.4f %9.4f %8.4f%n", name, m.recallAt1(), m.recallAt10(), m.mrr()));
  }

  private static void row(StringBuilder b, String name, Evaluator.Metrics m) {
    b.append(String.format("%-16s %8.4f %8.4f %8.4f %8.4f %10.4f%n", name, m.hitAt1(), m.hitAt5(), m.hitAt10(),
        m.mrr(), m.meanConfidence()));
  }

  static ObjectNode json(Evaluator.Report r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("windows", r.windows());
    root.put("gold_in_vocabulary", r.goldInVocabulary());
    metrics(root.putObject("model"), r.model());
    ObjectNode baselines = root.putObject("baselines");
    metrics(baselines.putObject("random"), r.random());
    metrics(baselines.putObject("most_frequent"), r.mostFrequent());
    metrics(baselines.putObject("nearest_to_last"), r.nearestToLast());
    OneOfHundred.Report h = r.oneOfHundred();
    if (h != null) {
      ObjectNode one = root.putObject("one_of_100");
      one.put("candidates", h.candidates());
      metrics(one.putObject("model"), h.model());
      ObjectNode base = one.putObject("baselines");
      metrics(base.putObject("random"), h.random());
      metrics(base.putObject("most_frequent"), h.mostFrequent());
      metrics(base.putObject("nearest_to_last"), h.nearestToLast());
      metrics(base.putObject("tfidf_context"), h.tfidfContext());
      metrics(base.putObject("bm25"), h.bm25());
    }
    return root;
  }

  private static void metrics(ObjectNode o, OneOfHundred.Metrics m) {
    o.put("recall@1", m.recallAt1());
    o.put("recall@10", m.recallAt10());
    o.put("mrr", m.mrr());
  }

  private static void metrics(ObjectNode o, Evaluator.Metrics m) {
    o.put("hit@1", m.hitAt1());
    o.put("hit@5", m.hitAt5());
    o.put("hit@10", m.hitAt10());
    o.put("mrr", m.mrr());
    o.put("mean_confidence", m.meanConfidence());
  }
}
