package org.lsmspark.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lsmspark.inference.DecodeStats;

/** The decode mode and its sampled recall against exact, as the stats JSON and the run manifest write it. */
final class DecodeJson {
  private DecodeJson() {}

  /** {@code mode}, {@code check_rate}, {@code checked}, {@code recall@1}, {@code recall@5} (null before any check). */
  static void put(ObjectNode o, DecodeStats d) {
    o.put("mode", d.mode().toString());
    o.put("check_rate", d.checkRate());
    o.put("checked", d.checked());
    putRecall(o, "recall@1", d.recallAt1());
    putRecall(o, "recall@5", d.recallAt5());
  }

  private static void putRecall(ObjectNode o, String name, double v) {
    if (Double.isNaN(v)) {
      o.putNull(name);
    } else {
      o.put(name, v);
    }
  }
}
