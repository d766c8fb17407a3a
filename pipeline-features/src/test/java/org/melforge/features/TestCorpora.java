package org.melforge.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.melforge.tensorstore.ErrorTable;

/**
 * Builds corpora on disk for job tests: the bundled samples plus real bad files, and corpora of many
 * instruments or speakers made from the samples' audio.
 */
final class TestCorpora {

  static final Path SAMPLE_NSYNTH = Path.of("sample-data/nsynth-mini");
  static final Path SAMPLE_LIBRISPEECH = Path.of("sample-data/librispeech-mini/LibriSpeech");

  /** What the job must record for {@link #nsynthWithBadFiles}: reason/severity by source id. */
  static final Map<String, String> NSYNTH_BAD_REASONS = Map.of(
      "bad_truncated-060-100", "truncated/error",
      "bad_text-060-100", "not_audio/error",
      "bad_empty-060-100", "empty/error",
      "orphan_wav-060-100", "missing_metadata/error",
      "no_audio-060-100", "missing_audio/error",
      "short_note-060-100", "padded/warning");

  /** What the job must record for {@link #folderWithOddFiles}. */
  static final Map<String, String> FOLDER_BAD_REASONS = Map.of(
      "nested__bad_alaw", "unsupported_format/error",
      "nested__bad_corrupt", "decode_failed/error",
      "nested__tiny", "too_short/error",
      "nested__stereo_s24", "duplicate_id/error");

  private TestCorpora() {}

  /** An errors table as reason/severity by source id. */
  static Map<String, String> reasonBySource(Dataset<Row> errors) {
    return errors.collectAsList().stream().collect(Collectors.toMap(
        r -> r.getAs(ErrorTable.SOURCE_ID), r -> r.getAs(ErrorTable.REASON) + "/" + r.getAs(ErrorTable.SEVERITY)));
  }

