package org.melforge.eval.bench;

import com.typesafe.config.Config;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.config.ConfigLoader;
import org.melforge.data.BadRows;
import org.melforge.data.FeatureTable;
import org.melforge.eval.codes.LevelStatistics;
import org.melforge.eval.job.EvalJob;
import org.melforge.eval.job.EvalOptions;
import org.melforge.eval.job.EvalResult;
import org.melforge.eval.metrics.ExampleMetrics;
import org.melforge.eval.metrics.Ssim;
import org.melforge.model.LossParts;
import org.melforge.model.TokenizerModel;
import org.melforge.model.layers.nd4j.QuietSameDiff;
import org.melforge.spark.LocalCluster;
import org.melforge.spark.SparkRuntime;
import org.melforge.tensorstore.Npy;
import org.melforge.tensorstore.TensorTable;
import org.melforge.training.Scorer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Throughput of the whole eval job ({@link EvalJob#execute}, {@code eval.report = false}) on one
 * checkpoint and one split, for {@code pipeline-eval/bench/run-eval-bench.sh} and
 * {@code run-eval-scaling.sh}. Named *Benchmark so that Surefire never runs it.
 *
 * <pre>
 * java ... -Dspark.master=local[1] org.melforge.eval.bench.EvalJobBenchmark run --checkpoint DIR \
 *     --table DIR --out DIR [--split valid] [--warmup 1] [--repeats 2] [--batch-size 32] \
 *     [--scoring N] [--cluster W] [--cluster-memory-mb 3072] [--label TEXT]
 * java ... org.melforge.eval.bench.EvalJobBenchmark export --table DIR --out DIR [--split valid]
 * </pre>
 *
 * <p>{@code run}: in one JVM and Spark session, WARMUP then REPEATS runs of the job into fresh
 * folders under OUT, each timed from {@code execute()} to its return (checks, scoring on the
 * executors, the examples Parquet, summaries, {@code summary.json} and {@code eval.json}); one
 * JSON line per run with the wall time, the examples per second and this process's CPU seconds, and
 * one with the run's Spark jobs by call site (wall seconds, from a listener). With
 * {@code --scoring N} it then times N times the scoring alone: a Spark job over the same
 * split through {@link Scorer#map} with the job's per-partition loop (a copy of
 * {@code PartitionScore.score}: inference batch, activations, level statistics, per-example loss
 * parts and {@link ExampleMetrics} with SSIM; no latent collection, nothing written), split into the
 * model's forward pass, level statistics and loss parts, and the metrics, by accumulators. The
 * session is the one {@link SparkRuntime} builds (the master from {@code -Dspark.master}), or with
 * {@code --cluster W} a {@link LocalCluster} {@code local-cluster[W,1,MEM]} (needs
 * {@code SPARK_HOME}).
 *
 * <p>{@code export}: the split's tensors in id order as OUT/x.npy (N, n_mels, n_frames) float32,
 * OUT/valid_frames.npy (N) float64 and OUT/ids.txt, for the PyTorch twin.
 */
public final class EvalJobBenchmark {

  private EvalJobBenchmark() {}

  public static void main(String[] args) throws Exception {
    QuietSameDiff.install();
    Map<String, String> a = parse(args);
    String split = a.getOrDefault("--split", "valid");
    int cluster = Integer.parseInt(a.getOrDefault("--cluster", "0"));
    SparkSession spark = cluster > 0
        ? LocalCluster.session(cluster, 1, Integer.parseInt(a.getOrDefault("--cluster-memory-mb", "3072")))
        : SparkRuntime.session("melforge-eval-bench", Map.of());
    try {
      if (args[0].equals("export")) {
        export(spark, a.get("--table"), split, Path.of(a.get("--out")));
      } else {
        run(spark, a, split);
      }
    } finally {
      if (cluster > 0) {
        LocalCluster.stop();
      } else {
        spark.stop();
      }
    }
  }

  private static void run(SparkSession spark, Map<String, String> a, String split) {
    String checkpoint = a.get("--checkpoint");
    String table = a.get("--table");
    Path out = Path.of(a.get("--out"));
    int warmup = Integer.parseInt(a.getOrDefault("--warmup", "1"));
    int repeats = Integer.parseInt(a.getOrDefault("--repeats", "2"));
    int batchSize = Integer.parseInt(a.getOrDefault("--batch-size", "32"));
    int scoring = Integer.parseInt(a.getOrDefault("--scoring", "0"));
    String label = a.getOrDefault("--label", "");
    String master = spark.sparkContext().master();
    JobTimes jobs = new JobTimes();
    spark.sparkContext().addSparkListener(jobs);
    double best = 0;
    double bestCpu = 0;
    double bestSeconds = 0;
    long examples = 0;
    for (int i = 0; i < warmup + repeats; i++) {
      Config config = ConfigLoader.load((String) null, List.of(
          "eval.checkpoints=[" + quote(checkpoint) + "]", "eval.table=" + quote(table),
          "eval.split=" + quote(split), "eval.output=" + quote(out.resolve("run-" + i).toString()),
          "eval.report=false", "eval.overwrite=true", "eval.batch-size=" + batchSize));
      EvalOptions options = EvalOptions.from(config);
      jobs.clear();
      double cpu0 = processCpuSeconds();
      long t0 = System.nanoTime();
      EvalResult result = new EvalJob(spark, options).execute();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = processCpuSeconds() - cpu0;
      examples = result.examples();
      boolean timed = i >= warmup;
      double rate = examples / seconds;
      if (timed && rate > best) {
        best = rate;
        bestCpu = cpu;
        bestSeconds = seconds;
      }
      System.out.printf(Locale.ROOT, "{\"impl\": \"melforge\", \"label\": \"%s\", \"master\": \"%s\","
          + " \"phase\": \"%s\", \"run\": %d, \"examples\": %d, \"seconds\": %.3f,"
          + " \"examples_per_s\": %.3f, \"cpu_seconds\": %.3f, \"examples_per_cpu_s\": %.3f}%n",
          label, master, timed ? "timed" : "warmup", i, examples, seconds, rate, cpu,
          examples / cpu);
      if (timed) {
        System.out.println(jobs.json(label, i, seconds));
      }
    }
    double bestScoring = 0;
    double[] parts = new double[3];
    if (scoring > 0) {
      Checkpoint c = Checkpoint.open(checkpoint, spark.sparkContext().hadoopConfiguration());
      FeatureTable t = FeatureTable.open(spark, table);
      for (int i = 0; i < scoring; i++) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LongAccumulator forward = jsc.sc().longAccumulator("forward_ns");
        LongAccumulator levels = jsc.sc().longAccumulator("levels_losses_ns");
        LongAccumulator metrics = jsc.sc().longAccumulator("metrics_ns");
        long step = c.info().globalStep();
        long t0 = System.nanoTime();
        long scored;
        try (Scorer scorer = Scorer.of(jsc, c.model(), batchSize, step)) {
          scored = scorer.map(t, split, (m, batches) -> {
            long n = 0;
            LevelStatistics stats = new LevelStatistics(m);
            Ssim ssim = new Ssim();
            double sink = 0;
            while (batches.hasNext()) {
              Scorer.Batch batch = batches.next();
              long f0 = System.nanoTime();
              MultiDataSet data = m.evaluationBatch(batch.tensors(), step);
              Map<String, INDArray> acts = m.activations(data);
              long f1 = System.nanoTime();
              stats.add(m, acts);
              Map<String, double[]> losses = LossParts.perExample(m, acts, data);
              long f2 = System.nanoTime();
              float[][] originals = rows(batch.tensors());
              float[][] recons = rows(acts.get(m.reconstructionVertex()));
              int nMels = (int) batch.tensors().size(2);
              int nFrames = (int) batch.tensors().size(3);
              for (int k = 0; k < originals.length; k++) {
                ExampleMetrics em = ExampleMetrics.of(originals[k], recons[k], nMels, nFrames,
                    batch.validFrames().get(k), ssim);
                sink += em.ssim() + losses.get("total")[k];
                n++;
              }
              long f3 = System.nanoTime();
              forward.add(f1 - f0);
              levels.add(f2 - f1);
              metrics.add(f3 - f2);
            }
            return List.of(Double.isNaN(sink) ? -n : n).iterator();
          }).collect().stream().mapToLong(Long::longValue).sum();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = scored / seconds;
        if (rate > bestScoring) {
          bestScoring = rate;
          parts = new double[] {forward.value() / 1e9, levels.value() / 1e9, metrics.value() / 1e9};
        }
        System.out.printf(Locale.ROOT, "{\"impl\": \"melforge\", \"label\": \"%s\", \"phase\":"
            + " \"scoring\", \"run\": %d, \"examples\": %d, \"seconds\": %.3f, \"examples_per_s\":"
            + " %.3f, \"forward_s\": %.3f, \"levels_losses_s\": %.3f, \"metrics_s\": %.3f}%n",
            label, i, scored, seconds, rate, forward.value() / 1e9, levels.value() / 1e9,
            metrics.value() / 1e9);
      }
    }
    System.out.printf(Locale.ROOT, "{\"impl\": \"melforge\", \"label\": \"%s\", \"master\": \"%s\","
        + " \"best\": true, \"examples\": %d, \"seconds\": %.3f, \"examples_per_s\": %.3f,"
        + " \"cpu_seconds\": %.3f, \"examples_per_cpu_s\": %.3f, \"scoring_examples_per_s\": %.3f,"
        + " \"scoring_share\": %.3f, \"forward_s\": %.3f, \"levels_losses_s\": %.3f,"
        + " \"metrics_s\": %.3f}%n",
        label, master, examples, bestSeconds, best, bestCpu, examples / bestCpu, bestScoring,
        bestScoring > 0 ? best / bestScoring : Double.NaN, parts[0], parts[1], parts[2]);
  }

  private static void export(SparkSession spark, String tablePath, String split, Path out)
      throws IOException {
    FeatureTable table = FeatureTable.open(spark, tablePath);
    List<Row> rows = table.split(split)
        .select(TensorTable.ID, TensorTable.VALID_FRAMES, TensorTable.TENSOR)
        .orderBy(TensorTable.ID).collectAsList();
    int n = rows.size();
    int size = table.nMels() * table.nFrames() * Float.BYTES;
    byte[] all = new byte[n * size];
    double[] valid = new double[n];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      ids.add(r.getString(0));
      valid[i] = r.getInt(1);
      System.arraycopy((byte[]) r.get(2), 0, all, i * size, size);
    }
    Files.createDirectories(out);
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out.resolve("x.npy")))) {
      Npy.writeFloat32Bytes(o, new int[] {n, table.nMels(), table.nFrames()}, all);
    }
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out.resolve("valid_frames.npy")))) {
      Npy.writeFloat64(o, new int[] {n}, valid);
    }
    Files.write(out.resolve("ids.txt"), ids);
    System.out.printf(Locale.ROOT, "{\"export\": \"%s\", \"examples\": %d, \"shape\": [%d, %d]}%n",
        out, n, table.nMels(), table.nFrames());
  }

  /**
   * Wall time of the Spark jobs of a run by call site (the result stage's name, e.g. {@code parquet
   * at CheckpointEvaluation.java:150}), from the listener bus.
   */
  private static final class JobTimes extends SparkListener {
    private final Map<Integer, Long> started = new ConcurrentHashMap<>();
    private final Map<Integer, String> sites = new ConcurrentHashMap<>();
    private final Map<String, double[]> bySite = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      started.put(e.jobId(), e.time());
      String site = "?";
      int last = -1;
      scala.collection.Iterator<StageInfo> it = e.stageInfos().iterator();
      while (it.hasNext()) {
        StageInfo s = it.next();
        if (s.stageId() > last) {
          last = s.stageId();
          site = s.name();
        }
      }
      sites.put(e.jobId(), site);
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
      Long t0 = started.remove(e.jobId());
      String site = sites.remove(e.jobId());
      if (t0 != null) {
        bySite.computeIfAbsent(site, k -> new double[2]);
        double[] v = bySite.get(site);
        synchronized (v) {
          v[0] += (e.time() - t0) / 1e3;
          v[1] += 1;
        }
      }
    }

    void clear() {
      bySite.clear();
    }

    /** One JSON line: the run's jobs by call site (seconds, count), longest first. */
    String json(String label, int run, double seconds) {
      try {
        Thread.sleep(1000); // let the listener bus deliver the last job end events
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      StringBuilder b = new StringBuilder();
      double total = 0;
      List<Map.Entry<String, double[]>> entries = new ArrayList<>(bySite.entrySet());
      entries.sort((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0]));
      for (Map.Entry<String, double[]> en : entries) {
        total += en.getValue()[0];
        b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
            "{\"site\": \"%s\", \"seconds\": %.3f, \"jobs\": %d}",
            en.getKey().replace("\"", "'"), en.getValue()[0], (int) en.getValue()[1]));
      }
      return String.format(Locale.ROOT, "{\"impl\": \"melforge\", \"label\": \"%s\", \"phase\":"
          + " \"jobs\", \"run\": %d, \"seconds\": %.3f, \"in_spark_jobs_s\": %.3f, \"outside_jobs_s\":"
          + " %.3f, \"by_site\": [%s]}", label, run, seconds, total, seconds - total, b);
    }
  }

  private static float[][] rows(INDArray images) {
    long b = images.size(0);
    return images.reshape(b, images.length() / b).toFloatMatrix();
  }

  private static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static Map<String, String> parse(String[] args) {
    if (args.length == 0 || !(args[0].equals("run") || args[0].equals("export"))) {
      throw new IllegalArgumentException("usage: EvalJobBenchmark run|export --table DIR --out DIR ...");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      out.put(args[i], args[i + 1]);
    }
    return out;
  }
}
