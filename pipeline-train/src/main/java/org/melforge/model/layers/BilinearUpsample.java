package org.melforge.model.layers;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Doubles the height and width of an NCHW activation by bilinear interpolation with PyTorch's
 * {@code F.interpolate(scale_factor=2, mode="bilinear", align_corners=False)} semantics. It is a
 * fixed linear map, computed as two matrix products with interpolation matrices (one per axis).
 */
public class BilinearUpsample extends SameDiffLambdaLayer {

  @JsonProperty private long channels;
  @JsonProperty private long height;
  @JsonProperty private long width;

  /** For JSON. */
  public BilinearUpsample() {}

  /** An upsampler for inputs of {@code channels x height x width}. */
  public BilinearUpsample(long channels, long height, long width) {
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  @Override
  public SDVariable defineLayer(SameDiff sd, SDVariable x) {
    SDVariable ah = sd.constant(interpolation(height).transpose().castTo(x.dataType()));
    SDVariable aw = sd.constant(interpolation(width).transpose().castTo(x.dataType()));
    SDVariable rows = x.reshape(-1, width).mmul(aw);
    SDVariable t = rows.reshape(-1, channels, height, 2 * width).permute(0, 1, 3, 2);
    SDVariable cols = t.reshape(-1, height).mmul(ah);
    return cols.reshape(-1, channels, 2 * width, 2 * height).permute(0, 1, 3, 2);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.convolutional(2 * height, 2 * width, channels);
  }

  /**
   * The (2n x n) matrix mapping n samples to 2n: output i samples input (i + 0.5) / 2 - 0.5,
   * clamped at the borders, as PyTorch does with align_corners=False.
   */
  static INDArray interpolation(long n) {
    INDArray a = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2 * n, n);
    for (long i = 0; i < 2 * n; i++) {
      double src = Math.max((i + 0.5) / 2.0 - 0.5, 0.0);
      long lo = Math.min((long) Math.floor(src), n - 1);
      long hi = Math.min(lo + 1, n - 1);
      double frac = src - lo;
      a.putScalar(i, lo, a.getDouble(i, lo) + (1 - frac));
      a.putScalar(i, hi, a.getDouble(i, hi) + frac);
    }
    return a;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView,
      boolean initializeParams, DataType dataType) {
    return LayerRuntimes.wire(new SameDiffLayerRuntime(conf, dataType), this, conf,
        listeners, layerIndex, paramsView, initializeParams);
  }
}
