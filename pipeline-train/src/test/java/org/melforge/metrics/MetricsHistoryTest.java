package org.melforge.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The epoch history kept across a resume, and across a crash in the middle of its rewrite. */
class MetricsHistoryTest {

  @TempDir
  Path tmp;

  private org.apache.hadoop.fs.Path root() {
    return new org.apache.hadoop.fs.Path(tmp.toUri());
  }

  private void twoEpochs(FileSystem fs) {
    MetricsHistory h = MetricsHistory.epochs(fs, root(), 0);
    h.append(1, 10, 5.0, 2.0, Map.of("total", 0.5), Map.of("total", 0.6));
    h.append(2, 20, 5.0, 2.0, Map.of("total", 0.4), Map.of("total", 0.5));
  }

  @Test
  void aResumeKeepsTheRowsUpToItsCheckpoint() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    twoEpochs(fs);
    MetricsHistory kept = MetricsHistory.epochs(fs, root(), 1);
    kept.append(2, 21, 5.0, 2.0, Map.of("total", 0.3), Map.of());
    String jsonl = Files.readString(tmp.resolve(MetricsHistory.JSONL));
    assertEquals(2, jsonl.lines().count(), jsonl);
    assertTrue(jsonl.lines().skip(1).findFirst().orElseThrow().contains("\"global_step\":21"));
  }

  @Test
  void aCrashBetweenDeleteAndRenameLeavesAReadableHistory() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    twoEpochs(fs);
    Files.move(tmp.resolve(MetricsHistory.JSONL), tmp.resolve("_" + MetricsHistory.JSONL + ".tmp"));
    assertEquals(2, Files.readString(tmp.resolve("_" + MetricsHistory.JSONL + ".tmp")).lines()
        .count());
    MetricsHistory.epochs(fs, root(), 2).append(3, 30, 5.0, 2.0, Map.of(), Map.of());
    assertEquals(3, Files.readString(tmp.resolve(MetricsHistory.JSONL)).lines().count());
  }

  @Test
  void aHistoryMissingTheResumedEpochsIsRefused() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MetricsHistory.epochs(fs, root(), 2));
    assertTrue(e.getMessage().contains("lacks the rows of epochs [1, 2]"), e.getMessage());
  }
}
