package org.lsmspark.report;

import static org.lsmspark.report.Html.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.lsmspark.spark.RunManifest;
import org.lsmspark.spark.ScoreSchema;

/**
 * Renders a {@link RunReport} as one self-contained HTML page: inline CSS and SVG, no script,
 * and a content security policy that forbids loading anything, so that predicted text (any user
 * text) can neither run nor fetch.
 */
public final class HtmlReport {
  static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  private static final int TEXT_MAX = 300;
  private static final String STYLE = "body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:960px;"
      + "color:#222;background:#fff}h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}"
      + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;"
      + "vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}svg text{font-size:11px;"
      + "fill:#333}.muted{color:#777}.ctx{color:#555}.err{color:#b00}";

  private HtmlReport() {}

  public static String render(RunReport r) {
    RunManifest m = r.manifest();
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">")
        .append("<title>lsm run ").append(escape(m.runId())).append("</title><style>").append(STYLE)
        .append("</style></head><body>\n");
    h.append("<h1>Scoring run ").append(escape(m.runId())).append("</h1>\n");
    table(h, List.of(row("model", m.modelId() + " (" + m.modelFingerprint() + ")"), row("model path", m.model()),
        row("input", m.input()), row("output", m.output()), row("run date", m.runDate()),
        row("finished at", m.finishedAt()),
        row("lsm-spark", m.lsmSpark() == null ? "not recorded (an older manifest)" : m.lsmSpark())));

    h.append("<h2>Counts and status</h2>\n");
    RunManifest.Counts c = m.counts();
    List<String[]> counts = new ArrayList<>(List.of(row("conversations", c.conversations()),
        row("turns read", c.turnsRead()), row("windows scored", c.windowsScored()), row("errors", c.errors()),
        row("turns without enough context", c.skippedShortContext()), row("duplicate turns", c.duplicateTurns()),
        row("turns without a conversation id or turn index", c.turnsWithoutKey()), row("rows written", c.rowsWritten()),
        row("rows in the table now", r.rows())));
    r.statusCounts().forEach((status, n) -> counts.add(row("rows with status " + status, n)));
    table(h, counts);

    h.append("<h2>Confidence</h2>\n<p class=\"muted\">Cosine similarity of the best vocabulary turn, rows with "
        + "status ok.</p>\n").append(SvgCharts.histogram(r.confidence(), "confidence"));

    h.append("<h2>Agreement with the actual turn, by turn position</h2>\n<p class=\"muted\">Rows whose actual "
        + "turn is known; the last position holds every later one.</p>\n");
    agreement(h, r.byPosition(), "turn");
    h.append("<h2>Agreement by service or domain</h2>\n");
    if (r.groupColumn() == null) {
      h.append("<p class=\"muted\">The rows have no service or domain column (service, services, domain).</p>\n");
    } else {
      h.append("<p class=\"muted\">By column <code>").append(escape(r.groupColumn())).append("</code>.</p>\n");
      agreement(h, r.byGroup(), escape(r.groupColumn()));
    }

    h.append("<h2>Most frequent predicted turns</h2>\n").append(SvgCharts.bars(r.frequent().stream()
        .map(f -> new SvgCharts.Bar(f.text(), f.count(), f.count() + " (" + SvgCharts.pct(share(f.count(), r))
            + ")")).toList()));

    h.append("<h2>Throughput and model loads per executor</h2>\n");
    table(h, List.of(row("windows per second (score and write)", fmt(m.windowsPerSecond())),
        row("executors with an engine", m.engines().executors()), row("engine load time, summed (s)",
            fmt(m.engines().loadMillis() / 1e3)), row("windows through the model", m.engines().modelWindows()),
        row("heap trims", m.engines().heapTrims())));
    h.append(SvgCharts.bars(new TreeMap<>(m.modelLoadsPerExecutor()).entrySet().stream()
        .map(e -> new SvgCharts.Bar("executor " + e.getKey(), e.getValue(), e.getValue() + " load(s)")).toList()));

    h.append("<h2>Cache hit rates</h2>\n").append(SvgCharts.bars(m.engines().caches().entrySet().stream()
        .map(e -> new SvgCharts.Bar(e.getKey(), e.getValue().hitRate(), SvgCharts.pct(e.getValue().hitRate())
            + " of " + e.getValue().requests())).toList()));

