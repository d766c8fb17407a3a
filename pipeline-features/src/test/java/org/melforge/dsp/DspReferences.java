package org.melforge.dsp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.melforge.tensorstore.Npy;

/** Loads the reference arrays written by {@code src/test/python/make_dsp_references.py}. */
final class DspReferences {

  private DspReferences() {}

  static Npy.Array load(String name) {
    try (InputStream raw = DspReferences.class.getResourceAsStream("/dsp/" + name)) {
      if (raw == null) {
        throw new IllegalStateException("missing test resource dsp/" + name
            + " (regenerate with src/test/python/make_dsp_references.py)");
      }
      return Npy.read(name.endsWith(".gz") ? new GZIPInputStream(raw) : raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float[] signal(String name) {
    double[] data = load("signal_" + name + ".npy").data();
    float[] samples = new float[data.length];
    for (int i = 0; i < data.length; i++) {
      samples[i] = (float) data[i];
    }
    return samples;
  }

  static double[][] matrix(String name) {
    Npy.Array a = load(name);
    int rows = a.dim(0);
    int cols = a.dim(1);
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(a.data(), r * cols, m[r], 0, cols);
    }
    return m;
  }

  static MelSettings profile(String profile, String scale) {
    MelSettings base = switch (profile) {
      case "nsynth" -> MelSettings.nsynth();
      case "speech" -> MelSettings.speech();
      default -> throw new IllegalArgumentException(profile);
    };
    return base.withMelScale(MelScale.parse(scale));
  }
}
