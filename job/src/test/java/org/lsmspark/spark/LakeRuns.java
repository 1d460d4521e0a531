package org.lsmspark.spark;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Requests and readers shared by the table-format tests. */
final class LakeRuns {
  static final Path GOLDEN = Path.of(System.getProperty("golden.dir"));
  static final String MODEL = GOLDEN.resolve("model").toString();

  private LakeRuns() {}

  static ScoreJob.Request request(String input, String output, TableFormat format, String warehouse, LocalDate date,
      int topK) {
    return new ScoreJob.Request(MODEL, input, output, Corpus.Columns.defaults(),
        new ScoreSettings(WindowMode.ALL, ScoreSettings.DEFAULT_MIN_CONTEXT, 16, topK, 1000, 64L << 20, false),
        date, 3, false, "auto", format, warehouse);
  }

  /** conversation/turn@date → run id, prediction and top k; fails on a duplicate row. */
  static Map<String, String> rows(Dataset<Row> table) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : table.collectAsList()) {
      String key = r.getAs("conversation_id") + "/" + r.getAs("turn_index") + "@" + r.getAs("run_date");
      String value = r.getAs("run_id") + "|" + r.getAs("status") + "|" + r.getAs("predicted_text") + "|"
          + r.getAs("confidence") + "|" + ScoreJobTest.topK(r) + "|" + r.getAs("actual_text");
      if (out.put(key, value) != null) {
        throw new AssertionError("duplicate row " + key);
      }
    }
    return out;
  }

  /** The same rows without the run id: what two runs of one model must agree on. */
  static Map<String, String> withoutRunId(Map<String, String> rows) {
    Map<String, String> out = new TreeMap<>();
    rows.forEach((k, v) -> out.put(k, v.substring(v.indexOf('|') + 1)));
    return out;
  }
}
