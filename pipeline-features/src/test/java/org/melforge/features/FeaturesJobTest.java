package org.melforge.features;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.holdenkarau.spark.testing.JavaRDDComparisons;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.audio.AudioDecoder;
import org.melforge.config.ConfigLoader;
import org.melforge.corpus.SplitPolicy;
import org.melforge.dsp.LogMelSpectrogram;
import org.melforge.dsp.MelScale;
import org.melforge.dsp.MelSettings;
import org.melforge.dsp.MelWindows;
import org.melforge.spark.BuildInfo;
import org.melforge.spark.JobStarts;
import org.melforge.spark.TestSpark;
import org.melforge.spark.internal.SparkInternals;
import org.melforge.tensorstore.ErrorTable;
import org.melforge.tensorstore.TensorTable;

/** End to end: the features job on the bundled samples plus real bad files, local Spark. */
class FeaturesJobTest {

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static FeaturesResult result;
  private static Path output;
  private static Path nsynthRoot;
  private static Path folderRoot;
  private static List<Properties> jobsOfTheRun;
  private static List<String> callersGroupAfterTheRun;

  @BeforeAll
  static void run() throws Exception {
    spark = TestSpark.get();
    nsynthRoot = TestCorpora.nsynthWithBadFiles(tmp);
    folderRoot = TestCorpora.folderWithOddFiles(tmp);
    output = tmp.resolve("out");
    SparkContext sc = spark.sparkContext();
    sc.setJobGroup("caller", "the caller's work", true);
    try (JobStarts starts = JobStarts.record(sc)) {
      result = new FeaturesJob(spark, options()).execute();
      callersGroupAfterTheRun = Arrays.asList(sc.getLocalProperty(SparkInternals.JOB_GROUP_ID),
          sc.getLocalProperty(SparkInternals.JOB_DESCRIPTION),
          sc.getLocalProperty(SparkInternals.JOB_INTERRUPT_ON_CANCEL));
      starts.close();
      jobsOfTheRun = starts.jobs();
    } finally {
      sc.clearJobGroup();
    }
  }

