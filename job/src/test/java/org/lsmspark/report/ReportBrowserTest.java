package org.lsmspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser: headless Chromium draws it (the plots are there, in their
 * colours) and logs nothing to the console: no script ran and nothing was blocked. Skipped when
 * no Chromium is installed; {@code .ci/run} installs Debian's.
 */
class ReportBrowserTest {
  @TempDir Path tmp;

  static Optional<Path> chromium() {
    String env = System.getenv("CHROMIUM");
    if (env != null && Files.isExecutable(Path.of(env))) {
      return Optional.of(Path.of(env));
    }
    return Stream.of(System.getenv("PATH").split(File.pathSeparator))
        .flatMap(dir -> Stream.of("chromium", "chromium-browser", "google-chrome").map(n -> Path.of(dir, n)))
        .filter(Files::isExecutable).findFirst();
  }

  @Test
  void chromiumDrawsThePlotsAndLogsNoConsoleMessage() throws Exception {
    Optional<Path> browser = chromium();
    assumeTrue(browser.isPresent(), "no chromium on PATH (set CHROMIUM to its path)");
    Path page = tmp.resolve("report.html");
    Files.writeString(page, HtmlReport.render(Reports.sample()), StandardCharsets.UTF_8);
    Path png = tmp.resolve("report.png");
    Path log = tmp.resolve("chromium.log");
    Process p = new ProcessBuilder(browser.get().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + tmp.resolve("profile"),
        "--window-size=1000,2600", "--screenshot=" + png, "--enable-logging=stderr", "--v=0",
        page.toUri().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join("\n", lines));
    List<String> console = lines.stream().filter(l -> l.contains(":CONSOLE")).toList();
    assertEquals(List.of(), console, "console messages while rendering the report");

    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "no screenshot written");
    long blue = count(image, 0x4c78a8);
    long orange = count(image, 0xf58518);
    long white = count(image, 0xffffff);
    long pixels = (long) image.getWidth() * image.getHeight();
    // bars of the histogram, the agreement and the bar charts, and the top-k bars, drawn in their colours
    assertTrue(blue > 2_000, "blue bar pixels: " + blue);
    assertTrue(orange > 500, "orange bar pixels: " + orange);
    assertTrue(white < pixels * 0.98, "the screenshot is blank");
  }

  private static long count(BufferedImage image, int rgb) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}
