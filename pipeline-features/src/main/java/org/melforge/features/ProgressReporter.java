package org.melforge.features;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints "files done / total" for a stage every few seconds while it runs. The count comes from an
 * accumulator that executors bump per file, so it advances as tasks finish.
 */
final class ProgressReporter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  private final ScheduledExecutorService timer;
  private final String label;
  private final LongAccumulator done;
  private final long total;
  private final long startNanos = System.nanoTime();

  ProgressReporter(String label, LongAccumulator done, long total, int intervalSeconds) {
    this.label = label;
    this.done = done;
    this.total = total;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "melforge-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  private void report() {
    long n = done.value();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    LOG.info(String.format("%s: %d/%d files (%.0f%%), %.1f files/s", label, n, total,
        total == 0 ? 100.0 : 100.0 * n / total, n / Math.max(seconds, 1e-9)));
  }

  @Override
  public void close() {
    timer.shutdownNow();
    report();
  }
}
