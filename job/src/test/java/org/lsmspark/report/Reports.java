package org.lsmspark.report;

import java.util.List;
import java.util.Map;
import org.lsmspark.spark.RunManifest;

/** Reports for rendering tests, with predicted text that is markup and script. */
final class Reports {
  static final String SCRIPT = "<script>console.error('xss script ran')</script>";
  static final String IMG = "\"><img src=x onerror=\"console.error('xss img ran')\">";

  private Reports() {}

  static RunManifest manifest(String runId) {
    return new RunManifest(runId, "model <b>1</b>", "f00d", "file:/m", "file:/in", "file:/out", "2026-11-28",
        "2026-11-28T10:00:00Z",
        new RunManifest.Options("all", 10, 256, 5, 10_000, 256L << 20, false, 4,
            new RunManifest.Columns("dialogue_id", "turn_index", "text")),
        new RunManifest.Counts(3, 40, 10, 1, 29, 0, 1, 10), Map.of("driver", 1L, "1", 2L),
        new RunManifest.Engines(0, 1_250, 9, 10, Map.of("prediction", new RunManifest.Cache(9, 4_096, 0, 1, 10, 0.1),
            "embedding", new RunManifest.Cache(3, 1_024, 0, 6, 8, 0.75)), 2),
        new RunManifest.Durations(1.5, 2.25, 0.5, 4.25, 1.75), 4.44);
  }

  /** {@code m} with an approximate decode's recall, as a manifest written since the decode is recorded. */
  static RunManifest withDecode(RunManifest m) {
    RunManifest.Engines e = m.engines();
    return new RunManifest(m.runId(), m.modelId(), m.modelFingerprint(), m.model(), m.input(), m.output(),
        m.runDate(), m.finishedAt(), m.lsmSpark(), m.options(), m.counts(), m.modelLoadsPerExecutor(),
        new RunManifest.Engines(e.heapTrims(), e.loadMillis(), e.modelWindows(), e.windows(), e.caches(),
            e.executors(), new RunManifest.Decode("approximate", 0.5, 8, 0.875, 0.95)),
        m.durations(), m.windowsPerSecond(), m.table(), m.incremental());
  }

  static RunReport sample() {
    return new RunReport(manifest("run-1"), Map.of("ok", 9L, "error", 1L),
        List.of(new RunReport.Bin(0, 0.05, 0), new RunReport.Bin(0.05, 0.1, 2), new RunReport.Bin(0.1, 0.15, 7)),
        List.of(new RunReport.Agreement("1", 4, 1, 2), new RunReport.Agreement("20+", 5, 0, 5)), "services",
        List.of(new RunReport.Agreement(SCRIPT, 9, 1, 7)),
        List.of(new RunReport.Frequent(SCRIPT, 6), new RunReport.Frequent(IMG, 3)),
        List.of(new RunReport.Example("c" + IMG, 3, List.of("hello", SCRIPT), IMG, 0.5, SCRIPT,
                List.of(new RunReport.Candidate(IMG, 0.5), new RunReport.Candidate("x & y", 0.25)), "ok", null),
            new RunReport.Example("c2", 1, List.of(), null, null, null, List.of(), "error", "bad " + SCRIPT)));
  }
}
