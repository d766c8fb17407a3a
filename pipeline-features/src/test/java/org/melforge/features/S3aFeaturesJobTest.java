package org.melforge.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.audio.AudioDecoder;
import org.melforge.config.ConfigLoader;
import org.melforge.dsp.LogMelSpectrogram;
import org.melforge.dsp.MelWindows;
import org.melforge.spark.S3Endpoint;
import org.melforge.spark.TestSpark;
import org.melforge.tensorstore.ErrorTable;
import org.melforge.tensorstore.Npy;
import org.melforge.tensorstore.TensorExporter;
import org.melforge.tensorstore.TensorTable;

/**
 * The features job and the exporter reading from and writing to {@code s3a://} through Hadoop's
 * S3A connector, against a real S3 endpoint in this JVM. The inputs are those of
 * {@link FeaturesJobTest}, uploaded as plain objects, so the results must be the same.
 */
class S3aFeaturesJobTest {

  private static final String BUCKET = "melforge-s3a-test";
  private static final String ROOT = "s3a://" + BUCKET;
  private static final String OUT = ROOT + "/out";

  @TempDir
  static Path tmp;

  private static SparkSession spark;
  private static S3Endpoint s3;
  private static Path nsynthLocal;
  private static FeaturesOptions options;
  private static FeaturesResult result;

  @BeforeAll
  static void run() throws Exception {
    spark = TestSpark.get();
    s3 = S3Endpoint.start();
    s3.createBucket(BUCKET);
    s3.configure(spark.sparkContext().hadoopConfiguration());
    nsynthLocal = TestCorpora.nsynthWithBadFiles(tmp);
    s3.upload(nsynthLocal, BUCKET, "corpora/nsynth-bad");
    s3.upload(TestCorpora.SAMPLE_LIBRISPEECH, BUCKET, "corpora/LibriSpeech");
    options = FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[{path=\"" + ROOT + "/corpora/nsynth-bad\"}, {path=\"" + ROOT + "/corpora/LibriSpeech\"}]",
        "features.output=\"" + OUT + "\"",
        "features.files-per-partition=4")));
    result = new FeaturesJob(spark, options).execute();
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  private static FeaturesResult.TableCounts table(String profile) {
    return result.tables().stream().filter(t -> t.profile().equals(profile)).findFirst().orElseThrow();
  }

  @Test
  void countsAreThoseOfTheLocalRun() {
    FeaturesResult.TableCounts nsynth = table("nsynth");
    assertEquals(List.of(23L, 18L, 1L, 1L, 5L, 18L), List.of(nsynth.inputs(), nsynth.ok(), nsynth.converted(),
        nsynth.padded(), nsynth.errors(), nsynth.tensors()), "inputs, ok, converted, padded, errors, tensors");
    FeaturesResult.TableCounts speech = table("speech");
    assertEquals(List.of(8L, 8L, 0L), List.of(speech.inputs(), speech.ok(), speech.errors()));
    assertEquals(5.0 / 31, result.errorFraction(), 1e-12);
    assertEquals(OUT + "/nsynth", nsynth.path());
  }

  @Test
  void tablesReadBackFromS3aWithTheContractSchema() {
    for (String profile : List.of("nsynth", "speech")) {
      Dataset<Row> t = spark.read().parquet(OUT + "/" + profile);
      TensorTable.requireSchema(t.schema(), profile);
      assertEquals(table(profile).tensors(), t.count());
      assertEquals(0, t.filter(not(col(TensorTable.SOURCE_PATH).startsWith(ROOT + "/corpora/"))).count(),
          "every source is an s3a object");
    }
    assertEquals(List.of("valid"), spark.read().parquet(OUT + "/speech").select(TensorTable.SPLIT).distinct()
        .collectAsList().stream().map(r -> r.getString(0)).toList());
  }

