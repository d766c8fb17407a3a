package org.melforge.eval.metrics;

/**
 * Mean structural similarity (SSIM, Wang et al. 2004) of two single-channel images of stored tensor
 * values, defined exactly as scikit-image's
 * {@code structural_similarity(im1, im2, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=2.0)}:
 *
 * <ul>
 *   <li>local means {@code ux, uy} and second moments {@code uxx, uyy, uxy} from a separable Gaussian
 *       filter of standard deviation {@link #SIGMA}, truncated at {@link #TRUNCATE} standard deviations
 *       (radius {@code (int) (TRUNCATE * SIGMA + 0.5)}, the window {@link #WINDOW} taps wide) and
 *       normalised to sum 1;
 *   <li>population (co)variances {@code vx = uxx - ux^2}, {@code vy = uyy - uy^2},
 *       {@code vxy = uxy - ux uy};
 *   <li>{@code S = (2 ux uy + C1)(2 vxy + C2) / ((ux^2 + uy^2 + C1)(vx + vy + C2))} with
 *       {@code C1 = (K1 R)^2}, {@code C2 = (K2 R)^2}, {@code K1 = 0.01}, {@code K2 = 0.03} and
 *       {@code R = }{@link #DATA_RANGE} (stored values lie in [-1, 1]);
 *   <li>the result is the mean of {@code S} after cropping a border of {@code (WINDOW - 1) / 2}
 *       pixels on every side.
 * </ul>
 *
 * <p>The crop equals the filter radius, so every pixel that is averaged is computed from pixels
 * inside the image: the boundary extension of the filter (scikit-image uses SciPy's
 * {@code mode='reflect'}) is never read, and this class does not compute the cropped border at
 * all. Images must be at least {@link #WINDOW} pixels along each side, as scikit-image requires.
 *
 * <p>Arithmetic is in double (the inputs are float32 values widened exactly), so results match
 * scikit-image called on float64 copies of the images up to rounding order.
 *
 * <p>An instance keeps its work rows between calls and is not thread-safe: use one per thread.
 */
public final class Ssim {

  /** Standard deviation of the Gaussian window, in pixels. */
  public static final double SIGMA = 1.5;
  /** Truncation of the Gaussian window, in standard deviations (scikit-image's value). */
  public static final double TRUNCATE = 3.5;
  /** Half-width of the window in pixels, computed as SciPy's {@code gaussian_filter} does. */
  private static final int RADIUS = (int) (TRUNCATE * SIGMA + 0.5);
  /** Side of the Gaussian window, and the smallest image side accepted. */
  public static final int WINDOW = 2 * RADIUS + 1;
  /** Range of stored tensor values ([-1, 1]). */
  public static final double DATA_RANGE = 2.0;

  private static final double K1 = 0.01;
  private static final double K2 = 0.03;
  private static final double C1 = (K1 * DATA_RANGE) * (K1 * DATA_RANGE);
  private static final double C2 = (K2 * DATA_RANGE) * (K2 * DATA_RANGE);
  /** Taps 0..RADIUS of the normalised, symmetric kernel: {@code WEIGHTS[k]} weighs offsets +-k. */
  private static final double[] WEIGHTS = halfKernel();

  /** Vertically filtered x, y, x^2, y^2, xy of one output row, for every column. */
  private double[] vx = new double[0];
  private double[] vy = new double[0];
  private double[] vxx = new double[0];
  private double[] vyy = new double[0];
  private double[] vxy = new double[0];
  /** The same after the horizontal pass (local moments), for the columns kept by the crop. */
  private double[] mx = new double[0];
  private double[] my = new double[0];
  private double[] mxx = new double[0];
  private double[] myy = new double[0];
  private double[] mxy = new double[0];

  /**
   * Mean SSIM of two {@code rows x cols} images stored row-major.
   *
   * @throws IllegalArgumentException if a side is shorter than {@link #WINDOW} or an array does not
   *     hold {@code rows * cols} values
   */
  public double mean(float[] im1, float[] im2, int rows, int cols) {
    return meanOfFirstColumns(im1, im2, rows, cols, cols);
  }

  /**
   * Mean SSIM of the first {@code width} columns of two {@code rows x cols} images stored
   * row-major: the same value as {@link #mean} of the {@code rows x width} crops, without copying.
   *
   * @throws IllegalArgumentException if {@code rows} or {@code width} is shorter than
   *     {@link #WINDOW}, {@code width > cols}, or an array does not hold {@code rows * cols} values
   */
  public double meanOfFirstColumns(float[] im1, float[] im2, int rows, int cols, int width) {
    check(im1, im2, rows, cols, width);
    ensureCapacity(width);
    double sum = 0;
    for (int i = RADIUS; i < rows - RADIUS; i++) {
      filterColumns(im1, im2, i, cols, width);
      sum += rowSum(width);
    }
    return sum / ((double) (rows - 2 * RADIUS) * (width - 2 * RADIUS));
  }

