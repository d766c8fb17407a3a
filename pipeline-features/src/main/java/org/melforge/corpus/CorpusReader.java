package org.melforge.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a corpus folder into its {@link Catalog}. Folders are listed on the driver through the
 * Hadoop FileSystem API; metadata files (examples.json, trans.txt, SPEAKERS.TXT) are read and
 * parsed by executors. Items that cannot be used become rows with an error reason, so every audio
 * file and every metadata entry without audio appears exactly once.
 */
public final class CorpusReader {

  private CorpusReader() {}

  /**
   * The catalog of {@code input}, with exactly {@link Catalog#SCHEMA}. Source paths are fully
   * qualified Hadoop URIs.
   *
   * @throws IllegalArgumentException when the corpus root does not exist or is not a folder, or
   *     when the input asks for {@code split = group} and its (detected) layout has no group key
   * @throws UncheckedIOException when the corpus cannot be listed
   */
  public static Dataset<Row> catalog(SparkSession spark, CorpusInput input) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try {
      Path given = new Path(input.path());
      FileSystem fs = given.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path root = fs.makeQualified(given);
      requireFolder(fs, root, "dataset " + input.dataset());
      Layout layout = input.layout() != null ? input.layout() : Layout.detect(fs, root);
      CorpusInput.requireGroupKey(input.path(), layout, input.splitMode());
      JavaRDD<Row> rows = switch (layout) {
        case NSYNTH -> NsynthCatalog.rows(jsc, fs, root, input);
        case LIBRISPEECH -> LibriSpeechCatalog.rows(spark, fs, root, input);
        case FOLDER -> FolderCatalog.rows(jsc, fs, root, input);
      };
      return spark.createDataFrame(rows, Catalog.SCHEMA);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list corpus " + input.path() + " of dataset " + input.dataset(), e);
    }
  }

  /**
   * Detects the layout of the corpus at {@code path} from its listing ({@link Layout#detect}).
   *
   * @throws IllegalArgumentException when the corpus root does not exist or is not a folder
   */
  public static Layout detectLayout(SparkSession spark, String path) {
    try {
      Path given = new Path(path);
      FileSystem fs = given.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path root = fs.makeQualified(given);
      requireFolder(fs, root, "input " + path);
      return Layout.detect(fs, root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list corpus " + path, e);
    }
  }

  private static void requireFolder(FileSystem fs, Path root, String what) throws IOException {
    if (!fs.exists(root)) {
      throw new IllegalArgumentException("corpus folder of " + what + " does not exist: " + root);
    }
    FileStatus status = fs.getFileStatus(root);
    if (!status.isDirectory()) {
      throw new IllegalArgumentException("corpus path of " + what + " is not a folder: " + root);
    }
  }
}
