package org.melforge.model.layers;

import java.util.Arrays;
import java.util.Collection;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A 4x4, stride 2, padding 1 transposed convolution (PyTorch {@code ConvTranspose2d(nIn, nOut, 4,
 * 2, 1)}: the output is twice the input's height and width) that trains several times faster than
 * DL4J's {@link Deconvolution2D} on CPU.
 *
 * <p>It is a {@link Deconvolution2D} in everything but the implementation: the same parameters
 * ({@code W} shaped {@code [nIn, nOut, 4, 4]}, which is also PyTorch's layout, and {@code b} shaped
 * {@code [1, nOut]}), the same initialisation, output type and JSON form (the class name aside),
 * so a model can swap one for the other and PyTorch weights load unchanged. {@link
 * TransposedConv2DLayer} computes it exactly as one 2x2 convolution with {@code 4 nOut} outputs
 * followed by interleaving the four output phases (sub-pixel decomposition), which runs on
 * oneDNN's fast convolution kernels instead of libnd4j's slow {@code deconv2d} forward. Only NCHW
 * data, the 4/2/1 geometry, no dilation and {@link ConvolutionMode#Truncate} (or {@code Strict})
 * are supported; anything else is rejected when the layer is instantiated.
 */
public class TransposedConv2D extends Deconvolution2D {

  static final int KERNEL = 4;
  static final int STRIDE = 2;
  static final int PADDING = 1;

  /** For JSON deserialisation. */
  public TransposedConv2D() {}

  private TransposedConv2D(PresetBuilder builder) {
    super(builder);
  }

  /**
   * A layer with no explicit activation, weight init or updater: those come from the network's
   * global configuration, as for any DL4J layer.
   *
   * @param nIn input channels
   * @param nOut output channels
   * @return the layer configuration
   */
  public static TransposedConv2D of(long nIn, long nOut) {
    return builder(nIn, nOut).build();
  }

  /**
   * @param nIn input channels
   * @param nOut output channels
   * @param activation the activation applied to the output
   * @return the layer configuration
   */
  public static TransposedConv2D of(long nIn, long nOut, Activation activation) {
    return builder(nIn, nOut).activation(activation).build();
  }

  /**
   * @param nIn input channels
   * @param nOut output channels
   * @return a builder for further options
   */
  public static Builder builder(long nIn, long nOut) {
    return new Builder(nIn, nOut);
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> trainingListeners,
      int layerIndex,
      INDArray layerParamsView,
      boolean initializeParams,
      DataType networkDataType) {
    checkGeometry();
    return LayerRuntimes.wire(new TransposedConv2DLayer(conf, networkDataType), this, conf,
        trainingListeners, layerIndex, layerParamsView, initializeParams);
  }

  @Override
  public TransposedConv2D clone() {
    return (TransposedConv2D) super.clone();
  }

  private void checkGeometry() {
    int[] k = {KERNEL, KERNEL};
    int[] s = {STRIDE, STRIDE};
    int[] p = {PADDING, PADDING};
    int[] d = {1, 1};
    boolean ok =
        Arrays.equals(kernelSize, k)
            && Arrays.equals(stride, s)
            && Arrays.equals(padding, p)
            && Arrays.equals(dilation, d)
            && (convolutionMode == ConvolutionMode.Truncate
                || convolutionMode == ConvolutionMode.Strict)
            && cnn2dDataFormat == CNN2DFormat.NCHW;
    if (!ok) {
      throw new IllegalStateException(
          "TransposedConv2D supports only kernel 4x4, stride 2, padding 1, dilation 1, NCHW and"
              + " Truncate/Strict mode; got kernel "
              + Arrays.toString(kernelSize)
              + " stride "
              + Arrays.toString(stride)
              + " padding "
              + Arrays.toString(padding)
              + " dilation "
              + Arrays.toString(dilation)
              + " mode "
              + convolutionMode
              + " format "
              + cnn2dDataFormat);
    }
  }

  /** Builds a {@link TransposedConv2D}; options not set here come from the global configuration. */
  public static final class Builder {

    private final PresetBuilder delegate = new PresetBuilder();

    private Builder(long nIn, long nOut) {
      delegate.nIn(nIn);
      delegate.nOut(nOut);
    }

    /**
     * @param activation the output activation
     * @return this builder
     */
    public Builder activation(Activation activation) {
      delegate.activation(activation);
      return this;
    }

    /**
     * @param activation the output activation
     * @return this builder
     */
    public Builder activation(IActivation activation) {
      delegate.activation(activation);
      return this;
    }

    /**
     * @param hasBias whether the layer adds a per-channel bias (default true)
     * @return this builder
     */
    public Builder hasBias(boolean hasBias) {
      delegate.hasBias(hasBias);
      return this;
    }

    /**
     * @param weightInit the weight initialisation
     * @return this builder
     */
    public Builder weightInit(WeightInit weightInit) {
      delegate.weightInit(weightInit);
      return this;
    }

    /**
     * @param updater the updater for this layer's parameters
     * @return this builder
     */
    public Builder updater(IUpdater updater) {
      delegate.updater(updater);
      return this;
    }

    /**
     * @param name the layer's name
     * @return this builder
     */
    public Builder name(String name) {
      delegate.name(name);
      return this;
    }

    /**
     * @return the layer configuration
     */
    public TransposedConv2D build() {
      return new TransposedConv2D(delegate);
    }
  }

  private static final class PresetBuilder extends Deconvolution2D.Builder {

    private PresetBuilder() {
      super(new int[] {KERNEL, KERNEL}, new int[] {STRIDE, STRIDE}, new int[] {PADDING, PADDING});
      convolutionMode(ConvolutionMode.Truncate);
    }
  }
}
