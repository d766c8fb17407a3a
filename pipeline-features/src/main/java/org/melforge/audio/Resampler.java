package org.melforge.audio;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Band-limited resampling that reproduces torchaudio 0.13's
 * {@code torchaudio.functional.resample(waveform, orig_freq, new_freq)} with its defaults
 * ({@code lowpass_filter_width=6}, {@code rolloff=0.99}, {@code resampling_method="sinc_interpolation"},
 * i.e. a Hann-windowed sinc).
 *
 * <p>As in torchaudio, the rates are reduced by their gcd to {@code orig} and {@code new}; output
 * sample {@code i * new + j} is the dot product of kernel row {@code j} with the input, zero-padded
 * by {@code width} samples on the left, starting at input sample {@code i * orig - width}; the first
 * {@code ceil(new * length / orig)} samples are kept. Kernels are computed and applied in double
 * precision; torchaudio uses the waveform's dtype, so on float32 input its own rounding leaves it
 * up to about 1e-5 away (for 22050 to 16000), while on float64 input the two agree to float32
 * rounding of the output. Taps where the windowed sinc is clamped to its zero at {@code ±lowpass_filter_width} are left
 * out: they are below 1e-40. Kernels are cached per rate pair, for all threads.
 */
public final class Resampler {

  private static final int LOWPASS_FILTER_WIDTH = 6;
  private static final double ROLLOFF = 0.99;
  private static final ConcurrentHashMap<Long, Kernel> KERNELS = new ConcurrentHashMap<>();

  /**
   * Polyphase kernel for reduced rates: row {@code j} (output phase) applies {@code taps[j]} to the
   * input starting {@code offset[j]} samples after the left edge of the torchaudio kernel window.
   */
  private record Kernel(int orig, int target, int width, int[] offset, double[][] taps) {}

  private Resampler() {}

  /**
   * Resamples {@code x} from {@code fromRate} to {@code toRate}; returns {@code x} itself when the
   * rates are equal, otherwise a new array of {@code ceil(x.length * toRate / fromRate)} samples.
   */
  public static float[] resample(float[] x, int fromRate, int toRate) {
    if (fromRate <= 0 || toRate <= 0) {
      throw new IllegalArgumentException("sample rates must be positive: " + fromRate + " -> " + toRate);
    }
    if (fromRate == toRate) {
      return x;
    }
    Kernel kernel = KERNELS.computeIfAbsent(
        (long) fromRate << 32 | toRate, key -> kernel(fromRate, toRate));
    int orig = kernel.orig();
    int target = kernel.target();
    int length = x.length;
    int outLength = Math.toIntExact(((long) target * length + orig - 1) / orig);
    float[] y = new float[outLength];
    for (int i = 0, m = 0; m < outLength; i++) {
      int windowStart = i * orig - kernel.width();
      for (int j = 0; j < target && m < outLength; j++, m++) {
        double[] taps = kernel.taps()[j];
        int start = windowStart + kernel.offset()[j];
        int from = Math.max(0, -start);
        int to = Math.min(taps.length, length - start);
        double acc = 0;
        for (int q = from; q < to; q++) {
          acc += taps[q] * x[start + q];
        }
        y[m] = (float) acc;
      }
    }
    return y;
  }

  private static Kernel kernel(int fromRate, int toRate) {
    int gcd = gcd(fromRate, toRate);
    int orig = fromRate / gcd;
    int target = toRate / gcd;
    double baseFreq = Math.min(orig, target) * ROLLOFF;
    int width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / baseFreq);
    double scale = baseFreq / orig;
    int size = 2 * width + orig;
    int[] offset = new int[target];
    double[][] taps = new double[target][];
    double[] row = new double[size];
    for (int j = 0; j < target; j++) {
      int first = -1;
      int last = -1;
      for (int k = 0; k < size; k++) {
        double t = ((double) -j / target + (double) (k - width) / orig) * baseFreq;
        if (Math.abs(t) >= LOWPASS_FILTER_WIDTH) {
          continue;
        }
        double window = Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2);
        window *= window;
        t *= Math.PI;
        double sinc = t == 0 ? 1.0 : Math.sin(t) / t;
        row[k] = sinc * (window * scale);
        if (first < 0) {
          first = k;
        }
        last = k;
      }
      offset[j] = first;
      taps[j] = Arrays.copyOfRange(row, first, last + 1);
    }
    return new Kernel(orig, target, width, offset, taps);
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int r = a % b;
      a = b;
      b = r;
    }
    return a;
  }
}