  private static FeaturesOptions options() {
    return FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[{path=\"" + nsynthRoot + "\"}, {path=\"" + TestCorpora.SAMPLE_LIBRISPEECH.toAbsolutePath()
            + "\"}, {path=\"" + folderRoot + "\", split=test}]",
        "features.output=\"" + output + "\"",
        "features.files-per-partition=4")));
  }

  private static FeaturesResult.TableCounts table(String profile) {
    return result.tables().stream().filter(t -> t.profile().equals(profile)).findFirst().orElseThrow();
  }

  @Test
  void countsEveryInput() {
    FeaturesResult.TableCounts nsynth = table("nsynth");
    // 16 good + 5 added notes with entries + 1 orphan wav + 1 entry without audio
    assertEquals(23, nsynth.inputs());
    assertEquals(16 + 2, nsynth.ok(), "good notes plus the padded and the converted one");
    assertEquals(1, nsynth.converted());
    assertEquals(1, nsynth.padded());
    assertEquals(5, nsynth.errors(), "truncated, text, empty, orphan wav, entry without audio");
    assertEquals(nsynth.ok(), nsynth.tensors(), "one window per note");
    FeaturesResult.TableCounts speech = table("speech");
    assertEquals(8 + 5, speech.inputs(), "8 utterances and 5 audio files of the folder");
    assertEquals(8 + 1, speech.ok());
    assertEquals(1, speech.converted(), "the stereo FLAC");
    assertEquals(4, speech.errors());
    assertEquals(9.0 / 36, result.errorFraction(), 1e-12);
    assertFalse(result.passed(), "9/36 errors exceed the default 5% threshold");
  }

  @Test
  void errorTableHasOneRowPerBadInputWithItsReason() {
    Dataset<Row> errors = spark.read().parquet(output.resolve("_errors").toString());
    Map<String, String> expected = new java.util.HashMap<>(TestCorpora.NSYNTH_BAD_REASONS);
    expected.putAll(TestCorpora.FOLDER_BAD_REASONS);
    assertEquals(expected, TestCorpora.reasonBySource(errors));
    errors.collectAsList().forEach(r -> assertFalse(((String) r.getAs(ErrorTable.MESSAGE)).isBlank()));
    Row duplicate = errors.filter(col(ErrorTable.REASON).equalTo("duplicate_id")).first();
    assertTrue(((String) duplicate.getAs(ErrorTable.PATH)).endsWith("nested/stereo_s24.wav"));
    assertTrue(((String) duplicate.getAs(ErrorTable.MESSAGE)).matches(
        "source id 'nested__stereo_s24' of dataset 'odd-folder' is already used by .*nested/stereo_s24\\.flac"),
        (String) duplicate.getAs(ErrorTable.MESSAGE));
  }

  @Test
  void tablesFollowTheContractAndPartitioning() {
    for (String profile : List.of("nsynth", "speech")) {
      Dataset<Row> t = spark.read().parquet(output.resolve(profile).toString());
      TensorTable.requireSchema(t.schema(), profile);
      assertEquals(table(profile).tensors(), t.count());
      assertTrue(Files.isDirectory(output.resolve(profile).resolve("dataset=" + (profile.equals("nsynth") ? "nsynth" : "librispeech"))));
    }
    Dataset<Row> speech = spark.read().parquet(output.resolve("speech").toString());
    assertEquals(List.of("valid"), splits(speech, "librispeech"), "dev-clean keeps its official split");
    assertEquals(List.of("test"), splits(speech, "odd-folder"), "the folder input sets split = test");
    Row first = speech.filter(col(TensorTable.ID).equalTo("7021-101310-0000.w0000")).first();
    assertEquals(7021, (int) first.getAs(TensorTable.SPEAKER));
    assertEquals("F", first.getAs(TensorTable.SPEAKER_SEX));
    assertEquals(128, (int) first.getAs(TensorTable.N_MELS));
    assertEquals(320, (int) first.getAs(TensorTable.N_FRAMES));
  }

  private static List<String> splits(Dataset<Row> table, String dataset) {
    return table.filter(col(TensorTable.DATASET).equalTo(dataset)).select(TensorTable.SPLIT).distinct()
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  @Test
  void speechUtterancesBecomeConsecutiveWindowsLastOnePadded() {
    Dataset<Row> speech = spark.read().parquet(output.resolve("speech").toString());
    for (Row r : speech.groupBy(TensorTable.SOURCE_PATH).count().collectAsList()) {
      Row any = speech.filter(col(TensorTable.SOURCE_PATH).equalTo(r.getString(0))).first();
      double duration = any.getAs(TensorTable.DURATION_SECONDS);
      long frames = 1 + Math.round(duration * 16000) / 160;
      assertEquals((frames + 319) / 320, r.getLong(1), "windows of " + r.getString(0));
    }
    Row last = speech.orderBy(col(TensorTable.WINDOW).desc()).first();
    assertTrue((int) last.getAs(TensorTable.VALID_FRAMES) <= 320);
    assertEquals(3.2 * (int) last.getAs(TensorTable.WINDOW), (double) last.getAs(TensorTable.START_SECONDS), 1e-9);
  }

  @Test
  void storedTensorEqualsTheDirectComputation() throws Exception {
    String note = "keyboard_acoustic_004-036-075";
    Row row = spark.read().parquet(output.resolve("nsynth").toString())
        .filter(col(TensorTable.ID).equalTo(note + ".w0000")).first();
    assertEquals(36, (int) row.getAs(TensorTable.PITCH));
    float[] audio = AudioDecoder.decodeMono(Files.readAllBytes(nsynthRoot.resolve("audio/" + note + ".wav")), 16000).samples();
    float[] expected = MelWindows.first(new LogMelSpectrogram(options().profiles().get("nsynth").mel()).decibels(audio), 128)
        .get(0).values();
    float[] stored = new float[80 * 128];
    ByteBuffer.wrap(row.getAs(TensorTable.TENSOR)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(stored);
    assertArrayEquals(expected, stored, 0f);
    for (float v : stored) {
      assertTrue(v >= -1f && v <= 1f);
    }
  }

  @Test
  void statisticsDescribeEveryMelBin() throws Exception {
    JsonNode stats = new ObjectMapper().readTree(output.resolve("nsynth.stats.json").toFile());
    JsonNode all = stats.path("all");
    assertEquals(80, all.path("n_mels").asInt());
    assertEquals(table("nsynth").tensors(), all.path("tensors").asLong());
    assertEquals(80, all.path("bins").size());
    JsonNode bin = all.path("bins").get(10);
    assertTrue(bin.path("min").asDouble() >= -1 && bin.path("max").asDouble() <= 1);
    assertTrue(bin.path("std").asDouble() > 0);
    long validFrames = spark.read().parquet(output.resolve("nsynth").toString())
        .agg(org.apache.spark.sql.functions.sum(TensorTable.VALID_FRAMES)).first().getLong(0);
    assertEquals(validFrames, bin.path("count").asLong());
    assertTrue(stats.path("splits").has("train"));
  }

  @Test
  void summaryRecordsTheCountsAndWhereEverythingIs() throws Exception {
    JsonNode summary = new ObjectMapper().readTree(output.resolve("_summary.json").toFile());
    assertEquals(36, summary.path("inputs").asLong());
    assertEquals(9, summary.path("errors").asLong());
    assertFalse(summary.path("passed").asBoolean());
    JsonNode nsynth = summary.path("tables").get(0);
    assertEquals("nsynth", nsynth.path("profile").asText());
    assertEquals(output.resolve("nsynth.stats.json").toString(), nsynth.path("stats_path").asText());
    assertEquals(1, nsynth.path("padded").asLong());
  }

  @Test
  void theResultIsTheSummaryAsOneJsonLine() throws Exception {
    JsonNode summary = new ObjectMapper().readTree(output.resolve("_summary.json").toFile());
    String line = result.toJsonLine();
    assertFalse(line.contains("\n") || line.contains("\r"), line);
    assertEquals(summary, new ObjectMapper().readTree(line), "the JSON line is the summary");
    assertThrows(UnsupportedOperationException.class, () -> result.tables().clear());
  }

  @Test
  void everySparkJobRunsInTheFeaturesGroupAndTheCallersGroupIsRestored() {
    assertEquals(List.of("caller", "the caller's work", "true"), callersGroupAfterTheRun);
    assertTrue(jobsOfTheRun.size() > 5, "jobs recorded: " + jobsOfTheRun.size());
    for (Properties job : jobsOfTheRun) {
      assertEquals(FeaturesJob.JOB_GROUP, job.getProperty(SparkInternals.JOB_GROUP_ID), job::toString);
      assertTrue(job.getProperty(SparkInternals.JOB_DESCRIPTION).startsWith("features: "), job::toString);
    }
    assertTrue(jobsOfTheRun.stream().anyMatch(j -> j.getProperty(SparkInternals.JOB_DESCRIPTION)
        .equals("features: statistics speech")), "stages are described");
  }

  @Test
  void statisticsRecordHowTheirTableWasMade() throws Exception {
    JsonNode nsynth = new ObjectMapper().readTree(output.resolve("nsynth.stats.json").toFile()).path("provenance");
    assertEquals(List.of("nsynth"), fieldNames(nsynth.path("profiles")));
    assertEquals(options().profiles().get("nsynth"), profile("nsynth", nsynth.path("profiles").path("nsynth")));
    assertBuildAndSplit(nsynth);
    assertEquals(List.of(nsynthRoot + "|nsynth|nsynth|nsynth|official"), inputs(nsynth));
    nsynth.path("inputs").forEach(i -> assertFalse(i.has("group_key"), "only split = group records a key: " + i));

    JsonNode speech = new ObjectMapper().readTree(output.resolve("speech.stats.json").toFile()).path("provenance");
    assertEquals(options().profiles().get("speech"), profile("speech", speech.path("profiles").path("speech")));
    assertEquals(List.of(TestCorpora.SAMPLE_LIBRISPEECH.toAbsolutePath() + "|librispeech|librispeech|speech|official",
        folderRoot + "|folder|odd-folder|speech|test"), inputs(speech));
    assertEquals(-80.0, speech.at("/profiles/speech/db/floor_db").asDouble());
    assertEquals(40.0, speech.at("/profiles/speech/db/scale").asDouble());
  }

  @Test
  void summaryRecordsHowEveryTableWasMade() throws Exception {
    JsonNode provenance = new ObjectMapper().readTree(output.resolve("_summary.json").toFile()).path("provenance");
    assertEquals(List.of("nsynth", "speech"), fieldNames(provenance.path("profiles")));
    for (String name : List.of("nsynth", "speech")) {
      assertEquals(options().profiles().get(name), profile(name, provenance.path("profiles").path(name)));
    }
    assertBuildAndSplit(provenance);
    assertEquals(3, provenance.path("inputs").size());
  }

  private static void assertBuildAndSplit(JsonNode provenance) {
    assertEquals(BuildInfo.versions().get("melforge"), provenance.at("/versions/melforge").asText());
    assertFalse(provenance.at("/versions/melforge").asText().isBlank());
    assertEquals(BuildInfo.gitCommit(), provenance.path("git_commit").asText());
    assertFalse(provenance.path("git_commit").asText().isBlank());
    SplitPolicy splits = options().splits();
    assertEquals(splits.train(), provenance.at("/hash_split/train").asDouble());
    assertEquals(splits.valid(), provenance.at("/hash_split/valid").asDouble());
    assertEquals(splits.test(), provenance.at("/hash_split/test").asDouble());
    assertEquals(splits.salt(), provenance.at("/hash_split/salt").asText());
  }

  /** A profile back from its JSON; equal to the configured one only if every setting was recorded. */
  private static TableProfile profile(String name, JsonNode p) {
    return new TableProfile(name, new MelSettings(p.path("sample_rate").intValue(), p.path("n_fft").intValue(),
        p.path("win_length").intValue(), p.path("hop_length").intValue(), p.path("n_mels").intValue(),
        p.path("f_min").doubleValue(), p.path("f_max").doubleValue(), MelScale.parse(p.path("mel_scale").textValue())),
        p.path("frames").intValue(),
        TableProfile.Windows.valueOf(p.path("windows").textValue().toUpperCase(Locale.ROOT)));
  }

  private static List<String> inputs(JsonNode provenance) {
    List<String> out = new java.util.ArrayList<>();
    provenance.path("inputs").forEach(i -> out.add(String.join("|", i.path("path").asText(), i.path("layout").asText(),
        i.path("dataset").asText(), i.path("profile").asText(), i.path("split_mode").asText())));
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void rerunReplacesInsteadOfDuplicating() {
    Dataset<Row> before = spark.read().parquet(output.resolve("nsynth").toString()).select(TensorTable.ID, TensorTable.SPLIT);
    List<Row> expected = before.orderBy(TensorTable.ID).collectAsList();
    new FeaturesJob(spark, options()).execute();
    Dataset<Row> after = spark.read().parquet(output.resolve("nsynth").toString()).select(TensorTable.ID, TensorTable.SPLIT);
    JavaRDDComparisons.assertRDDEquals(
        spark.createDataFrame(expected, before.schema()).javaRDD(), after.javaRDD());
  }
}
