package org.lsmspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgChartsTest {
  private static final Pattern RECT = Pattern.compile("<rect [^>]*width=\"([0-9.]+)\" height=\"([0-9.]+)\" fill=\"([^\"]+)\"");

  private static List<double[]> rects(String svg, String fill, int dimension) {
    List<double[]> out = new ArrayList<>();
    Matcher m = RECT.matcher(svg);
    while (m.find()) {
      if (m.group(3).equals(fill)) {
        out.add(new double[] {Double.parseDouble(m.group(dimension))});
      }
    }
    return out;
  }

  @Test
  void histogramBarsAreProportionalToTheCounts() {
    String svg = SvgCharts.histogram(List.of(new RunReport.Bin(0, 0.5, 2), new RunReport.Bin(0.5, 1, 8),
        new RunReport.Bin(1, 1.5, 0)), "confidence");
    List<double[]> heights = rects(svg, SvgCharts.BLUE, 2);
    assertEquals(3, heights.size());
    assertEquals(4 * heights.get(0)[0], heights.get(1)[0], 0.11);
    assertEquals(0, heights.get(2)[0]);
    assertTrue(svg.contains("<title>0.50–1.00: 8</title>"), svg);
  }

  @Test
  void barsScaleToTheLongestAndAgreementToOne() {
    String bars = SvgCharts.bars(List.of(new SvgCharts.Bar("a", 1, "1"), new SvgCharts.Bar("b", 3, "3")));
    List<double[]> widths = rects(bars, SvgCharts.BLUE, 1);
    assertEquals(3 * widths.get(0)[0], widths.get(1)[0], 0.11);

    String agreement = SvgCharts.agreement(List.of(new RunReport.Agreement("1", 4, 1, 4),
        new RunReport.Agreement("2", 0, 0, 0)));
    List<double[]> exact = rects(agreement, SvgCharts.BLUE, 2);
    List<double[]> topK = rects(agreement, SvgCharts.ORANGE, 2);
    // the full top-k bar is four times the exact one; a key with nothing judged draws nothing
    assertEquals(4 * exact.get(0)[0], topK.get(0)[0], 0.11);
    assertEquals(0, exact.get(1)[0]);
    assertFalse(agreement.contains("NaN"));
  }

  @Test
  void noDataIsSaidNotDrawn() {
    assertEquals("<p class=\"empty\">No data.</p>", SvgCharts.histogram(List.of(), "x"));
    assertEquals("<p class=\"empty\">No data.</p>", SvgCharts.bars(List.of()));
    assertEquals("<p class=\"empty\">No data.</p>", SvgCharts.agreement(List.of()));
  }
}
