package org.melforge.dsp;

/**
 * Mel power and log-mel spectrograms of mono clips, computed in double precision exactly as
 * librosa/torchaudio do: the clip is reflect-padded by {@code nFft/2} on both sides (numpy
 * {@code 'reflect'}, the edge sample is not repeated), cut into {@code 1 + samples/hopLength}
 * frames of {@code nFft} samples every {@code hopLength}, each multiplied by a periodic Hann
 * window of {@code winLength} centred in {@code nFft}, transformed by a real FFT, squared
 * ({@code |X|^2}, unnormalised) and passed through the {@link MelFilterbank}. Frames are
 * transformed in batches of 32 by a radix-2 FFT, so {@code nFft} must be a power of two
 * ({@link MelSettings} enforces it).
 *
 * <p>Settings are immutable and an instance can be reused for any number of clips. An instance
 * holds scratch buffers (the padded clip buffer grows to the longest clip seen), so it is
 * <em>not</em> thread-safe: use one instance per thread (for example one per Spark task or
 * partition). Everything runs on the calling thread.
 */
public final class LogMelSpectrogram {

  /** Lower clipping bound of {@link #decibels}, in dB below the clip maximum. */
  public static final double FLOOR_DB = -80.0;
  /** Smallest mel power {@link #decibels} takes the logarithm of; smaller values count as this. */
  public static final double AMIN = 1e-10;
  /** Frames per {@link BatchedPowerSpectrum} call. */
  private static final int BATCH = 32;

  private final MelSettings settings;
  private final MelFilterbank filterbank;
  private final double[] window;
  private final int windowOffset;
  private final BatchedPowerSpectrum spectra;
  private final double[] melScratch;
  private double[] padded = new double[0];

  /** Creates a spectrogram calculator; precomputes the window, the filterbank and the FFT plan. */
  public LogMelSpectrogram(MelSettings settings) {
    this.settings = settings;
    this.filterbank = MelFilterbank.create(settings);
    this.window = periodicHann(settings.winLength());
    this.windowOffset = (settings.nFft() - settings.winLength()) / 2;
    this.spectra = new BatchedPowerSpectrum(settings.nFft(), window, windowOffset, BATCH);
    this.melScratch = new double[BATCH];
  }

  /** The settings this instance computes with. */
  public MelSettings settings() {
    return settings;
  }

  /**
   * The periodic Hann window of {@code winLength} zero-padded to {@code nFft}, left pad
   * {@code floor((nFft - winLength) / 2)}, as {@code torch.stft} and librosa apply it.
   */
  double[] paddedWindow() {
    double[] full = new double[settings.nFft()];
    System.arraycopy(window, 0, full, windowOffset, window.length);
    return full;
  }

  /**
   * Mel power spectrogram.
   *
   * @param samples mono samples at {@code sampleRate}; finite
   * @return {@code [nMels][1 + samples.length / hopLength]} mel power values
   * @throws ClipTooShortException if {@code samples.length < nFft/2 + 1}
   * @throws IllegalArgumentException if a sample is NaN or infinite
   */
  public double[][] power(float[] samples) {
    double[][] out = new double[settings.nMels()][settings.frameCount(samples.length)];
    melPower(samples, out);
    return out;
  }

  /**
   * Log-mel spectrogram in dB relative to the loudest mel bin of the whole clip:
   * {@code 10 log10(max(S, 1e-10)) - 10 log10(max(max(S), 1e-10))}, clipped to [-80, 0]
   * ({@code librosa.power_to_db(S, ref=np.max, amin=1e-10)} clipped; an all-zero clip is 0 dB
   * everywhere, as there).
   *
   * @param samples mono samples at {@code sampleRate}; finite
   * @return {@code [nMels][1 + samples.length / hopLength]} values in [-80, 0]
   * @throws ClipTooShortException if {@code samples.length < nFft/2 + 1}
   * @throws IllegalArgumentException if a sample is NaN or infinite
   */
  public double[][] decibels(float[] samples) {
    double[][] s = new double[settings.nMels()][settings.frameCount(samples.length)];
    double ref = Math.max(AMIN, melPower(samples, s));
    double refDb = 10.0 * FastLog.log10(ref);
    for (double[] row : s) {
      for (int t = 0; t < row.length; t++) {
        double v = row[t];
        double db = 10.0 * FastLog.log10(v > AMIN ? v : AMIN) - refDb;
        row[t] = db > 0.0 ? 0.0 : db < FLOOR_DB ? FLOOR_DB : db;
      }
    }
    return s;
  }

  /** Fills {@code out[nMels][frames]} with the mel power spectrogram and returns its maximum. */
  private double melPower(float[] samples, double[][] out) {
    reflectPad(samples);
    int hop = settings.hopLength();
    int frames = out[0].length;
    double max = 0.0;
    for (int t = 0; t < frames; t += BATCH) {
      int count = Math.min(BATCH, frames - t);
      spectra.compute(padded, t * hop, hop, count);
      max = Math.max(max, filterbank.applyToColumns(spectra.bins(), count, out, t, melScratch));
    }
    return max;
  }

  private void reflectPad(float[] samples) {
    int n = samples.length;
    int pad = settings.nFft() / 2;
    if (n < pad + 1) {
      throw new ClipTooShortException(n, pad + 1);
    }
    if (padded.length < n + 2 * pad) {
      padded = new double[n + 2 * pad];
    }
    for (int i = 0; i < n; i++) {
      float v = samples[i];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("sample " + i + " is not finite: " + v);
      }
      padded[pad + i] = v;
    }
    for (int i = 1; i <= pad; i++) {
      padded[pad - i] = samples[i];
      padded[pad + n - 1 + i] = samples[n - 1 - i];
    }
  }

  private static double[] periodicHann(int length) {
    double[] w = new double[length];
    for (int i = 0; i < length; i++) {
      w[i] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * i / length);
    }
    return w;
  }
}
