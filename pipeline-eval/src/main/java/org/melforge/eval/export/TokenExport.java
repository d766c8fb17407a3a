package org.melforge.eval.export;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.checkpoint.CheckpointException;
import org.melforge.data.FeatureTable;
import org.melforge.spark.HadoopJson;
import org.melforge.spark.JobGroup;
import org.melforge.spark.SparkJob;
import org.melforge.tensorstore.TensorTable;
import org.melforge.training.Scorer;

/**
 * Token export: per example of a features table (one split or all), the codes or latents of every
 * bottleneck level of a checkpoint ({@link TokenSchema}), as Parquet for language-model and
 * analysis work, with {@code _export.json} describing the levels beside the data files.
 */
public final class TokenExport implements SparkJob<ExportResult> {

  /** The Spark job group of the export. */
  public static final String JOB_GROUP = "melforge-export";

  private final SparkSession spark;
  private final ExportOptions options;

  public TokenExport(SparkSession spark, ExportOptions options) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Exports the tokens.
   *
   * @throws IllegalArgumentException when refused before any work (table, split, checkpoint or
   *     output named)
   */
  @Override
  public ExportResult execute() {
    try (JobGroup group = JobGroup.open(spark.sparkContext(), JOB_GROUP,
        "export " + options.checkpoint())) {
      FeatureTable table = FeatureTable.open(spark, options.table()).checked(options.badRows());
      List<String> splits = splits(table);
      Checkpoint checkpoint = open(options.checkpoint(), spark);
      TokenSchema schema = TokenSchema.of(checkpoint.model(), checkpoint.id(), table);
      Path output = new Path(options.output());
      refuseNonEmpty(output);
      try (Scorer scorer = Scorer.of(JavaSparkContext.fromSparkContext(spark.sparkContext()),
          checkpoint.model(), options.batchSize(), checkpoint.info().globalStep())) {
        write(table, splits, tokens(table, splits, scorer, schema), schema, output);
      }
      long examples = splits.stream().mapToLong(table::count).sum();
      writeDescription(output, schema, examples);
      return new ExportResult(output.toString(), checkpoint.id(), table.path(),
          String.join(",", splits), examples);
    }
  }

  private void write(FeatureTable table, List<String> splits, JavaRDD<Row> rows,
      TokenSchema schema, Path output) {
    Dataset<Row> tokens = spark.createDataFrame(rows, schema.tokens());
    List<Column> columns = new ArrayList<>();
    for (String c : List.of(TensorTable.ID, TensorTable.SPLIT, TensorTable.DATASET,
        TensorTable.VALID_FRAMES)) {
      columns.add(col("t." + c));
    }
    for (String c : schema.tokens().fieldNames()) {
      if (!c.equals(TensorTable.ID)) {
        columns.add(col("k." + c));
      }
    }
    Dataset<Row> rowsOfSplits = table.split(splits.get(0));
    for (String s : splits.subList(1, splits.size())) {
      rowsOfSplits = rowsOfSplits.unionByName(table.split(s));
    }
    rowsOfSplits.as("t").join(tokens.as("k"),
            col("t." + TensorTable.ID).equalTo(col("k." + TensorTable.ID)))
        .select(columns.toArray(Column[]::new))
        .write().mode(SaveMode.Overwrite).parquet(output.toString());
  }

  private List<String> splits(FeatureTable table) {
    if (options.split().isEmpty()) {
      return new ArrayList<>(table.splitCounts().keySet());
    }
    table.requireRows(options.split());
    return List.of(options.split());
  }

  private static Checkpoint open(String uri, SparkSession spark) {
    try {
      return Checkpoint.open(uri, spark.sparkContext().hadoopConfiguration());
    } catch (CheckpointException | UncheckedIOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private void refuseNonEmpty(Path output) {
    try {
      FileSystem fs = output.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!options.overwrite() && fs.exists(output) && fs.listStatus(output).length > 0) {
        throw new IllegalArgumentException("output folder " + output + " is not empty: pass"
            + " --overwrite to replace it, or choose another output");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("output folder " + output + " is not reachable: "
          + e.getMessage(), e);
    }
  }

  private static JavaRDD<Row> tokens(FeatureTable table, List<String> splits, Scorer scorer,
      TokenSchema schema) {
    JavaRDD<Row> all = null;
    for (String split : splits) {
      JavaRDD<Row> rows = scorer.map(table, split, (m, batches) -> schema.rows(m, batches));
      all = all == null ? rows : all.union(rows);
    }
    return all;
  }

  private void writeDescription(Path output, TokenSchema schema, long examples) {
    Map<String, Object> out = new LinkedHashMap<>(schema.description());
    out.put("examples", examples);
    try {
      HadoopJson.write(output.getFileSystem(spark.sparkContext().hadoopConfiguration()),
          new Path(output, TokenSchema.DESCRIPTION), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + output, e);
    }
  }
}
