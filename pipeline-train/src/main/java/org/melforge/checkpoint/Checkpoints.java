package org.melforge.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of a training run under one folder of any Hadoop file system:
 * {@code <root>/epoch-NNNN/model.zip} (the DL4J graph with its updater state; quantizer state is
 * part of the parameters) and {@code checkpoint.json} ({@link CheckpointInfo}, snake_case).
 * Checkpoints written mid-epoch are {@code epoch-NNNN-round-RRRRR} (R rounds into the epoch after
 * epoch N); each one replaces the mid-epoch checkpoints before it, epoch ends are all kept.
 *
 * <p>{@code checkpoint.json} is written last, through a temporary name and a rename, so a folder
 * holding it is complete: {@link #latest} never picks a half-written checkpoint (a crash while
 * writing leaves a folder without it, which is ignored and overwritten by the next write). It
 * records the SHA-256 of {@code model.zip}; {@link #read} verifies it and refuses a
 * {@code model.zip} holding entries MelForge never writes (DL4J would deserialise a Java-serialised
 * {@code preprocessor.bin}) before DL4J reads anything, and {@link #newest} falls back to the
 * previous complete checkpoint when the newest one cannot be used.
 */
public final class Checkpoints {

  /** The DL4J model file of a checkpoint folder. */
  public static final String MODEL = "model.zip";
  /** The metadata file of a checkpoint folder, written last. */
  public static final String INFO = "checkpoint.json";
  /** The entries of a {@code model.zip} as MelForge writes it ({@code ModelSerializer}). */
  static final Set<String> MODEL_ENTRIES =
      Set.of("configuration.json", "coefficients.bin", "updaterState.bin");
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final Pattern DIR = Pattern.compile("epoch-(\\d+)(?:-round-(\\d+))?");
  /** The time of every {@code model.zip} entry (the first a zip can hold), not the clock's. */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final FileSystem fs;
  private final Path root;

  private Checkpoints(FileSystem fs, Path root) {
    this.fs = fs;
    this.root = root;
  }

  /** The checkpoints under {@code uri} (created on first write). */
  public static Checkpoints at(String uri, Configuration hadoop) {
    try {
      Path root = new Path(uri);
      FileSystem fs = root.getFileSystem(hadoop);
      return new Checkpoints(fs, fs.makeQualified(root));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open checkpoint folder " + uri, e);
    }
  }

  /** The folder holding the checkpoints. */
  public Path root() {
    return root;
  }

  /**
   * Writes the checkpoint of {@code info}'s position (epoch and round), replacing one of the same
   * position, and then removes older mid-epoch checkpoints.
   */
  public Path write(ComputationGraph graph, CheckpointInfo info) {
    Path dir = new Path(root, info.round() == 0 ? String.format("epoch-%04d", info.epoch())
        : String.format("epoch-%04d-round-%05d", info.epoch(), info.round()));
    try {
      if (fs.exists(dir)) {
        fs.delete(dir, true);
      }
      fs.mkdirs(dir);
      MessageDigest digest = sha256();
      try (ZipOutputStream zip = new ZipOutputStream(
          new DigestOutputStream(fs.create(new Path(dir, MODEL)), digest))) {
        writeModel(graph, zip);
      }
      CheckpointInfo complete = info.withSha256(Map.of(MODEL, hex(digest)));
      Path tmp = new Path(dir, "_" + INFO + ".tmp");
      try (OutputStream out = fs.create(tmp)) {
        JSON.writeValue(out, complete);
      }
      if (!fs.rename(tmp, new Path(dir, INFO))) {
        throw new IOException("rename of " + tmp + " failed");
      }
      removeMidEpochBefore(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir, e);
    }
  }

  /**
   * The entries {@code ModelSerializer} writes for {@code graph} (with its updater state), each
   * dated {@link #ENTRY_TIME}: equal models give equal {@code model.zip} bytes, so two runs that
   * trained the same model record the same SHA-256.
   */
  private static void writeModel(ComputationGraph graph, ZipOutputStream out) throws IOException {
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    ModelSerializer.writeModel(graph, serialized, true);
    try (ZipInputStream in = new ZipInputStream(
        new ByteArrayInputStream(serialized.toByteArray()))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        ZipEntry dated = new ZipEntry(e.getName());
        dated.setTimeLocal(ENTRY_TIME);
        out.putNextEntry(dated);
        in.transferTo(out);
        out.closeEntry();
      }
    }
  }

  private void removeMidEpochBefore(Path written) throws IOException {
    long[] newest = position(written);
    for (Path p : folders()) {
      long[] at = position(p);
      if (at[1] > 0 && COMPARATOR.compare(at, newest) < 0) {
        fs.delete(p, true);
      }
    }
  }

  /** Names of every checkpoint folder, complete or not, in position order. */
  public List<String> existing() {
    try {
      return folders().stream().sorted(Comparator.comparing(Checkpoints::position, COMPARATOR))
          .map(Path::getName).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + root, e);
    }
  }

  /** Deletes every checkpoint folder (for a run that replaces an earlier one). */
  public void clear() {
    try {
      for (Path p : folders()) {
        fs.delete(p, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete checkpoints in " + root, e);
    }
  }

  /** The folder of the newest complete checkpoint, if any. */
  public Optional<Path> latest() {
    try {
      return folders().stream().filter(this::complete)
          .max(Comparator.comparing(Checkpoints::position, COMPARATOR));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + root, e);
    }
  }

  private List<Path> folders() throws IOException {
    if (!fs.exists(root)) {
      return List.of();
    }
    return Arrays.stream(fs.listStatus(root)).filter(FileStatus::isDirectory)
        .map(FileStatus::getPath).filter(p -> DIR.matcher(p.getName()).matches()).toList();
  }

  private boolean complete(Path dir) {
    try {
      return isCheckpoint(fs, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Comparator<long[]> COMPARATOR =
      Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]);

  /** (epoch, round) of a checkpoint folder. */
  private static long[] position(Path dir) {
    Matcher m = DIR.matcher(dir.getName());
    if (!m.matches()) {
      return new long[] {-1, -1};
    }
    return new long[] {Long.parseLong(m.group(1)), m.group(2) == null ? 0 : Long.parseLong(m.group(2))};
  }

  /**
   * The newest complete checkpoint that can be used: a newer one that cannot (corrupt metadata, a
   * file whose hash differs, foreign zip entries) is skipped with a warning naming it and the one
   * taken instead.
   *
   * @throws CheckpointException when checkpoints exist but none of them can be used
   */
  public Optional<Checkpoint> newest(Configuration hadoop) {
    List<Path> complete;
    try {
      complete = new ArrayList<>(folders().stream().filter(this::complete)
          .sorted(Comparator.comparing(Checkpoints::position, COMPARATOR).reversed()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + root, e);
    }
    List<String> skipped = new ArrayList<>();
    for (Path dir : complete) {
      try {
        Checkpoint c = read(dir, hadoop);
        if (!skipped.isEmpty()) {
          LOG.warn("falling back to checkpoint {}: newer ones cannot be used: {}", dir,
              String.join("; ", skipped));
        }
        return Optional.of(c);
      } catch (CheckpointException e) {
        skipped.add(e.getMessage());
      }
    }
    if (!skipped.isEmpty()) {
      throw new CheckpointException("no usable checkpoint in " + root + ": "
          + String.join("; ", skipped));
    }
    return Optional.empty();
  }

  /**
   * Reads the checkpoint in folder {@code dir} (any Hadoop URI), verifying its files against the
   * recorded hashes and the model file's entries before DL4J deserialises anything.
   *
   * @throws CheckpointException when it is missing, incomplete or cannot be used (naming
   *     {@code dir} and why)
   */
  public static Checkpoint read(Path dir, Configuration hadoop) {
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      CheckpointInfo info = info(fs, dir);
      byte[] model;
      try (InputStream in = fs.open(new Path(dir, MODEL))) {
        model = in.readAllBytes();
      }
      String expected = info.sha256().get(MODEL);
      if (expected != null && !expected.equals(hex(sha256(model)))) {
        throw new CheckpointException("checkpoint " + dir + " is corrupt: " + MODEL
            + " does not have the SHA-256 recorded in " + INFO);
      }
      requireOwnEntries(model, dir);
      ComputationGraph graph = ModelSerializer.restoreComputationGraph(
          new ByteArrayInputStream(model), true);
      return new Checkpoint(fs.makeQualified(dir), info, graph);
    } catch (FileNotFoundException e) {
      throw new CheckpointException("checkpoint " + dir + " is incomplete: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CheckpointException c) {
        throw c;
      }
      throw new CheckpointException("cannot read checkpoint " + dir + ": " + e, e);
    }
  }

  private static CheckpointInfo info(FileSystem fs, Path dir) throws IOException {
    CheckpointInfo info;
    try (InputStream in = fs.open(new Path(dir, INFO))) {
      info = JSON.readValue(in, CheckpointInfo.class);
    } catch (JsonProcessingException e) {
      throw new CheckpointException("checkpoint " + dir + " is corrupt: " + INFO + " is not valid"
          + " JSON (" + e.getOriginalMessage() + ")", e);
    }
    List<String> missing = new ArrayList<>();
    if (info.formatVersion() < 1) {
      missing.add("format_version");
    }
    if (info.model() == null) {
      missing.add("model");
    }
    if (info.train() == null) {
      missing.add("train");
    }
    if (info.features() == null) {
      missing.add("features");
    }
    if (!missing.isEmpty()) {
      throw new CheckpointException("checkpoint " + dir + " is corrupt: " + INFO + " lacks "
          + String.join(", ", missing));
    }
    return info;
  }

  private static void requireOwnEntries(byte[] model, Path dir) throws IOException {
    List<String> foreign = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(model))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (!MODEL_ENTRIES.contains(e.getName())) {
          foreign.add(e.getName());
        }
      }
    }
    if (!foreign.isEmpty()) {
      throw new CheckpointException("checkpoint " + dir + " is refused: " + MODEL + " holds "
          + foreign + ", which MelForge never writes (only " + MODEL_ENTRIES + ")");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest sha256(byte[] bytes) {
    MessageDigest digest = sha256();
    digest.update(bytes);
    return digest;
  }

  private static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** {@code value} as a JSON tree, in this format's spelling (snake_case). */
  public static JsonNode toJson(Object value) {
    return JSON.valueToTree(value);
  }

  static <T> T fromJson(JsonNode json, Class<T> type) {
    try {
      return JSON.treeToValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("checkpoint JSON is not a " + type.getSimpleName()
          + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Whether {@code dir} holds a complete checkpoint (its {@value #INFO}). */
  static boolean isCheckpoint(FileSystem fs, Path dir) throws IOException {
    return fs.exists(new Path(dir, INFO));
  }
}
