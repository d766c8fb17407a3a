package org.melforge.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
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

  /**
   * A run folder with two good checkpoints written by the current code (epochs 1 and 2), without
   * the local file system's {@code .crc} sidecars (as on S3 or an HDFS copy).
   */
  private Path twoCheckpoints() throws Exception {
    Checkpoint fixture = Checkpoint.open(fixture("timbre-vae-tiny").toString(), HADOOP);
    Path run = tmp.resolve("two");
    Checkpoints.at(run.toString(), HADOOP).write(fixture.graph(), fixture.info());
    copy(run.resolve("epoch-0001"), run.resolve("epoch-0002"));
    try (Stream<Path> files = Files.walk(run)) {
      for (Path crc : files.filter(f -> f.getFileName().toString().endsWith(".crc")).toList()) {
        Files.delete(crc);
      }
    }
    return run;
  }

  @Test
  void writtenCheckpointsRecordTheModelHashAndReadBack() throws Exception {
    Path run = twoCheckpoints();
    Checkpoint c = Checkpoints.read(new org.apache.hadoop.fs.Path(run.resolve("epoch-0001")
        .toUri()), HADOOP);
    String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest
        .getInstance("SHA-256").digest(Files.readAllBytes(run.resolve("epoch-0001")
            .resolve(Checkpoints.MODEL))));
    assertEquals(java.util.Map.of(Checkpoints.MODEL, hash), c.info().sha256());
    assertEquals(CheckpointInfo.FORMAT_VERSION, 3);
  }

  @Test
  void theSameModelGivesTheSameModelFileBytesWhenEverItIsWritten() throws Exception {
    Checkpoint fixture = Checkpoint.open(fixture("timbre-vae-tiny").toString(), HADOOP);
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Checkpoints.at(a.toString(), HADOOP).write(fixture.graph(), fixture.info());
    Checkpoints.at(b.toString(), HADOOP).write(fixture.graph(), fixture.info());
    byte[] model = Files.readAllBytes(a.resolve("epoch-0001").resolve(Checkpoints.MODEL));
    assertArrayEquals(model,
        Files.readAllBytes(b.resolve("epoch-0001").resolve(Checkpoints.MODEL)));
    Set<String> entries = new HashSet<>();
    try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(model))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        assertEquals(LocalDateTime.of(1980, 1, 1, 0, 0), e.getTimeLocal(), e.getName());
        entries.add(e.getName());
      }
    }
    assertEquals(Checkpoints.MODEL_ENTRIES, entries);
    Checkpoint read = Checkpoints.read(new org.apache.hadoop.fs.Path(a.resolve("epoch-0001")
        .toUri()), HADOOP);
    assertEquals(fixture.graph().params(), read.graph().params());
    assertEquals(fixture.graph().getUpdater().getStateViewArray(),
        read.graph().getUpdater().getStateViewArray());
  }

  @Test
  void aCorruptNewestCheckpointFallsBackToThePreviousOne() throws Exception {
    Path run = twoCheckpoints();
    Path zip = run.resolve("epoch-0002").resolve(Checkpoints.MODEL);
    byte[] bytes = Files.readAllBytes(zip);
    for (int i = 0; i < 64; i++) {
      bytes[bytes.length / 2 + i] ^= 0x5a;
    }
    Files.write(zip, bytes);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(
        new org.apache.hadoop.fs.Path(run.resolve("epoch-0002").toUri()), HADOOP));
    assertTrue(e.getMessage().contains("epoch-0002") && e.getMessage().contains("SHA-256"),
        e.getMessage());
    assertTrue(Checkpoints.at(run.toString(), HADOOP).newest(HADOOP).orElseThrow().dir()
        .getName().equals("epoch-0001"));

    Files.writeString(run.resolve("epoch-0002").resolve(Checkpoints.INFO), "{}");
    e = assertThrows(CheckpointException.class, () -> Checkpoints.read(
        new org.apache.hadoop.fs.Path(run.resolve("epoch-0002").toUri()), HADOOP));
    assertTrue(e.getMessage().contains("lacks format_version, model, train, features"),
        e.getMessage());
    assertEquals("epoch-0001", Checkpoint.open(run.toString(), HADOOP).dir().getName());

    Files.writeString(run.resolve("epoch-0001").resolve(Checkpoints.INFO), "{\"model\": [");
    e = assertThrows(CheckpointException.class,
        () -> Checkpoints.at(run.toString(), HADOOP).newest(HADOOP));
    assertTrue(e.getMessage().contains("no usable checkpoint") && e.getMessage()
        .contains("not valid JSON"), e.getMessage());
  }

  @Test
  void aModelFileWithEntriesMelForgeNeverWritesIsRefusedBeforeDl4jReadsIt() throws Exception {
    Path dir = tmp.resolve("foreign");
    copy(fixture("timbre-vae-tiny"), dir);
    Path zip = dir.resolve(Checkpoints.MODEL);
    Path patched = tmp.resolve("patched.zip");
    try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip));
        var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(patched))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
        in.transferTo(out);
      }
      out.putNextEntry(new java.util.zip.ZipEntry("preprocessor.bin"));
      out.write(new byte[] {(byte) 0xac, (byte) 0xed, 0, 5});
    }
    Files.move(patched, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Checkpoint.open(dir.toString(), HADOOP));
    assertTrue(e.getMessage().contains("[preprocessor.bin]") && e.getMessage().contains(
        dir.getFileName().toString()), e.getMessage());
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
