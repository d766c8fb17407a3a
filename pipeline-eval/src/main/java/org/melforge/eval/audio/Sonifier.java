package org.melforge.eval.audio;

import org.melforge.dsp.MelSettings;

/**
 * Audio of a stored log-mel tensor, for listening: {@link MelInverse} to a magnitude spectrogram,
 * {@link GriffinLim} to samples, scaled to a peak of {@link Wav#PEAK} (-1 dBFS), and
 * {@link Wav} to a 16-bit mono WAV file at the settings' sample rate.
 *
 * <p>Stored tensors keep levels relative to the loudest mel bin of their clip only, so the
 * absolute loudness of the original is lost and every result is scaled to the same peak (a
 * result that is all zeros stays silent). An all-zero clip is stored as 0 dB everywhere, the same
 * as a clip with a flat spectrum, and comes back as noise.
 *
 * <p>Typical use, one instance per thread (the Griffin-Lim buffers are not shared):
 *
 * <pre>{@code
 * Sonifier sonifier = new Sonifier(MelSettings.speech());
 * byte[] wav = sonifier.wav(tensor, 128, 320, validFrames);
 * }</pre>
 */
public final class Sonifier {

  private final MelSettings settings;
  private final MelInverse inverse;
  private final GriffinLim griffinLim;

  /**
   * A sonifier with {@link GriffinLim#DEFAULT_ITERATIONS} iterations and momentum
   * {@link GriffinLim#DEFAULT_MOMENTUM}.
   */
  public Sonifier(MelSettings settings) {
    this(settings, GriffinLim.DEFAULT_ITERATIONS, GriffinLim.DEFAULT_MOMENTUM);
  }

  /**
   * A sonifier with the given Griffin-Lim options.
   *
   * @param iterations phase updates, at least 0
   * @param momentum in [0, 1)
   */
  public Sonifier(MelSettings settings, int iterations, double momentum) {
    this.settings = settings;
    this.inverse = MelInverse.of(settings);
    this.griffinLim = new GriffinLim(settings, iterations, momentum);
  }

  /**
   * Samples of the valid frames of a stored tensor, peak {@link Wav#PEAK}.
   *
   * @param tensor {@code nMels * nFrames} stored values, mel-major and row-major
   * @param validFrames leading frames that are audio, in {@code [1, nFrames]}
   * @return {@code (validFrames - 1) * hopLength} samples at the settings' sample rate
   * @throws IllegalArgumentException as {@link MelInverse#melPower}
   */
  public float[] samples(float[] tensor, int nMels, int nFrames, int validFrames) {
    float[] samples =
        griffinLim.reconstruct(inverse.magnitude(tensor, nMels, nFrames, validFrames));
    double peak = Wav.peak(samples);
    if (peak > 0) {
      float gain = (float) (Wav.PEAK / peak);
      for (int i = 0; i < samples.length; i++) {
        samples[i] *= gain;
      }
    }
    return samples;
  }

  /**
   * {@link #samples} as a 16-bit mono WAV file at the settings' sample rate.
   *
   * @throws IllegalArgumentException as {@link MelInverse#melPower}
   */
  public byte[] wav(float[] tensor, int nMels, int nFrames, int validFrames) {
    return Wav.encode(samples(tensor, nMels, nFrames, validFrames), settings.sampleRate());
  }
}
