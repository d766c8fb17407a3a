package org.melforge.eval.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.melforge.tensorstore.Npy;

/**
 * The scikit-image reference pairs written by {@code src/test/python/make_ssim_references.py}
 * (resources {@code org/melforge/eval/metrics/ssim/}): float32 images and, per pair, SSIM and NumPy's
 * float64 MSE of the whole images and of their first {@code validFrames} columns.
 */
record SkimageCases(String name, int rows, int cols, float[] im1, float[] im2, int validFrames,
    double ssim, double ssimValid, double mse, double mseValid) {

  private static final String FOLDER = "/org/melforge/eval/metrics/ssim/";

  /** Every case of {@code cases.tsv}, in file order. */
  static List<SkimageCases> load() {
    List<SkimageCases> cases = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(open("cases.tsv"), StandardCharsets.UTF_8))) {
      String header = in.readLine();
      if (!header.equals("name\tim1\tim2\tvalid_frames\tssim\tssim_valid\tmse\tmse_valid")) {
        throw new IllegalStateException("unexpected cases.tsv header: " + header);
      }
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split("\t");
        Npy.Array a = image(f[1]);
        Npy.Array b = image(f[2]);
        cases.add(new SkimageCases(f[0], a.dim(0), a.dim(1), floats(a), floats(b),
            Integer.parseInt(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
            Double.parseDouble(f[6]), Double.parseDouble(f[7])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  private static Npy.Array image(String name) throws IOException {
    try (InputStream in = open(name + ".npy")) {
      Npy.Array a = Npy.read(in);
      if (a.shape().length != 2) {
        throw new IllegalStateException(name + " is not a 2-D image");
      }
      return a;
    }
  }

  /** The float32 values back from their exact double widening. */
  private static float[] floats(Npy.Array a) {
    float[] out = new float[a.data().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.data()[i];
    }
    return out;
  }

  private static InputStream open(String file) {
    InputStream in = SkimageCases.class.getResourceAsStream(FOLDER + file);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + FOLDER + file);
    }
    return in;
  }
}
