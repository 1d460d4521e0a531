package org.lsmspark.cli;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a text file line by line, {@code .gz} or plain, decoding each line as strict UTF-8 on
 * its own so that one bad line is reported with its number and the rest is still read.
 */
final class JsonLines implements Closeable {
  /** One line: its 1-based number and its text, or the reason it could not be decoded. */
  record Line(long number, String text, String error) {}

  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  /** Read ahead, scanned for line ends here: a byte at a time through a stream's read() cost ~25 µs a line. */
  private final byte[] buffer;
  private int pos;
  private int limit;
  private long number;

  JsonLines(Path path) throws IOException {
    this(path, 1 << 16);
  }

  /** @param bufferBytes bytes read ahead (tests make it small to split lines across reads) */
  JsonLines(Path path, int bufferBytes) throws IOException {
    InputStream raw = Files.newInputStream(path);
    this.in = path.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    this.buffer = new byte[bufferBytes];
  }

  /** The next line, or null at the end. */
  Line next() throws IOException {
    line.reset();
    boolean ended = false;
    while (!ended) {
      if (pos == limit) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          break;
        }
        pos = 0;
        limit = n;
      }
      int start = pos;
      while (pos < limit && buffer[pos] != '\n') {
        pos++;
      }
      line.write(buffer, start, pos - start);
      if (pos < limit) {
        pos++;
        ended = true;
      }
    }
    if (!ended && line.size() == 0) {
      return null;
    }
    number++;
    byte[] bytes = line.toByteArray();
    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    try {
      return new Line(number, decoder.decode(ByteBuffer.wrap(bytes, 0, len)).toString(), null);
    } catch (CharacterCodingException e) {
      return new Line(number, null, "invalid UTF-8");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