    RunManifest.Durations d = m.durations();
    h.append("<h2>Phase durations</h2>\n<p class=\"muted\">Total ").append(fmt(d.totalSeconds()))
        .append(" s; scoring tasks ").append(fmt(d.scoringTaskSeconds())).append(" s summed over tasks.</p>\n")
        .append(SvgCharts.bars(List.of(
            new SvgCharts.Bar("prepare", d.prepareSeconds(), fmt(d.prepareSeconds()) + " s"),
            new SvgCharts.Bar("score and write", d.scoreAndWriteSeconds(), fmt(d.scoreAndWriteSeconds()) + " s"),
            new SvgCharts.Bar("verify", d.verifySeconds(), fmt(d.verifySeconds()) + " s"))));

    h.append("<h2>Example windows</h2>\n");
    examples(h, r.examples());

    h.append("<h2>Options</h2>\n");
    RunManifest.Options o = m.options();
    table(h, List.of(row("mode", o.mode()), row("min context", o.minContext()), row("batch size", o.batchSize()),
        row("top k", o.topK()), row("cache size", o.cacheSize()), row("cache memory (bytes)", o.cacheMemoryBytes()),
        row("legacy mode", o.legacyMode()), row("partitions", o.partitions()),
        row("columns", o.columns().conversation() + ", " + o.columns().turnIndex() + ", " + o.columns().text()),
        row("decode", decode(m.engines().decode()))));
    return h.append("</body></html>\n").toString();
  }

  private static void agreement(StringBuilder h, List<RunReport.Agreement> groups, String keyHeader) {
    h.append(SvgCharts.agreement(groups));
    h.append("<table><tr><th>").append(keyHeader).append("</th><th>rows</th><th>exact</th><th>in top k</th></tr>");
    for (RunReport.Agreement g : groups) {
      h.append("<tr><td>").append(escape(g.key())).append("</td><td class=\"n\">").append(g.judged())
          .append("</td><td class=\"n\">").append(SvgCharts.pct(g.exactRate())).append("</td><td class=\"n\">")
          .append(SvgCharts.pct(g.topKRate())).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static void examples(StringBuilder h, List<RunReport.Example> examples) {
    if (examples.isEmpty()) {
      h.append("<p class=\"muted\">No rows.</p>\n");
      return;
    }
    h.append("<table><tr><th>conversation, turn</th><th>earlier turns</th><th>predicted</th><th>actual</th></tr>");
    for (RunReport.Example e : examples) {
      h.append("<tr><td>").append(escape(Html.shorten(e.conversationId(), 80))).append(", ").append(e.turnIndex())
          .append("</td><td class=\"ctx\">");
      e.context().forEach(t -> h.append(escape(Html.shorten(t, TEXT_MAX))).append("<br>"));
      h.append("</td><td>");
      if (ScoreSchema.STATUS_OK.equals(e.status())) {
        h.append(escape(Html.shorten(e.predicted(), TEXT_MAX)));
        if (e.confidence() != null) {
          h.append(" <span class=\"muted\">(").append(fmt(e.confidence())).append(")</span>");
        }
        if (!e.topK().isEmpty()) {
          h.append("<br><span class=\"muted\">top k: ");
          e.topK().forEach(k -> h.append(escape(Html.shorten(k.text(), 80))).append(" (").append(fmt(k.score()))
              .append("); "));
          h.append("</span>");
        }
      } else {
        h.append("<span class=\"err\">").append(escape(e.status())).append(": ")
            .append(escape(Html.shorten(e.error(), TEXT_MAX))).append("</span>");
      }
      h.append("</td><td>").append(e.actual() == null ? "<span class=\"muted\">unknown</span>"
          : escape(Html.shorten(e.actual(), TEXT_MAX))).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static double share(long n, RunReport r) {
    long ok = r.statusCounts().getOrDefault(ScoreSchema.STATUS_OK, 0L);
    return ok == 0 ? 0 : (double) n / ok;
  }

  /** The decode mode and its sampled recall; a manifest from before the decode was recorded has none. */
  static String decode(RunManifest.Decode d) {
    if (d == null) {
      return "not recorded (an older manifest)";
    }
    String s = d.mode() + ", check rate " + d.checkRate();
    if (d.checked() == 0 || d.recallAt1() == null) {
      return s;
    }
    return s + "; " + d.checked() + " checked against exact: recall@1 " + fmt(d.recallAt1())
        + (d.recallAt5() == null ? "" : ", recall@5 " + fmt(d.recallAt5()));
  }

  private static String[] row(String key, Object value) {
    return new String[] {key, String.valueOf(value)};
  }

  private static void table(StringBuilder h, List<String[]> rows) {
    h.append("<table>");
    for (String[] r : rows) {
      h.append("<tr><th>").append(escape(r[0])).append("</th><td>").append(escape(r[1])).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
