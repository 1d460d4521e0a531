package org.lsmspark.report;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lsmspark.spark.RunManifest;

/**
 * What a scoring run did, reduced to the figures its report draws: the manifest, and
 * aggregations of the run's rows. Plain values, so rendering needs no Spark.
 *
 * @param groupColumn the service/domain column the agreement is also broken down by, or null
 */
public record RunReport(RunManifest manifest, Map<String, Long> statusCounts, List<Bin> confidence,
    List<Agreement> byPosition, String groupColumn, List<Agreement> byGroup, List<Frequent> frequent,
    List<Example> examples) {

  public RunReport {
    statusCounts = new TreeMap<>(statusCounts);
    confidence = List.copyOf(confidence);
    byPosition = List.copyOf(byPosition);
    byGroup = List.copyOf(byGroup);
    frequent = List.copyOf(frequent);
    examples = List.copyOf(examples);
  }

  /** The report of {@code run}; {@code groupColumn} null picks {@code service}, {@code services} or {@code domain}. */
  public static RunReport of(ScoringRun run, String groupColumn) {
    return ReportAggregations.compute(run, groupColumn);
  }

  public long rows() {
    return statusCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Confidences in {@code [lo, hi)} (the last bin also holds {@code hi}). */
  public record Bin(double lo, double hi, long count) {}

  /** Rows with an actual turn, and how many predicted it exactly or had it among the top k. */
  public record Agreement(String key, long judged, long exact, long inTopK) {
    public double exactRate() {
      return judged == 0 ? 0 : (double) exact / judged;
    }

    public double topKRate() {
      return judged == 0 ? 0 : (double) inTopK / judged;
    }
  }

  /** A predicted turn and how many rows predicted it. */
  public record Frequent(String text, long count) {}

  /** One candidate of a row's top k. */
  public record Candidate(String text, double score) {}

  /**
   * A scored row with the turns before it that the run also has rows for (their actual text),
   * oldest first.
   */
  public record Example(String conversationId, int turnIndex, List<String> context, String predicted,
      Double confidence, String actual, List<Candidate> topK, String status, String error) {
    public Example {
      context = List.copyOf(context);
      topK = List.copyOf(topK);
    }
  }
}
