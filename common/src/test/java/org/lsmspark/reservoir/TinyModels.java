package org.lsmspark.reservoir;

import java.util.Map;
import java.util.TreeMap;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.Tensor;
import org.lsmspark.model.TestModels;

/** A reservoir of one input and one unit with chosen weights. */
final class TinyModels {
  private TinyModels() {}

  static Reservoir oneUnit(float weight, float mask, float bias, double frequency) {
    ModelBundle base = TestModels.builder().dim(1).layers(1).multichannel(false).build();
    Map<String, Tensor> tensors = new TreeMap<>(base.tensors());
    tensors.put("reservoir/layer0.kernel.npy", Tensor.of(new float[] {weight}, 1, 1));
    tensors.put("reservoir/layer0.mask.npy", Tensor.of(new float[] {mask}, 1, 1));
    tensors.put("reservoir/layer0.bias.npy", Tensor.of(new float[] {bias}, 1));
    var layer = new org.lsmspark.model.LayerConfig(1, frequency, 1.0, 0.1);
    var c = base.config();
    var config = new org.lsmspark.model.ModelConfig(c.modelId(), c.windowSize(), 1, c.tokenizer(),
        new org.lsmspark.model.ReservoirConfig(0.3, false, java.util.List.of(layer)), c.waveform(), c.cnn());
    return Reservoir.of(ModelBundle.of(config, base.terms(), base.vocabulary(), tensors));
  }
}
