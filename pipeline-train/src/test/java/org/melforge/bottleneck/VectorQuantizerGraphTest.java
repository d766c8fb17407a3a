package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.melforge.bottleneck.TestArrays.assertClose;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.melforge.DoublePrecision;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The vector quantizer in a tiny graph, x -> vq -> {channels [0, D) -> MSE, channel D -> auxiliary
 * loss}, against values computed in plain Java: forward output, score, the straight-through input
 * gradient and the codebook gradient (closed forms; the estimator is not a derivative, so it cannot
 * be checked numerically), and the EMA update of a training step.
 */
@ExtendWith(DoublePrecision.class)
class VectorQuantizerGraphTest {

  static final int B = 2;
  static final int D = 2;
  static final int H = 1;
  static final int W = 3;
  static final int K = 3;
  static final int P = H * W; // positions per example
  static final double BETA = 0.25;
  static final double[][] CODES = {{0, 0}, {1, 1}, {-1, 0.5}};
  /** Encoder outputs in (b, y, x) order. */
  static final double[][] Z = {
      {0.2, 0.1}, {0.9, 1.3}, {-0.8, 0.2},
      {0.6, 0.7}, {-0.3, 0.4}, {1.5, 0.2}};

  static ComputationGraph graph(VectorQuantizer.Update mode, IUpdater updater, double decay,
      double eps, double threshold) {
    return QuantizerGraphs.probed("vq",
        new VectorQuantizer(K, D, BETA, mode, decay, eps, threshold, H, W), updater, 11, H, W, D, D);
  }

  static INDArray nchw(double[][] rows) {
    return TestArrays.nchw(rows, B, H, W);
  }

  /** Reconstruction labels, one row per position. */
  static double[][] labels() {
    double[][] y = new double[B * P][D];
    for (int p = 0; p < B * P; p++) {
      for (int c = 0; c < D; c++) {
        y[p][c] = 0.3 * p - 0.7 * c + 0.1;
      }
    }
    return y;
  }

  static int[] assignments() {
    int[] k = new int[Z.length];
    for (int p = 0; p < Z.length; p++) {
      k[p] = TestArrays.nearest(Z[p], CODES);
    }
    return k;
  }

  /** Per-position value of the loss channel. */
  static double lossChannel(int p, int k, VectorQuantizer.Update mode) {
    double sq = TestArrays.sqDist(Z[p], CODES[k]);
    return (BETA * sq + (mode == VectorQuantizer.Update.LOSS ? sq : 0)) / D;
  }

  static MultiDataSet data() {
    return new MultiDataSet(new INDArray[] {nchw(Z)},
        new INDArray[] {nchw(labels()), Nd4j.zeros(DataType.DOUBLE, B, 1, H, W)});
  }

  @Test
  void assignmentsAreWhatTheTestExpects() {
    // guards the hand-made data: every code is used
    assertEquals(java.util.List.of(0, 1, 2, 1, 0, 1),
        java.util.Arrays.stream(assignments()).boxed().toList());
  }

  @Test
  void lossModeForwardScoreAndGradients() {
    checkForwardScoreAndGradients(VectorQuantizer.Update.LOSS);
  }

  @Test
  void emaModeForwardScoreAndGradients() {
    checkForwardScoreAndGradients(VectorQuantizer.Update.EMA);
  }

