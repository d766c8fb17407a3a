package org.melforge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.melforge.bottleneck.BinarySphericalQuantizer;
import org.melforge.bottleneck.VectorQuantizer;
import org.melforge.config.ConfigValidationException;

/**
 * The {@code model} section: each family reads its own subsection ({@code timbre-vae} or
 * {@code vq}), problems name the full key, and the checkpoint JSON is written nested and read in
 * both the nested and the flat form of format 1 and 2 checkpoints.
 */
class ModelSpecTest {

  /** As {@code Checkpoints} writes and reads {@code checkpoint.json}. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /** The {@code model} object of a format-2 checkpoint of auddsr-tiny: every key at the top level. */
  private static final String FLAT_AUDDSR_TINY = """
      {"preset":"auddsr-tiny","family":"auddsr","n_mels":128,"n_frames":320,
       "encoder_channels":[16,32,64],"latent_dim":32,"free_bits":0.5,"beta_max":2.0,
       "beta_warmup_steps":2000,"num_hiddens":8,"num_residual_layers":1,"num_residual_hiddens":4,
       "embedding_dim":4,"num_embeddings":16,"commitment_cost":0.25,"codebook_update":"ema",
       "ema_decay":0.99,"ema_epsilon":1.0E-5,"dead_code_threshold":2.0,"kmeans_init_batches":0}
      """;

  private static List<String> problems(String preset, String... overrides) {
    return assertThrows(ConfigValidationException.class,
        () -> ModelSpec.from(TinyPresets.config(preset, overrides))).problems();
  }

  @Test
  void eachFamilyReadsOnlyItsOwnSection() {
    ModelSpec vq = TinyPresets.spec("vqvae-80x128-tiny");
    assertNull(vq.timbreVae());
    assertEquals(new VqSpec(8, 1, 4, 4, 16, 0.25, VectorQuantizer.Update.EMA, 0.99, 1e-5, 2.0, 0),
        vq.vq());
    assertEquals(vq.vq(), vq.section());

    ModelSpec vae = TinyPresets.spec("timbre-vae-tiny");
    assertNull(vae.vq());
    assertEquals(new TimbreVaeSpec(List.of(4, 8, 8), 4, 0.5, 2.0, 20), vae.timbreVae());
    assertEquals(TimbreVaeSpec.SECTION, vae.section().section());

    assertEquals(VqSpec.SECTION, TinyPresets.spec("auddsr-tiny").section().section());
    assertEquals(VectorQuantizer.Update.LOSS, ModelSpec.from(TinyPresets.config("auddsr-tiny",
        "model.vq.codebook-update=LOSS")).vq().codebookUpdate());
  }

  @Test
  void theOtherFamiliesSectionsMayBeAbsentButTheOwnOneMayNot() {
    String common = "model { preset = p, family = %s, n-mels = 80, n-frames = 128, %s }";
    String vae = "timbre-vae { encoder-channels = [4, 8, 8], latent-dim = 4, free-bits = 0.5,"
        + " beta-max = 2.0, beta-warmup-steps = 20 }";
    ModelSpec spec = ModelSpec.from(ConfigFactory.parseString(String.format(common, "timbre-vae", vae)));
    assertEquals(4, spec.timbreVae().latentDim());
    assertNull(spec.vq());

    ConfigValidationException e = assertThrows(ConfigValidationException.class,
        () -> ModelSpec.from(ConfigFactory.parseString(String.format(common, "vqvae", vae))));
    assertEquals(VqSpec.SETTINGS.size(), e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("model.vq.num-hiddens: missing"), e.getMessage());
  }

  @Test
  void aWrongValueInTheFamilysSectionIsReportedWithItsFullKey() {
    assertEquals(List.of("model.vq.codebook-update: 'foo' is not one of [ema, loss]"),
        problems("vqvae-80x128-tiny", "model.vq.codebook-update=foo"));
    assertEquals(List.of("model.timbre-vae.latent-dim: 0 is out of range [1, 65536] (latent dimensions)"),
        problems("timbre-vae-tiny", "model.timbre-vae.latent-dim=0"));
  }