  @Test
  void commitLeavesOnlyFinalObjects() {
    List<String> keys = s3.keys(BUCKET, "out/");
    assertTrue(keys.stream().anyMatch(k -> k.startsWith("out/nsynth/dataset=nsynth/split=train/part-")
        && k.endsWith(".zstd.parquet")), keys::toString);
    assertTrue(keys.stream().anyMatch(k -> k.startsWith("out/speech/dataset=librispeech/split=valid/part-")),
        keys::toString);
    assertTrue(keys.stream().anyMatch(k -> k.startsWith("out/_errors/dataset=nsynth/part-")), keys::toString);
    assertFalse(keys.stream().anyMatch(k -> k.contains("_temporary") || k.contains(".spark-staging")),
        "no uncommitted or staging objects left: " + keys);
  }

  @Test
  void errorTableMatchesTheLocalRun() {
    Dataset<Row> errors = spark.read().parquet(OUT + "/_errors");
    assertEquals(TestCorpora.NSYNTH_BAD_REASONS, TestCorpora.reasonBySource(errors));
    assertEquals(ROOT + "/corpora/nsynth-bad/audio/bad_empty-060-100.wav",
        errors.filter(col(ErrorTable.SOURCE_ID).equalTo("bad_empty-060-100")).first().getAs(ErrorTable.PATH));
  }

  @Test
  void statisticsAndSummaryAreObjectsInTheBucket() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (String profile : List.of("nsynth", "speech")) {
      JsonNode stats = json.readTree(s3.client().getObjectAsString(BUCKET, "out/" + profile + ".stats.json"));
      assertEquals(table(profile).tensors(), stats.path("all").path("tensors").asLong());
      assertEquals(profile.equals("nsynth") ? 80 : 128, stats.path("all").path("bins").size());
    }
    JsonNode summary = json.readTree(s3.client().getObjectAsString(BUCKET, "out/_summary.json"));
    assertFalse(summary.isEmpty());
  }

  @Test
  void tensorsAreByteIdenticalToTheLocalComputation() throws Exception {
    String note = "keyboard_acoustic_004-036-075";
    float[] audio = AudioDecoder.decodeMono(Files.readAllBytes(nsynthLocal.resolve("audio/" + note + ".wav")), 16000)
        .samples();
    byte[] expected = MelWindows.first(new LogMelSpectrogram(options.profiles().get("nsynth").mel()).decibels(audio), 128)
        .get(0).toLittleEndianBytes();
    assertArrayEquals(expected, storedTensor("nsynth", note + ".w0000"));

    String utterance = "7021-101310-0000";
    float[] speech = AudioDecoder.decodeMono(Files.readAllBytes(TestCorpora.SAMPLE_LIBRISPEECH
        .resolve("dev-clean/7021/101310/" + utterance + ".flac")), 16000).samples();
    byte[] expectedSpeech = MelWindows.consecutive(
        new LogMelSpectrogram(options.profiles().get("speech").mel()).decibels(speech), 320).get(1).toLittleEndianBytes();
    assertArrayEquals(expectedSpeech, storedTensor("speech", utterance + ".w0001"));
  }

  @Test
  void exporterWritesNpyObjects() throws Exception {
    String table = OUT + "/speech";
    long written = TensorExporter.on(spark, table).split("valid").limit(3).execute(ROOT + "/npy");
    assertEquals(3, written);
    List<String> ids = spark.read().parquet(table).select(TensorTable.ID).orderBy(TensorTable.ID).limit(3)
        .collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(ids.stream().map(id -> "npy/" + id + ".npy").toList(), s3.keys(BUCKET, "npy/"));
    Npy.Array array;
    try (InputStream in = s3.client().getObject(BUCKET, "npy/" + ids.get(0) + ".npy").getObjectContent()) {
      array = Npy.read(in);
    }
    assertArrayEquals(new int[] {128, 320}, array.shape());
    float[] stored = new float[128 * 320];
    ByteBuffer.wrap(storedTensor("speech", ids.get(0))).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(stored);
    for (int i = 0; i < stored.length; i++) {
      assertEquals(stored[i], array.data()[i], 0.0, "value " + i);
    }
  }

  private static byte[] storedTensor(String profile, String id) {
    return spark.read().parquet(OUT + "/" + profile).filter(col(TensorTable.ID).equalTo(id)).first()
        .getAs(TensorTable.TENSOR);
  }
}
