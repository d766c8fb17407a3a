package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.melforge.bottleneck.TestArrays.assertClose;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.melforge.DoublePrecision;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.MeanSquaredErrorLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** {@link GaussianBottleneck} and {@link KlFreeBitsLoss} against values computed in plain Java. */
@ExtendWith(DoublePrecision.class)
class GaussianBottleneckTest {

  static final int B = 2;
  static final int L = 3;
  static final double FREE_BITS = 0.1;
  static final double BETA = 0.7;
  // dimension 0 and 2: mean KL below the free bits (clamped); dimension 1 above
  static final double[][] MU = {{0.1, 1.0, 0.0}, {-0.1, 0.5, 0.05}};
  static final double[][] LOGVAR = {{0.0, 0.2, 0.1}, {0.0, -0.3, -0.05}};
  static final double[][] EPS = {{0.5, -1.0, 0.3}, {-0.2, 0.4, 1.5}};

  private static NeuralNetConfiguration.Builder base() {
    return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
        .updater(new NoOp()).trainingWorkspaceMode(WorkspaceMode.NONE)
        .inferenceWorkspaceMode(WorkspaceMode.NONE);
  }

  private static INDArray concat(double[][]... parts) {
    INDArray a = Nd4j.create(DataType.DOUBLE, B, (long) L * parts.length);
    for (int p = 0; p < parts.length; p++) {
      for (int b = 0; b < B; b++) {
        for (int d = 0; d < L; d++) {
          a.putScalar(b, p * L + d, parts[p][b][d]);
        }
      }
    }
    return a;
  }

  private static double kl(int b, int d) {
    return -0.5 * (1 + LOGVAR[b][d] - MU[b][d] * MU[b][d] - Math.exp(LOGVAR[b][d]));
  }

  private static double meanKl(int d) {
    double s = 0;
    for (int b = 0; b < B; b++) {
      s += kl(b, d);
    }
    return s / B;
  }

  @Test
  void forwardIsReparameterisation() {
    ComputationGraphConfiguration conf = base().graphBuilder().addInputs("post")
        .setInputTypes(InputType.feedForward(3 * L))
        .addLayer("z", new GaussianBottleneck(L), "post")
        .addVertex("zs", ChannelSlice.range(0, L), "z")
        .addLayer("recon", new MeanSquaredErrorLoss(), "zs")
        .setOutputs("recon").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    double[][] z = new double[B][L];
    for (int b = 0; b < B; b++) {
      for (int d = 0; d < L; d++) {
        z[b][d] = MU[b][d] + EPS[b][d] * Math.exp(0.5 * LOGVAR[b][d]);
      }
    }
    INDArray out = g.feedForward(new INDArray[] {concat(MU, LOGVAR, EPS)}, false).get("z");
    assertClose(TestArrays.flat(concat(z, MU, LOGVAR)), out, 1e-12, "[z, mu, logvar]");
    INDArray atZero = g.feedForward(new INDArray[] {concat(MU, LOGVAR, new double[B][L])}, false)
        .get("z");
    assertClose(TestArrays.flat(concat(MU, MU, LOGVAR)), atZero, 1e-12, "eps = 0: z = mu");
    assertClose(TestArrays.flat(concat(MU)), new GaussianBottleneck(L).encode(null,
        concat(MU, LOGVAR, EPS)), 0, "encode = mu");
  }

  @Test
  void klWithFreeBitsScoreAndGradient() {
    assertTrue(meanKl(0) < FREE_BITS && meanKl(1) > FREE_BITS && meanKl(2) < FREE_BITS,
        "test data: dimensions 0 and 2 clamped, 1 not");
    ComputationGraphConfiguration conf = base().graphBuilder().addInputs("stats")
        .setInputTypes(InputType.feedForward(2 * L))
        .addVertex("probe", new GradientProbe(), "stats")
        .addLayer("kl", new KlFreeBitsLoss(L, FREE_BITS), "probe")
        .setOutputs("kl").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    INDArray stats = concat(MU, LOGVAR);
    INDArray beta = Nd4j.valueArrayOf(new long[] {B, 1}, BETA, DataType.DOUBLE);

    double expected = 0;
    for (int d = 0; d < L; d++) {
      expected += Math.max(meanKl(d), FREE_BITS);
    }
    expected *= BETA;
    // by hand: 0.7 * (0.1 + mean(0.51070, 0.14541) + 0.1)
    double kl1 = (-0.5 * (1.2 - 1 - Math.exp(0.2)) - 0.5 * (0.7 - 0.25 - Math.exp(-0.3))) / 2;
    assertEquals(0.7 * (0.2 + kl1), expected, 1e-15);
    assertEquals(expected, g.score(new MultiDataSet(new INDArray[] {stats},
        new INDArray[] {beta})), 1e-12, "score");

    g.setInputs(stats);
    g.setLabels(beta);
    g.computeGradientAndScore();
    assertEquals(expected, g.score(), 1e-12, "training score");
    // gradient of the sum over the batch (B * score): beta * dKL/d(mu, logvar) where not clamped
    double[][] dmu = new double[B][L];
    double[][] dlogvar = new double[B][L];
    for (int b = 0; b < B; b++) {
      dmu[b][1] = BETA * MU[b][1];
      dlogvar[b][1] = BETA * 0.5 * (Math.exp(LOGVAR[b][1]) - 1);
    }
    assertClose(TestArrays.flat(concat(dmu, dlogvar)), GradientProbe.last, 1e-12,
        "gradient (zero for clamped dimensions 0 and 2)");
  }
}
