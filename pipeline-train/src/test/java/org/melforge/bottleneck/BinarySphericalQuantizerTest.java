package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.melforge.bottleneck.TestArrays.assertClose;

import java.util.Map;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.melforge.DoublePrecision;
import org.melforge.bottleneck.BinarySphericalQuantizer.Entropy;
import org.melforge.model.layers.AuxiliaryLoss;
import org.melforge.model.layers.ChannelSlice;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The binary spherical quantizer in tiny graphs against plain Java: codes on the sphere, the
 * entropy terms against brute force over all 2^L codes, the straight-through gradient (a closed
 * form: the estimator is no derivative), a numerical gradient check of the loss channel, and code
 * integers.
 */
@ExtendWith(DoublePrecision.class)
class BinarySphericalQuantizerTest {

  static final int B = 2;
  static final int H = 2;
  static final int W = 3;
  static final int P = H * W;

  static BinarySphericalQuantizer bsq(int l, int g, Entropy entropy, double beta, double gamma0,
      double gamma, double zeta, double inverseTemperature) {
    return new BinarySphericalQuantizer(l, g, entropy, beta, gamma0, gamma, zeta,
        inverseTemperature, H, W);
  }

  /** x -> probe -> bsq -> {q -> MSE, loss channel -> auxiliary loss}. */
  static ComputationGraph graph(BinarySphericalQuantizer bsq) {
    return QuantizerGraphs.probed("bsq", bsq, new NoOp(), 3, H, W, bsq.bits(), 2 * bsq.bits());
  }

  /** Encoder outputs, one row of L per position in (b, y, x) order, with a few exact zeros. */
  static double[][] encoderOutputs(int l, long seed) {
    Random r = new Random(seed);
    double[][] z = new double[B * P][l];
    for (double[] row : z) {
      for (int i = 0; i < l; i++) {
        row[i] = r.nextInt(7) == 0 ? 0 : r.nextGaussian();
      }
    }
    return z;
  }

  static INDArray nchw(double[][] rows) {
    return TestArrays.nchw(rows, B, H, W);
  }

  /** Channel {@code c} of an NCHW output at position row {@code r} ((b, y, x) order). */
  static double at(INDArray out, int r, int c) {
    return out.getDouble(r / P, c, (r % P) / W, r % W);
  }

