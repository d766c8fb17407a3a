package org.melforge.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.melforge.spark.JobGroup;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import scala.Tuple2;

/**
 * A features tensor table opened for training (driver side). {@link #open} validates the schema,
 * reads the tensor shape (one per table), the rows per split and the statistics JSON beside the
 * table ({@code <parent>/<name>.stats.json}) once; these are a snapshot of the table at open time.
 * Rows reach a single-JVM trainer through {@link #localBatches}, or executors through
 * {@link #split} and {@link #batches}.
 */
public final class FeatureTable {

  /** The {@code shuffleSeed} of {@link #localBatches} for rows in id order. */
  public static final long ID_ORDER = -1;

  private static final String JOB_GROUP = "melforge-train-data";
  private static final String PROBLEM = "_problem";
  private static final int REPORTED_ROWS = 10;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeatureTable.class);

  private final SparkSession spark;
  private final String path;
  private final Dataset<Row> rows;
  private final int nMels;
  private final int nFrames;
  private final Map<String, Long> splitCounts;
  private final String statsPath;
  private final String statsJson;

  private FeatureTable(SparkSession spark, String path, Dataset<Row> rows, int nMels, int nFrames,
      Map<String, Long> splitCounts, String statsPath, String statsJson) {
    this.spark = spark;
    this.path = path;
    this.rows = rows;
    this.nMels = nMels;
    this.nFrames = nFrames;
    this.splitCounts = splitCounts;
    this.statsPath = statsPath;
    this.statsJson = statsJson;
  }

  /**
   * Opens the tensor table folder at {@code path} (any Hadoop URI, e.g. {@code out/features/speech}).
   *
   * @throws IllegalArgumentException when the folder does not exist, is not a tensor table (no
   *     Parquet files, other files, or another schema), has no rows, mixes tensor shapes, or has no
   *     statistics JSON beside it
   */
  public static FeatureTable open(SparkSession spark, String path) {
    try {
      Path given = new Path(path);
      FileSystem fs = given.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path table = fs.makeQualified(given);
      if (!fs.isDirectory(table)) {
        throw new IllegalArgumentException("tensor table folder does not exist: " + table);
      }
      Dataset<Row> rows = read(spark, table.toString());
      TensorTable.requireSchema(rows.schema(), table.toString());
      List<Row> groups;
      try (JobGroup group = JobGroup.open(spark.sparkContext(), JOB_GROUP,
          "train data: shape and split counts of " + table)) {
        groups = rows.groupBy(TensorTable.N_MELS, TensorTable.N_FRAMES, TensorTable.SPLIT).count()
            .collectAsList();
      }
      int[] shape = shape(groups, table.toString());
      Map<String, Long> counts = new TreeMap<>();
      groups.forEach(g -> counts.put(g.getString(2), g.getLong(3)));
      Path stats = new Path(table.getParent(), table.getName() + ".stats.json");
      return new FeatureTable(spark, table.toString(), rows, shape[0], shape[1],
          Collections.unmodifiableMap(counts), stats.toString(), readStats(fs, stats, table));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open tensor table " + path, e);
    }
  }

  /** The table's rows; a folder without Parquet files, or with other files, is no tensor table. */
  private static Dataset<Row> read(SparkSession spark, String table) {
    try {
      return spark.read().option("parquet.page.verify-checksum.enabled", "true").parquet(table);
    } catch (Exception e) {
      if (e instanceof AnalysisException) {
        throw new IllegalArgumentException(table + " is not a MelForge tensor table: " + e.getMessage(), e);
      }
      if (e instanceof SparkException) {
        throw new IllegalArgumentException(table + " is not a MelForge tensor table: its schema cannot be read ("
            + rootCause(e).getMessage() + ")", e);
      }
      throw e;
    }
  }

  /** The Parquet file a read failure names somewhere in its causes. */
  private static java.util.Optional<String> failedFile(Throwable e) {
    java.util.regex.Pattern file = java.util.regex.Pattern.compile("\\S+\\.parquet");
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      java.util.regex.Matcher m = file.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return java.util.Optional.of(m.group());
      }
    }
    return java.util.Optional.empty();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static int[] shape(List<Row> groups, String table) {
    Map<String, Long> rowsByShape = groups.stream().collect(Collectors.groupingBy(
        g -> "(" + g.getInt(0) + ", " + g.getInt(1) + ")", TreeMap::new, Collectors.summingLong(g -> g.getLong(3))));
    if (rowsByShape.isEmpty()) {
      throw new IllegalArgumentException("tensor table " + table + " has no rows");
    }
    if (rowsByShape.size() > 1) {
      throw new IllegalArgumentException("tensor table " + table + " mixes tensor shapes (n_mels, n_frames): "
          + rowsByShape.entrySet().stream().map(e -> e.getKey() + " in " + e.getValue() + " rows")
              .collect(Collectors.joining(", ")));
    }
    return new int[] {groups.get(0).getInt(0), groups.get(0).getInt(1)};
  }

  private static String readStats(FileSystem fs, Path stats, Path table) throws IOException {
    try (InputStream in = fs.open(stats)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("statistics of tensor table " + table + " are missing: expected " + stats
          + " (the features job writes them beside the table)", e);
    }
  }

  /** Fully qualified Hadoop URI of the table folder. */
  public String path() {
    return path;
  }

  /**
   * This table without the rows whose tensor holds a value that is not finite or lies outside
   * [{@link TensorValues#MIN}, {@link TensorValues#MAX}] (one pass over the table): with
   * {@link BadRows#SKIP} they are left out of every split, their number and the first ids logged;
   * with {@link BadRows#STOP} the table is refused.
   *
   * @throws IllegalArgumentException with {@link BadRows#STOP} when there are such rows, naming
   *     the first ones and what is wrong with each; when a file of the table cannot be read (a
   *     Parquet page whose checksum fails, a truncated file), naming it
   */
  public FeatureTable checked(BadRows policy) {
    Dataset<Row> flagged = rows.withColumn(PROBLEM, org.apache.spark.sql.functions.udf(
        new TensorValues(nFrames), org.apache.spark.sql.types.DataTypes.StringType)
        .apply(col(TensorTable.TENSOR)));
    Dataset<Row> bad = flagged.filter(col(PROBLEM).isNotNull());
    Map<String, Long> badPerSplit = new TreeMap<>();
    try (JobGroup group = JobGroup.open(spark.sparkContext(), JOB_GROUP,
        "train data: tensor values of " + path)) {
      bad.groupBy(TensorTable.SPLIT).count().collectAsList()
          .forEach(r -> badPerSplit.put(r.getString(0), r.getLong(1)));
    } catch (Exception e) {
      throw new IllegalArgumentException("tensor table " + path + " cannot be read: "
          + failedFile(e).map(f -> f + ": ").orElse("") + rootCause(e).getMessage(), e);
    }
    if (badPerSplit.isEmpty()) {
      return this;
    }
    long total = badPerSplit.values().stream().mapToLong(Long::longValue).sum();
    List<Row> first;
    try (JobGroup group = JobGroup.open(spark.sparkContext(), JOB_GROUP,
        "train data: bad rows of " + path)) {
      first = bad.select(TensorTable.ID, PROBLEM).orderBy(TensorTable.ID).limit(REPORTED_ROWS)
          .collectAsList();
    }
    String examples = first.stream()
        .map(r -> r.getString(0) + " (" + r.getString(1) + ")").collect(Collectors.joining(", "));
    String found = "tensor table " + path + " has " + total + " row(s) whose tensor is not finite"
        + " or outside [" + TensorValues.MIN + ", " + TensorValues.MAX + "] (per split "
        + badPerSplit + "), e.g. " + examples;
    if (policy == BadRows.STOP) {
      throw new IllegalArgumentException(found + "; set train.bad-rows = skip to train without"
          + " them");
    }
    LOG.warn("{}: skipped (train.bad-rows = skip)", found);
    Map<String, Long> counts = new TreeMap<>(splitCounts);
    badPerSplit.forEach((split, n) -> counts.merge(split, -n, Long::sum));
    return new FeatureTable(spark, path, flagged.filter(col(PROBLEM).isNull()).drop(PROBLEM),
        nMels, nFrames, Collections.unmodifiableMap(counts), statsPath, statsJson);
  }

  /** Mel bins of every tensor. */
  public int nMels() {
    return nMels;
  }

  /** Frames of every tensor. */
  public int nFrames() {
    return nFrames;
  }

  /** Rows per split, ordered by split name. */
  public Map<String, Long> splitCounts() {
    return splitCounts;
  }

  /** Rows of {@code split}; 0 for a split the table does not have. */
  public long count(String split) {
    return splitCounts.getOrDefault(split, 0L);
  }

  /**
   * Refuses a split without rows.
   *
   * @throws IllegalArgumentException naming the table, the split and the splits it has
   */
  public void requireRows(String split) {
    if (count(split) == 0) {
      throw new IllegalArgumentException("features table " + path + " has no rows in split '"
          + split + "' (splits: " + splitCounts + ")");
    }
  }

  /** URI of the statistics JSON beside the table. */
  public String statsPath() {
    return statsPath;
  }

  /** The statistics JSON as read at open time. */
  public String statsJson() {
    return statsJson;
  }

  /** SHA-256 (hex) of the statistics JSON's UTF-8 bytes. */
  public String statsSha256() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(statsJson.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** What a checkpoint records of this table. */
  public TableIdentity identity() {
    return new TableIdentity(path, TensorTable.VERSION, nMels, nFrames, splitCounts, statsSha256());
  }

  /**
   * The rows of {@code split}, every column of the table.
   *
   * @throws IllegalArgumentException when the table has no such split
   */
  public Dataset<Row> split(String split) {
    if (!splitCounts.containsKey(split)) {
      throw new IllegalArgumentException("tensor table " + path + " has no split '" + split + "' (rows per split: "
          + splitCounts + ")");
    }
    return rows.filter(col(TensorTable.SPLIT).equalTo(split));
  }

  /** The batching of this table's shape, to run on executors over {@link #split}'s rows. */
  public TensorBatches batches(int batchSize, boolean dropLast) {
    return new TensorBatches(nMels, nFrames, batchSize, dropLast);
  }

  /**
   * One epoch of {@code split} as batches on this JVM (see {@link TensorBatches}), streamed from the
   * executors one partition at a time ({@code toLocalIterator}), never the whole split at once. The
   * order is a hash of {@code shuffleSeed} and the row id: the same for the same seed, different
   * for another; a negative seed ({@link #ID_ORDER}) gives id order.
   *
   * @throws IllegalArgumentException when the table has no such split or the batch size is not positive
   */
  public Iterator<INDArray> localBatches(String split, int batchSize, long shuffleSeed, boolean dropLast) {
    return batches(batchSize, dropLast).iterator(ordered(split, shuffleSeed).toLocalIterator());
  }

  /**
   * {@link #localBatches} with each batch's row ids and valid frames
   * ({@link TensorBatches#examples}).
   */
  public Iterator<TensorBatches.Batch> localExamples(String split, int batchSize, long shuffleSeed,
      boolean dropLast) {
    return batches(batchSize, dropLast).examples(ordered(split, shuffleSeed).toLocalIterator());
  }

  private Dataset<Row> ordered(String split, long shuffleSeed) {
    Dataset<Row> selected = split(split).select(TensorTable.ID, TensorTable.N_MELS,
        TensorTable.N_FRAMES, TensorTable.VALID_FRAMES, TensorTable.TENSOR);
    return shuffleSeed < 0 ? selected.orderBy(TensorTable.ID)
        : selected.orderBy(xxhash64(lit(shuffleSeed), col(TensorTable.ID)), col(TensorTable.ID));
  }

  /**
   * The rows of {@code split} (id, shape, valid frames and tensor columns) dealt into
   * {@code partitions} partitions of equal size (within the number of the table's own partitions) for W workers to
   * batch: each of the table's partitions is shuffled by a hash of {@code shuffleSeed} and the row
   * id, its rows are dealt round-robin to the workers, and each worker's rows are ordered by that
   * hash. The same seed gives the same partitions and order; another seed deals other rows to each
   * worker, in another order.
   */
  public JavaRDD<Row> shuffled(String split, int partitions, long shuffleSeed) {
    Preconditions.checkArgument(partitions > 0, "partitions must be positive, got %s", partitions);
    String order = "_order";
    return split(split)
        .select(col(TensorTable.ID), col(TensorTable.N_MELS), col(TensorTable.N_FRAMES),
            col(TensorTable.VALID_FRAMES), col(TensorTable.TENSOR), xxhash64(lit(shuffleSeed), col(TensorTable.ID)).as(order))
        .sortWithinPartitions(order)
        .javaRDD()
        .mapPartitionsWithIndex((input, rows) -> Deal.dealt(input, rows, partitions), true)
        .mapToPair(t -> t)
        .repartitionAndSortWithinPartitions(new Deal.ByWorker(partitions))
        .values();
  }

  /** Where a row is dealt: its worker, and its place in the worker's order. */
  private record Deal(int worker, long order) implements Comparable<Deal>, java.io.Serializable {

    /** Rows of input partition {@code input} (last column: their order), dealt round-robin. */
    static Iterator<Tuple2<Deal, Row>> dealt(int input, Iterator<Row> rows, int workers) {
      return new Iterator<>() {
        private long dealt;

        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Tuple2<Deal, Row> next() {
          Row row = rows.next();
          int worker = (int) ((input + dealt++) % workers);
          return new Tuple2<>(new Deal(worker, row.getLong(row.length() - 1)), row);
        }
      };
    }

    @Override
    public int compareTo(Deal other) {
      int c = Integer.compare(worker, other.worker);
      return c != 0 ? c : Long.compare(order, other.order);
    }

    /** Partitions by worker. */
    private static final class ByWorker extends org.apache.spark.Partitioner {
      private final int workers;

      ByWorker(int workers) {
        this.workers = workers;
      }

      @Override
      public int numPartitions() {
        return workers;
      }

      @Override
      public int getPartition(Object key) {
        return ((Deal) key).worker();
      }
    }
  }
}
