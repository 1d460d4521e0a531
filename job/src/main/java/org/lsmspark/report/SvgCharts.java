package org.lsmspark.report;

import java.util.List;
import java.util.Locale;

/** Inline SVG charts: drawn here so that the report needs no script and no network. */
final class SvgCharts {
  static final String BLUE = "#4c78a8";
  static final String ORANGE = "#f58518";
  private static final int WIDTH = 720;
  private static final int LABEL_WIDTH = 260;

  private SvgCharts() {}

  /** A horizontal bar: its label, its length, and the text written after it. */
  record Bar(String label, double value, String text) {}

  /** Vertical bars, one per histogram bin, with the bins' edges under them. */
  static String histogram(List<RunReport.Bin> bins, String xLabel) {
    if (bins.isEmpty()) {
      return empty();
    }
    int height = 220;
    int left = 50;
    int bottom = 40;
    double plotW = WIDTH - left - 10;
    double plotH = height - bottom - 20;
    long max = bins.stream().mapToLong(RunReport.Bin::count).max().orElse(0);
    double w = plotW / bins.size();
    StringBuilder s = open(height, "histogram");
    for (int i = 0; i < bins.size(); i++) {
      RunReport.Bin b = bins.get(i);
      double h = max == 0 ? 0 : plotH * b.count() / max;
      s.append(rect(left + i * w + 1, 20 + plotH - h, Math.max(w - 2, 1), h, BLUE,
          fmt(b.lo()) + "–" + fmt(b.hi()) + ": " + b.count()));
      if (i % Math.max(1, bins.size() / 10) == 0) {
        s.append(text(left + i * w, 20 + plotH + 15, fmt(b.lo()), "start"));
      }
    }
    s.append(text(left - 5, 25, String.valueOf(max), "end"))
        .append(text(left - 5, 20 + plotH, "0", "end"))
        .append(line(left, 20 + plotH, WIDTH - 10, 20 + plotH))
        .append(text(left + plotW / 2, height - 5, xLabel, "middle"));
    return s.append("</svg>").toString();
  }

  /** Horizontal bars, longest value full width; labels on the left. */
  static String bars(List<Bar> bars) {
    if (bars.isEmpty()) {
      return empty();
    }
    int row = 22;
    int height = bars.size() * row + 10;
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
    double plotW = WIDTH - LABEL_WIDTH - 110;
    StringBuilder s = open(height, "bars");
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double y = 5 + i * row;
      double w = max <= 0 ? 0 : plotW * Math.max(b.value(), 0) / max;
      s.append(text(LABEL_WIDTH - 6, y + 15, Html.shorten(b.label(), 40), "end"))
          .append(rect(LABEL_WIDTH, y + 3, w, row - 6, BLUE, b.label() + ": " + b.text()))
          .append(text(LABEL_WIDTH + w + 6, y + 15, b.text(), "start"));
    }
    return s.append("</svg>").toString();
  }

  /** Two bars per key: the exact-match rate and the top-k rate, on a 0–1 scale. */
  static String agreement(List<RunReport.Agreement> groups) {
    if (groups.isEmpty()) {
      return empty();
    }
    int height = 240;
    int left = 50;
    int bottom = 60;
    double plotW = WIDTH - left - 10;
    double plotH = height - bottom - 20;
    double w = plotW / groups.size();
    StringBuilder s = open(height, "agreement");
    for (int i = 0; i < groups.size(); i++) {
      RunReport.Agreement g = groups.get(i);
      double x = left + i * w;
      double bw = Math.max((w - 4) / 2, 1);
      double he = plotH * g.exactRate();
      double ht = plotH * g.topKRate();
      s.append(rect(x + 2, 20 + plotH - he, bw, he, BLUE, g.key() + ": exact " + pct(g.exactRate()) + " of "
              + g.judged()))
          .append(rect(x + 2 + bw, 20 + plotH - ht, bw, ht, ORANGE, g.key() + ": in top k " + pct(g.topKRate())
              + " of " + g.judged()));
      if (groups.size() <= 30 || i % (groups.size() / 30 + 1) == 0) {
        s.append(text(x + w / 2, 20 + plotH + 14, Html.shorten(g.key(), Math.max(3, (int) (w / 6))), "middle"));
      }
    }
    s.append(text(left - 5, 25, "100%", "end"))
        .append(text(left - 5, 20 + plotH, "0%", "end"))
        .append(line(left, 20 + plotH, WIDTH - 10, 20 + plotH))
        .append(rect(left, height - 22, 12, 12, BLUE, "exact match"))
        .append(text(left + 16, height - 12, "exact match", "start"))
        .append(rect(left + 120, height - 22, 12, 12, ORANGE, "in top k"))
        .append(text(left + 136, height - 12, "actual turn in top k", "start"));
    return s.append("</svg>").toString();
  }

  static String pct(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * rate);
  }

  private static StringBuilder open(int height, String kind) {
    return new StringBuilder(2048).append("<svg class=\"chart ").append(kind)
        .append("\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\">");
  }

  private static String empty() {
    return "<p class=\"empty\">No data.</p>";
  }

  private static String rect(double x, double y, double w, double h, String fill, String title) {
    return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
        + "<title>%s</title></rect>", x, y, w, h, fill, Html.escape(title));
  }

  private static String text(double x, double y, String text, String anchor) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
        Html.escape(text));
  }

  private static String line(double x1, double y1, double x2, double y2) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>",
        x1, y1, x2, y2);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
