package org.lsmspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.lsmspark.spark.LsmSparkVersion;
import org.lsmspark.spark.RunManifest;

class HtmlReportTest {
  @Test
  void userTextIsEscapedEverywhere() {
    String html = HtmlReport.render(Reports.sample());
    String lower = html.toLowerCase(Locale.ROOT);
    assertFalse(lower.contains("<script"), "a predicted <script> reached the page");
    assertFalse(lower.contains("<img"), "a predicted <img> reached the page");
    assertFalse(lower.contains("<b>"), "the model id's markup reached the page");
    assertTrue(html.contains("&lt;script&gt;console.error(&#39;xss script ran&#39;)&lt;/script&gt;"));
    assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=&quot;"));
    assertTrue(html.contains("x &amp; y (0.25)"));
  }

  @Test
  void thePageLoadsNothingAndForbidsLoading() {
    String html = HtmlReport.render(Reports.sample());
    assertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"" + HtmlReport.CSP + "\">"));
    Matcher m = Pattern.compile("(?i)https?://[^\"\\s<]*").matcher(html);
    while (m.find()) {
      assertEquals("http://www.w3.org/2000/svg", m.group(), "a URL other than the SVG namespace");
    }
    assertFalse(html.toLowerCase(Locale.ROOT).contains("<link"));
  }

  @Test
  void everySectionIsThereWithItsFigures() {
    String html = HtmlReport.render(Reports.sample());
    for (String heading : List.of("Counts and status", "Confidence", "by turn position", "by service or domain",
        "Most frequent predicted turns", "Throughput and model loads per executor", "Cache hit rates",
        "Phase durations", "Example windows", "Options")) {
      assertTrue(html.contains(heading), heading);
    }
    assertTrue(html.contains("<th>rows with status error</th><td>1</td>"));
    assertTrue(html.contains("<th>windows per second (score and write)</th><td>4.44</td>"));
    assertTrue(html.contains("embedding: 75.0% of 8"), "cache hit rate bar");
    assertTrue(html.contains("executor 1: 2 load(s)"), "model loads per executor");
    assertTrue(html.contains("<th>lsm-spark</th><td>" + Html.escape(LsmSparkVersion.of()) + "</td>"), html);
    RunReport r = Reports.sample();
    RunManifest m = r.manifest();
    RunManifest older = new RunManifest(m.runId(), m.modelId(), m.modelFingerprint(), m.model(), m.input(), m.output(),
        m.runDate(), m.finishedAt(), null, m.options(), m.counts(), m.modelLoadsPerExecutor(), m.engines(),
        m.durations(), m.windowsPerSecond(), m.table(), m.incremental());
    assertTrue(HtmlReport.render(new RunReport(older, r.statusCounts(), r.confidence(), r.byPosition(),
        r.groupColumn(), r.byGroup(), r.frequent(), r.examples()))
        .contains("<th>lsm-spark</th><td>not recorded (an older manifest)</td>"), "a manifest without the version");
    assertTrue(html.contains("By column <code>services</code>"));
    assertTrue(html.contains("<td>20+</td><td class=\"n\">5</td><td class=\"n\">0.0%</td><td class=\"n\">100.0%</td>"));
  }

  @Test
  void withoutAGroupColumnTheReportSaysSo() {
    RunReport r = Reports.sample();
    RunReport plain = new RunReport(r.manifest(), r.statusCounts(), r.confidence(), r.byPosition(), null, List.of(),
        r.frequent(), List.of());
    String html = HtmlReport.render(plain);
    assertTrue(html.contains("The rows have no service or domain column"));
    assertTrue(html.contains("<p class=\"muted\">No rows.</p>"));
    assertEquals(Map.of("error", 1L, "ok", 9L), plain.statusCounts());
  }

  /** A manifest from before the decode was recorded renders; a newer one shows the decode and its recall. */
  @Test
  void theDecodeIsShownWhenTheManifestHasIt() {
    RunReport r = Reports.sample();
    assertTrue(HtmlReport.render(r).contains("<th>decode</th><td>not recorded (an older manifest)</td>"));
    RunReport withDecode = new RunReport(Reports.withDecode(r.manifest()), r.statusCounts(), r.confidence(),
        r.byPosition(), r.groupColumn(), r.byGroup(), r.frequent(), r.examples());
    assertTrue(HtmlReport.render(withDecode).contains(
        "<th>decode</th><td>approximate, check rate 0.5; 8 checked against exact: recall@1 0.88, recall@5 0.95</td>"),
        HtmlReport.render(withDecode));
  }
}
