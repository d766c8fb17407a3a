package org.melforge.model;

import com.typesafe.config.Config;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.melforge.config.ConfigLoader;
import org.melforge.training.Presets;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.Nd4jCpu;

/**
 * Training throughput of a preset in DL4J, the Java twin of {@code bench/train_torch.py}: same
 * model, random input in [-1, 1], Adam 1e-3, float32. ND4J's thread count comes from
 * {@code OMP_NUM_THREADS}. Not a test; {@code bench/run-train-bench.sh} runs both side by side.
 *
 * <p>Arguments: {@code --preset NAME [--batch B] [--threads T] [--warmup W] [--warmup-seconds S]
 * [--steps N] [--round-seconds S] [--rounds R] [--profile]}, as in the Python script: warm-up of at
 * least W steps and S seconds (the JIT needs several seconds on the small models), rounds of at
 * least N steps and about S seconds. Prints one JSON line per round and a final {@code "best":
 * true} line;
 * {@code --profile} prints instead, per vertex, the best forward and backward time over the timed
 * steps (vertices run one by one without workspaces, so the sum differs a little from {@code fit}).
 */
public final class TrainingBenchmark {

  private TrainingBenchmark() {}

  /**
   * @param args see the class comment
   */
  public static void main(String[] args) {
    Map<String, String> a = parse(args);
    String preset = a.get("preset");
    Config config = ConfigLoader.load(Presets.load(preset), null, List.of());
    int batch = Integer.parseInt(a.getOrDefault("batch", "0"));
    if (batch == 0) {
      batch = config.getInt("train.batch-size");
    }
    int threads = Integer.parseInt(a.getOrDefault("threads",
        System.getenv().getOrDefault("OMP_NUM_THREADS", "0")));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
    double warmupSeconds = Double.parseDouble(a.getOrDefault("warmup-seconds", "6"));
    int minSteps = Integer.parseInt(a.getOrDefault("steps", "5"));
    double roundSeconds = Double.parseDouble(a.getOrDefault("round-seconds", "3"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    ModelSpec spec = ModelSpec.from(config);
    TokenizerModel model = TokenizerModel.create(spec, 1e-3, 0);
    INDArray x = Nd4j.rand(DataType.FLOAT, batch, 1, spec.nMels(), spec.nFrames()).muli(2).subi(1);
    Random random = new Random(1);
    long[] step = {0};
    Runnable fit = () -> model.graph().fit(model.batch(x, step[0]++, random));
    long start = System.nanoTime();
    int done = 0;
    while (done < warmup || System.nanoTime() - start < warmupSeconds * 1e9) {
      fit.run();
      done++;
    }
    int steps = (int) Math.max(minSteps,
        Math.round(roundSeconds * done / ((System.nanoTime() - start) / 1e9)));
    if (a.containsKey("profile")) {
      profile(model, model.batch(x, 0, random), steps, fit);
      return;
    }
    double best = 0;
    String head = String.format(Locale.ROOT,
        "{\"impl\": \"dl4j\", \"preset\": \"%s\", \"batch\": %d, \"threads\": %d", preset, batch,
        threads);
    for (int r = 0; r < rounds; r++) {
      long t = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        fit.run();
      }
      double rate = (double) steps * batch / ((System.nanoTime() - t) / 1e9);
      best = Math.max(best, rate);
      System.out.printf(Locale.ROOT, "%s, \"round\": %d, \"samples_per_s\": %.3f, \"loss\": %.5f}%n",
          head, r, rate, model.graph().score());
    }
    System.out.printf(Locale.ROOT, "%s, \"best\": true, \"samples_per_s\": %.3f, \"params\": %d, \"onednn\": %s}%n",
        head, best, model.graph().numParams(), Nd4jCpu.Environment.getInstance().isUseMKLDNN());
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i].replaceFirst("^--", "");
      boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
      out.put(key, flag ? "true" : args[++i]);
    }
    if (!out.containsKey("preset")) {
      throw new IllegalArgumentException("--preset is required");
    }
    return out;
  }

  private static void profile(TokenizerModel model, MultiDataSet batch, int steps, Runnable fit) {
    ComputationGraph g = model.graph();
    Map<String, double[]> times = new LinkedHashMap<>();
    double bestFit = Double.MAX_VALUE;
    for (int i = 0; i < steps; i++) {
      long t = System.nanoTime();
      fit.run();
      bestFit = Math.min(bestFit, (System.nanoTime() - t) / 1e6);
      layerPass(g, batch, times);
    }
    double fwd = 0;
    double bwd = 0;
    System.out.println("vertex | type | fwd ms | bwd ms");
    for (Map.Entry<String, double[]> e : times.entrySet()) {
      double[] v = e.getValue();
      fwd += v[0];
      bwd += v[1];
      GraphVertex vertex = g.getVertex(e.getKey());
      String type = vertex.hasLayer()
          ? vertex.getLayer().getClass().getSimpleName()
              + (vertex.getLayer().getHelper() != null ? "+" + vertex.getLayer().getHelper()
                  .getClass().getSimpleName() : "")
          : vertex.getClass().getSimpleName();
      System.out.printf(Locale.ROOT, "%s | %s | %.2f | %.2f%n", e.getKey(), type, v[0], v[1]);
    }
    System.out.printf(Locale.ROOT, "sum | | %.2f | %.2f%nfit() best | | %.2f |%n", fwd, bwd,
        bestFit);
  }

  private static void layerPass(ComputationGraph g, MultiDataSet batch, Map<String, double[]> times) {
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    GraphVertex[] vertices = g.getVertices();
    int[] order = g.topologicalSortOrder();
    Map<Integer, INDArray> outputs = new HashMap<>();
    List<String> inputs = g.getConfiguration().getNetworkInputs();
    List<String> outs = g.getConfiguration().getNetworkOutputs();
    for (int idx : order) {
      GraphVertex v = vertices[idx];
      if (v.isInputVertex()) {
        outputs.put(idx, batch.getFeatures(inputs.indexOf(v.getVertexName())));
        continue;
      }
      VertexIndices[] in = v.getInputVertices();
      for (int i = 0; i < in.length; i++) {
        v.setInput(i, outputs.get(in[i].getVertexIndex()), mgr);
      }
      if (v.hasLayer() && v.getLayer() instanceof IOutputLayer out) {
        out.setLabels(batch.getLabels(outs.indexOf(v.getVertexName())));
      }
      long t = System.nanoTime();
      INDArray o = v.doForward(true, mgr);
      record(times, v.getVertexName(), 0, t);
      outputs.put(idx, o);
    }
    Map<Integer, INDArray> eps = new HashMap<>();
    for (int k = order.length - 1; k >= 0; k--) {
      GraphVertex v = vertices[order[k]];
      if (v.isInputVertex()) {
        continue;
      }
      if (!outs.contains(v.getVertexName())) {
        INDArray e = eps.get(order[k]);
        if (e == null) {
          continue;
        }
        v.setEpsilon(e);
      }
      long t = System.nanoTime();
      Pair<Gradient, INDArray[]> p = v.doBackward(false, mgr);
      record(times, v.getVertexName(), 1, t);
      VertexIndices[] in = v.getInputVertices();
      for (int i = 0; i < in.length; i++) {
        INDArray e = p.getSecond()[i];
        if (e != null) {
          eps.merge(in[i].getVertexIndex(), e, (x, y) -> x.add(y));
        }
      }
    }
  }

  private static void record(Map<String, double[]> times, String name, int slot, long start) {
    double ms = (System.nanoTime() - start) / 1e6;
    double[] v = times.computeIfAbsent(name, n -> new double[] {Double.MAX_VALUE, Double.MAX_VALUE});
    v[slot] = Math.min(v[slot], ms);
  }
}
