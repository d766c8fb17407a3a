package org.melforge.eval.audio;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jtransforms.fft.DoubleFFT_1D;
import org.melforge.dsp.LogMelSpectrogram;
import org.melforge.dsp.MelSettings;

/**
 * Fast Griffin-Lim (Perraudin, Balazs and Sondergaard 2013): a signal whose STFT magnitude
 * approaches a given one, computed as {@code torchaudio.transforms.GriffinLim} and
 * {@code librosa.griffinlim} do. Each iteration inverts {@code magnitude * angles}, takes the STFT
 * {@code R} of the result and sets {@code angles = A / |A|} with
 * {@code A = R - momentum / (1 + momentum) * R_previous}; the result is the inverse of
 * {@code magnitude * angles} after the last iteration.
 *
 * <p>The STFT is the one {@link LogMelSpectrogram} analyses with: frames of {@code nFft} samples
 * every {@code hopLength}, centred (the signal is reflect-padded by {@code nFft/2}, numpy
 * {@code 'reflect'}), a periodic Hann window of {@code winLength} centred in {@code nFft}, an
 * unnormalised real FFT (JTransforms', on the classpath through Spark MLlib's breeze; reflection
 * repeats, as numpy's does, when the signal is shorter than the padding). The inverse STFT is the
 * weighted overlap-add of the inverse FFTs times the window, divided by the overlap-added squared
 * window, with {@code nFft/2} samples trimmed from both ends ({@code torch.istft(center=True)}):
 * {@code frames} frames give {@code (frames - 1) * hopLength} samples, the first
 * {@code frames - 1} hops of the clip they were computed from.
 *
 * <p>The initial phases are uniform random in [0, 2 pi) (librosa's {@code init='random'}), drawn
 * from a {@link SplittableRandom} seeded with {@link #SEED}, so results are deterministic. An
 * instance keeps an FFT plan and a frame buffer: it is not thread-safe, use one per thread.
 */
public final class GriffinLim {

  /** Iterations by default (torchaudio's). */
  public static final int DEFAULT_ITERATIONS = 32;
  /** Momentum by default (torchaudio's and librosa's). */
  public static final double DEFAULT_MOMENTUM = 0.99;
  /** Seed of the initial phases. */
  public static final long SEED = 0L;
  /** Added to {@code |A|} before dividing, as torchaudio does. */
  private static final double EPS = 1e-16;

  private final int nFft;
  private final int hop;
  private final int iterations;
  private final double momentum;
  private final double[] window;
  private final int windowStart;
  private final int windowEnd;
  private final DoubleFFT_1D fft;
  private final double[] frame;

  /** Griffin-Lim at the STFT settings of {@code settings}, with the default options. */
  public GriffinLim(MelSettings settings) {
    this(settings, DEFAULT_ITERATIONS, DEFAULT_MOMENTUM);
  }