  /** Vertical pass for output row {@code i}: rows {@code i - RADIUS .. i + RADIUS}, all columns. */
  private void filterColumns(float[] a, float[] b, int i, int cols, int width) {
    double w = WEIGHTS[0];
    int centre = i * cols;
    for (int c = 0; c < width; c++) {
      double x = a[centre + c];
      double y = b[centre + c];
      vx[c] = w * x;
      vy[c] = w * y;
      vxx[c] = w * (x * x);
      vyy[c] = w * (y * y);
      vxy[c] = w * (x * y);
    }
    for (int k = 1; k <= RADIUS; k++) {
      w = WEIGHTS[k];
      int up = (i - k) * cols;
      int down = (i + k) * cols;
      for (int c = 0; c < width; c++) {
        double x1 = a[up + c];
        double x2 = a[down + c];
        double y1 = b[up + c];
        double y2 = b[down + c];
        vx[c] += w * (x1 + x2);
        vy[c] += w * (y1 + y2);
        vxx[c] += w * (x1 * x1 + x2 * x2);
        vyy[c] += w * (y1 * y1 + y2 * y2);
        vxy[c] += w * (x1 * y1 + x2 * y2);
      }
    }
  }

  /** Horizontal pass over the vertically filtered row, then the sum of S over the kept columns. */
  private double rowSum(int width) {
    int n = width - 2 * RADIUS;
    horizontal(vx, mx, n);
    horizontal(vy, my, n);
    horizontal(vxx, mxx, n);
    horizontal(vyy, myy, n);
    horizontal(vxy, mxy, n);
    double sum = 0;
    for (int j = 0; j < n; j++) {
      double ux = mx[j];
      double uy = my[j];
      double varX = mxx[j] - ux * ux;
      double varY = myy[j] - uy * uy;
      double cov = mxy[j] - ux * uy;
      sum += (2 * ux * uy + C1) * (2 * cov + C2) / ((ux * ux + uy * uy + C1) * (varX + varY + C2));
    }
    return sum;
  }

  /** {@code out[j]} = the kernel applied around {@code in[j + RADIUS]}, for {@code j < n}. */
  private static void horizontal(double[] in, double[] out, int n) {
    double w = WEIGHTS[0];
    for (int j = 0; j < n; j++) {
      out[j] = w * in[j + RADIUS];
    }
    for (int k = 1; k <= RADIUS; k++) {
      w = WEIGHTS[k];
      int left = RADIUS - k;
      int right = RADIUS + k;
      for (int j = 0; j < n; j++) {
        out[j] += w * (in[left + j] + in[right + j]);
      }
    }
  }

  private void ensureCapacity(int width) {
    if (vx.length < width) {
      vx = new double[width];
      vy = new double[width];
      vxx = new double[width];
      vyy = new double[width];
      vxy = new double[width];
      mx = new double[width];
      my = new double[width];
      mxx = new double[width];
      myy = new double[width];
      mxy = new double[width];
    }
  }

  private static void check(float[] im1, float[] im2, int rows, int cols, int width) {
    if (rows < WINDOW || width < WINDOW) {
      throw new IllegalArgumentException("SSIM needs images of at least " + WINDOW + " x " + WINDOW
          + " pixels (the Gaussian window), got " + rows + " x " + width);
    }
    if (width > cols) {
      throw new IllegalArgumentException(
          "cannot take the first " + width + " columns of images of " + cols + " columns");
    }
    long expected = (long) rows * cols;
    checkLength("im1", im1, expected, rows, cols);
    checkLength("im2", im2, expected, rows, cols);
  }

  private static void checkLength(String name, float[] image, long expected, int rows, int cols) {
    if (image == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (image.length != expected) {
      throw new IllegalArgumentException(name + " holds " + image.length + " values, a " + rows
          + " x " + cols + " image needs " + expected);
    }
  }

  /** {@code exp(-k^2 / (2 SIGMA^2))} for k = 0..RADIUS, normalised so that the full kernel sums to 1. */
  private static double[] halfKernel() {
    double[] w = new double[RADIUS + 1];
    double total = 0;
    for (int k = 0; k <= RADIUS; k++) {
      w[k] = Math.exp(-0.5 * k * k / (SIGMA * SIGMA));
      total += k == 0 ? w[k] : 2 * w[k];
    }
    for (int k = 0; k <= RADIUS; k++) {
      w[k] /= total;
    }
    return w;
  }
}
