package org.melforge.bottleneck;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.melforge.model.layers.LayerRuntimes;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Binary spherical quantization (BSQ, after BSQ-ViT) as a SameDiff layer on NCHW input
 * {@code (B, L, h, w)}, the output of the encoder's 1x1 projection to L dimensions. Each
 * position's L-vector z is projected onto the unit sphere, {@code u = z / |z|}, and quantized to
 * {@code q = sign(u) / sqrt(L)} with {@code sign(0) = +1}; the decoder receives the
 * straight-through {@code u + sg(q - u)}. A position's code is the L-bit integer of its signs, a
 * {@code +1} being a set bit, most significant bit first, as a {@code long}
 * ({@link #encode}/{@link #decode}). The layer has no parameters and no state.
 *
 * <p>Loss per position: {@code beta |u - sg(q)|^2 + zeta (gamma0 H_sample - gamma H_codebook) /
 * invTemperature}, natural logarithms. The entropies come from a soft assignment of each group of
 * g bits to its 2^g sub-codes c (entries {@code +-1/sqrt(L)}), {@code p = softmax(2 invTemperature
 * <u_g, c>)} ({@link Entropy#GROUP}), or of each bit alone, {@code p(+1) = sigmoid(4
 * invTemperature u_i / sqrt(L))} ({@link Entropy#ANALYTICAL}, which is {@code GROUP} with g = 1):
 * H_sample is the sum over groups of {@code H(p)} at that position, H_codebook the sum over groups
 * of {@code H(mean of p over the batch's positions)}. 2^L is never materialised. H_codebook is a
 * statistic of the whole batch: every position's loss channel carries the same value, so the mean
 * over positions, which the auxiliary loss output takes, is the objective above.
 *
 * <p>Under gradient sharing each worker computes H_codebook over its own batch (its B x h x w
 * positions), exactly as one JVM of batch B would; the shared update is the sum of the workers'
 * updates. The gradient of {@code H(m)} with respect to the mean assignment m is
 * {@code -(log m + 1)}, so a worker's term differs from that of the union of all batches (one JVM
 * of batch W x B) only in evaluating it at its own batch's mean instead of the union's. Both
 * estimate the same mean assignment over the data, and each worker's term pushes its share of the
 * positions towards the sub-codes that are rare in its batch, which are rare in the union too
 * whenever the batch mean is a fair estimate of the union's; so the shared result follows the
 * single-JVM objective with a noisier codebook term, and it needs no state to be merged.
 *
 * <p>Output {@code (B, 2L + 4, h, w)}: channels {@code [0, L)} the straight-through q,
 * {@code [L, 2L)} u, then per position the loss, {@code |u - q|^2} (unweighted), H_sample and
 * H_codebook. The model routes the first L channels to the decoder and the loss channel to an
 * {@code AuxiliaryLoss} output; the rest serve the metrics (with
 * {@link #assignment}).
 */
public class BinarySphericalQuantizer extends SameDiffLambdaLayer implements Bottleneck {

  /** How the soft assignment behind the entropy terms groups the bits. */
  public enum Entropy {
    /** Groups of g bits, each softly assigned to its 2^g sub-codes. */
    GROUP,
    /** Each bit alone (groups of one bit), whatever the group size. */
    ANALYTICAL
  }

  /** Channels after the 2L of q and u: loss, commitment distance, H_sample, H_codebook. */
  public static final int EXTRA_CHANNELS = 4;

  private static final double LOG_EPSILON = 1e-8;
  private static final double NORM_EPSILON = 1e-12;

  @JsonProperty private int bits;
  @JsonProperty private int groupSize;
  @JsonProperty private Entropy entropy;
  @JsonProperty private double beta;
  @JsonProperty private double gamma0;
  @JsonProperty private double gamma;
  @JsonProperty private double zeta;
  @JsonProperty private double inverseTemperature;
  @JsonProperty private long height;
  @JsonProperty private long width;

  /** For JSON. */
  public BinarySphericalQuantizer() {}

  /**
   * A quantizer of {@code bits} = L dimensions (1 to 62) in groups of {@code groupSize} bits for
   * inputs of spatial size {@code height x width}.
   */
  public BinarySphericalQuantizer(int bits, int groupSize, Entropy entropy, double beta,
      double gamma0, double gamma, double zeta, double inverseTemperature, long height,
      long width) {
    Preconditions.checkArgument(bits >= 1 && bits <= 62, "bits must be in [1, 62]: %s", bits);
    Preconditions.checkArgument(groupSize >= 1 && groupSize <= 16 && bits % groupSize == 0,
        "groupSize must be in [1, 16] and divide bits %s: %s", bits, groupSize);
    Preconditions.checkArgument(inverseTemperature > 0, "inverseTemperature must be > 0: %s",
        inverseTemperature);
    this.bits = bits;
    this.groupSize = groupSize;
    this.entropy = Objects.requireNonNull(entropy, "entropy");
    this.beta = beta;
    this.gamma0 = gamma0;
    this.gamma = gamma;
    this.zeta = zeta;
    this.inverseTemperature = inverseTemperature;
    this.height = height;
    this.width = width;
  }

  /** L, the code's bits. */
  public int bits() {
    return bits;
  }

  /** g, the configured bits per group. */
  public int groupSize() {
    return groupSize;
  }

  /** Bits per group of the soft assignment: g, or 1 for {@link Entropy#ANALYTICAL}. */
  public int effectiveGroupSize() {
    return entropy == Entropy.ANALYTICAL ? 1 : groupSize;
  }

  @Override
  public Kind kind() {
    return Kind.BINARY;
  }

  @Override
  public long codebookSize() {
    return 1L << bits;
  }

  /** Codes {@code (B, h, w)} as {@code long}s of a bottleneck input {@code (B, L, h, w)}. */
  @Override
  public INDArray encode(Map<String, INDArray> params, INDArray input) {
    return codes(Codebooks.rows(input)).reshape(input.size(0), input.size(2), input.size(3));
  }

  /**
   * The L-bit integers (N) of rows (N, L) of signs: bit {@code L - 1 - i} is set where entry i is
   * not negative (the sign of z, u and q alike).
   */
  public INDArray codes(INDArray rows) {
    double[][] v = rows.toDoubleMatrix();
    long[] out = new long[v.length];
    for (int n = 0; n < v.length; n++) {
      long code = 0;
      for (int i = 0; i < bits; i++) {
        code = (code << 1) | (v[n][i] >= 0 ? 1 : 0);
      }
      out[n] = code;
    }
    return Nd4j.createFromArray(out);
  }

  /** The q vectors {@code (B, L, h, w)}, entries {@code +-1/sqrt(L)}, of codes {@code (B, h, w)}. */
  @Override
  public INDArray decode(Map<String, INDArray> params, INDArray codes) {
    long[] c = codes.castTo(DataType.LONG).dup('c').reshape(-1).toLongVector();
    float[] q = new float[c.length * bits];
    float level = (float) (1 / Math.sqrt(bits));
    for (int n = 0; n < c.length; n++) {
      for (int i = 0; i < bits; i++) {
        q[n * bits + i] = ((c[n] >>> (bits - 1 - i)) & 1) == 1 ? level : -level;
      }
    }
    return Codebooks.nchw(Nd4j.createFromArray(q).reshape(c.length, bits), codes.size(0),
        codes.size(1), codes.size(2));
  }

  /**
   * The sub-codes of one group as columns (g, 2^g): column k has {@code +1/sqrt(L)} in row j where
   * bit {@code g - 1 - j} of k is set, {@code -1/sqrt(L)} elsewhere.
   */
  INDArray subCodes(DataType type) {
    int g = effectiveGroupSize();
    double[][] c = new double[g][1 << g];
    for (int k = 0; k < 1 << g; k++) {
      for (int j = 0; j < g; j++) {
        c[j][k] = ((k >> (g - 1 - j)) & 1) == 1 ? 1 / Math.sqrt(bits) : -1 / Math.sqrt(bits);
      }
    }
    return Nd4j.createFromArray(c).castTo(type);
  }

  /**
   * Soft assignment of the unit vectors {@code u} (N, L) to each group's sub-codes: (N * G, 2^g),
   * row {@code n * G + group}.
   */
  public INDArray assignment(INDArray u) {
    int g = effectiveGroupSize();
    INDArray logits = u.reshape(-1, g).mmul(subCodes(u.dataType())).muli(2 * inverseTemperature);
    return Transforms.softmax(logits, false);
  }

  @Override
  public SDVariable defineLayer(SameDiff sd, SDVariable input) {
    int g = effectiveGroupSize();
    SDVariable z = input.permute(0, 2, 3, 1).reshape(-1, bits);
    SDVariable u = z.div(sd.math.max(z.norm2(true, 1), sd.constant(NORM_EPSILON)
        .castTo(input.dataType())));
    SDVariable q = u.gte(0.0).castTo(input.dataType()).mul(2.0 / Math.sqrt(bits))
        .sub(1.0 / Math.sqrt(bits));
    SDVariable straightThrough = u.add(stopGradient(sd, q.sub(u)));
    SDVariable distance = u.sub(stopGradient(sd, q)).pow(2.0).sum(true, 1);
    SDVariable logits = u.reshape(-1, g).mmul(sd.constant(subCodes(input.dataType())))
        .mul(2 * inverseTemperature);
    SDVariable p = sd.nn.softmax(logits, 1);
    // Each sum runs over all of a position's or the batch's groups at once: in M2.1, summing per
    // group first failed with a NullPointerException (BaseReduceOp.noOp) when g = L (one group).
    SDVariable sample = plogp(sd, p).reshape(-1, (bits / g) << g).sum(true, 1).neg();
    SDVariable codebook = plogp(sd, p.reshape(-1, bits / g, 1 << g).mean(0)).sum().neg();
    SDVariable codebookColumn = sample.mul(0.0).add(codebook);
    SDVariable loss = distance.mul(beta).add(sample.mul(gamma0).sub(codebookColumn.mul(gamma))
        .mul(zeta / inverseTemperature));
    SDVariable out = sd.concat(1, straightThrough, u, loss, distance, sample, codebookColumn);
    return out.reshape(-1, height, width, 2L * bits + EXTRA_CHANNELS).permute(0, 3, 1, 2);
  }

  private static SDVariable plogp(SameDiff sd, SDVariable p) {
    return p.mul(sd.math.log(p.add(LOG_EPSILON)));
  }

  private static SDVariable stopGradient(SameDiff sd, SDVariable x) {
    return new StopGradient(sd, x).outputVariable();
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.convolutional(height, width, 2L * bits + EXTRA_CHANNELS);
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
    Preconditions.checkArgument(c.getChannels() == bits,
        "binary quantizer input has %s channels, expected bits %s", c.getChannels(), bits);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
    return LayerRuntimes.wire(new BinarySphericalQuantizerLayer(conf, dataType), this, conf,
        listeners, layerIndex, paramsView, initializeParams);
  }
}