  private void checkForwardScoreAndGradients(VectorQuantizer.Update mode) {
    // threshold 0 and decay 1: the EMA update of the training pass leaves everything as it is
    ComputationGraph g = graph(mode, new NoOp(), 1.0, 1e-5, 0.0);
    g.getLayer("vq").getParam(VectorQuantizer.CODEBOOK).assign(Nd4j.createFromArray(CODES));
    int[] k = assignments();
    double[][] y = labels();

    // forward: (B, D + 2, H, W) = [quantized, loss, index]
    INDArray out = g.feedForward(new INDArray[] {nchw(Z)}, false).get("vq");
    double[] expectedOut = new double[B * (D + 2) * P];
    for (int b = 0; b < B; b++) {
      for (int p = 0; p < P; p++) {
        int r = b * P + p;
        int base = b * (D + 2) * P + p;
        for (int c = 0; c < D; c++) {
          expectedOut[base + c * P] = CODES[k[r]][c];
        }
        expectedOut[base + D * P] = lossChannel(r, k[r], mode);
        expectedOut[base + (D + 1) * P] = k[r];
      }
    }
    assertEquals(java.util.Arrays.toString(new long[] {B, D + 2, H, W}),
        java.util.Arrays.toString(out.shape()));
    assertClose(expectedOut, out, 1e-12, "forward " + mode);

    // score: mean over the batch of (per-example MSE + per-example mean of the loss channel)
    double total = 0;
    for (int r = 0; r < B * P; r++) {
      total += TestArrays.sqDist(CODES[k[r]], y[r]) / (D * P) + lossChannel(r, k[r], mode) / P;
    }
    assertEquals(total / B, g.score(data()), 1e-12, "score " + mode);

    g.setInputs(nchw(Z));
    g.setLabels(data().getLabels());
    GradientProbe.last = null;
    g.computeGradientAndScore();
    assertEquals(total / B, g.score(), 1e-12, "training score " + mode);

    // input gradient of the SUM over the batch: straight-through reconstruction gradient plus the
    // commitment gradient
    double[][] dz = new double[B * P][D];
    double[][] de = new double[K][D];
    for (int r = 0; r < B * P; r++) {
      for (int c = 0; c < D; c++) {
        dz[r][c] = 2 * (CODES[k[r]][c] - y[r][c]) / (D * P)
            + 2 * BETA * (Z[r][c] - CODES[k[r]][c]) / D / P;
        de[k[r]][c] += 2 * (CODES[k[r]][c] - Z[r][c]) / D / P;
      }
    }
    assertClose(TestArrays.flat(nchw(dz)), GradientProbe.last, 1e-12, "input gradient " + mode);

    Map<String, INDArray> grads = g.gradient().gradientForVariable();
    INDArray codebookGrad = grads.get("vq_" + VectorQuantizer.CODEBOOK);
    if (mode == VectorQuantizer.Update.LOSS) {
      assertClose(de, codebookGrad, 1e-12, "codebook gradient");
    } else {
      assertClose(new double[K * D], codebookGrad, 0, "codebook gradient (EMA)");
      assertClose(new double[K], grads.get("vq_" + VectorQuantizer.CLUSTER_SIZE), 0, "size grad");
      assertClose(new double[K * D], grads.get("vq_" + VectorQuantizer.EMBED_SUM), 0, "sum grad");
    }
  }

  @Test
  void emaModeTrainsNoParameterByGradients() {
    ComputationGraph ema = graph(VectorQuantizer.Update.EMA, new Sgd(0.1), 0.9, 1e-5, 0.0);
    VectorQuantizer conf = (VectorQuantizer) ema.getLayer("vq").conf().getLayer();
    for (String p : new String[] {VectorQuantizer.CODEBOOK, VectorQuantizer.CLUSTER_SIZE,
        VectorQuantizer.EMBED_SUM}) {
      assertInstanceOf(NoOp.class, conf.getUpdaterByParam(p), p);
    }
    ComputationGraph loss = graph(VectorQuantizer.Update.LOSS, new Sgd(0.1), 0.9, 1e-5, 0.0);
    VectorQuantizer lossConf = (VectorQuantizer) loss.getLayer("vq").conf().getLayer();
    assertInstanceOf(Sgd.class, lossConf.getUpdaterByParam(VectorQuantizer.CODEBOOK));
    assertEquals(K * D, loss.getLayer("vq").numParams());
    assertEquals(K * D + K + K * D, ema.getLayer("vq").numParams());
  }

  private static final double DECAY = 0.5;
  private static final double EPS = 0.1;
  private static final double[] N0 = {2, 1, 0.5};
  private static final double[][] M0 = {{2, 2}, {1, 0}, {0.5, 0.5}};

  private static ComputationGraph emaGraph(double threshold) {
    ComputationGraph g = graph(VectorQuantizer.Update.EMA, new Sgd(0.5), DECAY, EPS, threshold);
    g.getLayer("vq").getParam(VectorQuantizer.CODEBOOK).assign(Nd4j.createFromArray(CODES));
    g.getLayer("vq").getParam(VectorQuantizer.CLUSTER_SIZE).assign(Nd4j.createFromArray(N0).reshape(1, K));
    g.getLayer("vq").getParam(VectorQuantizer.EMBED_SUM).assign(Nd4j.createFromArray(M0));
    return g;
  }

