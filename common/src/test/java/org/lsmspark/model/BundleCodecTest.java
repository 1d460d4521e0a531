package org.lsmspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lsmspark.model.CnnConfig.Pooling;
import org.lsmspark.model.WaveformConfig.Layout;

class BundleCodecTest {
  @Test
  void v2BundlesRoundTripWithTheirWaveformAndPooling() {
    ModelBundle built = TestModels.builder().window(4).dim(9).layers(7, 5).waveform(Layout.STACKED, true)
        .pooling(Pooling.FLATTEN).build();
    for (ModelBundle b : new ModelBundle[] {Golden.V2.bundle(), built}) {
      byte[] bytes = b.toBytes();
      ModelBundle back = ModelBundle.fromBytes(bytes);
      assertEquals(b.config(), back.config());
      assertEquals(2, back.config().formatVersion());
      assertEquals(b.fingerprint(), back.fingerprint());
      assertEquals(b.tensors(), back.tensors());
      assertEquals(b.vocabulary(), back.vocabulary());
      assertArrayEquals(bytes, back.toBytes());
    }
  }
}