  @Test
  void theBsqFamilyReadsItsSectionAndReportsItsValuesWithTheirFullKeys() {
    ModelSpec bsq = TinyPresets.spec("bsq-cnn-80x128-tiny");
    assertNull(bsq.vq());
    assertEquals(new BsqSpec(8, 1, 4, 4, 2, BinarySphericalQuantizer.Entropy.GROUP, 0, 1, 1, 1, 1),
        bsq.bsq());
    assertEquals(BsqSpec.SECTION, bsq.section().section());
    assertEquals(BinarySphericalQuantizer.Entropy.ANALYTICAL, ModelSpec.from(TinyPresets.config(
        "bsq-cnn-128x320-tiny", "model.bsq.entropy=analytical")).bsq().entropy());
    assertEquals(List.of("model.bsq.group-size: 3 must divide bits 4"),
        problems("bsq-cnn-80x128-tiny", "model.bsq.group-size=3"));
    assertEquals(List.of("model.bsq.bits: 63 is out of range [1, 62] (code bits L (2^L codes))"),
        problems("bsq-cnn-80x128-tiny", "model.bsq.bits=63"));
    assertEquals(List.of("model.bsq.entropy: 'hard' is not one of [analytical, group]"),
        problems("bsq-cnn-80x128-tiny", "model.bsq.entropy=hard"));
    assertEquals(List.of("model.n-frames: 130 must be divisible by 4 for family bsq-cnn"),
        problems("bsq-cnn-80x128-tiny", "model.n-frames=130"));
  }

  @Test
  void typosInsideASectionAndKeysOutsideTheirSectionAreReported() {
    assertEquals(List.of("model.vq.num-embedings: unknown key (did you mean 'vq.num-embeddings'?)"),
        problems("vqvae-80x128-tiny", "model.vq.num-embedings=8"));
    assertEquals(List.of("model.vq.num-embedings: unknown key (did you mean 'vq.num-embeddings'?)"),
        problems("timbre-vae-tiny", "model.vq.num-embedings=8"), "another family's section too");
    assertEquals(List.of("model.num-embeddings: unknown key (did you mean 'vq.num-embeddings'?)"),
        problems("vqvae-80x128-tiny", "model.num-embeddings=8"), "the flat spelling of before");
    assertEquals(List.of("model.vqq.num-hiddens: unknown key (did you mean 'vq.num-hiddens'?)"),
        problems("auddsr-tiny", "model.vqq.num-hiddens=8"));
  }

  @Test
  void shapeChecksNameTheirFullKey() {
    assertEquals(List.of("model.vq.num-hiddens: 7 must be even"),
        problems("vqvae-80x128-tiny", "model.vq.num-hiddens=7"));
    assertEquals(List.of("model.timbre-vae.encoder-channels: expected 3 values, got [4, 8]"),
        problems("timbre-vae-tiny", "model.timbre-vae.encoder-channels=[4, 8]"));
    assertEquals(List.of("model.n-mels: 84 must be divisible by 8 for family auddsr",
            "model.n-frames: 324 must be divisible by 8 for family auddsr"),
        problems("auddsr-tiny", "model.n-mels=84", "model.n-frames=324"));
    assertEquals(84, ModelSpec.from(TinyPresets.config("vqvae-80x128-tiny", "model.n-mels=84")).nMels(),
        "a multiple of 4 is enough for vqvae");
  }

