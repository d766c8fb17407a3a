package org.melforge.features;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.melforge.audio.AudioDecodeException;
import org.melforge.audio.AudioDecoder;
import org.melforge.audio.MonoAudio;
import org.melforge.corpus.Catalog;
import org.melforge.corpus.Layout;
import org.melforge.dsp.ClipTooShortException;
import org.melforge.dsp.LogMelSpectrogram;
import org.melforge.dsp.MelWindow;
import org.melforge.dsp.MelWindows;
import org.melforge.tensorstore.Reason;

/**
 * Executor side of the features job: reads each catalog row's audio through the Hadoop FileSystem
 * API, decodes it to mono at the profile's rate, computes the log-mel windows and emits
 * {@link OutcomeRows}. Every failure of one source becomes a failure row; nothing here fails the
 * task for a bad file.
 */
final class FeatureExtractor implements FlatMapFunction<Iterator<Row>, Row> {

  private static final long serialVersionUID = 1L;

  /** Catalog column added by the job: the corpus layout of the row's input. */
  static final String LAYOUT = "layout";

  private final TableProfile profile;
  private final double nsynthClipSeconds;
  private final Broadcast<SerializableConfiguration> hadoopConf;
  private final LongAccumulator filesDone;

  FeatureExtractor(TableProfile profile, double nsynthClipSeconds,
      Broadcast<SerializableConfiguration> hadoopConf, LongAccumulator filesDone) {
    this.profile = profile;
    this.nsynthClipSeconds = nsynthClipSeconds;
    this.hadoopConf = hadoopConf;
    this.filesDone = filesDone;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> sources) {
    LogMelSpectrogram logMel = new LogMelSpectrogram(profile.mel());
    Configuration conf = hadoopConf.value().value();
    List<Row> out = new ArrayList<>();
    while (sources.hasNext()) {
      Row source = sources.next();
      out.addAll(extract(source, logMel, conf));
      filesDone.add(1);
    }
    return out.iterator();
  }

  private List<Row> extract(Row source, LogMelSpectrogram logMel, Configuration conf) {
    String path = source.getAs(Catalog.SOURCE_PATH);
    byte[] bytes;
    try {
      bytes = read(path, conf);
    } catch (FileNotFoundException e) {
      return List.of(OutcomeRows.failure(source, "read", Reason.MISSING_AUDIO, "file not found: " + path));
    } catch (IOException | RuntimeException e) {
      return List.of(OutcomeRows.failure(source, "read", Reason.READ_FAILED, describe(e)));
    }
    try {
      MonoAudio audio = AudioDecoder.decodeMono(bytes, profile.mel().sampleRate());
      return windows(source, audio, logMel);
    } catch (AudioDecodeException e) {
      return List.of(OutcomeRows.failure(source, "decode", Reason.valueOf(e.reason().name()), e.getMessage()));
    } catch (ClipTooShortException e) {
      return List.of(OutcomeRows.failure(source, "features", Reason.TOO_SHORT, e.getMessage()));
    } catch (RuntimeException e) {
      return List.of(OutcomeRows.failure(source, "decode", Reason.DECODE_FAILED, describe(e)));
    }
  }

  private List<Row> windows(Row source, MonoAudio audio, LogMelSpectrogram logMel) {
    float[] samples = audio.samples();
    Reason warning = null;
    String warningMessage = null;
    if (Layout.NSYNTH.name().equals(source.getAs(LAYOUT))) {
      int clip = (int) Math.round(nsynthClipSeconds * audio.sampleRate());
      if (samples.length < clip) {
        warning = Reason.PADDED;
        warningMessage = String.format("note has %d samples (%.3f s), zero-padded to %d (%.3f s)",
            samples.length, samples.length / (double) audio.sampleRate(), clip, nsynthClipSeconds);
      }
      samples = java.util.Arrays.copyOf(samples, clip);
    }
    double duration = samples.length / (double) audio.sampleRate();
    double[][] db = logMel.decibels(samples);
    List<MelWindow> windows = profile.windows() == TableProfile.Windows.FIRST
        ? MelWindows.first(db, profile.frames())
        : MelWindows.consecutive(db, profile.frames());
    List<Row> rows = new ArrayList<>(windows.size());
    for (MelWindow w : windows) {
      rows.add(OutcomeRows.tensor(source, w, profile.windowSeconds(), duration, warning, warningMessage,
          audio.converted()));
    }
    return rows;
  }

  private static byte[] read(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
