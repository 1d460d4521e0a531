package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lsmspark.model.CnnConfig.Pooling;
import org.lsmspark.model.WaveformConfig.Layout;

class ModelConfigTest {
  @Test
  void v1GeometryIsTheSquareOfReservoirChannels() {
    ModelConfig c = TestModels.builder().window(6).dim(12).layers(24, 10).config();
    assertEquals(1, c.formatVersion());
    assertEquals(2, c.channels());
    assertArrayEquals(new int[] {24, 10}, c.channelLengths());
    assertEquals(6, c.waveHeight());
    assertEquals(6, c.waveWidth());
    assertArrayEquals(new int[] {8, 10}, c.weightShapes().get("cnn/dense0.kernel"));
  }

  @Test
  void inputChannelComesFirstAndStackedIsAsWideAsTheLongestChannel() {
    ModelConfig c = TestModels.builder().window(6).dim(30).layers(24, 10).multichannel(true)
        .waveform(Layout.STACKED, true).config();
    assertEquals(2, c.formatVersion());
    assertEquals(3, c.channels());
    assertArrayEquals(new int[] {30, 24, 10}, c.channelLengths());
    assertEquals(30, c.waveWidth());
    assertArrayEquals(new int[] {7, 7, 3, 1}, c.weightShapes().get("cnn/attention.kernel"));
    ModelConfig single = TestModels.builder().layers(24, 10).multichannel(false).waveform(Layout.STACKED, false).config();
    assertArrayEquals(new int[] {10}, single.channelLengths());
    assertEquals(10, single.waveWidth());
  }

  @Test
  void flattenFeedsTheWholeHalvedMapToTheFirstDenseLayer() {
    // H 9, Wd 13 (stacked, layer of 13); three convs → two pools: 9→4→2, 13→6→3; filters 5
    ModelConfig c = TestModels.builder().window(9).dim(4).layers(13).waveform(Layout.STACKED, false)
        .convs(new int[] {3, 4, 5}, new int[] {3, 3, 3}).dense(7).pooling(Pooling.FLATTEN).config();
    Map<String, int[]> shapes = c.weightShapes();
    assertArrayEquals(new int[] {2 * 3 * 5, 7}, shapes.get("cnn/dense0.kernel"));
    assertArrayEquals(new int[] {7, 4}, shapes.get("cnn/output.kernel"));
    ModelConfig noDense = TestModels.builder().window(9).dim(4).layers(13).waveform(Layout.STACKED, false)
        .convs(new int[] {3, 4, 5}, new int[] {3, 3, 3}).dense().pooling(Pooling.FLATTEN).config();
    assertArrayEquals(new int[] {2 * 3 * 5, 4}, noDense.weightShapes().get("cnn/output.kernel"));
    assertEquals(2, noDense.formatVersion());
  }

  @Test
  void tooSmallAnImageIsRefusedNamingTheKey() {
    var e = assertThrows(IllegalArgumentException.class, () -> TestModels.builder().window(3)
        .convs(new int[] {2, 2, 2}, new int[] {3, 3, 3}).config());
    assertEquals("window_size must be at least 2^(convolutions - 1) = 4, got 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TestModels.builder().window(8).dim(3).layers(2, 3)
        .waveform(Layout.STACKED, true).convs(new int[] {2, 2, 2}, new int[] {3, 3, 3}).config());
    assertEquals("waveform.layout \"stacked\" makes the image 3 wide (the longest channel), but "
        + "2^(convolutions - 1) = 4 is needed", e.getMessage());
    // rolling is W wide whatever the channels' lengths
    TestModels.builder().window(8).dim(3).layers(2, 3).convs(new int[] {2, 2, 2}, new int[] {3, 3, 3}).config();
  }
}
