package org.melforge.corpus;

import static org.melforge.corpus.CorpusFiles.hasSuffix;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.melforge.tensorstore.Reason;
import scala.Tuple2;

/**
 * Catalog of a LibriSpeech tree, rooted at the folder holding SPEAKERS.TXT and the subsets or at one
 * subset folder. flac and trans.txt files are listed on the driver; the trans.txt files and
 * SPEAKERS.TXT are read by executors through {@code spark.read().text}, and everything is joined by
 * utterance id, then by speaker.
 */
final class LibriSpeechCatalog {

  static final String SPEAKERS_TXT = "SPEAKERS.TXT";
  static final String TRANS_SUFFIX = ".trans.txt";
  private static final String FLAC = ".flac";
  private static final Pattern UTTERANCE_ID = Pattern.compile("(\\d{1,9})-(\\d{1,9})-(\\d{1,9})");
  private static final int SPEAKER_COLUMNS = 5;
  private static final int UNKNOWN_SPEAKER = -1;

  private LibriSpeechCatalog() {}

  static JavaRDD<Row> rows(SparkSession spark, FileSystem fs, Path root, CorpusInput input) throws IOException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Path> files = CorpusFiles.list(fs, root, true, n -> hasSuffix(n, FLAC) || n.endsWith(TRANS_SUFFIX));
    List<String> flacs = files.stream().filter(p -> hasSuffix(p.getName(), FLAC)).map(Path::toString).toList();
    List<String> transFiles = files.stream().filter(p -> p.getName().endsWith(TRANS_SUFFIX))
        .map(Path::toString).toList();
    JavaRDD<CatalogItem> items = jsc.parallelize(flacs, jsc.defaultParallelism())
        .mapToPair(f -> new Tuple2<>(utteranceId(f), f))
        .fullOuterJoin(transcripts(spark, jsc, transFiles))
        .map(t -> item(input, t._1(), t._2()._1(), t._2()._2()));
    Path speakers = speakersFile(fs, root, files);
    if (speakers == null) {
      return items.map(CatalogItem::toRow);
    }
    return items.keyBy(i -> i.speaker == null ? UNKNOWN_SPEAKER : i.speaker)
        .leftOuterJoin(speakerSex(spark, speakers))
        .map(t -> withSex(t._2()._1(), t._2()._2()).toRow());
  }

  /** train-* is train, dev-* valid, test-* test; other subsets have no official split. */
  private static String officialSplit(String subset) {
    if (subset.startsWith("train-")) {
      return "train";
    }
    if (subset.startsWith("dev-")) {
      return "valid";
    }
    return subset.startsWith("test-") ? "test" : null;
  }

  private static JavaPairRDD<String, Transcript> transcripts(SparkSession spark, JavaSparkContext jsc,
      List<String> transFiles) {
    if (transFiles.isEmpty()) {
      return JavaPairRDD.fromJavaRDD(jsc.emptyRDD());
    }
    return spark.read().text(transFiles.toArray(String[]::new))
        .select(functions.col("value"), functions.input_file_name())
        .javaRDD()
        .flatMapToPair(r -> transcriptLine(r.getString(0), r.getString(1)))
        .reduceByKey(Transcript::conflict);
  }

  private static Iterator<Tuple2<String, Transcript>> transcriptLine(String line, String fileUri)
      throws URISyntaxException {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return Collections.emptyIterator();
    }
    String[] idAndText = trimmed.split("\\s+", 2);
    Path transFile = new Path(new URI(fileUri));
    String flac = transFile.getParent() + "/" + idAndText[0] + FLAC;
    String text = idAndText.length > 1 ? idAndText[1] : "";
    return List.of(new Tuple2<>(idAndText[0], new Transcript(text, flac, transFile.getName(), null))).iterator();
  }

  private static JavaPairRDD<Integer, String> speakerSex(SparkSession spark, Path speakers) {
    return spark.read().text(speakers.toString()).javaRDD()
        .flatMapToPair(r -> speakerLine(r.getString(0)))
        .reduceByKey((a, b) -> a.compareTo(b) <= 0 ? a : b);
  }

  private static Iterator<Tuple2<Integer, String>> speakerLine(String line) {
    List<String> columns = PipeTable.columns(line, SPEAKER_COLUMNS);
    if (columns.size() < 2 || !columns.get(0).matches("\\d{1,9}") || columns.get(1).isEmpty()) {
      return Collections.emptyIterator();
    }
    return List.of(new Tuple2<>(Integer.parseInt(columns.get(0)), columns.get(1))).iterator();
  }

  private static CatalogItem item(CorpusInput input, String id, Optional<String> flac, Optional<Transcript> line) {
    String path = flac.isPresent() ? flac.get() : line.get().flacPath;
    Matcher m = UTTERANCE_ID.matcher(id);
    Integer speaker = m.matches() ? Integer.valueOf(m.group(1)) : null;
    String split = input.split(officialSplit(subsetOf(path)), id, speaker == null ? null : speaker.toString());
    CatalogItem item = CatalogItem.of(input.dataset(), id, split, path);
    if (speaker != null) {
      item.speaker = speaker;
      item.chapter = Integer.parseInt(m.group(2));
      item.utterance = Integer.parseInt(m.group(3));
    }
    if (line.isPresent() && line.get().problem == null) {
      item.transcript = line.get().text;
    }
    if (!flac.isPresent()) {
      return item.fail(Reason.MISSING_AUDIO, line.get().transFile + " has a line for utterance '" + id
          + "' but " + id + FLAC + " is missing");
    }
    if (!m.matches()) {
      return item.fail(Reason.MISSING_METADATA, "file name " + id + FLAC
          + " is not <speaker>-<chapter>-<utterance>.flac, so it has no transcript");
    }
    if (!line.isPresent()) {
      return item.fail(Reason.MISSING_METADATA, "no transcript line for utterance '" + id + "' in "
          + m.group(1) + "-" + m.group(2) + TRANS_SUFFIX);
    }
    return line.get().problem == null ? item
        : item.fail(Reason.MISSING_METADATA, "utterance '" + id + "' has " + line.get().problem);
  }

  private static CatalogItem withSex(CatalogItem item, Optional<String> sex) {
    item.speakerSex = sex.orNull();
    return item;
  }

  private static String utteranceId(String flacPath) {
    return CorpusFiles.stem(flacPath.substring(flacPath.lastIndexOf('/') + 1), FLAC.length());
  }

  /** The subset folder name of a flac: {@code <subset>/<speaker>/<chapter>/<file>}. */
  private static String subsetOf(String flacPath) {
    Path subset = ancestor(new Path(flacPath), 3);
    return subset == null ? "" : subset.getName();
  }

  private static Path ancestor(Path p, int levels) {
    Path up = p;
    for (int i = 0; i < levels && up != null; i++) {
      up = up.getParent();
    }
    return up;
  }

  /** SPEAKERS.TXT of the root, or of its parent when the root is a subset folder; null when absent. */
  private static Path speakersFile(FileSystem fs, Path root, List<Path> files) throws IOException {
    Path own = new Path(root, SPEAKERS_TXT);
    if (fs.exists(own)) {
      return own;
    }
    boolean subsetRoot = files.stream().anyMatch(f -> root.equals(ancestor(f, 3)));
    Path parent = root.getParent() == null ? null : new Path(root.getParent(), SPEAKERS_TXT);
    return subsetRoot && parent != null && fs.exists(parent) ? parent : null;
  }
}
