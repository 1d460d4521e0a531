package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonLinesTest {
  @TempDir Path dir;

  private static final String LONG = "x".repeat(70_000);

  /** CRLF, an empty line, a line longer than the default buffer, bad UTF-8 between good lines, no final newline. */
  private static byte[] content() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write("first\r\n\nsecond é\n".getBytes(StandardCharsets.UTF_8));
    b.write(LONG.getBytes(StandardCharsets.UTF_8));
    b.write('\n');
    b.write(new byte[] {'b', (byte) 0xC3, 'x', '\n'});
    b.write("last".getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }

  private static List<JsonLines.Line> readAll(JsonLines lines) throws IOException {
    List<JsonLines.Line> out = new ArrayList<>();
    for (JsonLines.Line l; (l = lines.next()) != null; ) {
      out.add(l);
    }
    assertNull(lines.next(), "the end stays the end");
    return out;
  }

  @ParameterizedTest(name = "buffer of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 7, 1 << 16})
  void linesAcrossReadsKeepTheirNumbersTextsAndErrors(int bufferBytes) throws IOException {
    Path plain = Files.write(dir.resolve("w.jsonl"), content());
    Path gz = dir.resolve("w.jsonl.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write(content());
    }
    for (Path p : List.of(plain, gz)) {
      try (JsonLines lines = new JsonLines(p, bufferBytes)) {
        List<JsonLines.Line> got = readAll(lines);
        assertEquals(List.of(
            new JsonLines.Line(1, "first", null),
            new JsonLines.Line(2, "", null),
            new JsonLines.Line(3, "second é", null),
            new JsonLines.Line(4, LONG, null),
            new JsonLines.Line(5, null, "invalid UTF-8"),
            new JsonLines.Line(6, "last", null)), got, p.getFileName().toString());
      }
    }
  }

  @ParameterizedTest(name = "buffer of {0} bytes")
  @ValueSource(ints = {1, 4, 1 << 16})
  void aFinalNewlineAddsNoLineAndAnEmptyFileHasNone(int bufferBytes) throws IOException {
    try (JsonLines lines = new JsonLines(Files.writeString(dir.resolve("a.jsonl"), "a\nb\n"), bufferBytes)) {
      assertEquals(List.of(new JsonLines.Line(1, "a", null), new JsonLines.Line(2, "b", null)), readAll(lines));
    }
    try (JsonLines lines = new JsonLines(Files.writeString(dir.resolve("e.jsonl"), ""), bufferBytes)) {
      assertEquals(List.of(), readAll(lines));
    }
  }
}
