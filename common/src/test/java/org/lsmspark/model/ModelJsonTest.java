package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.CnnConfig.Pooling;
import org.lsmspark.model.WaveformConfig.Layout;

class ModelJsonTest {
  /** SHA-256 of the canonical model.json of these v1 models, taken before format v2 existed. */
  private static final String GOLDEN_V1_FINGERPRINT = "9cb9edb5c9ac30a32754d06d8d402358712446b308a8b58ed61f0d3f26ba9d36";
  private static final String TEST_MODEL_FINGERPRINT = "2d1b82c370b7f618b5caf06ee09452ba9a69fcca64bbfd3611e219e38fae5c25";

  @Test
  void v1ModelsKeepTheirCanonicalBytes() {
    assertEquals(GOLDEN_V1_FINGERPRINT, Golden.V1.bundle().fingerprint());
    assertEquals(TEST_MODEL_FINGERPRINT, TestModels.builder().build().fingerprint());
    String json = new String(Golden.V1.bundle().modelJson(), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"format_version\" : 1,"), json);
    assertFalse(json.contains("waveform") || json.contains("pooling"), "a v1 file holds no v2 key");
  }

  @Test
  void v2RoundTripsEveryKey() {
    for (Layout layout : Layout.values()) {
      for (boolean input : new boolean[] {false, true}) {
        for (Pooling pooling : Pooling.values()) {
          ModelConfig c = TestModels.builder().waveform(layout, input).pooling(pooling).config();
          byte[] bytes = ModelJson.write(c, Map.of());
          String text = new String(bytes, StandardCharsets.UTF_8);
          boolean v2 = layout != Layout.ROLLING || input || pooling != Pooling.GLOBAL_AVERAGE;
          assertEquals(v2 ? 2 : 1, c.formatVersion(), text);
          assertTrue(text.contains("\"format_version\" : " + c.formatVersion() + ","), text);
          assertEquals(v2, text.contains("\"layout\" : \"" + layout.jsonName() + "\""), text);
          assertEquals(v2, text.contains("\"pooling\" : \"" + pooling.jsonName() + "\""), text);
          ModelJson.Parsed back = ModelJson.parse(bytes);
          assertEquals(c, back.config());
          assertEquals(text, new String(ModelJson.write(back.config(), Map.of()), StandardCharsets.UTF_8));
        }
      }
    }
  }

  @Test
  void readsTheGoldenV2File() throws IOException {
    ModelConfig c = ModelJson.parse(Files.readAllBytes(Golden.V2.modelDir().resolve("model.json"))).config();
    assertEquals(new WaveformConfig(Layout.STACKED, true), c.waveform());
    assertEquals(Pooling.FLATTEN, c.cnn().pooling());
    assertEquals(2, c.formatVersion());
  }

  @Test
  void v2KeysAreOptionalInAVersion2File() {
    ModelConfig c = ModelJson.parse(edit(v1Json(), "\"format_version\" : 1", "\"format_version\" : 2")).config();
    assertEquals(WaveformConfig.V1, c.waveform());
    assertEquals(Pooling.GLOBAL_AVERAGE, c.cnn().pooling());
    ModelConfig onlyInput = ModelJson.parse(edit(v1Json(), "\"format_version\" : 1,",
        "\"format_version\" : 2, \"waveform\" : {\"input_channel\" : true},")).config();
    assertEquals(new WaveformConfig(Layout.ROLLING, true), onlyInput.waveform());
  }

  @Test
  void refusesVersionsItDoesNotKnow() {
    for (String v : new String[] {"0", "3", "\"2\"", "1.5"}) {
      String message = refused(edit(v1Json(), "\"format_version\" : 1", "\"format_version\" : " + v));
      assertEquals("model.json: format_version " + v + " is not supported; this reader knows format_version 1 and 2",
          message);
    }
  }

  @Test
  void aVersion1FileWithVersion2KeysIsRefusedByItsVersion() {
    assertEquals("model.json: waveform is a format_version 2 key, but format_version is 1",
        refused(edit(v1Json(), "\"format_version\" : 1,", "\"format_version\" : 1, \"waveform\" : {\"layout\" : \"rolling\"},")));
    assertEquals("model.json: cnn.pooling is a format_version 2 key, but format_version is 1",
        refused(edit(v1Json(), "\"use_attention\"", "\"pooling\" : \"global_average\", \"use_attention\"")));
  }

  @Test
  void badV2ValuesNameTheKey() {
    byte[] v2 = edit(v1Json(), "\"format_version\" : 1", "\"format_version\" : 2");
    assertEquals("model.json: waveform.layout must be one of \"rolling\", \"stacked\", got \"diagonal\"",
        refused(edit(v2, "\"model_id\"", "\"waveform\" : {\"layout\" : \"diagonal\"}, \"model_id\"")));
    assertEquals("model.json: cnn.pooling must be one of \"global_average\", \"flatten\", got \"max\"",
        refused(edit(v2, "\"use_attention\"", "\"pooling\" : \"max\", \"use_attention\"")));
    assertEquals("model.json: waveform.input_channel must be true or false, got \"yes\"",
        refused(edit(v2, "\"model_id\"", "\"waveform\" : {\"input_channel\" : \"yes\"}, \"model_id\"")));
    assertEquals("model.json: waveform must be an object, got 7",
        refused(edit(v2, "\"model_id\"", "\"waveform\" : 7, \"model_id\"")));
  }

  private static byte[] v1Json() {
    return ModelJson.write(TestModels.builder().build().config(), Map.of());
  }

  private static byte[] edit(byte[] json, String from, String to) {
    String s = new String(json, StandardCharsets.UTF_8);
    assertTrue(s.contains(from), from);
    return s.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String refused(byte[] json) {
    return assertThrows(ModelFormatException.class, () -> ModelJson.parse(json)).getMessage();
  }
}
