package org.melforge.tensorstore;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.melforge.spark.internal.SparkInternals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Parquet table partitioned by {@code dataset} (then any further columns) so that a run
 * owns the datasets it processed: their partitions are replaced by what this run wrote, partitions
 * this run no longer produces for them are removed, and every other dataset is left untouched. A
 * rerun therefore never duplicates rows nor leaves stale ones behind.
 */
public final class PartitionedWriter {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionedWriter.class);

  private PartitionedWriter() {}

  /**
   * Writes {@code rows} (zstd) under {@code path} partitioned by {@code partitionColumns}, whose first
   * column is the dataset, replacing the partitions of {@code datasets}. Each partition gets
   * {@code ceil(rows / rowsPerFile)} files whatever the upstream partitioning was: rows are
   * shuffled into buckets by a hash of {@code keyColumn} (deterministic, so a retried task
   * rewrites the same rows).
   */
  public static void overwriteDatasets(Dataset<Row> rows, String path, List<String> partitionColumns,
      Set<String> datasets, String keyColumn, long rowsPerFile) {
    if (rowsPerFile < 1) {
      throw new IllegalArgumentException("rowsPerFile must be >= 1, got " + rowsPerFile);
    }
    Column[] partitionCols = partitionColumns.stream().map(functions::col).toArray(Column[]::new);
    Set<String> written = new HashSet<>();
    Column filesPerPartition = lit(1L);
    long files = 0;
    for (Row r : rows.groupBy(partitionCols).count().collectAsList()) {
      StringBuilder dir = new StringBuilder();
      Column match = lit(true);
      for (int i = 0; i < partitionColumns.size(); i++) {
        dir.append(i == 0 ? "" : "/").append(SparkInternals.partitionDirectory(partitionColumns.get(i), r.get(i)));
        match = match.and(col(partitionColumns.get(i)).eqNullSafe(r.get(i)));
      }
      written.add(dir.toString());
      long n = (r.getLong(partitionColumns.size()) + rowsPerFile - 1) / rowsPerFile;
      filesPerPartition = when(match, lit(n)).otherwise(filesPerPartition);
      files += n;
    }
    Column bucket = pmod(hash(col(keyColumn)).cast("long"), filesPerPartition);
    Column[] shuffleBy = java.util.stream.Stream.concat(Arrays.stream(partitionCols), java.util.stream.Stream.of(bucket))
        .toArray(Column[]::new);
    rows.repartition((int) Math.max(1, Math.min(files, Integer.MAX_VALUE)), shuffleBy)
        .write().mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .option("compression", "zstd")
        .option("maxRecordsPerFile", rowsPerFile)
        .partitionBy(partitionColumns.toArray(String[]::new))
        .parquet(path);
    Path root = new Path(path);
    try {
      FileSystem fs = root.getFileSystem(rows.sparkSession().sparkContext().hadoopConfiguration());
      for (String dataset : datasets) {
        String dir = SparkInternals.partitionDirectory(partitionColumns.get(0), dataset);
        removeStale(fs, new Path(root, dir), dir, partitionColumns.size() - 1, written);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean stale partitions under " + path, e);
    }
  }

  private static void removeStale(FileSystem fs, Path dir, String relative, int depth, Set<String> written)
      throws IOException {
    if (!fs.exists(dir)) {
      return;
    }
    if (written.stream().noneMatch(w -> w.equals(relative) || w.startsWith(relative + "/"))) {
      LOG.info("removing stale partition {}", dir);
      fs.delete(dir, true);
      return;
    }
    if (depth == 0) {
      return;
    }
    for (FileStatus child : fs.listStatus(dir)) {
      if (child.isDirectory() && child.getPath().getName().contains("=")) {
        removeStale(fs, child.getPath(), relative + "/" + child.getPath().getName(), depth - 1, written);
      }
    }
  }
}
