package org.melforge.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime layer of {@link TransposedConv2D}: a 4x4 stride-2 padding-1 transposed convolution
 * computed as a sub-pixel convolution.
 *
 * <p>With {@code W[ci, co, kh, kw]} the transposed-convolution weight, output row {@code 2m + py}
 * only sees input rows {@code m - 1 + py} and {@code m + py} through kernel rows {@code 3 - py} and
 * {@code 1 - py} (likewise for columns). So one ordinary 2x2 convolution with padding 1 and {@code
 * 4 nOut} output channels, whose kernel {@code K[(py, px, co), ci, a, b] = W[ci, co, 3 - py - 2a, 3
 * - px - 2b]} is a rearrangement of {@code W}, yields a {@code (H + 1) x (W + 1)} map {@code Z}
 * with {@code y[co, 2m + py, 2n + px] = Z[(py, px, co), m + py, n + px]}. The arithmetic is that of
 * the transposed convolution (no zero taps), the parameters stay {@code W} and {@code b}, and
 * forward and backward are libnd4j's {@code conv2d} / {@code conv2d_bp}, which run on oneDNN.
 * The pre-activation output of a training forward pass is kept for the backward pass instead of
 * being recomputed.
 */
public class TransposedConv2DLayer extends org.deeplearning4j.nn.layers.BaseLayer<TransposedConv2D> {

  private static final int K = 2;
  private INDArray preOutput;
  private int[] kernelIndex;

  /**
   * @param conf the layer's configuration
   * @param dataType the network's data type
   */
  public TransposedConv2DLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Type type() {
    return Type.CONVOLUTIONAL;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public boolean hasBias() {
    return layerConf().hasBias();
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray z = subPixelConv(workspaceMgr, ArrayType.FF_WORKING_MEM, training);
    long[] s = input.shape();
    INDArray y =
        workspaceMgr.createUninitialized(
            ArrayType.ACTIVATIONS, z.dataType(), new long[] {s[0], nOut(), 2 * s[2], 2 * s[3]}, 'c');
    forEachPhase(y, z, true);
    IActivation activation = layerConf().getActivationFn();
    if (activation instanceof ActivationIdentity) {
      preOutput = null;
      return y;
    }
    preOutput = training ? y : null;
    INDArray out = training ? workspaceMgr.dup(ArrayType.ACTIVATIONS, y) : y;
    return activation.getActivation(out, training);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    IActivation activation = layerConf().getActivationFn();
    INDArray delta = epsilon;
    if (!(activation instanceof ActivationIdentity)) {
      INDArray pre = preOutput;
      if (pre == null) {
        pre = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), epsilon.shape(), 'c');
        forEachPhase(pre, subPixelConv(workspaceMgr, ArrayType.BP_WORKING_MEM, true), true);
      }
      delta = activation.backprop(pre, epsilon).getFirst();
    }
    preOutput = null;

    long[] s = input.shape();
    long c4 = 4 * nOut();
    INDArray gradZ =
        workspaceMgr.create(ArrayType.BP_WORKING_MEM, delta.dataType(), new long[] {s[0], c4, s[2] + 1, s[3] + 1}, 'c');
    forEachPhase(delta, gradZ, false);

    INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
    INDArray kernel = subPixelKernel(w, workspaceMgr, ArrayType.BP_WORKING_MEM);
    INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), s, 'c');
    INDArray gradKernel = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, kernel.dataType(), kernel.shape(), 'c');
    DynamicCustomOp.DynamicCustomOpsBuilder op =
        DynamicCustomOp.builder("conv2d_bp").addIntegerArguments(convArgs());
    if (hasBias()) {
      INDArray gradBias4 = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, kernel.dataType(), new long[] {c4}, 'c');
      INDArray bias4 = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, kernel.dataType(), new long[] {c4}, 'c');
      Nd4j.exec(op.addInputs(input, kernel, bias4, gradZ).addOutputs(epsOut, gradKernel, gradBias4).build());
      INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
      gradBias4.reshape(4, nOut()).sum(biasGrad.reshape(nOut()), 0);
    } else {
      Nd4j.exec(op.addInputs(input, kernel, gradZ).addOutputs(epsOut, gradKernel).build());
    }
    INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
    toDeconvWeight(gradKernel, weightGrad);

    Gradient gradient = new DefaultGradient();
    if (hasBias()) {
      gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, gradientViews.get(ConvolutionParamInitializer.BIAS_KEY));
    }
    gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, backpropDropOutIfPresent(epsOut));
  }

  @Override
  public void clear() {
    super.clear();
    preOutput = null;
  }

  private long nOut() {
    return layerConf().getNOut();
  }

  private static int[] convArgs() {
    return new int[] {K, K, 1, 1, 1, 1, 1, 1, 0, 0, 1};
  }

  private INDArray subPixelConv(LayerWorkspaceMgr workspaceMgr, ArrayType type, boolean training) {
    INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
    INDArray kernel = subPixelKernel(w, workspaceMgr, type);
    long[] s = input.shape();
    INDArray z =
        workspaceMgr.createUninitialized(type, kernel.dataType(), new long[] {s[0], 4 * nOut(), s[2] + 1, s[3] + 1}, 'c');
    DynamicCustomOp.DynamicCustomOpsBuilder op =
        DynamicCustomOp.builder("conv2d").addIntegerArguments(convArgs()).addOutputs(z);
    if (hasBias()) {
      INDArray b = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
      INDArray bias4 = workspaceMgr.createUninitialized(type, b.dataType(), new long[] {4, nOut()}, 'c');
      bias4.assign(b.reshape(1, nOut()).broadcast(4, nOut()));
      op.addInputs(input, kernel, bias4.reshape(4 * nOut()));
    } else {
      op.addInputs(input, kernel);
    }
    Nd4j.exec(op.build());
    return z;
  }

  /**
   * Copies between the interleaved output {@code y} and the phase map {@code z}: {@code z -> y}
   * when {@code toOutput}, else {@code y -> z} (the positions of {@code z} no phase uses are left
   * untouched).
   */
  private void forEachPhase(INDArray y, INDArray z, boolean toOutput) {
    long[] s = y.shape();
    long h = s[2] / 2;
    long w = s[3] / 2;
    long c = s[1];
    INDArray y6 = y.reshape('c', s[0], c, h, 2, w, 2);
    for (int py = 0; py < 2; py++) {
      for (int px = 0; px < 2; px++) {
        long c0 = (2L * py + px) * c;
        INDArray yv =
            y6.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(py), NDArrayIndex.all(), NDArrayIndex.point(px));
        INDArray zv =
            z.get(NDArrayIndex.all(), NDArrayIndex.interval(c0, c0 + c), NDArrayIndex.interval(py, py + h), NDArrayIndex.interval(px, px + w));
        if (toOutput) {
          yv.assign(zv);
        } else {
          zv.assign(yv);
        }
      }
    }
  }

  private INDArray subPixelKernel(INDArray w, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
    long[] s = w.shape();
    INDArray kernel = workspaceMgr.createUninitialized(type, w.dataType(), new long[] {4 * s[1], s[0], 2, 2}, 'c');
    return kernel.assign(rearrange(w, kernelIndex(s[0], s[1]), false).reshape(kernel.shape()));
  }

  private void toDeconvWeight(INDArray gradKernel, INDArray weightGrad) {
    long[] s = weightGrad.shape();
    weightGrad.assign(rearrange(gradKernel, kernelIndex(s[0], s[1]), true).reshape(s));
  }

  /**
   * For each element of the flat sub-pixel kernel {@code [(py, px, co), ci, a, b]}, its index in
   * the flat transposed-convolution weight {@code [ci, co, 3 - py - 2a, 3 - px - 2b]}.
   */
  private int[] kernelIndex(long nIn, long nOut) {
    if (kernelIndex == null) {
      int[] index = new int[(int) (16 * nIn * nOut)];
      int i = 0;
      for (int py = 0; py < 2; py++) {
        for (int px = 0; px < 2; px++) {
          for (int co = 0; co < nOut; co++) {
            for (int ci = 0; ci < nIn; ci++) {
              for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                  index[i++] = (int) (((ci * nOut + co) * 4 + 3 - py - 2 * a) * 4 + 3 - px - 2 * b);
                }
              }
            }
          }
        }
      }
      kernelIndex = index;
    }
    return kernelIndex;
  }

  /**
   * The elements of {@code src} gathered by {@code index} ({@code out[i] = src[index[i]]}), or
   * scattered back when {@code inverse}, as a flat array. A Java loop: the weights are small, and
   * libnd4j's {@code reverse} and 6-d permuted copies cost as much as the convolution itself.
   */
  private static INDArray rearrange(INDArray src, int[] index, boolean inverse) {
    double[] from = src.reshape(src.length()).toDoubleVector();
    double[] to = new double[from.length];
    for (int i = 0; i < index.length; i++) {
      if (inverse) {
        to[index[i]] = from[i];
      } else {
        to[i] = from[index[i]];
      }
    }
    return Nd4j.createFromArray(to);
  }
}
