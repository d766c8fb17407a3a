package org.melforge.features;

import static org.apache.spark.sql.functions.countDistinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.config.ConfigLoader;
import org.melforge.corpus.SplitPolicy;
import org.melforge.spark.TestSpark;
import org.melforge.tensorstore.TensorTable;

/**
 * {@code split = group} end to end: the features job on generated corpora of 12 NSynth instruments
 * (2 notes each) and 10 LibriSpeech speakers (2 chapters each), run twice with different decode
 * partitionings.
 */
class GroupSplitJobTest {

  private static final SplitPolicy SPLITS = new SplitPolicy(0.5, 0.25, 0.25, "groups");
  private static final int INSTRUMENTS = 12;
  private static final int SPEAKERS = 10;

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static Path nsynth;
  private static Path librispeech;

  @BeforeAll
  static void runTwice() throws IOException {
    spark = TestSpark.get();
    nsynth = TestCorpora.nsynthInstruments(tmp, INSTRUMENTS, 2);
    librispeech = TestCorpora.librispeechSpeakers(tmp, SPEAKERS, 2);
    run("a", "features.files-per-partition=3");
    run("b", "features.partitions=5");
  }

  private static void run(String output, String partitioning) {
    FeaturesResult result = new FeaturesJob(spark, FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[{path=\"" + nsynth + "\", split=group}, {path=\"" + librispeech + "\", split=group}]",
        "features.output=\"" + tmp.resolve(output) + "\"",
        "features.split.train=0.5", "features.split.valid=0.25", "features.split.test=0.25",
        "features.split.salt=groups", partitioning)))).execute();
    assertEquals(0, result.tables().stream().mapToLong(FeaturesResult.TableCounts::errors).sum(), result::describe);
  }

  private static Dataset<Row> table(String output, String profile) {
    return spark.read().parquet(tmp.resolve(output).resolve(profile).toString());
  }

  @Test
  void everyInstrumentAndEverySpeakerIsInOneSplitAndSeveralSplitsGetGroups() {
    assertOneSplitPerGroup(table("a", "nsynth"), TensorTable.INSTRUMENT, INSTRUMENTS);
    assertOneSplitPerGroup(table("a", "speech"), TensorTable.SPEAKER, SPEAKERS);
  }

  private static void assertOneSplitPerGroup(Dataset<Row> table, String key, int groups) {
    List<Row> perGroup = table.groupBy(key).agg(countDistinct(TensorTable.SPLIT)).collectAsList();
    assertEquals(groups, perGroup.size(), key + " values");
    perGroup.forEach(r -> assertEquals(1L, r.getLong(1), () -> key + " " + r.get(0) + " is in several splits"));
    Set<String> splits = table.select(TensorTable.SPLIT).distinct().collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toSet());
    assertTrue(splits.size() > 1, "the " + key + " groups all went to " + splits);
  }

  @Test
  void theSplitIsTheHashOfTheGroupKeyWhereTheSourceIdHashWouldSplitGroups() {
    Map<String, Set<String>> bySourceHash = new TreeMap<>();
    for (Row r : table("a", "nsynth").select(TensorTable.ID, TensorTable.INSTRUMENT, TensorTable.SPLIT).collectAsList()) {
      assertEquals(SPLITS.assign(r.getString(1)), r.getString(2), r::toString);
      bySourceHash.computeIfAbsent(r.getString(1), k -> new TreeSet<>()).add(SPLITS.assign(sourceId(r)));
    }
    for (Row r : table("a", "speech").select(TensorTable.ID, TensorTable.SPEAKER, TensorTable.SPLIT).collectAsList()) {
      assertEquals(SPLITS.assign(Integer.toString(r.getInt(1))), r.getString(2), r::toString);
      bySourceHash.computeIfAbsent("speaker " + r.getInt(1), k -> new TreeSet<>())
          .add(SPLITS.assign(sourceId(r)));
    }
    assertTrue(bySourceHash.values().stream().filter(s -> s.size() > 1).count() > 1,
        "split = hash would have put groups into several splits: " + bySourceHash);
  }

  private static String sourceId(Row row) {
    String id = row.getString(0);
    return id.substring(0, id.lastIndexOf(".w"));
  }

  @Test
  void anotherRunWithAnotherPartitioningGivesEveryRowTheSameSplit() {
    for (String profile : List.of("nsynth", "speech")) {
      Map<String, String> first = splitById(table("a", profile));
      assertEquals(first, splitById(table("b", profile)), profile);
      assertTrue(first.size() >= 2 * (profile.equals("nsynth") ? INSTRUMENTS : SPEAKERS), profile + ": " + first);
    }
  }

  private static Map<String, String> splitById(Dataset<Row> table) {
    return table.select(TensorTable.ID, TensorTable.SPLIT).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1), (x, y) -> x + "," + y, TreeMap::new));
  }

  @Test
  void statisticsAndSummaryRecordTheSplitModeAndTheGroupKey() throws IOException {
    ObjectMapper json = new ObjectMapper();
    Path out = tmp.resolve("a");
    assertEquals(List.of(nsynth + "|nsynth|group|instrument"),
        inputs(json.readTree(out.resolve("nsynth.stats.json").toFile())));
    assertEquals(List.of(librispeech + "|librispeech|group|speaker"),
        inputs(json.readTree(out.resolve("speech.stats.json").toFile())));
    assertEquals(List.of(nsynth + "|nsynth|group|instrument", librispeech + "|librispeech|group|speaker"),
        inputs(json.readTree(out.resolve("_summary.json").toFile())));
  }

  private static List<String> inputs(JsonNode file) {
    List<String> out = new ArrayList<>();
    file.path("provenance").path("inputs").forEach(i -> out.add(String.join("|", i.path("path").asText(),
        i.path("layout").asText(), i.path("split_mode").asText(), i.path("group_key").asText())));
    return out;
  }
}
