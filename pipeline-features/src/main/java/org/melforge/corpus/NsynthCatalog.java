package org.melforge.corpus;

import static org.melforge.corpus.CorpusFiles.hasSuffix;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.melforge.tensorstore.Reason;
import scala.Tuple2;

/**
 * Catalog of an NSynth json/wav folder. The wav files are listed on the driver; examples.json is
 * read and parsed by an executor, streaming, and joined with the listing by note_str. It is read
 * twice: a first pass only checks that the whole file parses, so that a broken file turns every
 * wav into a {@code missing_metadata} row instead of half of them.
 */
final class NsynthCatalog {

  static final String EXAMPLES_JSON = "examples.json";
  private static final String AUDIO = "audio";
  private static final String WAV = ".wav";
  private static final Map<String, String> OFFICIAL_SPLITS =
      Map.of("nsynth-train", "train", "nsynth-valid", "valid", "nsynth-test", "test");

  private NsynthCatalog() {}

  static JavaRDD<Row> rows(JavaSparkContext jsc, FileSystem fs, Path root, CorpusInput input) throws IOException {
    String official = OFFICIAL_SPLITS.get(root.getName());
    Path audio = new Path(root, AUDIO);
    List<String> wavPaths = fs.isDirectory(audio)
        ? CorpusFiles.list(fs, audio, false, n -> hasSuffix(n, WAV)).stream().map(Path::toString).toList()
        : List.of();
    JavaRDD<String> wavs = jsc.parallelize(wavPaths, jsc.defaultParallelism());
    Path json = new Path(root, EXAMPLES_JSON);
    if (!fs.exists(json)) {
      return withoutMetadata(jsc, wavs, input, official, json, Reason.MISSING_METADATA,
          "examples.json is missing from " + root);
    }
    String problem = jsc.binaryFiles(json.toString(), 1).map(f -> ExamplesJson.problem(f._2().open())).first();
    if (problem != null) {
      return withoutMetadata(jsc, wavs, input, official, json, Reason.DECODE_FAILED,
          "examples.json cannot be parsed: " + problem);
    }
    JavaPairRDD<String, NsynthEntry> entries = jsc.binaryFiles(json.toString(), 1)
        .flatMap(f -> new ExamplesJson(f._2().open()))
        .mapToPair(e -> new Tuple2<>(e.noteStr, e))
        .reduceByKey(NsynthEntry::duplicate);
    String audioUri = audio.toString();
    return wavs.mapToPair(w -> new Tuple2<>(noteOf(w), w))
        .fullOuterJoin(entries)
        .map(t -> item(input, official, audioUri, t._1(), t._2()._1(), t._2()._2()).toRow());
  }

  private static JavaRDD<Row> withoutMetadata(JavaSparkContext jsc, JavaRDD<String> wavs, CorpusInput input,
      String official, Path json, Reason reason, String problem) {
    Row jsonRow = CatalogItem.of(input.dataset(), EXAMPLES_JSON, official, json.toString())
        .fail(reason, problem).toRow();
    JavaRDD<Row> wavRows = wavs.map(w -> wavItem(input, official, w, null)
        .fail(Reason.MISSING_METADATA, problem + ", so " + relative(w) + " has no metadata")
        .toRow());
    return wavRows.union(jsc.parallelize(List.of(jsonRow), 1));
  }

  private static CatalogItem item(CorpusInput input, String official, String audioUri, String note,
      Optional<String> wav, Optional<NsynthEntry> entry) {
    String instrument = entry.isPresent() ? entry.get().instrument : null;
    if (!wav.isPresent()) {
      String expected = audioUri + "/" + note + WAV;
      CatalogItem item = CatalogItem.of(input.dataset(), note, input.split(official, note, instrument), expected);
      fillMetadata(item, entry.get());
      return item.fail(Reason.MISSING_AUDIO, relative(expected) + " is missing for the examples.json entry of note '"
          + note + "'");
    }
    CatalogItem item = wavItem(input, official, wav.get(), instrument);
    if (!entry.isPresent()) {
      return item.fail(Reason.MISSING_METADATA, "examples.json has no entry for note '" + note + "' ("
          + relative(wav.get()) + ")");
    }
    if (entry.get().problem != null) {
      return item.fail(Reason.MISSING_METADATA, "examples.json entry for note '" + note + "' is unusable: "
          + entry.get().problem);
    }
    fillMetadata(item, entry.get());
    return item;
  }

  /** The item of a wav; {@code instrument} (the group value) is null when its entry is missing. */
  private static CatalogItem wavItem(CorpusInput input, String official, String wav, String instrument) {
    String note = noteOf(wav);
    return CatalogItem.of(input.dataset(), note, input.split(official, note, instrument), wav);
  }

  private static void fillMetadata(CatalogItem item, NsynthEntry e) {
    if (e.problem == null) {
      item.pitch = e.pitch;
      item.velocity = e.velocity;
      item.instrument = e.instrument;
      item.instrumentFamily = e.instrumentFamily;
      item.instrumentSource = e.instrumentSource;
      item.qualities = e.qualities;
    }
  }

  private static String noteOf(String wavPath) {
    String name = wavPath.substring(wavPath.lastIndexOf('/') + 1);
    return CorpusFiles.stem(name, WAV.length());
  }

  private static String relative(String wavPath) {
    return AUDIO + "/" + wavPath.substring(wavPath.lastIndexOf('/') + 1);
  }
}
