package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class TextLinesTest {
  @Test
  void aLineReadWithoutTheParserHasTheParsersValueAndEveryOtherLineIsLeftToIt() throws IOException {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    String[] values = {"", "hello", "tab\there", "new\nline", "quote \" inside", "back\\slash", "\u0001",
        "caf\u00e9 \ud83d\ude00", "slash / and \u007f", "{\"a\": 1}", "'single'"};
    for (String v : values) {
      String line = json.writeValueAsString(v);
      String plain = TextLines.plainJsonString(line);
      boolean escaped = line.substring(1, line.length() - 1).matches(".*[\\\\\"\\x00-\\x1f].*");
      assertEquals(escaped ? null : v, plain, line);
      assertEquals(v, json.readValue(line, String.class));
    }
    for (String notPlain : new String[] {"\"", "\"a\"b\"", "\"a\\\"", "abc", "\"a\" ", " \"a\"", "\"a\tb\""}) {
      assertEquals(null, TextLines.plainJsonString(notPlain), notPlain);
    }
  }
}
