package org.melforge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.corpus.SplitMode;
import org.melforge.features.FeaturesOptions;
import org.melforge.features.TableProfile;

class ConfigValidationTest {

  private static final String INPUT = "features.inputs=[{path=\"/data/nsynth-train\", layout=nsynth}]";

  private static ConfigValidationException invalid(String... overrides) {
    List<String> all = new java.util.ArrayList<>(List.of(INPUT));
    all.addAll(List.of(overrides));
    return assertThrows(ConfigValidationException.class,
        () -> FeaturesOptions.from(ConfigLoader.load(null, all)));
  }

  @Test
  void defaultsGiveTheIssueProfiles() {
    FeaturesOptions o = FeaturesOptions.from(ConfigLoader.load(null, List.of(INPUT)));
    TableProfile nsynth = o.profiles().get("nsynth");
    assertEquals(1024, nsynth.mel().nFft());
    assertEquals(256, nsynth.mel().hopLength());
    assertEquals(80, nsynth.mel().nMels());
    assertEquals(128, nsynth.frames());
    assertEquals(TableProfile.Windows.FIRST, nsynth.windows());
    TableProfile speech = o.profiles().get("speech");
    assertEquals(400, speech.mel().winLength());
    assertEquals(160, speech.mel().hopLength());
    assertEquals(128, speech.mel().nMels());
    assertEquals(320, speech.frames());
    assertEquals(TableProfile.Windows.CONSECUTIVE, speech.windows());
    assertEquals(3.2, speech.windowSeconds(), 1e-12);
    assertEquals(0.05, o.maxErrorFraction());
  }

