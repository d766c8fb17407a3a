package org.melforge.model.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.melforge.model.layers.nd4j.OneDnn;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Times the transposed convolutions of MelForge's models on CPU: DL4J's {@link Deconvolution2D},
 * {@link TransposedConv2D}, a {@link SameDiffLayer} around {@code deconv2d}, and the raw libnd4j
 * ops behind each route. Not a test; run with {@code OMP_NUM_THREADS=1} (and 2) as BENCHMARKS.md
 * describes. Arguments: {@code layers} (per-layer table, default), {@code ops} (raw ops), {@code
 * decoder} (a two-layer decoder trained with fit under different DL4J settings).
 */
public final class ConvSpeedBenchmark {

  private record Shape(String name, int cin, int cout, int h, int w) {}

  private static final Shape[] SHAPES = {
    new Shape("mel320 128->64", 128, 64, 32, 80),
    new Shape("mel320 64->1", 64, 1, 64, 160),
    new Shape("vq80 128->64", 128, 64, 20, 32),
    new Shape("vq80 64->1", 64, 1, 40, 64),
    new Shape("timbre 64->32", 64, 32, 10, 16),
    new Shape("timbre 32->16", 32, 16, 20, 32),
    new Shape("timbre 16->1", 16, 1, 40, 64),
  };

  private ConvSpeedBenchmark() {}

  /**
   * @param args {@code layers}, {@code ops} or {@code decoder}, then optionally batch sizes
   */
  public static void main(String[] args) {
    OneDnn.enable();
    String mode = args.length > 0 ? args[0] : "layers";
    int[] batches = args.length > 1 ? parseInts(args[1]) : new int[] {8, 32};
    System.out.printf(Locale.ROOT, "# OMP_NUM_THREADS=%s mode=%s%n", System.getenv("OMP_NUM_THREADS"), mode);
    switch (mode) {
      case "layers" -> layers(batches);
      case "ops" -> ops(batches);
      case "decoder" -> decoder(batches);
      default -> throw new IllegalArgumentException(mode);
    }
  }

