package org.lsmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WindowLineTest {
  private static WindowLine parse(String text) {
    return WindowLine.parse(new JsonLines.Line(7, text, null));
  }

  @Test
  void readsTheIdAndTurnsPastOtherFieldsOfAnyDepth() {
    WindowLine w = parse("{\"meta\": {\"a\": [1, {\"turns\": 5}]}, \"id\": \"w1\", \"extra\": [[\"x\"]], "
        + "\"turns\": [\"hi\", \"there \\\"you\\\"\", \"\"]}");
    assertNull(w.error());
    assertEquals(7, w.line());
    assertEquals(new WindowLine.Id("w1", true), w.id());
    assertEquals(List.of("hi", "there \"you\"", ""), w.turns());
  }

  /** Numbers and booleans are written back as the input spelled them. */
  @ParameterizedTest
  @ValueSource(strings = {"12", "-3", "1.50", "1E2", "123456789012345678901234567890", "true"})
  void keepsANonStringIdAsSpelled(String id) {
    WindowLine w = parse("{\"id\": " + id + ", \"turns\": [\"a\"]}");
    assertNull(w.error());
    assertEquals(new WindowLine.Id(id, false), w.id());
  }

  @Test
  void aRepeatedFieldCountsAsItsLastValue() {
    WindowLine w = parse("{\"id\": 1, \"turns\": [2], \"id\": \"b\", \"turns\": [\"x\", \"y\"]}");
    assertNull(w.error());
    assertEquals(new WindowLine.Id("b", true), w.id());
    assertEquals(List.of("x", "y"), w.turns());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{not json|line 7: invalid JSON",
    "{\"id\": 1, \"turns\": [\"a\"]|line 7: invalid JSON",
    "{\"id\": 1, \"turns\": [\"a\"]} {\"id\": 2, \"turns\": [\"b\"]}|line 7: invalid JSON (more after the object)",
    "[\"a\"]|line 7: not a JSON object",
    "\"text\"|line 7: not a JSON object",
    "{\"turns\": [\"a\"]}|line 7: no \"id\" (a string or number)",
    "{\"id\": null, \"turns\": [\"a\"]}|line 7: no \"id\" (a string or number)",
    "{\"id\": {\"n\": 1}, \"turns\": [\"a\"]}|line 7: no \"id\" (a string or number)",
    "{\"id\": [1], \"turns\": [\"a\"]}|line 7: no \"id\" (a string or number)",
    "{\"id\": \"x\"}|line 7: no \"turns\" array",
    "{\"id\": \"x\", \"turns\": \"a b\"}|line 7: no \"turns\" array",
    "{\"id\": \"x\", \"turns\": {\"0\": \"a\"}}|line 7: no \"turns\" array",
    "{\"id\": \"x\", \"turns\": [\"a\", 7, null]}|line 7: turn 1 is not a string",
    "{\"id\": \"x\", \"turns\": [\"a\", [\"b\"], 7]}|line 7: turn 1 is not a string",
    "{\"id\": \"x\", \"turns\": [null]}|line 7: turn 0 is not a string",
  })
  void saysWhatIsWrongWithTheLineItsNumberIn(String text, String error) {
    WindowLine w = parse(text);
    assertEquals(error, w.error());
    assertNull(w.turns());
  }

  @Test
  void aLineWithoutAUsableIdIsNamedByItsNumber() {
    assertEquals(new WindowLine.Id("7", false), parse("{not json").id());
    assertEquals(new WindowLine.Id("7", false), parse("{\"turns\": []}").id());
    assertEquals(new WindowLine.Id("x", true), parse("{\"id\": \"x\", \"turns\": [1]}").id(),
        "a line with an id keeps it in its error row");
  }

  @Test
  void anUndecodableLineKeepsItsReason() {
    WindowLine w = WindowLine.parse(new JsonLines.Line(3, null, "invalid UTF-8"));
    assertEquals("line 3: invalid UTF-8", w.error());
    assertEquals(new WindowLine.Id("3", false), w.id());
  }

  @Test
  void anEmptyTurnsArrayIsAWindowTheEngineJudges() {
    WindowLine w = parse("{\"id\": \"x\", \"turns\": []}");
    assertNull(w.error());
    assertTrue(w.turns().isEmpty());
    assertFalse(w.id().text().isEmpty());
  }
}
