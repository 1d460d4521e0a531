package org.lsmspark.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One input line of {@code lsm predict}: its id and window, or an error that names what is wrong.
 * Read with Jackson's streaming parser, not its tree model: a line is read once, field by field,
 * and the JIT has far less code to compile while a short run is scoring (the tree model's
 * deserializer was among the largest compilations of a 5,000-window run).
 *
 * @param line the 1-based line number
 * @param id the id to write back; the line number when the line has none
 * @param turns the window, or null with an error
 * @param error why the line cannot be scored, naming the line; null when it can
 */
record WindowLine(long line, Id id, List<String> turns, String error) {
  private static final JsonFactory JSON = new JsonFactory();

  /** An id as given: a string, or the text of a number or boolean, written back as it came. */
  record Id(String text, boolean string) {
    static Id of(long number) {
      return new Id(Long.toString(number), false);
    }
  }

  /** Parses one line; the engine checks the window's length against the model. */
  static WindowLine parse(JsonLines.Line line) {
    long n = line.number();
    if (line.error() != null) {
      return failed(n, Id.of(n), line.error());
    }
    try (JsonParser p = JSON.createParser(line.text())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return failed(n, Id.of(n), "not a JSON object");
      }
      Id id = null;
      boolean turnsArray = false;
      List<String> turns = null;
      int firstNonString = -1;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("id")) { // a repeated field counts as its last value, as in a parsed tree
          id = value.isScalarValue() && value != JsonToken.VALUE_NULL ? new Id(p.getText(), value == JsonToken.VALUE_STRING)
              : null;
          p.skipChildren();
        } else if (name.equals("turns")) {
          turnsArray = value == JsonToken.START_ARRAY;
          turns = new ArrayList<>();
          firstNonString = -1;
          if (turnsArray) {
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
              if (t == JsonToken.VALUE_STRING) {
                turns.add(p.getText());
              } else {
                if (firstNonString < 0) {
                  firstNonString = turns.size();
                }
                turns.add(null);
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) { // two objects on a line would otherwise lose the second
        return failed(n, Id.of(n), "invalid JSON (more after the object)");
      }
      if (id == null) {
        return failed(n, Id.of(n), "no \"id\" (a string or number)");
      }
      if (!turnsArray) {
        return failed(n, id, "no \"turns\" array");
      }
      if (firstNonString >= 0) {
        return failed(n, id, "turn " + firstNonString + " is not a string");
      }
      return new WindowLine(n, id, turns, null);
    } catch (IOException e) { // Jackson's parse errors are IOExceptions; the text is in memory
      return failed(n, Id.of(n), "invalid JSON");
    }
  }

  private static WindowLine failed(long line, Id id, String why) {
    return new WindowLine(line, id, null, "line " + line + ": " + why);
  }
}