  /**
   * Copies the sample NSynth corpus to {@code dir} and adds: a truncated note, a text file named
   * .wav, an empty .wav, a wav without an examples.json entry, an entry without a wav, a 2 s note
   * (padded) and a 44.1 kHz stereo note (converted). Returns the corpus root.
   */
  static Path nsynthWithBadFiles(Path dir) throws IOException {
    Path root = dir.resolve("nsynth-bad");
    Path audio = Files.createDirectories(root.resolve("audio"));
    try (Stream<Path> files = Files.list(SAMPLE_NSYNTH.resolve("audio"))) {
      for (Path f : files.toList()) {
        Files.copy(f, audio.resolve(f.getFileName()));
      }
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode examples = (ObjectNode) json.readTree(SAMPLE_NSYNTH.resolve("examples.json").toFile());
    ObjectNode template = (ObjectNode) examples.elements().next();

    byte[] good = Files.readAllBytes(audio.resolve(examples.fieldNames().next() + ".wav"));
    addNote(examples, template, audio, "bad_truncated-060-100", Arrays.copyOf(good, good.length / 2));
    addNote(examples, template, audio, "bad_text-060-100", "this is not audio\n".getBytes());
    addNote(examples, template, audio, "bad_empty-060-100", new byte[0]);
    addNote(examples, template, audio, "short_note-060-100", pcm16(sine(440, 16000, 32000, 1), 16000));
    addNote(examples, template, audio, "stereo_44k-060-100",
        pcm16(new float[][] {sine(440, 44100, 176400, 1)[0], sine(660, 44100, 176400, 1)[0]}, 44100));
    Files.write(audio.resolve("orphan_wav-060-100.wav"), good);
    ObjectNode missingAudio = template.deepCopy();
    missingAudio.put("note_str", "no_audio-060-100");
    examples.set("no_audio-060-100", missingAudio);
    json.writerWithDefaultPrettyPrinter().writeValue(root.resolve("examples.json").toFile(), examples);
    return root;
  }

  /**
   * An NSynth json/wav folder (not named like an official split) of {@code instruments} instruments
   * {@code bass_synthetic_000}, {@code bass_synthetic_001}, ... with {@code notesEach} notes each, the
   * audio cycled from the sample corpus. Returns the corpus root.
   */
  static Path nsynthInstruments(Path dir, int instruments, int notesEach) throws IOException {
    Path root = dir.resolve("nsynth-instruments");
    Path audio = Files.createDirectories(root.resolve("audio"));
    List<Path> wavs = sampleFiles(SAMPLE_NSYNTH, ".wav");
    ObjectMapper json = new ObjectMapper();
    ObjectNode template = (ObjectNode) json.readTree(SAMPLE_NSYNTH.resolve("examples.json").toFile()).elements().next();
    ObjectNode examples = json.createObjectNode();
    for (int i = 0; i < instruments; i++) {
      String instrument = String.format("bass_synthetic_%03d", i);
      for (int n = 0; n < notesEach; n++) {
        String note = String.format("%s-%03d-100", instrument, 40 + n);
        examples.set(note, template.deepCopy().put("note_str", note).put("instrument_str", instrument)
            .put("instrument_family_str", "bass").put("instrument_source_str", "synthetic").put("pitch", 40 + n)
            .put("velocity", 100));
        Files.copy(wavs.get((i * notesEach + n) % wavs.size()), audio.resolve(note + ".wav"));
      }
    }
    json.writeValue(root.resolve("examples.json").toFile(), examples);
    return root;
  }

  /**
   * A LibriSpeech tree (subset {@code dev-clean}, with SPEAKERS.TXT) of {@code speakers} speakers 101,
   * 102, ..., each reading one utterance in each of {@code chaptersEach} chapters, the audio cycled
   * from the sample corpus. Returns the root holding SPEAKERS.TXT.
   */
  static Path librispeechSpeakers(Path dir, int speakers, int chaptersEach) throws IOException {
    Path root = dir.resolve("librispeech-speakers/LibriSpeech");
    List<Path> flacs = sampleFiles(SAMPLE_LIBRISPEECH, ".flac");
    StringBuilder speakersTxt = new StringBuilder(";ID  |SEX| SUBSET           |MINUTES| NAME\n");
    for (int s = 0; s < speakers; s++) {
      int speaker = 101 + s;
      speakersTxt.append(speaker).append(s % 2 == 0 ? " | F" : " | M").append(" | dev-clean | 0.50 | Reader ")
          .append(speaker).append('\n');
      for (int c = 0; c < chaptersEach; c++) {
        String prefix = speaker + "-" + (1000 + c);
        Path folder = Files.createDirectories(root.resolve("dev-clean/" + speaker + "/" + (1000 + c)));
        Files.copy(flacs.get((s * chaptersEach + c) % flacs.size()), folder.resolve(prefix + "-0000.flac"));
        Files.writeString(folder.resolve(prefix + ".trans.txt"), prefix + "-0000 A LINE READ BY " + speaker + "\n");
      }
    }
    Files.writeString(root.resolve("SPEAKERS.TXT"), speakersTxt);
    return root;
  }

  private static List<Path> sampleFiles(Path root, String suffix) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static void addNote(ObjectNode examples, ObjectNode template, Path audio, String noteStr, byte[] wav)
      throws IOException {
    ObjectNode entry = template.deepCopy();
    entry.put("note_str", noteStr);
    examples.set(noteStr, entry);
    Files.write(audio.resolve(noteStr + ".wav"), wav);
  }

  /**
   * A plain folder (speech table) with one good stereo 24-bit FLAC and files that fail later than
   * the catalog: an A-law WAV (unsupported_format), a FLAC with corrupted frames (decode_failed)
   * a 300-sample WAV, too short for the n_fft/2 reflect padding (too_short), and a WAV with the
   * same source id as the good FLAC (duplicate_id).
   */
  static Path folderWithOddFiles(Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("odd-folder/nested"));
    Path fixtures = Path.of("src/test/resources/audio");
    for (String name : List.of("stereo_s24.flac", "bad_alaw.wav", "bad_corrupt.flac")) {
      Files.copy(fixtures.resolve(name), root.resolve(name));
    }
    Files.write(root.resolve("tiny.wav"), pcm16(sine(440, 16000, 300, 1), 16000));
    Files.write(root.resolve("stereo_s24.wav"), pcm16(sine(440, 16000, 16000, 1), 16000));
    Files.writeString(root.resolve("notes.txt"), "not listed: only .wav and .flac are");
    return root.getParent();
  }

  /** {@code channels} sines of {@code hz} (times 1, 1.5, ...) at amplitude 0.5. */
  static float[][] sine(double hz, int rate, int samples, int channels) {
    float[][] out = new float[channels][samples];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < samples; i++) {
        out[c][i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * (1 + 0.5 * c) * i / rate));
      }
    }
    return out;
  }

  /** A 16-bit PCM WAV file. */
  static byte[] pcm16(float[][] channels, int rate) {
    int n = channels[0].length;
    int dataBytes = n * channels.length * 2;
    ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + dataBytes).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels.length)
        .putInt(rate).putInt(rate * channels.length * 2).putShort((short) (channels.length * 2))
        .putShort((short) 16);
    b.put("data".getBytes()).putInt(dataBytes);
    for (int i = 0; i < n; i++) {
      for (float[] ch : channels) {
        b.putShort((short) Math.round(Math.max(-1f, Math.min(1f, ch[i])) * 32767));
      }
    }
    return b.array();
  }
}
