package org.melforge.model;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Random;
import org.melforge.config.ConfigLoader;
import org.melforge.training.Presets;
import org.melforge.training.TrainOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The bundled {@code -tiny} presets and deterministic spectrogram-like test inputs. */
public final class TinyPresets {

  /** Every tiny preset: one per model family and input size. */
  public static final List<String> NAMES = List.of("vqvae-80x128-tiny", "vqvae-128x320-tiny",
      "auddsr-tiny", "timbre-vae-tiny", "bsq-cnn-80x128-tiny", "bsq-cnn-128x320-tiny");

  private TinyPresets() {}

  /** The resolved configuration of a preset (defaults, then the preset). */
  public static Config config(String preset, String... overrides) {
    return ConfigLoader.load(Presets.load(preset), null, List.of(overrides));
  }

  public static ModelSpec spec(String preset) {
    return ModelSpec.from(config(preset));
  }

  public static TrainOptions options(String preset) {
    return TrainOptions.from(config(preset));
  }

  /**
   * {@code b} smooth spectrogram-like images (b, 1, h, w) in [-1, 1]: per example a random mix of
   * a few low-frequency 2-D cosines plus a slope over the mel axis, squashed by tanh.
   */
  public static INDArray spectrograms(int b, int h, int w, long seed) {
    Random r = new Random(seed);
    float[] v = new float[b * h * w];
    for (int n = 0; n < b; n++) {
      double[][] waves = new double[4][5];
      for (double[] wave : waves) {
        wave[0] = 0.4 + 0.6 * r.nextDouble();             // amplitude
        wave[1] = 0.5 + 2.5 * r.nextDouble();             // cycles over the mel axis
        wave[2] = 0.5 + 4.0 * r.nextDouble();             // cycles over the time axis
        wave[3] = 2 * Math.PI * r.nextDouble();           // phase
        wave[4] = r.nextDouble() < 0.5 ? 1 : -1;          // sign
      }
      double tilt = 0.8 * r.nextDouble();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double s = tilt * (1 - 2.0 * y / h);
          for (double[] wave : waves) {
            s += wave[4] * wave[0] * Math.cos(2 * Math.PI * (wave[1] * y / h + wave[2] * x / w)
                + wave[3]) / 2;
          }
          v[(n * h + y) * w + x] = (float) Math.tanh(s);
        }
      }
    }
    return Nd4j.createFromArray(v).reshape(b, 1, h, w).castTo(DataType.FLOAT);
  }

  /** Mean squared error between two arrays of the same shape. */
  public static double mse(INDArray a, INDArray b) {
    double d = a.sub(b).norm2Number().doubleValue();
    return d * d / a.length();
  }
}
