package org.melforge.eval.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.melforge.eval.metrics.Ssim;
import org.melforge.tensorstore.Npy;

/**
 * SSIM pairs per second of {@link Ssim#mean} on one thread, over the pairs of a {@code .npy} file
 * of shape (N, 2, rows, cols) float32 (written by {@code pipeline-eval/bench/run-ssim-bench.sh},
 * the same file its scikit-image twin {@code ssim_skimage.py} reads). Named *Benchmark so that
 * Surefire never runs it.
 *
 * <pre>
 * java -XX:ActiveProcessorCount=1 -cp ... org.melforge.eval.bench.SsimPairsBenchmark PAIRS.npy \
 *     [WARMUP_SECONDS [ROUND_SECONDS [REPS]]]
 * </pre>
 *
 * <p>Warms up for at least WARMUP_SECONDS (whole passes over the pairs), then times REPS
 * repetitions of about ROUND_SECONDS each (whole passes). Prints one JSON line per repetition and a
 * final {@code "best": true} line with the best repetition, the mean SSIM over the pairs (to check
 * against the twin) and the thread's CPU time per pair.
 */
public final class SsimPairsBenchmark {

  private SsimPairsBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    double warmupSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    double roundSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 3;
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Npy.Array array;
    try (InputStream in = Files.newInputStream(file)) {
      array = Npy.read(in);
    }
    if (array.shape().length != 4 || array.dim(1) != 2) {
      throw new IllegalArgumentException(file + ": expected shape (N, 2, rows, cols)");
    }
    int n = array.dim(0);
    int rows = array.dim(2);
    int cols = array.dim(3);
    int size = rows * cols;
    float[][] a = new float[n][size];
    float[][] b = new float[n][size];
    double[] data = array.data();
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < size; k++) {
        a[i][k] = (float) data[(2 * i) * size + k];
        b[i][k] = (float) data[(2 * i + 1) * size + k];
      }
    }
    Ssim ssim = new Ssim();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double meanSsim = 0;
    for (int i = 0; i < n; i++) {
      meanSsim += ssim.mean(a[i], b[i], rows, cols) / n;
    }
    long t0 = System.nanoTime();
    long passes = 0;
    double sink = 0;
    while (System.nanoTime() - t0 < warmupSeconds * 1e9 || passes < 1) {
      sink += pass(ssim, a, b, rows, cols);
      passes++;
    }
    double secondsPerPass = (System.nanoTime() - t0) / 1e9 / passes;
    long perRound = Math.max(1, Math.round(roundSeconds / secondsPerPass));
    double best = 0;
    double bestCpuUs = 0;
    for (int r = 0; r < reps; r++) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      for (long p = 0; p < perRound; p++) {
        sink += pass(ssim, a, b, rows, cols);
      }
      double wall = (System.nanoTime() - w0) / 1e9;
      double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
      double rate = perRound * n / wall;
      double cpuUs = cpu / (perRound * n) * 1e6;
      if (rate > best) {
        best = rate;
        bestCpuUs = cpuUs;
      }
      System.out.printf(Locale.ROOT, "{\"impl\": \"melforge\", \"rep\": %d, \"pairs\": %d, "
          + "\"pairs_per_s\": %.2f, \"cpu_us_per_pair\": %.1f}%n", r, perRound * n, rate, cpuUs);
    }
    System.out.printf(Locale.ROOT, "{\"impl\": \"melforge\", \"best\": true, \"shape\": [%d, %d], "
        + "\"n\": %d, \"pairs_per_s\": %.2f, \"cpu_us_per_pair\": %.1f, \"mean_ssim\": %.9f, "
        + "\"checksum\": %.6f}%n", rows, cols, n, best, bestCpuUs, meanSsim, sink);
  }

  private static double pass(Ssim ssim, float[][] a, float[][] b, int rows, int cols) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += ssim.mean(a[i], b[i], rows, cols);
    }
    return s;
  }
}