  @Test
  void aSpecHoldsItsFamilysSectionAlone() {
    TimbreVaeSpec vae = TinyPresets.spec("timbre-vae-tiny").timbreVae();
    VqSpec vq = TinyPresets.spec("auddsr-tiny").vq();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ModelSpec("p", Family.VQVAE, 80, 128, vae, null, null));
    assertEquals("model: family vqvae takes section 'vq' alone, got [timbre-vae]", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ModelSpec("p", Family.AUDDSR, 128, 320, vae, vq, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"vqvae-80x128-tiny", "vqvae-128x320-tiny", "auddsr-tiny", "timbre-vae-tiny",
      "bsq-cnn-80x128-tiny", "bsq-cnn-128x320-tiny"})
  void specsRoundTripThroughNestedJson(String preset) throws Exception {
    ModelSpec spec = TinyPresets.spec(preset);
    JsonNode json = JSON.valueToTree(spec);
    String section = spec.family().section().replace('-', '_');
    assertEquals(List.of("preset", "family", "n_mels", "n_frames", section),
        iterableToList(json.fieldNames()), json.toString());
    assertEquals(spec.family().key(), json.get("family").asText());
    if (spec.vq() != null) {
      assertEquals(16, json.get("vq").get("num_embeddings").asInt(), json.toString());
      assertEquals("ema", json.get("vq").get("codebook_update").asText(), json.toString());
    } else if (spec.bsq() != null) {
      assertEquals(4, json.get("bsq").get("bits").asInt(), json.toString());
      assertEquals(2, json.get("bsq").get("group_size").asInt(), json.toString());
      assertEquals("group", json.get("bsq").get("entropy").asText(), json.toString());
      assertEquals(1.0, json.get("bsq").get("inverse_temperature").asDouble(), json.toString());
    } else {
      assertEquals(4, json.get("timbre_vae").get("latent_dim").asInt(), json.toString());
    }
    assertEquals(spec, JSON.readValue(JSON.writeValueAsString(spec), ModelSpec.class));
  }

  @Test
  void flatFormatTwoJsonReadsLikeTheNestedForm() throws Exception {
    ModelSpec flat = JSON.readValue(FLAT_AUDDSR_TINY, ModelSpec.class);
    ModelSpec nested = JSON.readValue("""
        {"preset":"auddsr-tiny","family":"auddsr","n_mels":128,"n_frames":320,
         "vq":{"num_hiddens":8,"num_residual_layers":1,"num_residual_hiddens":4,"embedding_dim":4,
               "num_embeddings":16,"commitment_cost":0.25,"codebook_update":"ema","ema_decay":0.99,
               "ema_epsilon":1.0E-5,"dead_code_threshold":2.0,"kmeans_init_batches":0}}
        """, ModelSpec.class);
    assertEquals(nested, flat);
    assertEquals(TinyPresets.spec("auddsr-tiny"), flat);
    assertNull(flat.timbreVae());
  }

  @ParameterizedTest
  @ValueSource(strings = {"auddsr-tiny", "timbre-vae-tiny"})
  void formatOneCheckpointModelsReadAsTheirPreset(String preset) throws Exception {
    try (InputStream in = ModelSpecTest.class.getResourceAsStream(
        "/checkpoints/v1/" + preset + "/checkpoint.json")) {
      JsonNode model = JSON.readTree(in).get("model");
      assertTrue(model.has("num_hiddens") && model.has("latent_dim"), "flat: " + model);
      ModelSpec spec = JSON.treeToValue(model, ModelSpec.class);
      assertEquals(preset, spec.preset());
      assertEquals(spec, ModelSpec.fromJson(JSON.valueToTree(spec)), "and again, nested");
    }
  }

  @Test
  void differencesNameKeysInTheirSection() {
    ModelSpec spec = TinyPresets.spec("vqvae-80x128-tiny");
    assertEquals(List.of(), spec.differences(TinyPresets.spec("vqvae-80x128-tiny")));
    assertEquals(List.of("vq.num-embeddings: 16 vs 32", "vq.codebook-update: ema vs loss"),
        spec.differences(ModelSpec.from(TinyPresets.config("vqvae-80x128-tiny",
            "model.vq.num-embeddings=32", "model.vq.codebook-update=loss",
            "model.vq.kmeans-init-batches=3", "model.timbre-vae.latent-dim=7"))),
        "k-means init and other families' sections left out");
    List<String> family = spec.differences(TinyPresets.spec("timbre-vae-tiny"));
    assertEquals(List.of("preset: vqvae-80x128-tiny vs timbre-vae-tiny", "family: vqvae vs timbre-vae"),
        family.subList(0, 2));
    assertTrue(family.get(2).startsWith("timbre-vae: (none) vs TimbreVaeSpec["), family.toString());
    assertTrue(family.get(3).startsWith("vq: VqSpec["), family.toString());
    assertFalse(family.stream().anyMatch(d -> d.startsWith("n-mels")), family.toString());
  }

  private static List<String> iterableToList(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
