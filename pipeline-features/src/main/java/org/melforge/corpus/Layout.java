package org.melforge.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** On-disk layout of a corpus; decides how its catalog is read. */
public enum Layout {
  /** NSynth json/wav release: {@code examples.json} and {@code audio/<note_str>.wav}. */
  NSYNTH,
  /** LibriSpeech: {@code <subset>/<speaker>/<chapter>/} with flac files and a {@code trans.txt}, SPEAKERS.TXT at the root. */
  LIBRISPEECH,
  /** Any folder tree of {@code .wav} / {@code .flac} files, no metadata. */
  FOLDER;

  private static final Pattern SUBSET_NAME = Pattern.compile("(train|dev|test)-.+");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  /**
   * The metadata key that {@code split = group} hashes, as recorded in provenance: {@code instrument}
   * (NSynth {@code instrument_str}, e.g. {@code bass_synthetic_033}) or {@code speaker} (LibriSpeech
   * speaker id); empty for a plain folder, which has no metadata.
   */
  public Optional<String> groupKey() {
    return switch (this) {
      case NSYNTH -> Optional.of("instrument");
      case LIBRISPEECH -> Optional.of("speaker");
      case FOLDER -> Optional.empty();
    };
  }

  /** The lower-case name as written in configuration. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a configured layout name ({@code nsynth}, {@code librispeech} or {@code folder}, case and
   * surrounding blanks ignored).
   *
   * @throws IllegalArgumentException for any other value, listing the allowed ones
   */
  public static Layout parse(String name) {
    String wanted = name == null ? "" : name.trim();
    return Arrays.stream(values())
        .filter(l -> l.configName().equalsIgnoreCase(wanted))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown corpus layout '" + name + "', allowed: "
            + Arrays.stream(values()).map(Layout::configName).collect(Collectors.joining(", "))));
  }

  /**
   * Guesses the layout of an existing corpus folder from its listing (no file is read):
   * {@code examples.json} means NSynth; {@code SPEAKERS.TXT}, a subfolder named like a LibriSpeech
   * subset ({@code train-*}, {@code dev-*}, {@code test-*}) or a
   * {@code <speaker>/<chapter>/<speaker>-<chapter>.trans.txt} tree means LibriSpeech; anything else
   * is a plain folder.
   *
   * @throws UncheckedIOException when the folder cannot be listed
   */
  public static Layout detect(FileSystem fs, Path root) {
    try {
      if (fs.exists(new Path(root, NsynthCatalog.EXAMPLES_JSON))) {
        return NSYNTH;
      }
      if (fs.exists(new Path(root, LibriSpeechCatalog.SPEAKERS_TXT)) || looksLikeLibriSpeech(fs, root)) {
        return LIBRISPEECH;
      }
      return FOLDER;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list corpus folder " + root, e);
    }
  }

  private static boolean looksLikeLibriSpeech(FileSystem fs, Path root) throws IOException {
    for (FileStatus child : fs.listStatus(root)) {
      if (child.isDirectory() && SUBSET_NAME.matcher(child.getPath().getName()).matches()) {
        return true;
      }
    }
    return hasChapterTree(fs, root);
  }

  private static boolean hasChapterTree(FileSystem fs, Path root) throws IOException {
    for (Path speaker : numberedDirs(fs, root)) {
      for (Path chapter : numberedDirs(fs, speaker)) {
        String trans = speaker.getName() + "-" + chapter.getName() + LibriSpeechCatalog.TRANS_SUFFIX;
        if (fs.exists(new Path(chapter, trans))) {
          return true;
        }
      }
    }
    return false;
  }

  private static Path[] numberedDirs(FileSystem fs, Path dir) throws IOException {
    return Arrays.stream(fs.listStatus(dir))
        .filter(s -> s.isDirectory() && NUMBER.matcher(s.getPath().getName()).matches())
        .map(FileStatus::getPath)
        .toArray(Path[]::new);
  }
}