  /**
   * Griffin-Lim at the STFT settings of {@code settings}.
   *
   * @param iterations phase updates, at least 0
   * @param momentum in [0, 1); 0 is the original Griffin-Lim
   */
  public GriffinLim(MelSettings settings, int iterations, double momentum) {
    if (iterations < 0) {
      throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    this.nFft = settings.nFft();
    this.hop = settings.hopLength();
    this.iterations = iterations;
    this.momentum = momentum;
    this.windowStart = (nFft - settings.winLength()) / 2;
    this.windowEnd = windowStart + settings.winLength();
    this.window = paddedHann(nFft, windowStart, settings.winLength());
    this.fft = new DoubleFFT_1D(nFft);
    this.frame = new double[nFft];
  }

  /**
   * A signal whose STFT magnitude approaches {@code magnitude}.
   *
   * @param magnitude {@code [nFft/2 + 1][frames]}, at least one frame
   * @return {@code (frames - 1) * hopLength} samples, at the level of {@code magnitude}
   * @throws IllegalArgumentException if {@code magnitude} has another number of rows or no frames
   */
  public float[] reconstruct(double[][] magnitude) {
    int frames = checkShape(magnitude);
    if (frames == 1) {
      return new float[0];
    }
    double[] target = packed(magnitude);
    double[] angles = randomAngles(frames);
    double[] rebuilt = new double[target.length];
    double[] previous = new double[target.length];
    double[] inverseEnvelope = inverseEnvelope(frames);
    double beta = momentum / (1 + momentum);
    for (int i = 0; i < iterations; i++) {
      analyse(synthesise(target, angles, inverseEnvelope), rebuilt);
      updateAngles(angles, rebuilt, previous, beta);
      double[] swap = previous;
      previous = rebuilt;
      rebuilt = swap;
    }
    return toFloat(synthesise(target, angles, inverseEnvelope));
  }

  private int checkShape(double[][] magnitude) {
    if (magnitude.length != nFft / 2 + 1) {
      throw new IllegalArgumentException(
          "magnitude must have nFft/2 + 1 = " + (nFft / 2 + 1) + " rows, got " + magnitude.length);
    }
    if (magnitude[0].length == 0) {
      throw new IllegalArgumentException("magnitude has no frames");
    }
    return magnitude[0].length;
  }

  /**
   * The magnitude in JTransforms' packed real-FFT layout, {@code nFft} values per frame: bin
   * {@code k} at {@code 2k} and {@code 2k + 1} (real and imaginary parts), bin 0 at 0 and bin
   * {@code nFft/2} at 1.
   */
  private double[] packed(double[][] magnitude) {
    int frames = magnitude[0].length;
    int half = nFft / 2;
    double[] out = new double[frames * nFft];
    for (int t = 0; t < frames; t++) {
      int base = t * nFft;
      out[base] = magnitude[0][t];
      out[base + 1] = magnitude[half][t];
      for (int k = 1; k < half; k++) {
        out[base + 2 * k] = magnitude[k][t];
        out[base + 2 * k + 1] = magnitude[k][t];
      }
    }
    return out;
  }

  /**
   * Unit phases {@code exp(i phi)}, {@code phi} uniform; bins 0 and {@code nFft/2} are real and
   * keep {@code cos phi}.
   */
  private double[] randomAngles(int frames) {
    SplittableRandom random = new SplittableRandom(SEED);
    double[] angles = new double[frames * nFft];
    for (int t = 0; t < frames; t++) {
      int base = t * nFft;
      angles[base] = Math.cos(2 * Math.PI * random.nextDouble());
      angles[base + 1] = Math.cos(2 * Math.PI * random.nextDouble());
      for (int j = base + 2; j < base + nFft; j += 2) {
        double phi = 2 * Math.PI * random.nextDouble();
        angles[j] = Math.cos(phi);
        angles[j + 1] = Math.sin(phi);
      }
    }
    return angles;
  }

  /** {@code 1 / sum_t window^2(i - t hop)} over the trimmed output, 0 where no window reaches. */
  private double[] inverseEnvelope(int frames) {
    double[] sum = new double[(frames - 1) * hop];
    int trim = nFft / 2;
    for (int t = 0; t < frames; t++) {
      for (int j = windowStart; j < windowEnd; j++) {
        int i = t * hop + j - trim;
        if (i >= 0 && i < sum.length) {
          sum[i] += window[j] * window[j];
        }
      }
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] = sum[i] > Double.MIN_NORMAL ? 1.0 / sum[i] : 0.0;
    }
    return sum;
  }

  /** Inverse STFT of {@code target * angles}: windowed overlap-add, normalised and trimmed. */
  private double[] synthesise(double[] target, double[] angles, double[] inverseEnvelope) {
    double[] out = new double[inverseEnvelope.length];
    int trim = nFft / 2;
    for (int t = 0, base = 0; base < target.length; t++, base += nFft) {
      for (int j = 0; j < nFft; j++) {
        frame[j] = target[base + j] * angles[base + j];
      }
      fft.realInverse(frame, true);
      int from = Math.max(windowStart, trim - t * hop);
      int to = Math.min(windowEnd, out.length + trim - t * hop);
      for (int j = from, i = t * hop + from - trim; j < to; j++, i++) {
        out[i] += frame[j] * window[j];
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] *= inverseEnvelope[i];
    }
    return out;
  }

  /** Centred STFT of {@code signal} (reflect padding) into {@code out}, packed. */
  private void analyse(double[] signal, double[] out) {
    int n = signal.length;
    int trim = nFft / 2;
    for (int base = 0, start = -trim; base < out.length; base += nFft, start += hop) {
      Arrays.fill(out, base, base + nFft, 0.0);
      for (int j = windowStart; j < windowEnd; j++) {
        out[base + j] = signal[reflect(start + j, n)] * window[j];
      }
      fft.realForward(out, base);
    }
  }

  /** {@code angles = A / (|A| + EPS)}, {@code A = rebuilt - beta * previous}, bin by bin. */
  private void updateAngles(double[] angles, double[] rebuilt, double[] previous, double beta) {
    for (int base = 0; base < angles.length; base += nFft) {
      for (int j = base; j < base + 2; j++) {
        double a = rebuilt[j] - beta * previous[j];
        angles[j] = a / (Math.abs(a) + EPS);
      }
      for (int j = base + 2; j < base + nFft; j += 2) {
        double re = rebuilt[j] - beta * previous[j];
        double im = rebuilt[j + 1] - beta * previous[j + 1];
        double norm = Math.sqrt(re * re + im * im) + EPS;
        angles[j] = re / norm;
        angles[j + 1] = im / norm;
      }
    }
  }

  /** Index into a signal of {@code n} samples extended by numpy's {@code 'reflect'} padding. */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int r = Math.floorMod(i, period);
    return r < n ? r : period - r;
  }

  private static double[] paddedHann(int nFft, int start, int length) {
    double[] w = new double[nFft];
    for (int i = 0; i < length; i++) {
      w[start + i] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * i / length);
    }
    return w;
  }

  private static float[] toFloat(double[] samples) {
    float[] out = new float[samples.length];
    for (int i = 0; i < samples.length; i++) {
      out[i] = (float) samples[i];
    }
    return out;
  }
}
