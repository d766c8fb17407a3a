package org.melforge.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.melforge.bottleneck.BinarySphericalQuantizer;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Bit usage of binary codes: per-bit counts and the codebook entropy of merged soft assignments
 * against plain Java, merges equal to one count, and a BSQ model's epoch metrics against its
 * activations.
 */
class BitUsageTest {

  static final int L = 6;
  static final int G = 3;
  static final int GROUPS = L / G;

  /** Random soft assignments (n, groups, 2^g), rows summing to 1. */
  static double[][][] assignments(int n, Random r) {
    double[][][] p = new double[n][GROUPS][1 << G];
    for (double[][] position : p) {
      for (double[] group : position) {
        double sum = 0;
        for (int k = 0; k < group.length; k++) {
          group[k] = r.nextDouble();
          sum += group[k];
        }
        for (int k = 0; k < group.length; k++) {
          group[k] /= sum;
        }
      }
    }
    return p;
  }

  static INDArray rows(double[][][] p, int from, int to) {
    double[][] out = new double[(to - from) * GROUPS][];
    for (int n = from; n < to; n++) {
      for (int group = 0; group < GROUPS; group++) {
        out[(n - from) * GROUPS + group] = p[n][group];
      }
    }
    return Nd4j.createFromArray(out);
  }

  @Test
  void countsEveryBitAndTheEntropyOfTheMeanAssignmentAndMergesExactly() {
    Random r = new Random(5);
    int n = 40;
    long[] codes = new long[n];
    for (int i = 0; i < n; i++) {
      codes[i] = r.nextInt(1 << L);
    }
    double[][][] p = assignments(n, r);
    BitUsage whole = new BitUsage(L, G);
    whole.add(codes, rows(p, 0, n));
    BitUsage merged = new BitUsage(L, G);
    BitUsage first = merged.empty();
    first.add(Arrays.copyOfRange(codes, 0, 15), rows(p, 0, 15));
    BitUsage second = new BitUsage(L, G);
    second.add(Arrays.copyOfRange(codes, 15, n), rows(p, 15, n));
    merged.merge(first);
    merged.merge(second);

    for (int bit = 0; bit < L; bit++) {
      int plus = 0;
      for (long code : codes) {
        String s = String.format("%" + L + "s", Long.toBinaryString(code)).replace(' ', '0');
        plus += s.charAt(bit) == '1' ? 1 : 0;
      }
      assertEquals((double) plus / n, whole.plusFraction(bit), 1e-15, "bit " + bit);
      assertEquals(whole.plusFraction(bit), merged.plusFraction(bit), 1e-15, "merged bit " + bit);
    }
    double entropy = 0;
    for (int group = 0; group < GROUPS; group++) {
      for (int k = 0; k < 1 << G; k++) {
        double mean = 0;
        for (double[][] position : p) {
          mean += position[group][k] / n;
        }
        entropy -= mean * Math.log(mean);
      }
    }
    assertEquals(entropy, whole.codebookEntropy(), 1e-12);
    assertEquals(entropy, merged.codebookEntropy(), 1e-12);
    assertEquals(n, merged.positions());
    assertThrows(IllegalArgumentException.class, () -> whole.add(codes, rows(p, 0, n - 1)));
    assertThrows(IllegalArgumentException.class, () -> whole.merge(new BitUsage(L, 2)));
  }

  /**
   * A tiny BSQ model's metrics over two batches, merged, against its activations: the +1 fraction
   * of every bit and the distinct codes counted here from the signs of q, and the epoch's codebook
   * entropy equal to the batch H_codebook of both batches as one.
   */
  @Test
  void epochMetricsOfABsqModelFollowItsActivations() {
    TokenizerModel model = TokenizerModel.create(TinyPresets.spec("bsq-cnn-80x128-tiny"), 1e-3, 3);
    BinarySphericalQuantizer bsq = (BinarySphericalQuantizer) model.bottleneck("bsq");
    int l = bsq.bits();
    INDArray x1 = TinyPresets.spectrograms(3, 80, 128, 1);
    INDArray x2 = TinyPresets.spectrograms(2, 80, 128, 2);
    EpochMetrics merged = new EpochMetrics(model);
    Set<Long> distinct = new HashSet<>();
    long[] plus = new long[l];
    long positions = 0;
    for (INDArray x : new INDArray[] {x1, x2}) {
      MultiDataSet batch = model.evaluationBatch(x, 0);
      Map<String, INDArray> acts = model.activations(batch);
      EpochMetrics one = new EpochMetrics(model);
      one.add(acts, batch);
      merged.merge(one);
      INDArray out = acts.get("bsq");
      double[] q = out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, l)).dup('c').reshape(-1)
          .toDoubleVector();
      long b = out.size(0);
      long hw = out.size(2) * out.size(3);
      for (int n = 0; n < b; n++) {
        for (int pos = 0; pos < hw; pos++) {
          long code = 0;
          for (int i = 0; i < l; i++) {
            boolean set = q[(int) ((n * l + i) * hw + pos)] > 0;
            code = code * 2 + (set ? 1 : 0);
            plus[i] += set ? 1 : 0;
          }
          distinct.add(code);
          positions++;
        }
      }
    }
    Map<String, Double> summary = merged.summary();
    assertEquals(distinct.size(), summary.get("bsq_codes_used"), 0.0, summary.toString());
    assertEquals(1 << l, Math.round(distinct.size() / summary.get("bsq_usage")));
    for (int i = 0; i < l; i++) {
      assertEquals((double) plus[i] / positions, summary.get("bsq_bit_" + i), 1e-12, "bit " + i);
    }
    INDArray both = Nd4j.concat(0, x1, x2);
    Map<String, Double> joint = model.lossParts(both, 0);
    assertEquals(joint.get("bsq_h_codebook"), summary.get("bsq_h_codebook_epoch"), 1e-4,
        summary.toString());
    assertEquals(joint.get("bsq_h_sample"), summary.get("bsq_h_sample"), 1e-4);
    for (String part : new String[] {"bsq_commitment", "bsq_h_codebook", "bsq_perplexity"}) {
      assertTrue(Double.isFinite(summary.get(part)), part + " in " + summary);
    }
  }
}
