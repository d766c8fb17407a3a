package org.melforge.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening checkpoints by folder or by run, on the frozen format-1 fixtures. */
class CheckpointTest {

  private static final Configuration HADOOP = new Configuration();

  @TempDir
  Path tmp;

  private static Path fixture(String preset) throws URISyntaxException {
    return Path.of(CheckpointTest.class.getResource("/checkpoints/v1/" + preset
        + "/checkpoint.json").toURI()).getParent();
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  @Test
  void opensACheckpointFolderWithItsModelAndProvenance() throws Exception {
    Checkpoint c = Checkpoint.open(fixture("auddsr-tiny").toUri().toString(), HADOOP);
    assertEquals("auddsr-tiny", c.info().model().preset());
    assertEquals(c.info().features(), c.table());
    assertTrue(c.statistics().isObject(), "statistics recorded");
    assertEquals(c.info().model(), c.model().spec());
    assertEquals(c.info().globalStep(), c.model().iterations());
    assertEquals("auddsr-tiny@e1s" + c.info().globalStep(), c.id());
  }

  @Test
  void aRunFolderOpensItsNewestCompleteCheckpoint() throws Exception {
    Path run = tmp.resolve("run");
    copy(fixture("timbre-vae-tiny"), run.resolve("epoch-0001"));
    copy(fixture("timbre-vae-tiny"), run.resolve("epoch-0002"));
    Files.delete(run.resolve("epoch-0002").resolve(Checkpoints.INFO));
    Checkpoint c = Checkpoint.open(run.toString(), HADOOP);
    assertEquals(run.resolve("epoch-0001").toUri().getPath().replaceAll("/$", ""),
        c.dir().toUri().getPath());
  }

  @Test
  void missingOrEmptyPathsAreRefusedNamingThem() throws IOException {
    String missing = tmp.resolve("nowhere").toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.open(missing, HADOOP));
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(empty.toString(), HADOOP));
    assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("no "
        + Checkpoints.INFO), e.getMessage());
  }
}
