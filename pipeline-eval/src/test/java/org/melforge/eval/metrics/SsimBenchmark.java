package org.melforge.eval.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Single-threaded time per {@link Ssim#mean} call on one pair of random images (named *Benchmark so
 * that Surefire does not run it as a test).
 *
 * <pre>
 * java -XX:ActiveProcessorCount=1 -cp pipeline-eval/target/classes:pipeline-eval/target/test-classes \
 *     org.melforge.eval.metrics.SsimBenchmark [ROWS COLS [CALLS [ROUNDS]]]
 * </pre>
 *
 * <p>Defaults: a 128 x 320 pair, rounds of 2000 calls after as many warm-up calls. Prints per round
 * the wall-clock and thread-CPU microseconds per call (CPU time is steadier on a shared machine).
 */
public final class SsimBenchmark {

  private SsimBenchmark() {}

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    int cols = args.length > 1 ? Integer.parseInt(args[1]) : 320;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Random rng = new Random(1);
    float[] im1 = new float[rows * cols];
    float[] im2 = new float[rows * cols];
    for (int i = 0; i < im1.length; i++) {
      im1[i] = rng.nextFloat() * 2 - 1;
      im2[i] = rng.nextFloat() * 2 - 1;
    }
    Ssim ssim = new Ssim();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double sink = 0;
    for (int i = 0; i < calls; i++) {
      sink += ssim.mean(im1, im2, rows, cols);
    }
    for (int r = 0; r < rounds; r++) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        sink += ssim.mean(im1, im2, rows, cols);
      }
      long wall = System.nanoTime() - t0;
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      System.out.printf("%d x %d SSIM: %.1f us/call wall, %.1f us/call cpu%n",
          rows, cols, wall / 1e3 / calls, cpu / 1e3 / calls);
    }
    System.out.println("(checksum " + sink + ")");
  }
}
