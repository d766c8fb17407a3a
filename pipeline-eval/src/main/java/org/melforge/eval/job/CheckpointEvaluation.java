package org.melforge.eval.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.data.FeatureTable;
import org.melforge.eval.codes.LevelStatistics;
import org.melforge.eval.metrics.Distribution;
import org.melforge.model.TokenizerModel;
import org.melforge.spark.HadoopJson;
import org.melforge.tensorstore.TensorTable;
import org.melforge.training.Scorer;

/**
 * The evaluation of one checkpoint: one pass of the model over the split on the executors (the
 * model broadcast once per executor, batches of consecutive rows), kept in the cache, from which
 * the examples table is written and the level statistics merged; then the summaries, from the
 * written table.
 */
final class CheckpointEvaluation {

  /** The summary file in a checkpoint's results folder. */
  static final String SUMMARY = "summary.json";
  /** The examples table in a checkpoint's results folder. */
  static final String EXAMPLES = "examples";
  /** The examples table's checkpoint id column. */
  static final String CHECKPOINT_ID = "checkpoint_id";

  private final SparkSession spark;
  private final EvalOptions options;
  private final FeatureTable table;
  private final Profile profile;
  private final Checkpoint checkpoint;
  private final Path folder;

  CheckpointEvaluation(SparkSession spark, EvalOptions options, FeatureTable table,
      Profile profile, Checkpoint checkpoint, Path folder) {
    this.spark = spark;
    this.options = options;
    this.table = table;
    this.profile = profile;
    this.checkpoint = checkpoint;
    this.folder = folder;
  }

  /**
   * What the evaluation of a checkpoint produced, for the report.
   *
   * @param checkpoint the checkpoint
   * @param folder its results folder
   * @param metrics the metric names, in the examples table's order
   * @param overall every metric's distribution over the split
   * @param groups per grouping, per group value, every metric's distribution
   * @param levels the merged code and latent statistics
   * @param latents the first posterior means of the split by id (VAE; else empty)
   */
  record Outcome(Checkpoint checkpoint, Path folder, List<String> metrics,
      Map<String, Distribution> overall, Map<String, Map<String, Map<String, Distribution>>> groups,
      LevelStatistics levels, List<PartitionScore.Latent> latents) {

    /** The examples table. */
    Path examples() {
      return new Path(folder, EXAMPLES);
    }

    EvalResult.Evaluated evaluated() {
      return new EvalResult.Evaluated(checkpoint.id(), checkpoint.dir().toString(),
          folder.toString(), overall.get("mse_valid").mean(), overall.get("psnr_valid").mean(),
          overall.get("ssim_valid").mean());
    }
  }

  Outcome run() {
    TokenizerModel model = checkpoint.model();
    List<String> metrics = PartitionScore.names(model);
    Path examples = new Path(folder, EXAMPLES);
    LevelStatistics levels;
    List<PartitionScore.Latent> latents = new ArrayList<>();
    long step = checkpoint.info().globalStep();
    int points = options.latentMapPoints();
    try (Scorer scorer = Scorer.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), model,
        options.batchSize(), step)) {
      JavaRDD<PartitionScore> scores = scorer.map(table, options.split(),
          (m, batches) -> PartitionScore.score(m, batches, step, points))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        // The scoring as a job of its own, the write's join then reads the cache: measured
        // faster than scoring inside the join's shuffle stage (BENCHMARKS.md, Eval).
        scores.count();
        write(scores, metrics, examples);
        levels = scores.map(PartitionScore::levels).reduce(LevelStatistics::merge);
        for (List<PartitionScore.Latent> partition : scores.map(PartitionScore::latents).collect()) {
          partition.stream().limit(points - latents.size()).forEach(latents::add);
        }
      } finally {
        scores.unpersist(false);
      }
    }
    Dataset<Row> written = spark.read().parquet(examples.toString());
    Summaries.Result summaries = Summaries.of(written, metrics);
    Outcome outcome = new Outcome(checkpoint, folder, metrics, summaries.overall(),
        summaries.groups(), levels, latents);
    writeSummary(outcome);
    return outcome;
  }

  /** The examples table: id, split, corpus metadata, checkpoint id, every metric. */
  private void write(JavaRDD<PartitionScore> scores, List<String> metrics, Path examples) {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(TensorTable.ID, DataTypes.StringType, false));
    for (String m : metrics) {
      fields.add(DataTypes.createStructField(m, DataTypes.DoubleType, false));
    }
    JavaRDD<Row> rows = scores.flatMap(s -> s.examples().iterator()).map(e -> {
      Object[] values = new Object[e.values().length + 1];
      values[0] = e.id();
      for (int i = 0; i < e.values().length; i++) {
        values[i + 1] = e.values()[i];
      }
      return RowFactory.create(values);
    });
    Dataset<Row> scored = spark.createDataFrame(rows, new StructType(fields.toArray(StructField[]::new)));
    List<Column> columns = new ArrayList<>();
    for (String c : metadataColumns()) {
      columns.add(col("t." + c).as(c));
    }
    columns.add(lit(checkpoint.id()).as(CHECKPOINT_ID));
    for (String m : metrics) {
      columns.add(col("s." + m));
    }
    table.split(options.split()).as("t")
        .join(scored.as("s"), col("t." + TensorTable.ID).equalTo(col("s." + TensorTable.ID)))
        .select(columns.toArray(Column[]::new))
        .write().mode(SaveMode.Overwrite).parquet(examples.toString());
  }

  /** The table's columns but the tensor, id first, then split and the rest in table order. */
  static List<String> metadataColumns() {
    List<String> out = new ArrayList<>(List.of(TensorTable.ID, TensorTable.SPLIT));
    for (String name : TensorTable.SCHEMA.fieldNames()) {
      if (!out.contains(name) && !name.equals(TensorTable.TENSOR)) {
        out.add(name);
      }
    }
    return out;
  }

  private void writeSummary(Outcome o) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("id", checkpoint.id());
    c.put("path", checkpoint.dir().toString());
    c.put("preset", checkpoint.info().model().preset());
    c.put("family", checkpoint.info().model().family().key());
    c.put("epoch", checkpoint.info().epoch());
    c.put("global_step", checkpoint.info().globalStep());
    out.put("checkpoint", c);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("path", table.path());
    t.put("split", options.split());
    t.put("examples", table.count(options.split()));
    t.put("stats_sha256", table.statsSha256());
    t.put("profile", profile.json());
    out.put("table", t);
    out.put("examples_table", o.examples().toString());
    out.put("metrics", json(o.overall()));
    Map<String, Object> groups = new LinkedHashMap<>();
    o.groups().forEach((grouping, byValue) -> {
      Map<String, Object> values = new LinkedHashMap<>();
      byValue.forEach((value, metrics) -> values.put(value, json(metrics)));
      groups.put(grouping, values);
    });
    out.put("groups", groups);
    out.put("levels", o.levels().toJson(profile.secondsPerExample()));
    out.put("versions", org.melforge.training.BuildInfo.versions());
    out.put("created_at", Instant.now().toString());
    try {
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      HadoopJson.write(fs, new Path(folder, SUMMARY), out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot open the file system of " + folder, e);
    }
  }

  private static Map<String, Object> json(Map<String, Distribution> metrics) {
    Map<String, Object> out = new LinkedHashMap<>();
    metrics.forEach((m, d) -> out.put(m, d.toJson()));
    return out;
  }
}