  /** {N, m, e} after one step, from the Javadoc formulas of {@link EmaCodebook}. */
  private static double[][][] expectedEma() {
    int[] k = assignments();
    double[] counts = new double[K];
    double[][] sums = new double[K][D];
    for (int r = 0; r < Z.length; r++) {
      counts[k[r]]++;
      for (int c = 0; c < D; c++) {
        sums[k[r]][c] += Z[r][c];
      }
    }
    double[] n = new double[K];
    double[][] m = new double[K][D];
    double total = 0;
    for (int j = 0; j < K; j++) {
      n[j] = DECAY * N0[j] + (1 - DECAY) * counts[j];
      total += n[j];
      for (int c = 0; c < D; c++) {
        m[j][c] = DECAY * M0[j][c] + (1 - DECAY) * sums[j][c];
      }
    }
    double[][] e = new double[K][D];
    for (int j = 0; j < K; j++) {
      double smoothed = (n[j] + EPS) / (total + K * EPS) * total;
      for (int c = 0; c < D; c++) {
        e[j][c] = m[j][c] / smoothed;
      }
    }
    return new double[][][] {{n}, m, e};
  }

  @Test
  void oneFitStepAppliesTheEmaUpdate() {
    ComputationGraph g = emaGraph(0.0);
    g.fit(data());
    double[][][] exp = expectedEma();
    // counts (2, 3, 1): N = (1 + 1, 0.5 + 1.5, 0.25 + 0.5)
    assertClose(new double[] {2, 2, 0.75}, g.getLayer("vq").getParam(VectorQuantizer.CLUSTER_SIZE),
        1e-12, "cluster sizes (by hand)");
    assertClose(exp[0][0], g.getLayer("vq").getParam(VectorQuantizer.CLUSTER_SIZE), 1e-12, "sizes");
    assertClose(exp[1], g.getLayer("vq").getParam(VectorQuantizer.EMBED_SUM), 1e-12, "sums");
    assertClose(exp[2], g.getLayer("vq").getParam(VectorQuantizer.CODEBOOK), 1e-12, "codebook");
    assertEquals(0, ((VectorQuantizerLayer) g.getLayer("vq")).lastRevived());
  }

  @Test
  void oneFitStepRevivesDeadCodesDeterministically() {
    // N = (2, 2, 0.75) after the step: code 2 is below 1
    double threshold = 1.0;
    ComputationGraph g = emaGraph(threshold);
    g.fit(data());
    double[][][] exp = expectedEma();
    INDArray codebook = g.getLayer("vq").getParam(VectorQuantizer.CODEBOOK);
    INDArray size = g.getLayer("vq").getParam(VectorQuantizer.CLUSTER_SIZE);
    INDArray sum = g.getLayer("vq").getParam(VectorQuantizer.EMBED_SUM);
    assertEquals(1, ((VectorQuantizerLayer) g.getLayer("vq")).lastRevived());
    for (int j = 0; j < 2; j++) {
      assertClose(exp[2][j], codebook.getRow(j), 1e-12, "live code " + j);
      assertClose(exp[1][j], sum.getRow(j), 1e-12, "live sum " + j);
      assertEquals(exp[0][0][j], size.getDouble(j), 1e-12);
    }
    double[] code = TestArrays.flat(codebook.getRow(2));
    assertTrue(EmaCodebookTest.isRowOf(code, Z), "revived code is an encoder output: " + codebook.getRow(2));
    assertEquals(threshold, size.getDouble(2), 0);
    assertClose(code, sum.getRow(2), 1e-12, "revived sum = code * threshold");

    ComputationGraph again = emaGraph(threshold);
    again.fit(data());
    assertEquals(g.getLayer("vq").params(), again.getLayer("vq").params(), "same step, same choice");
  }

  @Test
  void firstFitStepFromInitialisationRevivesEveryCode() {
    ComputationGraph g = graph(VectorQuantizer.Update.EMA, new Sgd(0.5), 0.99, 1e-5, 2.0);
    INDArray codebook = g.getLayer("vq").getParam(VectorQuantizer.CODEBOOK);
    INDArray size = g.getLayer("vq").getParam(VectorQuantizer.CLUSTER_SIZE);
    INDArray sum = g.getLayer("vq").getParam(VectorQuantizer.EMBED_SUM);
    assertClose(new double[] {1, 1, 1}, size, 0, "initial cluster sizes");
    assertEquals(codebook, sum, "initial sums = codebook");
    g.fit(data());
    assertEquals(K, ((VectorQuantizerLayer) g.getLayer("vq")).lastRevived());
    for (int j = 0; j < K; j++) {
      double[] code = TestArrays.flat(codebook.getRow(j));
      assertTrue(EmaCodebookTest.isRowOf(code, Z), "code " + j + " is an encoder output");
      assertEquals(2.0, size.getDouble(j), 0);
      assertClose(new double[] {2 * code[0], 2 * code[1]}, sum.getRow(j), 1e-12, "sum " + j);
    }
  }
}
