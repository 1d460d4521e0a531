package org.lsmspark.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** The model's text files: the terms a line, the vocabulary a JSON string a line; a problem names the file and line. */
final class TextLines {
  private static final JsonFactory JSON = new JsonFactory();

  private TextLines() {}

  /** Strictly decoded UTF-8: a malformed sequence is refused with its line, not replaced. */
  private static String utf8(byte[] bytes, String name) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      int line = 1;
      for (int i = 0; i < at; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new ModelFormatException(name, "is not valid UTF-8: malformed bytes on line " + line
          + " at byte offset " + at);
    }
    return out.flip().toString();
  }

  /** The file's lines, strictly decoded, without their ends ({@code \n} or {@code \r\n}). */
  static List<String> lines(byte[] bytes, String name) {
    String text = utf8(bytes, name);
    if (text.isEmpty()) {
      return List.of();
    }
    if (!text.endsWith("\n")) {
      text = text + "\n";
    }
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      String line = text.substring(start, nl);
      out.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      start = nl + 1;
    }
    return out;
  }

  /**
   * Each line one JSON string and nothing else (streamed: no tree a line), the lines parsed in
   * parallel; the first bad line is the one reported.
   */
  static List<String> jsonStrings(byte[] bytes, String name) {
    List<String> lines = lines(bytes, name);
    Object[] parsed = new Object[lines.size()];
    IntStream.range(0, parsed.length).parallel().forEach(i -> {
      try {
        parsed[i] = jsonString(lines.get(i), i + 1, name);
      } catch (ModelFormatException e) {
        parsed[i] = e;
      }
    });
    List<String> out = new ArrayList<>(parsed.length);
    for (Object value : parsed) {
      if (value instanceof ModelFormatException e) {
        throw e;
      }
      out.add((String) value);
    }
    return out;
  }

  private static String jsonString(String line, int lineNumber, String name) {
    String plain = plainJsonString(line);
    if (plain != null) {
      return plain;
    }
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new ModelFormatException(name, "line " + lineNumber + " is not a JSON string");
      }
      String value = p.getText();
      if (p.nextToken() != null) {
        throw new ModelFormatException(name, "line " + lineNumber + " is not a JSON string");
      }
      return value;
    } catch (IOException e) {
      throw new ModelFormatException(name, "line " + lineNumber + " is not valid JSON");
    }
  }

  /**
   * The value of {@code line} when it is a JSON string without escapes (quotes around characters
   * that are neither quotes, backslashes nor control characters), else null for the parser to
   * decide. Most vocabulary lines are such, and need no parser of their own.
   */
  static String plainJsonString(String line) {
    int n = line.length();
    if (n < 2 || line.charAt(0) != '"' || line.charAt(n - 1) != '"') {
      return null;
    }
    for (int i = 1; i < n - 1; i++) {
      char c = line.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        return null;
      }
    }
    return line.substring(1, n - 1);
  }
}