  @Test
  void unknownKeyIsNamedWithASuggestion() {
    ConfigValidationException e = invalid("features.max-eror-fraction=0.1");
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("features.max-eror-fraction: unknown key"), e.getMessage());
    assertTrue(e.problems().get(0).contains("did you mean 'max-error-fraction'"), e.getMessage());
  }

  @Test
  void wrongTypeNamesKeyAndExpectedType() {
    ConfigValidationException e = invalid("features.profiles.speech.hop-length=fast");
    assertTrue(e.getMessage().contains("features.profiles.speech.hop-length: expected an integer"), e.getMessage());
  }

  @Test
  void impossibleValuesNameTheRangeOrChoices() {
    ConfigValidationException e = invalid("features.max-error-fraction=1.5",
        "features.profiles.nsynth.mel-scale=bark", "features.inputs=[{path=x, layout=mp3}]");
    String m = e.getMessage();
    assertEquals(3, e.problems().size(), m);
    assertTrue(m.contains("features.max-error-fraction: 1.5 is out of range [0, 1]"), m);
    assertTrue(m.contains("features.profiles.nsynth.mel-scale: 'bark' is not one of [slaney, htk]"), m);
    assertTrue(m.contains("features.inputs[0].layout: 'mp3' is not one of [auto, nsynth, librispeech, folder]"), m);
  }

  @Test
  void inputSplitDefaultsToOfficialAndIsValidated() {
    FeaturesOptions o = FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[{path=a}, {path=b, split=hash}, {path=c, split=TRAIN}]")));
    assertEquals(List.of(SplitMode.OFFICIAL, SplitMode.HASH, SplitMode.TRAIN),
        o.inputs().stream().map(FeaturesOptions.Input::split).toList());
    ConfigValidationException e = invalid("features.inputs=[{path=x, split=dev}]");
    assertEquals(List.of("features.inputs[0].split: 'dev' is not one of [official, hash, group, train, valid, test]"),
        e.problems());
  }

  @Test
  void groupSplitIsRefusedForAConfiguredFolderLayoutNamingTheInput() {
    FeaturesOptions o = FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[{path=a, split=group}, {path=b, layout=librispeech, split=Group}]")));
    assertEquals(List.of(SplitMode.GROUP, SplitMode.GROUP), o.inputs().stream().map(FeaturesOptions.Input::split).toList());
    ConfigValidationException e = invalid("features.inputs=[{path=a, layout=nsynth}, {path=\"/data/wavs\", "
        + "layout=folder, split=group}]");
    assertEquals(List.of("features.inputs[1].split: input /data/wavs: split = group hashes a group key "
        + "(nsynth: instrument, librispeech: speaker) but layout folder has none; use split = hash"), e.problems());
  }

  @Test
  void crossFieldChecksNameTheProfile() {
    ConfigValidationException e = invalid("features.profiles.speech.win-length=2048",
        "features.split.train=0.5");
    String m = e.getMessage();
    assertTrue(m.contains("features.profiles.speech:"), m);
    assertTrue(m.contains("features.split: split ratios must be >= 0 and sum to 1"), m);
  }

  @Test
  void missingInputsAreReported() {
    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> FeaturesOptions.from(ConfigLoader.load(null, List.of())));
    assertTrue(e.getMessage().contains("features.inputs: no corpus given"), e.getMessage());
  }

  @Test
  void malformedOverrideIsRejected() {
    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> ConfigLoader.load(null, List.of("features.output")));
    assertTrue(e.getMessage().contains("is not of the form key=value"), e.getMessage());
  }

  @Test
  void overridesThatDoNotParseNameTheKeyButNeverEchoTheValue() {
    String secret = "AKIA-SECRET-1234\"{[";
    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> ConfigLoader.load(null, List.of("spark.settings.\"spark.hadoop.fs.s3a.secret.key\"="
            + secret)));
    assertTrue(e.getMessage().contains("override of 'spark.settings.\"spark.hadoop.fs.s3a"
        + ".secret.key\"' does not parse"), e.getMessage());
    assertTrue(!e.getMessage().contains("AKIA") && !e.getMessage().contains("1234"),
        e.getMessage());
    e = assertThrows(ConfigValidationException.class,
        () -> ConfigLoader.load(null, List.of("AKIA-SECRET-1234")));
    assertTrue(!e.getMessage().contains("AKIA"), e.getMessage());
  }

  @Test
  void bareValuesWithSlashesOrHashesAreStringsNotComments() {
    assertEquals("s3a://bucket/out#1", ConfigLoader.load(null,
        List.of("features.output=s3a://bucket/out#1")).getString("features.output"));
    assertEquals("hdfs://nn/x", ConfigLoader.load(null,
        List.of("features.output=\"hdfs://nn/x\"")).getString("features.output"));
    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> ConfigLoader.load(null, List.of("features.inputs=[{path=s3a://b/x}]")));
    assertTrue(e.getMessage().contains("override of 'features.inputs': its value holds '//'"),
        e.getMessage());
  }

  @Test
  void userFileSitsBetweenDefaultsAndOverrides(@TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("job.conf");
    Files.writeString(file, "features { output = \"/from/file\", partitions = 3 }\n");
    FeaturesOptions o = FeaturesOptions.from(ConfigLoader.load(file.toString(), List.of(INPUT, "features.partitions=5")));
    assertEquals("/from/file", o.output());
    assertEquals(5, o.partitions());
    assertEquals(16, o.filesPerPartition());
    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> ConfigLoader.load(tmp.resolve("missing.conf").toString(), List.of()));
    assertTrue(e.getMessage().contains("missing.conf' does not exist"), e.getMessage());
  }

  @Test
  void sparkSettingsAreCarried() {
    FeaturesOptions o = FeaturesOptions.from(ConfigLoader.load(null,
        List.of(INPUT, "spark.settings.\"spark.sql.shuffle.partitions\"=7")));
    assertEquals("7", o.sparkSettings().get("spark.sql.shuffle.partitions"));
    FeaturesOptions unquoted = FeaturesOptions.from(ConfigLoader.load(null,
        List.of(INPUT, "spark.settings.spark.sql.shuffle.partitions=9")));
    assertEquals("9", unquoted.sparkSettings().get("spark.sql.shuffle.partitions"));
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> FeaturesOptions.from(
        ConfigLoader.load(null, List.of(INPUT, "spark.settings.\"spark.jars\"=[a, b]"))));
    assertTrue(e.getMessage().contains("spark.settings: expected an object of string values"), e.getMessage());
  }
}
