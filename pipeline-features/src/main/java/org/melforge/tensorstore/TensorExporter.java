package org.melforge.tensorstore;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.melforge.spark.JobGroup;

/**
 * Exports tensors of a table (optionally one dataset and/or split) as NumPy {@code .npy} files, one
 * per row, named {@code <id>.npy}, shape (n_mels, n_frames), float32. Executors write the files
 * through the Hadoop FileSystem API; rerunning overwrites the same names.
 */
public final class TensorExporter {

  private final SparkSession spark;
  private final String table;
  private String dataset;
  private String split;
  private long limit;

  private TensorExporter(SparkSession spark, String table) {
    this.spark = spark;
    this.table = table;
  }

  /** An exporter of the tensor table at {@code table}. */
  public static TensorExporter on(SparkSession spark, String table) {
    return new TensorExporter(spark, table);
  }

  /** Only rows of this dataset (null: all). */
  public TensorExporter dataset(String name) {
    this.dataset = name;
    return this;
  }

  /** Only rows of this split (null: all). */
  public TensorExporter split(String name) {
    this.split = name;
    return this;
  }

  /** At most this many rows, by id order (0: all). */
  public TensorExporter limit(long rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + rows);
    }
    this.limit = rows;
    return this;
  }

  /** Writes the files under {@code outDir} and returns how many were written. */
  public long execute(String outDir) {
    try (JobGroup ignored = JobGroup.open(spark.sparkContext(), "melforge-export",
        "export tensors of " + table + " to " + outDir)) {
      Dataset<Row> rows = spark.read().parquet(table);
      TensorTable.requireSchema(rows.schema(), table);
      if (dataset != null) {
        rows = rows.filter(col(TensorTable.DATASET).equalTo(dataset));
      }
      if (split != null) {
        rows = rows.filter(col(TensorTable.SPLIT).equalTo(split));
      }
      if (limit > 0) {
        rows = rows.orderBy(TensorTable.ID).limit((int) Math.min(limit, Integer.MAX_VALUE));
      }
      Dataset<Row> selected = rows.select(TensorTable.ID, TensorTable.N_MELS, TensorTable.N_FRAMES, TensorTable.TENSOR);
      Broadcast<SerializableConfiguration> conf = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
      return selected.javaRDD().mapPartitions((Iterator<Row> it) -> {
        long n = 0;
        while (it.hasNext()) {
          write(it.next(), outDir, conf.value().value());
          n++;
        }
        return java.util.List.of(n).iterator();
      }).reduce(Long::sum);
    }
  }

  private static void write(Row r, String outDir, org.apache.hadoop.conf.Configuration conf) throws IOException {
    Path path = new Path(outDir, r.getString(0) + ".npy");
    FileSystem fs = path.getFileSystem(conf);
    try (OutputStream out = fs.create(path, true)) {
      Npy.writeFloat32Bytes(out, new int[] {r.getInt(1), r.getInt(2)}, r.getAs(3));
    }
  }
}