  static double[] unit(double[] z) {
    double n = 0;
    for (double v : z) {
      n += v * v;
    }
    double[] u = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      u[i] = z[i] / Math.sqrt(n);
    }
    return u;
  }

  static double entropy(double[] p) {
    double h = 0;
    for (double v : p) {
      h -= v > 0 ? v * Math.log(v) : 0;
    }
    return h;
  }

  @Test
  void codesLieOnTheSphereWithTheSignsOfTheInput() {
    int l = 5;
    double[][] z = encoderOutputs(l, 1);
    INDArray out = graph(bsq(l, 5, Entropy.GROUP, 0.25, 1, 1, 1, 1))
        .feedForward(new INDArray[] {nchw(z)}, false).get("bsq");
    assertArrayEquals(new long[] {B, 2 * l + 4, H, W}, out.shape());
    boolean sawZero = false;
    for (int r = 0; r < B * P; r++) {
      double[] u = unit(z[r]);
      double norm = 0;
      double distance = 0;
      for (int i = 0; i < l; i++) {
        double q = at(out, r, i);
        norm += q * q;
        assertEquals(1 / Math.sqrt(l), Math.abs(q), 1e-12, "|q_i| = 1/sqrt(L)");
        assertEquals(z[r][i] >= 0, q > 0, "sign(z), sign(0) = +1, at " + r + "," + i);
        assertEquals(u[i], at(out, r, l + i), 1e-12, "u = z / |z|");
        distance += (u[i] - q) * (u[i] - q);
        sawZero |= z[r][i] == 0;
      }
      assertEquals(1, norm, 1e-12, "|q| = 1");
      assertEquals(distance, at(out, r, 2 * l + 1), 1e-12, "|u - q|^2 channel");
    }
    assertTrue(sawZero, "the data has exact zeros");
  }

  /**
   * The entropy channels against brute force over all 2^L codes: the full soft assignment
   * {@code softmax(2 t <u, c>)} factorises over groups, so H_sample equals its entropy; the
   * grouped H_codebook is the sum over groups of the entropies of the batch-mean assignment's
   * marginals on each group's bits (the joint entropy when one group holds every bit).
   */
  @ParameterizedTest
  @CsvSource({"4, 2, GROUP, 1.0", "4, 4, GROUP, 1.0", "4, 2, GROUP, 0.6", "4, 4, ANALYTICAL, 1.7",
      "6, 3, GROUP, 2.5"})
  void groupedEntropiesEqualBruteForceOverAllCodes(int l, int g, Entropy mode, double t) {
    double beta = 0.3;
    double gamma0 = 0.7;
    double gamma = 1.3;
    double zeta = 0.9;
    double[][] z = encoderOutputs(l, 2);
    INDArray out = graph(bsq(l, g, mode, beta, gamma0, gamma, zeta, t))
        .feedForward(new INDArray[] {nchw(z)}, false).get("bsq");
    int n = 1 << l;
    int groupBits = mode == Entropy.ANALYTICAL ? 1 : g;
    double[] sample = new double[B * P];
    double[] mean = new double[n];
    for (int r = 0; r < B * P; r++) {
      double[] u = unit(z[r]);
      double[] p = new double[n];
      double sum = 0;
      for (int c = 0; c < n; c++) {
        double dot = 0;
        for (int i = 0; i < l; i++) {
          dot += u[i] * (((c >> (l - 1 - i)) & 1) == 1 ? 1 : -1) / Math.sqrt(l);
        }
        p[c] = Math.exp(2 * t * dot);
        sum += p[c];
      }
      for (int c = 0; c < n; c++) {
        p[c] /= sum;
        mean[c] += p[c] / (B * P);
      }
      sample[r] = entropy(p);
    }
    double codebook = 0;
    for (int group = 0; group < l / groupBits; group++) {
      double[] marginal = new double[1 << groupBits];
      int shift = l - (group + 1) * groupBits;
      for (int c = 0; c < n; c++) {
        marginal[(c >> shift) & ((1 << groupBits) - 1)] += mean[c];
      }
      codebook += entropy(marginal);
    }
    for (int r = 0; r < B * P; r++) {
      double distance = at(out, r, 2 * l + 1);
      assertEquals(sample[r], at(out, r, 2 * l + 2), 1e-6, "H_sample at " + r);
      assertEquals(codebook, at(out, r, 2 * l + 3), 1e-6, "H_codebook at " + r);
      assertEquals(beta * distance + zeta * (gamma0 * sample[r] - gamma * codebook) / t,
          at(out, r, 2 * l), 1e-6, "loss at " + r);
    }
  }

  /**
   * With the loss channel switched off (beta = zeta = 0) the input gradient is the reconstruction
   * gradient at q passed straight through to u and then through the normalisation:
   * {@code dz = (dq - u (u . dq)) / |z|}.
   */
  @Test
  void straightThroughGradientPassesThroughTheNormalisation() {
    int l = 4;
    double[][] z = encoderOutputs(l, 3);
    double[][] y = new double[B * P][l];
    for (int r = 0; r < B * P; r++) {
      for (int i = 0; i < l; i++) {
        y[r][i] = 0.2 * r - 0.3 * i + 0.05;
      }
    }
    ComputationGraph g = graph(bsq(l, 2, Entropy.GROUP, 0, 1, 1, 0, 1));
    g.setInputs(nchw(z));
    g.setLabels(nchw(y), Nd4j.zeros(DataType.DOUBLE, B, 1, H, W));
    GradientProbe.last = null;
    g.computeGradientAndScore();
    double[][] dz = new double[B * P][l];
    for (int r = 0; r < B * P; r++) {
      double[] u = unit(z[r]);
      double norm = Math.sqrt(TestArrays.sqDist(z[r], new double[l]));
      double[] dq = new double[l];
      double dot = 0;
      for (int i = 0; i < l; i++) {
        double q = (z[r][i] >= 0 ? 1 : -1) / Math.sqrt(l);
        dq[i] = 2 * (q - y[r][i]) / (l * P);
        dot += u[i] * dq[i];
      }
      for (int i = 0; i < l; i++) {
        dz[r][i] = (dq[i] - u[i] * dot) / norm;
      }
    }
    assertClose(TestArrays.flat(nchw(dz)), GradientProbe.last, 1e-12, "input gradient");
  }

  /**
   * The loss channel (commitment and both entropy terms, non-default weights) is a true derivative
   * of its input away from sign changes: {@code GradientCheckUtil} through a convolution.
   */
  @ParameterizedTest
  @CsvSource({"GROUP, 2", "ANALYTICAL, 4"})
  void lossChannelPassesTheGradientCheck(Entropy mode, int g) {
    int l = 4;
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7)
        .dataType(DataType.DOUBLE).updater(new NoOp()).convolutionMode(ConvolutionMode.Same)
        .graphBuilder().addInputs("x").setInputTypes(InputType.convolutional(H, W, 3))
        .addLayer("proj", new ConvolutionLayer.Builder(1, 1).nOut(l)
            .activation(Activation.IDENTITY).build(), "x")
        .addLayer("bsq", bsq(l, g, mode, 0.4, 0.8, 1.2, 0.9, 1.5), "proj")
        .addVertex("lossChannel", ChannelSlice.range(2 * l, 1), "bsq")
        .addLayer("aux", new AuxiliaryLoss(), "lossChannel")
        .setOutputs("aux").build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    INDArray x = Nd4j.randn(DataType.DOUBLE, B, 3, H, W);
    assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph)
        .inputs(new INDArray[] {x}).labels(new INDArray[] {Nd4j.zeros(DataType.DOUBLE, B, 1)})
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
        .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)));
  }

  @Test
  void codesAreTheSignsAsAnIntegerMostSignificantBitFirst() {
    BinarySphericalQuantizer q = bsq(4, 2, Entropy.GROUP, 0, 1, 1, 1, 1);
    assertEquals(16, q.codebookSize());
    double[][] z = new double[B * P][];
    long[] expected = new long[B * P];
    for (int r = 0; r < B * P; r++) {
      z[r] = new double[] {r % 2 == 0 ? 0.5 : -0.5, -0.2 * (r % 3), r >= 3 ? -1 : 0, 3 - r};
      expected[r] = Long.parseLong((z[r][0] >= 0 ? "1" : "0") + (z[r][1] >= 0 ? "1" : "0")
          + (z[r][2] >= 0 ? "1" : "0") + (z[r][3] >= 0 ? "1" : "0"), 2);
    }
    INDArray codes = q.encode(Map.of(), nchw(z));
    assertArrayEquals(new long[] {B, H, W}, codes.shape());
    assertEquals(DataType.LONG, codes.dataType());
    assertArrayEquals(expected, codes.reshape(-1).toLongVector());
    assertEquals(0b1111, expected[0], "r = 0: (0.5, 0, 0, 3): zeros count as +1");
  }

  @Test
  void codeIntegersRoundTripThroughTheirSignPatternUpToSixtyTwoBits() {
    int l = 62;
    BinarySphericalQuantizer q = bsq(l, 2, Entropy.GROUP, 0, 1, 1, 1, 1);
    assertEquals(1L << 62, q.codebookSize());
    Random r = new Random(4);
    long[] codes = new long[B * P];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = r.nextLong() >>> 2;
    }
    codes[0] = 0;
    codes[1] = (1L << 62) - 1;
    INDArray decoded = q.decode(Map.of(), Nd4j.createFromArray(codes).reshape(B, H, W));
    assertArrayEquals(new long[] {B, l, H, W}, decoded.shape());
    for (int p = 0; p < codes.length; p++) {
      String bits = String.format("%62s", Long.toBinaryString(codes[p])).replace(' ', '0');
      for (int i = 0; i < l; i++) {
        double v = at(decoded, p, i);
        assertEquals(1 / Math.sqrt(l), Math.abs(v), 1e-6);
        assertEquals(bits.charAt(i) == '1', v > 0, "bit " + i + " of code " + p);
      }
    }
    assertArrayEquals(codes, q.encode(Map.of(), decoded).reshape(-1).toLongVector());
  }

  @Test
  void settingsOutsideTheirRangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> bsq(6, 4, Entropy.GROUP, 0, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> bsq(63, 1, Entropy.GROUP, 0, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> bsq(4, 2, Entropy.GROUP, 0, 1, 1, 1, 0));
  }
}
