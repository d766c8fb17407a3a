package org.melforge.eval.report;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.melforge.eval.metrics.Distribution;

/**
 * A report of two models for the report tests: a VQ model with two code levels and a VAE with a
 * gaussian level and a latent map. VQ's mean PSNR is {@code +Infinity} (one example reconstructed
 * exactly); VAE has the lower mean MSE. Metadata and labels hold markup to be escaped.
 */
final class SyntheticReport {

  static final int N_MELS = 80;
  static final int N_FRAMES = 128;
  /** Metadata value that would end a script element and start an element if not escaped. */
  static final String SCRIPT_METADATA = "</script><script>window.injected = 1</script>";
  static final String BOLD_METADATA = "<b>bold</b> & more";
  /** Latent-map label that would end the chart JSON's script element if not escaped. */
  static final String SCRIPT_LABEL = "</script><!-- reed";

  private SyntheticReport() {}

  static Report create() {
    return new Report("MelForge eval: synthetic", "out/demo/tensors", "valid",
        List.of(vq(), vae()));
  }

  private static ModelResult vq() {
    Map<String, Distribution> overall = reconstruction(0.0123, Double.POSITIVE_INFINITY, 0.81);
    overall.put("recon", dist(0.0123));
    overall.put("vq_loss", dist(0.004));
    overall.put("total", dist(0.0163));
    List<LevelStats> levels = List.of(codes("coarse", 64, 1), codes("fine", 4096, 2), binary());
    return new ModelResult("vq-small", "out/checkpoints/vq-small/epoch-12", "vq", "small", 24,
        overall, groups(0.011, 0.02), histograms(3), levels, examples(0.05, 11), null);
  }

  private static ModelResult vae() {
    Map<String, Distribution> overall = reconstruction(0.0101, 28.0, 0.84);
    overall.put("recon", dist(0.0101));
    overall.put("kl", dist(0.7));
    overall.put("total", dist(0.0171));
    return new ModelResult("vae-small", "out/checkpoints/vae-small/epoch-9", "vae", "small", 24,
        overall, groups(0.013, 0.015), histograms(4), List.of(gaussian()), examples(0.08, 12),
        latentMap());
  }

  private static Map<String, Distribution> reconstruction(double mse, double psnr, double ssim) {
    Map<String, Distribution> m = new LinkedHashMap<>();
    for (String suffix : new String[] {"", "_valid"}) {
      m.put("mse" + suffix, dist(mse));
      m.put("psnr" + suffix, Double.isInfinite(psnr)
          ? new Distribution(24, psnr, Double.NaN, 24.1, 30.2, psnr) : dist(psnr));
      m.put("rmse_db" + suffix, dist(40 * Math.sqrt(mse)));
      m.put("ssim" + suffix, dist(ssim));
    }
    return m;
  }

  private static Distribution dist(double mean) {
    return new Distribution(24, mean, mean / 5, mean * 0.7, mean * 0.98, mean * 1.4);
  }

  /** Brass is better reconstructed by the model with {@code brass} the smaller. */
  private static Map<String, Map<String, Map<String, Distribution>>> groups(double brass,
      double guitar) {
    Map<String, Map<String, Distribution>> byFamily = new LinkedHashMap<>();
    byFamily.put("brass", Map.of("mse_valid", dist(brass), "psnr_valid", dist(-10 * Math.log10(
        brass / 4)), "ssim_valid", dist(0.8)));
    byFamily.put("guitar", Map.of("mse_valid", dist(guitar), "psnr_valid", dist(-10 * Math.log10(
        guitar / 4)), "ssim_valid", dist(0.8)));
    return Map.of("instrument_family", byFamily, "speaker_sex",
        Map.of("F", Map.of("mse_valid", dist(brass)), "M", Map.of("mse_valid", dist(guitar))));
  }

  private static Map<String, Histogram> histograms(long seed) {
    Random random = new Random(seed);
    Map<String, Histogram> out = new LinkedHashMap<>();
    out.put("mse_valid", histogram(random, 0, 0.05));
    out.put("psnr_valid", histogram(random, 15, 40));
    out.put("ssim_valid", histogram(random, 0.5, 1));
    return out;
  }

  private static Histogram histogram(Random random, double min, double max) {
    long[] counts = new long[20];
    for (int i = 0; i < 200; i++) {
      counts[(int) Math.min(19, Math.abs(random.nextGaussian()) * 6)]++;
    }
    return new Histogram(min, max, counts);
  }

  private static LevelStats codes(String name, int size, long seed) {
    Random random = new Random(seed);
    long[] usage = new long[size];
    double[][] pca = new double[size][];
    for (int code = 0; code < size; code++) {
      usage[code] = code % 7 == 3 ? 0 : (long) (1000 * Math.exp(-code / (size / 6.0)));
      pca[code] = new double[] {random.nextGaussian(), random.nextGaussian() * 0.5};
    }
    List<long[]> top = new ArrayList<>();
    for (int code = 0; code < 20; code++) {
      top.add(new long[] {code, usage[code]});
    }
    top.removeIf(codeCount -> codeCount[1] == 0);
    long dead = size / 7;
    return new LevelStats(name, LevelStats.CODES, size, usage, top, 4.2, Math.pow(2, 4.2),
        size - dead, dead, 86.1 * Math.log(size) / Math.log(2), 86.1 * 4.2, 86.1, pca,
        new Distribution((long) size * (size - 1) / 2, 1.4, 0.3, 0.9, 1.4, 1.9), null, null, 0,
        null, null, null, null);
  }

