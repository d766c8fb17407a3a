package org.melforge.dsp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.melforge.audio.AudioDecodeException;
import org.melforge.audio.AudioDecoder;

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

  public static void main(String[] args) throws IOException, AudioDecodeException {
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

  private static float[] decodeMono16k(byte[] bytes) throws AudioDecodeException {
    return AudioDecoder.decodeMono(bytes, SAMPLE_RATE).samples();
  }
}
