package org.melforge.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.melforge.corpus.Catalog;
import org.melforge.corpus.CorpusInput;
import org.melforge.corpus.CorpusReader;
import org.melforge.corpus.Layout;
import org.melforge.spark.HadoopJson;
import org.melforge.spark.JobGroup;
import org.melforge.spark.SparkJob;
import org.melforge.tensorstore.ErrorTable;
import org.melforge.tensorstore.PartitionedWriter;
import org.melforge.tensorstore.Reason;
import org.melforge.tensorstore.TensorTable;
import org.melforge.tensorstore.TensorTableStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The features job: corpora to Parquet log-mel tensor tables. For each table profile it builds
 * the catalog of its inputs, decodes and transforms the audio on executors, writes the table
 * (partitioned by dataset and split, zstd; the run owns the datasets it processed, see
 * {@link PartitionedWriter}), then the per-mel-bin statistics; finally the {@code _errors} table
 * and {@code _summary.json}. The statistics and the summary record the run's {@link Provenance}.
 * All of its Spark jobs run in job group {@value #JOB_GROUP}, each labelled with its stage; the
 * caller's group and description are restored when {@link #execute()} returns.
 */
public final class FeaturesJob implements SparkJob<FeaturesResult> {

  private static final Logger LOG = LoggerFactory.getLogger(FeaturesJob.class);
  /** The Spark job group of the job's Spark work. */
  public static final String JOB_GROUP = "melforge-features";
  private static final long ERROR_ROWS_PER_FILE = 1_000_000;

  private final SparkSession spark;
  private final FeaturesOptions options;

  /** A job on {@code spark} with validated {@code options} (see {@link FeaturesOptions#from}). */
  public FeaturesJob(SparkSession spark, FeaturesOptions options) {
    this.spark = spark;
    this.options = options;
  }

  /** Runs the job; bad inputs end up in the errors table, never as an exception. */
  @Override
  public FeaturesResult execute() {
    try (JobGroup group = JobGroup.open(spark.sparkContext(), JOB_GROUP, "features")) {
      stage(group, "resolve inputs");
      Map<String, List<CorpusInput>> byProfile = resolveInputs();
      Provenance provenance = Provenance.of(byProfile, options.profiles(), options.splits());
      List<FeaturesResult.TableCounts> tables = new ArrayList<>();
      List<Dataset<Row>> errors = new ArrayList<>();
      for (Map.Entry<String, List<CorpusInput>> e : byProfile.entrySet()) {
        TableRun run = runTable(group, options.profiles().get(e.getKey()), e.getValue(),
            provenance.table(e.getKey()));
        tables.add(run.counts());
        errors.add(run.errors());
      }
      Set<String> datasets = byProfile.values().stream().flatMap(List::stream)
          .map(CorpusInput::dataset).collect(Collectors.toSet());
      String errorsPath = writeErrors(group, errors, datasets);
      FeaturesResult result = new FeaturesResult(tables, errorsPath, options.maxErrorFraction(), provenance);
      writeJson(new Path(options.output(), "_summary.json"), result.toJson());
      errors.forEach(Dataset::unpersist);
      return result;
    }
  }

  private record TableRun(FeaturesResult.TableCounts counts, Dataset<Row> errors) {}

  private TableRun runTable(JobGroup group, TableProfile profile, List<CorpusInput> inputs,
      Provenance provenance) {
    stage(group, "catalog " + profile.name());
    Dataset<Row> catalog = catalog(inputs).persist(StorageLevel.MEMORY_AND_DISK());
    long total = catalog.count();
    Dataset<Row> usable = catalog.filter(col(Catalog.ERROR_REASON).isNull());
    long files = usable.count();

    LongAccumulator filesDone = spark.sparkContext().longAccumulator("files done " + profile.name());
    Dataset<Row> outcomes = extract(profile, usable, files, filesDone)
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    String tablePath = new Path(options.output(), profile.name()).toString();
    stage(group, "decode + log-mel + write " + profile.name() + " (" + files + " files)");
    try (ProgressReporter ignored = new ProgressReporter("features[" + profile.name() + "]",
        filesDone, files, options.progressIntervalSeconds())) {
      PartitionedWriter.overwriteDatasets(tensors(outcomes), tablePath, TensorTable.PARTITION_COLUMNS,
          inputs.stream().map(CorpusInput::dataset).collect(Collectors.toSet()), TensorTable.ID,
          rowsPerFile(profile));
    }
    stage(group, "count " + profile.name());
    Row c = counts(outcomes);
    Dataset<Row> errors = catalogErrors(catalog).unionByName(outcomeIssues(outcomes))
        .persist(StorageLevel.MEMORY_AND_DISK());
    errors.count();
    outcomes.unpersist();
    catalog.unpersist();

    String statsPath = new Path(options.output(), profile.name() + ".stats.json").toString();
    stage(group, "statistics " + profile.name());
    writeJson(new Path(statsPath),
        TensorTableStats.compute(spark.read().parquet(tablePath), tablePath, provenance.toJson()));
    long rejected = total - files;
    FeaturesResult.TableCounts counts = new FeaturesResult.TableCounts(profile.name(), tablePath, statsPath,
        total, c.getLong(0), c.getLong(1), c.getLong(2), rejected + c.getLong(3), c.getLong(4));
    LOG.info("table {}: {}", profile.name(), counts);
    return new TableRun(counts, errors);
  }

  /** Rows per Parquet file so that files hold about {@code features.target-file-mb} of tensors. */
  private long rowsPerFile(TableProfile profile) {
    long tensorBytes = (long) profile.mel().nMels() * profile.frames() * Float.BYTES;
    return Math.max(1, options.targetFileMb() * 1024L * 1024L / tensorBytes);
  }

  private static Dataset<Row> tensors(Dataset<Row> outcomes) {
    return outcomes.filter(col(TensorTable.TENSOR).isNotNull())
        .select(Arrays.stream(TensorTable.SCHEMA.fieldNames()).map(functions::col).toArray(Column[]::new));
  }

  /** ok sources, converted, padded, failed sources, tensors. */
  private static Row counts(Dataset<Row> outcomes) {
    Column tensor = col(TensorTable.TENSOR).isNotNull();
    Column first = col(TensorTable.WINDOW).equalTo(0);
    return outcomes.agg(
        count(tensor.and(first)),
        count(first.and(col(OutcomeRows.CONVERTED))),
        count(col(OutcomeRows.ISSUE_REASON).equalTo(Reason.PADDED.code())),
        count(col(TensorTable.TENSOR).isNull()),
        count(tensor)).first();
  }

  private static Column count(Column condition) {
    return functions.coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
  }

  private Dataset<Row> extract(TableProfile profile, Dataset<Row> usable, long files,
      LongAccumulator filesDone) {
    int partitions = options.partitions() > 0 ? options.partitions()
        : (int) Math.max(1, Math.ceil(files / (double) options.filesPerPartition()));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    FeatureExtractor extractor = new FeatureExtractor(profile, options.nsynthClipSeconds(), conf, filesDone);
    return spark.createDataFrame(
        usable.repartition(partitions, col(Catalog.SOURCE_ID)).javaRDD().mapPartitions(extractor),
        OutcomeRows.SCHEMA);
  }

  private Dataset<Row> catalog(List<CorpusInput> inputs) {
    Dataset<Row> all = null;
    for (CorpusInput input : inputs) {
      Dataset<Row> one = CorpusReader.catalog(spark, input)
          .withColumn(FeatureExtractor.LAYOUT, lit(input.layout().name()));
      all = all == null ? one : all.unionByName(one);
    }
    return rejectDuplicateIds(all);
  }

  /**
   * Two usable sources with the same dataset and source id (e.g. {@code a.wav} and {@code a.flac}
   * in a folder, or two inputs given the same dataset name) would give duplicate row ids: the first
   * by path is kept, the others become {@code duplicate_id} errors. The check shuffles the catalog
   * into as many partitions as its listing produced, not {@code spark.sql.shuffle.partitions}.
   */
  private static Dataset<Row> rejectDuplicateIds(Dataset<Row> catalog) {
    WindowSpec bySource = Window.partitionBy(Catalog.DATASET, Catalog.SOURCE_ID)
        .orderBy(col(Catalog.ERROR_REASON).isNotNull(), col(Catalog.SOURCE_PATH));
    Column duplicate = row_number().over(bySource).gt(1).and(col(Catalog.ERROR_REASON).isNull());
    Column message = concat(lit("source id '"), col(Catalog.SOURCE_ID), lit("' of dataset '"),
        col(Catalog.DATASET), lit("' is already used by "), first(col(Catalog.SOURCE_PATH)).over(bySource));
    int partitions = catalog.javaRDD().getNumPartitions();
    return catalog.repartition(partitions, col(Catalog.DATASET), col(Catalog.SOURCE_ID))
        .withColumn(Catalog.ERROR_MESSAGE, when(duplicate, message).otherwise(col(Catalog.ERROR_MESSAGE)))
        .withColumn(Catalog.ERROR_REASON,
            when(duplicate, lit(Reason.DUPLICATE_ID.code())).otherwise(col(Catalog.ERROR_REASON)));
  }

  private static Dataset<Row> catalogErrors(Dataset<Row> catalog) {
    return catalog.filter(col(Catalog.ERROR_REASON).isNotNull()).select(
        col(Catalog.SOURCE_PATH).as(ErrorTable.PATH),
        col(Catalog.DATASET).as(ErrorTable.DATASET),
        col(Catalog.SOURCE_ID).as(ErrorTable.SOURCE_ID),
        lit("catalog").as(ErrorTable.STAGE),
        col(Catalog.ERROR_REASON).as(ErrorTable.REASON),
        col(Catalog.ERROR_MESSAGE).as(ErrorTable.MESSAGE),
        lit(ErrorTable.ERROR).as(ErrorTable.SEVERITY));
  }

  private static Dataset<Row> outcomeIssues(Dataset<Row> outcomes) {
    Object[] warnings = Arrays.stream(Reason.values())
        .filter(r -> r.severity().equals(ErrorTable.WARNING)).map(Reason::code).toArray();
    return outcomes.filter(col(OutcomeRows.ISSUE_REASON).isNotNull()).select(
        col(TensorTable.SOURCE_PATH).as(ErrorTable.PATH),
        col(TensorTable.DATASET).as(ErrorTable.DATASET),
        col(OutcomeRows.SOURCE_ID).as(ErrorTable.SOURCE_ID),
        col(OutcomeRows.ISSUE_STAGE).as(ErrorTable.STAGE),
        col(OutcomeRows.ISSUE_REASON).as(ErrorTable.REASON),
        col(OutcomeRows.ISSUE_MESSAGE).as(ErrorTable.MESSAGE),
        when(col(OutcomeRows.ISSUE_REASON).isin(warnings), lit(ErrorTable.WARNING))
            .otherwise(lit(ErrorTable.ERROR)).as(ErrorTable.SEVERITY));
  }

  private String writeErrors(JobGroup group, List<Dataset<Row>> errors, Set<String> datasets) {
    String path = new Path(options.output(), "_errors").toString();
    stage(group, "write _errors");
    // A union of the persisted Datasets would miss their cache (Dataset.union flattens a union into
    // its parent) and recompute every table's features; a union of their RDDs reads the cache.
    Dataset<Row> all = errors.isEmpty() ? spark.createDataFrame(List.of(), ErrorTable.SCHEMA)
        : spark.createDataFrame(errors.stream().map(Dataset::javaRDD).reduce(JavaRDD::union).orElseThrow(),
            errors.get(0).schema());
    PartitionedWriter.overwriteDatasets(all, path, List.of(ErrorTable.DATASET), datasets, ErrorTable.PATH,
        ERROR_ROWS_PER_FILE);
    return path;
  }

  private Map<String, List<CorpusInput>> resolveInputs() {
    Map<String, List<CorpusInput>> byProfile = new LinkedHashMap<>();
    for (FeaturesOptions.Input in : options.inputs()) {
      Layout layout = in.layout() != null ? in.layout() : CorpusReader.detectLayout(spark, in.path());
      String dataset = in.dataset() != null ? in.dataset() : defaultDataset(layout, new Path(in.path()));
      String profile = in.profile() != null ? in.profile() : layout == Layout.NSYNTH ? "nsynth" : "speech";
      LOG.info("input {}: layout {}, dataset {}, table {}, split {}", in.path(), layout, dataset, profile,
          in.split().configName());
      byProfile.computeIfAbsent(profile, p -> new ArrayList<>())
          .add(new CorpusInput(in.path(), layout, dataset, options.splits(), in.split()));
    }
    return byProfile;
  }

  private static String defaultDataset(Layout layout, Path root) {
    return switch (layout) {
      case NSYNTH -> "nsynth";
      case LIBRISPEECH -> "librispeech";
      case FOLDER -> root.getName();
    };
  }

  private FileSystem fileSystem(Path path) {
    try {
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + path, e);
    }
  }

  private void writeJson(Path path, Object value) {
    HadoopJson.write(fileSystem(path), path, value,
        new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
  }

  private static void stage(JobGroup group, String description) {
    group.describe("features: " + description);
    LOG.info("features: {}", description);
  }

}
