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
 * Only {@code vx + vy} enters {@code S}, so {@code uxx + uyy} is filtered as one image
 * ({@code x^2 + y^2}): four filtered images instead of five, the same values (filtering is linear).
 *
 * <p>Arithmetic is in double (the inputs are float32 values widened exactly), so results match
 * scikit-image called on float64 copies of the images up to rounding order.
 *
 * <p>An instance keeps its work arrays between calls and is not thread-safe: use one per thread.
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

  /** The filtered images ("moments"): x, y, x^2 + y^2 and xy. */
  private static final int MOMENTS = 4;
  private static final int X = 0;
  private static final int Y = 1;
  private static final int SQUARES = 2;
  private static final int XY = 3;
  /** Output rows transposed together: the doubles of a 64-byte cache line. */
  private static final int BLOCK = 8;

  /** The last {@link #WINDOW} input rows of each moment: row {@code r} in slot {@code r % WINDOW}. */
  private double[][][] inputRows = new double[MOMENTS][WINDOW][0];
  /** Up to {@link #BLOCK} output rows of each moment filtered across rows, awaiting transposition. */
  private double[][][] block = new double[MOMENTS][BLOCK][0];
  /**
   * Each moment filtered across rows, transposed: {@code columns[m][c][i]} is column {@code c} of
   * output row {@code i}, so that the pass along rows also combines whole arrays.
   */
  private double[][][] columns = new double[MOMENTS][0][0];
  /** Local moments (filtered along both axes) of one kept column. */
  private double[][] local = new double[MOMENTS][0];
  /** The SSIM map of one kept column. */
  private double[] map = new double[0];

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
    int keptRows = rows - 2 * RADIUS;
    int keptCols = width - 2 * RADIUS;
    ensureCapacity(width, keptRows);
    // The filter loops combine whole arrays at the same index, a loop shape that HotSpot's C2
    // vectorises (it leaves a loop reading one array at shifted indices scalar); hence the filter
    // across rows works on row arrays, and its output is transposed for the filter along rows.
    for (int r = 0; r < rows; r++) {
      loadRow(im1, im2, r * cols, width, r % WINDOW);
      if (r >= 2 * RADIUS) {
        int out = r - 2 * RADIUS;
        int inBlock = out % BLOCK;
        for (int m = 0; m < MOMENTS; m++) {
          filter(inputRows[m], out, block[m][inBlock], width);
        }
        if (inBlock == BLOCK - 1 || out == keptRows - 1) {
          for (int m = 0; m < MOMENTS; m++) {
            transpose(block[m], inBlock + 1, columns[m], out - inBlock, width);
          }
        }
      }
    }
    double sum = 0;
    for (int j = 0; j < keptCols; j++) {
      for (int m = 0; m < MOMENTS; m++) {
        filter(columns[m], j, local[m], keptRows);
      }
      sum += mapSum(keptRows);
    }
    return sum / ((double) keptRows * keptCols);
  }

  /** Widens row {@code base / cols} of both images into ring {@code slot}, with x^2 + y^2 and xy. */
  private void loadRow(float[] a, float[] b, int base, int width, int slot) {
    double[] x = inputRows[X][slot];
    double[] y = inputRows[Y][slot];
    double[] squares = inputRows[SQUARES][slot];
    double[] xy = inputRows[XY][slot];
    for (int c = 0; c < width; c++) {
      x[c] = a[base + c];
      y[c] = b[base + c];
    }
    for (int c = 0; c < width; c++) {
      squares[c] = x[c] * x[c] + y[c] * y[c];
      xy[c] = x[c] * y[c];
    }
  }

  /**
   * {@code out[i]} = the kernel applied to {@code lines[first + RADIUS + d][i]} for d in
   * [-RADIUS, RADIUS], for {@code i < n}. {@code lines} is indexed modulo its length: the ring of
   * input rows wraps, the transposed columns are never indexed past their end.
   */
  private static void filter(double[][] lines, int first, double[] out, int n) {
    int size = lines.length;
    double[] middle = lines[(first + RADIUS) % size];
    double w = WEIGHTS[0];
    for (int i = 0; i < n; i++) {
      out[i] = w * middle[i];
    }
    for (int k = 1; k <= RADIUS; k++) {
      double[] before = lines[(first + RADIUS - k) % size];
      double[] after = lines[(first + RADIUS + k) % size];
      w = WEIGHTS[k];
      for (int i = 0; i < n; i++) {
        out[i] += w * (before[i] + after[i]);
      }
    }
  }

  /**
   * Copies the first {@code count} rows of {@code rows}, output rows {@code firstRow...}, into
   * {@code columns[c][firstRow...]} for the first {@code width} columns (a cache line per column).
   */
  private static void transpose(double[][] rows, int count, double[][] columns, int firstRow,
      int width) {
    for (int c = 0; c < width; c++) {
      double[] column = columns[c];
      for (int b = 0; b < count; b++) {
        column[firstRow + b] = rows[b][c];
      }
    }
  }

  /** Fills the SSIM map of one kept column from its local moments and returns its sum. */
  private double mapSum(int n) {
    double[] ux = local[X];
    double[] uy = local[Y];
    double[] uSquares = local[SQUARES];
    double[] uxy = local[XY];
    for (int i = 0; i < n; i++) {
      double mx = ux[i];
      double my = uy[i];
      double means = mx * mx + my * my;
      double variances = uSquares[i] - means;
      double covariance = uxy[i] - mx * my;
      map[i] = (2 * mx * my + C1) * (2 * covariance + C2) / ((means + C1) * (variances + C2));
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += map[i];
    }
    return sum;
  }

  private void ensureCapacity(int width, int keptRows) {
    if (block[X][0].length < width) {
      inputRows = new double[MOMENTS][WINDOW][width];
      block = new double[MOMENTS][BLOCK][width];
    }
    int columnCount = Math.max(width, columns[X].length);
    int columnLength = Math.max(keptRows, columns[X].length == 0 ? 0 : columns[X][0].length);
    if (columnCount > columns[X].length || columnLength > local[X].length) {
      columns = new double[MOMENTS][columnCount][columnLength];
      local = new double[MOMENTS][columnLength];
      map = new double[columnLength];
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
