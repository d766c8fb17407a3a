package org.melforge.tensorstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MelBinStatsTest {

  private static byte[] tensor(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  @Test
  void countsOnlyValidFramesAndMatchesDirectFormulas() {
    // 2 mels x 3 frames, last frame is padding
    MelBinStats s = new MelBinStats(2).add(tensor(new float[] {0.5f, -0.5f, -1f, 1f, 0f, -1f}), 3, 2);
    assertEquals(2, s.count(0));
    assertEquals(0.0, s.mean(0), 1e-12);
    assertEquals(0.5, s.std(0), 1e-12);
    assertEquals(-0.5, s.min(0), 1e-12);
    assertEquals(0.5, s.max(0), 1e-12);
    assertEquals(0.5, s.mean(1), 1e-12);
    assertEquals(1.0, s.max(1), 1e-12);
    assertEquals(1, s.tensors());
  }

  @Test
  void mergingPartialsEqualsOneSequentialPass() {
    Random rnd = new Random(7);
    MelBinStats all = new MelBinStats(4);
    MelBinStats a = new MelBinStats(4);
    MelBinStats b = new MelBinStats(4);
    double[] sum = new double[4];
    double[] sumSq = new double[4];
    int n = 0;
    for (int i = 0; i < 50; i++) {
      float[] v = new float[4 * 5];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) (rnd.nextGaussian() * 0.3 + j % 4 * 0.1);
      }
      for (int m = 0; m < 4; m++) {
        for (int t = 0; t < 5; t++) {
          sum[m] += v[m * 5 + t];
          sumSq[m] += (double) v[m * 5 + t] * v[m * 5 + t];
        }
      }
      n += 5;
      all.add(tensor(v), 5, 5);
      (i % 3 == 0 ? a : b).add(tensor(v), 5, 5);
    }
    MelBinStats merged = a.merge(b);
    for (int m = 0; m < 4; m++) {
      double mean = sum[m] / n;
      assertEquals(mean, merged.mean(m), 1e-12);
      assertEquals(Math.sqrt(sumSq[m] / n - mean * mean), merged.std(m), 1e-9);
      assertEquals(all.std(m), merged.std(m), 1e-12);
      assertEquals(all.min(m), merged.min(m));
      assertEquals(all.max(m), merged.max(m));
      assertEquals(n, merged.count(m));
    }
    assertEquals(50, merged.tensors());
  }

  @Test
  void rejectsWrongShapes() {
    assertThrows(IllegalArgumentException.class, () -> new MelBinStats(2).add(tensor(new float[5]), 3, 3));
    assertThrows(IllegalArgumentException.class, () -> new MelBinStats(2).merge(new MelBinStats(3)));
  }
}
