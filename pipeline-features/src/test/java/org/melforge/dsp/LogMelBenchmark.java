package org.melforge.dsp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

/**
 * Single-threaded log-mel throughput, the Java side of {@code bench/run-logmel-bench.sh} (named
 * *Benchmark so that Surefire does not run it as a test). Per file and pass: read the bytes from
 * disk, decode to mono 16 kHz, {@link LogMelSpectrogram#decibels}, and slice into
 * {@link MelWindow}s (NSynth: the first 128 frames; speech: consecutive 320-frame windows).
 *
 * <pre>
 * java -cp ... org.melforge.dsp.LogMelBenchmark --profile nsynth|speech [--scale slaney|htk]
 *     [--warmup N] [--iterations N] [--breakdown] FILE...
 * </pre>
 *
 * <p>Prints {@code <profile> java: ... mean X audio-s/s, best pass Y audio-s/s, cpu Z
 * audio-s/cpu-s} (Z from this thread's CPU time: steadier on a shared machine); {@code --breakdown}
 * adds the time per audio-second spent in read+decode, spectrogram and windowing.
 */
public final class LogMelBenchmark {

  private static final int SAMPLE_RATE = 16000;

  private LogMelBenchmark() {}

  public static void main(String[] args) throws IOException {
    String profile = null;
    MelScale scale = MelScale.SLANEY;
    int warmup = 3;
    int iterations = 5;
    boolean breakdown = false;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--profile" -> profile = args[++i];
        case "--scale" -> scale = MelScale.parse(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--breakdown" -> breakdown = true;
        default -> files.add(Path.of(args[i]));
      }
    }
    if (profile == null || files.isEmpty()) {
      System.err.println("usage: LogMelBenchmark --profile nsynth|speech [--scale slaney|htk]"
          + " [--warmup N] [--iterations N] [--breakdown] FILE...");
      System.exit(2);
    }
    boolean nsynth = switch (profile) {
      case "nsynth" -> true;
      case "speech" -> false;
      default -> throw new IllegalArgumentException("profile must be nsynth or speech: " + profile);
    };
    MelSettings settings = (nsynth ? MelSettings.nsynth() : MelSettings.speech()).withMelScale(scale);
    int frames = nsynth ? 128 : 320;
    LogMelSpectrogram logMel = new LogMelSpectrogram(settings);

    for (int pass = 0; pass < warmup; pass++) {
      for (Path file : files) {
        float[] samples = decodeMono16k(Files.readAllBytes(file));
        window(nsynth, logMel.decibels(samples), frames);
      }
    }

    long decodeNs = 0;
    long spectrogramNs = 0;
    long windowNs = 0;
    long samplesPerPass = 0;
    long windowsTotal = 0;
    long bestPassNs = Long.MAX_VALUE;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int pass = 0; pass < iterations; pass++) {
      long passStart = System.nanoTime();
      samplesPerPass = 0;
      for (Path file : files) {
        long t0 = System.nanoTime();
        float[] samples = decodeMono16k(Files.readAllBytes(file));
        long t1 = System.nanoTime();
        double[][] db = logMel.decibels(samples);
        long t2 = System.nanoTime();
        windowsTotal += window(nsynth, db, frames).size();
        long t3 = System.nanoTime();
        decodeNs += t1 - t0;
        spectrogramNs += t2 - t1;
        windowNs += t3 - t2;
        samplesPerPass += samples.length;
      }
      bestPassNs = Math.min(bestPassNs, System.nanoTime() - passStart);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    double passAudioSeconds = (double) samplesPerPass / SAMPLE_RATE;
    double audioSeconds = passAudioSeconds * iterations;
    System.out.printf("%s java: %d files x %d passes, %.1f audio-s, %d windows in %.3f s -> "
            + "mean %.1f audio-s/s, best pass %.1f audio-s/s, cpu %.1f audio-s/cpu-s%n",
        profile, files.size(), iterations, audioSeconds, windowsTotal, elapsed,
        audioSeconds / elapsed, passAudioSeconds / (bestPassNs / 1e9), audioSeconds / cpuSeconds);
    if (breakdown) {
      System.out.printf("  per audio-second: read+decode %.1f us, decibels %.1f us, windows %.1f us%n",
          decodeNs / 1e3 / audioSeconds, spectrogramNs / 1e3 / audioSeconds,
          windowNs / 1e3 / audioSeconds);
    }
  }

  private static List<MelWindow> window(boolean nsynth, double[][] db, int frames) {
    return nsynth ? MelWindows.first(db, frames) : MelWindows.consecutive(db, frames);
  }

  /**
   * Stand-in for {@code org.melforge.audio.AudioDecoder.decodeMono(bytes, 16000).samples()}, which
   * is not on this branch yet: 16-bit PCM WAV or FLAC at 16 kHz, channels averaged, no resampling.
   */
  private static float[] decodeMono16k(byte[] bytes) throws IOException {
    String magic = new String(bytes, 0, 4, StandardCharsets.ISO_8859_1);
    return switch (magic) {
      case "RIFF" -> decodeWav16(bytes);
      case "fLaC" -> decodeFlac16(bytes);
      default -> throw new IOException("neither WAV nor FLAC (magic '" + magic + "')");
    };
  }

  private static float[] decodeWav16(byte[] bytes) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int channels = 0;
    int pos = 12;
    while (pos + 8 <= bytes.length) {
      String id = new String(bytes, pos, 4, StandardCharsets.ISO_8859_1);
      int size = bb.getInt(pos + 4);
      int body = pos + 8;
      if (id.equals("fmt ")) {
        channels = bb.getShort(body + 2);
        int rate = bb.getInt(body + 4);
        int bits = bb.getShort(body + 14);
        if (bb.getShort(body) != 1 || bits != 16 || rate != SAMPLE_RATE) {
          throw new IOException("only 16-bit PCM WAV at 16 kHz is supported here");
        }
      } else if (id.equals("data")) {
        if (channels == 0) {
          throw new IOException("WAV data before fmt chunk");
        }
        int n = Math.min(size, bytes.length - body) / (2 * channels);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
          int sum = 0;
          for (int c = 0; c < channels; c++) {
            sum += bb.getShort(body + 2 * (i * channels + c));
          }
          out[i] = sum / (32768f * channels);
        }
        return out;
      }
      pos = body + size + (size & 1);
    }
    throw new IOException("WAV without data chunk");
  }

  private static float[] decodeFlac16(byte[] bytes) throws IOException {
    FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
    decoder.readMetadata();
    StreamInfo info = decoder.getStreamInfo();
    if (info.getBitsPerSample() != 16 || info.getSampleRate() != SAMPLE_RATE) {
      throw new IOException("only 16-bit FLAC at 16 kHz is supported here");
    }
    int channels = info.getChannels();
    float[] out = new float[(int) info.getTotalSamples()];
    int n = 0;
    Frame frame;
    while ((frame = decoder.readNextFrame()) != null) {
      ChannelData[] data = decoder.getChannelData();
      int block = frame.header.blockSize;
      if (n + block > out.length) {
        out = Arrays.copyOf(out, n + block);
      }
      for (int i = 0; i < block; i++) {
        int sum = 0;
        for (int c = 0; c < channels; c++) {
          sum += data[c].getOutput()[i];
        }
        out[n + i] = sum / (32768f * channels);
      }
      n += block;
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