  private static int[] parseInts(String csv) {
    String[] parts = csv.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].trim());
    }
    return out;
  }

  private static double millis(Runnable r, int reps) {
    for (int i = 0; i < 2; i++) {
      r.run();
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < reps; i++) {
      long t = System.nanoTime();
      r.run();
      best = Math.min(best, System.nanoTime() - t);
    }
    return best / 1e6;
  }

  private static int reps(int batch) {
    return batch > 8 ? 4 : 8;
  }

  private static ComputationGraph single(Layer layer, Shape s, WorkspaceMode ws, CacheMode cache) {
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(1)
            .updater(new Adam(1e-3))
            .trainingWorkspaceMode(ws)
            .inferenceWorkspaceMode(ws)
            .cacheMode(cache)
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(InputType.convolutional(s.h, s.w, s.cin))
            .addLayer("up", layer, "in")
            .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "up")
            .setOutputs("out")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }

  private static void layers(int[] batches) {
    System.out.println("layer | batch | alternative | fwd ms | fwd+bwd ms | bwd ms");
    for (int batch : batches) {
      for (Shape s : SHAPES) {
        Map<String, Supplier<Layer>> alternatives = new java.util.LinkedHashMap<>();
        alternatives.put("Deconvolution2D", () -> deconv(s, CNN2DFormat.NCHW));
        alternatives.put("TransposedConv2D", () -> TransposedConv2D.of(s.cin, s.cout, Activation.IDENTITY));
        alternatives.put("SameDiff deconv2d", () -> new SameDiffDeconv(s.cin, s.cout));
        for (Map.Entry<String, Supplier<Layer>> alt : alternatives.entrySet()) {
          ComputationGraph graph = single(alt.getValue().get(), s, WorkspaceMode.ENABLED, CacheMode.NONE);
          INDArray x = Nd4j.rand(DataType.FLOAT, batch, s.cin, s.h, s.w);
          INDArray y = Nd4j.rand(DataType.FLOAT, batch, s.cout, 2 * s.h, 2 * s.w);
          graph.setInputs(x);
          graph.setLabels(y);
          double fwd = millis(() -> graph.feedForward(new INDArray[] {x}, true, false), reps(batch));
          double all = millis(graph::computeGradientAndScore, reps(batch));
          System.out.printf(Locale.ROOT, "%s | %d | %s | %.2f | %.2f | %.2f%n", s.name, batch, alt.getKey(), fwd, all, all - fwd);
        }
      }
    }
  }

  private static Deconvolution2D deconv(Shape s, CNN2DFormat format) {
    return new Deconvolution2D.Builder(4, 4)
        .stride(2, 2)
        .padding(1, 1)
        .convolutionMode(ConvolutionMode.Truncate)
        .dataFormat(format)
        .nIn(s.cin)
        .nOut(s.cout)
        .activation(Activation.IDENTITY)
        .build();
  }

  private static void exec(String op, INDArray[] in, INDArray[] out, int... iargs) {
    Nd4j.exec(DynamicCustomOp.builder(op).addInputs(in).addOutputs(out).addIntegerArguments(iargs).build());
  }

  private static void ops(int[] batches) {
    System.out.println("layer | batch | op | ms");
    for (int batch : batches) {
      for (Shape s : SHAPES) {
        int b = batch;
        INDArray x = Nd4j.rand(DataType.FLOAT, b, s.cin, s.h, s.w);
        INDArray y = Nd4j.create(DataType.FLOAT, b, s.cout, 2 * s.h, 2 * s.w);
        INDArray gy = Nd4j.rand(DataType.FLOAT, b, s.cout, 2 * s.h, 2 * s.w);
        INDArray gx = Nd4j.create(DataType.FLOAT, b, s.cin, s.h, s.w);
        INDArray wDeconv = Nd4j.rand(DataType.FLOAT, 4, 4, s.cout, s.cin);
        INDArray bias = Nd4j.rand(DataType.FLOAT, s.cout);
        INDArray gw = wDeconv.like();
        INDArray gb = bias.like();
        int[] deconvArgs = {4, 4, 2, 2, 1, 1, 1, 1, 0, 0};
        INDArray k2 = Nd4j.rand(DataType.FLOAT, 4 * s.cout, s.cin, 2, 2);
        INDArray b4 = Nd4j.rand(DataType.FLOAT, 4 * s.cout);
        INDArray z2 = Nd4j.create(DataType.FLOAT, b, 4 * s.cout, s.h + 1, s.w + 1);
        INDArray gk2 = k2.like();
        INDArray gb4 = b4.like();
        int[] conv2Args = {2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1};
        INDArray k3 = Nd4j.rand(DataType.FLOAT, 4 * s.cout, s.cin, 3, 3);
        INDArray z3 = Nd4j.create(DataType.FLOAT, b, 4 * s.cout, s.h, s.w);
        int[] conv3Args = {3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1};
        INDArray wConv = Nd4j.rand(DataType.FLOAT, s.cin, s.cout, 4, 4);
        INDArray gwConv = wConv.like();
        int[] convArgs = {4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1};
        List<String> rows = new ArrayList<>();
        int reps = reps(batch);
        rows.add(row(s, b, "deconv2d fwd", millis(() -> exec("deconv2d", new INDArray[] {x, wDeconv, bias}, new INDArray[] {y}, deconvArgs), reps)));
        rows.add(row(s, b, "deconv2d_bp", millis(() -> exec("deconv2d_bp", new INDArray[] {x, wDeconv, bias, gy}, new INDArray[] {gx, gw, gb}, deconvArgs), reps)));
        rows.add(row(s, b, "conv2d_bp as deconv fwd (+wasted dW)", millis(() -> exec("conv2d_bp", new INDArray[] {gy, wConv, x}, new INDArray[] {y, gwConv}, convArgs), reps)));
        rows.add(row(s, b, "subpixel conv2d 2x2 fwd", millis(() -> exec("conv2d", new INDArray[] {x, k2, b4}, new INDArray[] {z2}, conv2Args), reps)));
        rows.add(row(s, b, "subpixel conv2d_bp 2x2", millis(() -> exec("conv2d_bp", new INDArray[] {x, k2, b4, z2}, new INDArray[] {gx, gk2, gb4}, conv2Args), reps)));
        rows.add(row(s, b, "subpixel interleave z->y", millis(() -> interleave(z2, y), reps)));
        rows.add(row(s, b, "conv2d 3x3 4C fwd", millis(() -> exec("conv2d", new INDArray[] {x, k3, b4}, new INDArray[] {z3}, conv3Args), reps)));
        rows.add(row(s, b, "depth_to_space", millis(() -> exec("depth_to_space", new INDArray[] {z3}, new INDArray[] {y}, 2, 0), reps)));
        rows.forEach(System.out::println);
      }
    }
  }

  private static void interleave(INDArray z, INDArray y) {
    long[] s = y.shape();
    INDArray y6 = y.reshape('c', s[0], s[1], s[2] / 2, 2, s[3] / 2, 2);
    for (int py = 0; py < 2; py++) {
      for (int px = 0; px < 2; px++) {
        long c0 = (2L * py + px) * s[1];
        y6.get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(py),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(px))
            .assign(
                z.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(c0, c0 + s[1]),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(py, py + s[2] / 2),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(px, px + s[3] / 2)));
      }
    }
  }

  private static String row(Shape s, int b, String op, double ms) {
    return String.format(Locale.ROOT, "%s | %d | %s | %.2f", s.name, b, op, ms);
  }

  private static void decoder(int[] batches) {
    Shape s = new Shape("mel320 decoder 128->64->1", 128, 64, 32, 80);
    System.out.println("model | batch | variant | ms/iter | samples/s");
    for (int batch : batches) {
      for (boolean fast : new boolean[] {false, true}) {
        for (WorkspaceMode ws : new WorkspaceMode[] {WorkspaceMode.ENABLED, WorkspaceMode.NONE}) {
          for (CacheMode cache : new CacheMode[] {CacheMode.NONE, CacheMode.HOST}) {
            timeDecoder(s, batch, fast, ws, cache, CNN2DFormat.NCHW);
          }
        }
      }
      timeDecoder(s, batch, false, WorkspaceMode.ENABLED, CacheMode.NONE, CNN2DFormat.NHWC);
    }
  }

  private static void timeDecoder(Shape s, int batch, boolean fast, WorkspaceMode ws, CacheMode cache, CNN2DFormat format) {
    Layer up1 = fast ? TransposedConv2D.of(s.cin, s.cout, Activation.RELU) : deconv(s, format);
    if (!fast) {
      ((Deconvolution2D) up1).setActivationFn(Activation.RELU.getActivationFunction());
    }
    Layer mid = new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).dataFormat(format).nIn(s.cout).nOut(s.cout).activation(Activation.RELU).build();
    Layer up2 = fast ? TransposedConv2D.of(s.cout, 1, Activation.IDENTITY) : deconv(new Shape("", s.cout, 1, 0, 0), format);
    boolean nhwc = format == CNN2DFormat.NHWC;
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(1)
            .updater(new Adam(1e-3))
            .trainingWorkspaceMode(ws)
            .inferenceWorkspaceMode(ws)
            .cacheMode(cache)
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(InputType.convolutional(s.h, s.w, s.cin, format))
            .addLayer("up1", up1, "in")
            .addLayer("mid", mid, "up1")
            .addLayer("up2", up2, "mid")
            .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).format(format).activation(Activation.IDENTITY).build(), "up2")
            .setOutputs("out")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    INDArray x = nhwc ? Nd4j.rand(DataType.FLOAT, batch, s.h, s.w, s.cin) : Nd4j.rand(DataType.FLOAT, batch, s.cin, s.h, s.w);
    INDArray y = nhwc ? Nd4j.rand(DataType.FLOAT, batch, 4 * s.h, 4 * s.w, 1) : Nd4j.rand(DataType.FLOAT, batch, 1, 4 * s.h, 4 * s.w);
    double ms = millis(() -> graph.fit(new INDArray[] {x}, new INDArray[] {y}), reps(batch));
    System.out.printf(
        Locale.ROOT,
        "%s | %d | %s ws=%s cache=%s %s helper(mid)=%s | %.1f | %.1f%n",
        s.name, batch, fast ? "TransposedConv2D" : "Deconvolution2D", ws, cache, format,
        OneDnn.helperActive(graph, "mid"), ms, batch * 1000.0 / ms);
  }

  /** {@code deconv2d} wrapped in a SameDiff layer, weights in libnd4j's {@code [kH, kW, oC, iC]}. */
  public static final class SameDiffDeconv extends SameDiffLayer {
    @JsonProperty private long nIn;
    @JsonProperty private long nOut;

    /** For JSON. */
    public SameDiffDeconv() {}

    SameDiffDeconv(long nIn, long nOut) {
      this.nIn = nIn;
      this.nOut = nOut;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
      DeConv2DConfig conf = DeConv2DConfig.builder().kH(4).kW(4).sH(2).sW(2).pH(1).pW(1).dH(1).dW(1).isSameMode(false).dataFormat("NCHW").build();
      return sd.cnn.deconv2d(input, params.get("W"), params.get("b"), conf);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
      params.addWeightParam("W", 4, 4, nOut, nIn);
      params.addBiasParam("b", nOut);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
      WeightInitUtil.initWeights(nIn * 16, nOut * 4, params.get("W").shape(), org.deeplearning4j.nn.weights.WeightInit.XAVIER, null, 'c', params.get("W"));
      params.get("b").assign(0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
      InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inputType;
      return InputType.convolutional(2 * in.getHeight(), 2 * in.getWidth(), nOut);
    }
  }
}