  /** An 18-bit binary level whose last bits are nearly constant. */
  private static LevelStats binary() {
    double[] plus = new double[18];
    double[] entropy = new double[18];
    for (int i = 0; i < plus.length; i++) {
      plus[i] = i < 14 ? 0.5 - 0.02 * i : 0.98;
      entropy[i] = -(plus[i] * Math.log(plus[i]) + (1 - plus[i]) * Math.log(1 - plus[i]))
          / Math.log(2);
    }
    List<long[]> top = List.of(new long[] {131071, 40}, new long[] {5, 31}, new long[] {77, 12});
    return new LevelStats("bits", LevelStats.BINARY, 1L << 18, null, top, 9.5, Math.pow(2, 9.5),
        700, (1L << 18) - 700, 86.1 * 18, 86.1 * 9.5, 86.1, null, null, null, null, 0, null, null,
        plus, entropy);
  }

  private static LevelStats gaussian() {
    double[] kl = new double[16];
    double[] muVariance = new double[16];
    for (int d = 0; d < kl.length; d++) {
      kl[d] = d < 11 ? 0.9 / (d + 1) : 0.001;
      muVariance[d] = d < 11 ? 1.0 / (d + 1) : 0.002;
    }
    return new LevelStats("posterior", LevelStats.GAUSSIAN, 0, null, null, Double.NaN, Double.NaN,
        0, 0, Double.NaN, Double.NaN, 21.5, null, null, kl, muVariance, 11,
        new Distribution(16 * 24, 0.01, 0.6, -1.0, 0.0, 1.0),
        new Distribution(16 * 24, -2.1, 0.8, -3.5, -2.0, -0.9), null, null);
  }

  private static LatentMap latentMap() {
    Random random = new Random(5);
    String[] families = {"brass", "guitar", "keyboard", SCRIPT_LABEL};
    int n = 300;
    double[] x = new double[n];
    double[] y = new double[n];
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int family = i % families.length;
      x[i] = 2 * Math.cos(family * Math.PI / 2) + random.nextGaussian() * 0.5;
      y[i] = 2 * Math.sin(family * Math.PI / 2) + random.nextGaussian() * 0.5;
      labels.add(families[family]);
    }
    return new LatentMap(x, y, labels);
  }

  private static List<ExampleView> examples(double noise, long seed) {
    Random random = new Random(seed);
    return List.of(example("best", "nsynth-brass_acoustic_046-060-100", 0, N_FRAMES, random),
        example("median", "nsynth-guitar_electronic_022-064-075", noise, N_FRAMES, random),
        example("worst", "librispeech-1272-128104-0001", 4 * noise, 100, random));
  }

  private static ExampleView example(String label, String id, double noise, int validFrames,
      Random random) {
    float[] original = new float[N_MELS * N_FRAMES];
    float[] reconstruction = new float[original.length];
    for (int m = 0; m < N_MELS; m++) {
      for (int t = 0; t < N_FRAMES; t++) {
        double v = t >= validFrames ? -1
            : Math.max(-1, Math.min(1, 0.8 - m / 40.0 + 0.4 * Math.sin(t / 6.0 + m / 9.0)));
        original[m * N_FRAMES + t] = (float) v;
        reconstruction[m * N_FRAMES + t] = (float) Math.max(-1, Math.min(1,
            v + noise * random.nextGaussian()));
      }
    }
    Map<String, String> metadata = Map.of("instrument_family", label.equals("worst") ? "speech"
        : "brass", "note", SCRIPT_METADATA, "source", BOLD_METADATA);
    Map<String, Double> metrics = Map.of("mse_valid", noise * noise, "psnr_valid",
        noise == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(noise * noise / 4),
        "ssim_valid", 1 - noise);
    return new ExampleView(label, id, metadata, metrics, N_MELS, N_FRAMES, validFrames, original,
        reconstruction, wav(440, 0), wav(440, noise));
  }

  /** A quarter second of a sine at 16 kHz as a 16-bit mono WAV file. */
  static byte[] wav(double hz, double noise) {
    int rate = 16000;
    byte[] pcm = new byte[rate / 2];
    Random random = new Random(1);
    for (int i = 0; i < pcm.length / 2; i++) {
      double v = 0.3 * Math.sin(2 * Math.PI * hz * i / rate) + noise * random.nextGaussian();
      short s = (short) Math.round(Math.max(-1, Math.min(1, v)) * Short.MAX_VALUE);
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format,
          pcm.length / 2), AudioFileFormat.Type.WAVE, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
