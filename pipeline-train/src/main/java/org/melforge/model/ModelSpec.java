package org.melforge.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.melforge.config.ConfigSchema;
import org.melforge.config.ConfigValidationException;
import org.melforge.config.Setting;

/**
 * Everything that defines a model's architecture and losses: the {@code model} section of a
 * preset. The input shape is common to all families; everything else is in the family's own
 * subsection ({@link Family#section()}: {@code model.timbre-vae}, {@code model.vq} or
 * {@code model.bsq}), which is the
 * only section set here. Immutable; written into every checkpoint (as the {@code model} object of
 * its JSON, sections nested) so a model can be rebuilt exactly.
 *
 * <p>A new section is a {@link FamilySpec} record with its settings, a component here, and one
 * line each in {@code SECTIONS}, {@link #from} and {@code sections}; its families name it in
 * {@link Family}.
 *
 * @param preset preset name, e.g. {@code vqvae-128x320}
 * @param family model family
 * @param nMels input height (mel bins)
 * @param nFrames input width (frames)
 * @param timbreVae the {@code timbre-vae} section: set for family {@code timbre-vae} only
 * @param vq the {@code vq} section: set for families {@code vqvae} and {@code auddsr} only
 * @param bsq the {@code bsq} section: set for family {@code bsq-cnn} only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpec(String preset, Family family, int nMels, int nFrames,
    TimbreVaeSpec timbreVae, VqSpec vq, BsqSpec bsq) implements Serializable {

  private static final List<Map.Entry<String, List<Setting>>> SECTIONS = List.of(
      Map.entry(TimbreVaeSpec.SECTION, TimbreVaeSpec.SETTINGS),
      Map.entry(VqSpec.SECTION, VqSpec.SETTINGS),
      Map.entry(BsqSpec.SECTION, BsqSpec.SETTINGS));

  /**
   * The documented keys of the {@code model} section, those of its subsections as
   * {@code <section>.<key>}. {@link #from} validates with the keys of the family's section
   * required and those of the other sections optional.
   */
  public static final ConfigSchema SCHEMA = schema(null);

  public ModelSpec {
    Objects.requireNonNull(family, "family");
    List<String> given = sections(timbreVae, vq, bsq).map(FamilySpec::section).toList();
    if (!given.equals(List.of(family.section()))) {
      throw new IllegalArgumentException("model: family " + family.key() + " takes section '"
          + family.section() + "' alone, got " + given);
    }
  }

  /** Reads and validates the {@code model} section of {@code root}. */
  public static ModelSpec from(Config root) {
    schema(declaredFamily(root)).validate(root);
    Config m = root.getConfig("model");
    Family family = Family.of(m.getString("family").toLowerCase(Locale.ROOT));
    ModelSpec spec = new ModelSpec(m.getString("preset"), family, m.getInt("n-mels"),
        m.getInt("n-frames"), section(m, family, TimbreVaeSpec.SECTION, TimbreVaeSpec::from),
        section(m, family, VqSpec.SECTION, VqSpec::from),
        section(m, family, BsqSpec.SECTION, BsqSpec::from));
    List<String> problems = spec.problems();
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(problems);
    }
    return spec;
  }

  /**
   * Reads the {@code model} object of a checkpoint's JSON (snake_case): the nested form written
   * now, or the flat form of format 1 and 2, where every family's keys are at the top level.
   */
  @JsonCreator
  public static ModelSpec fromJson(JsonNode json) {
    Config m = ConfigFactory.parseString(kebabKeys(json).toString());
    for (Map.Entry<String, List<Setting>> section : SECTIONS) {
      for (Setting s : section.getValue()) {
        if (m.hasPath(s.path())) {
          m = m.withValue(section.getKey() + "." + s.path(), m.getValue(s.path()))
              .withoutPath(s.path());
        }
      }
    }
    return from(m.atKey("model"));
  }

  private static JsonNode kebabKeys(JsonNode json) {
    if (!json.isObject()) {
      return json;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    json.fields().forEachRemaining(
        e -> out.set(e.getKey().replace('_', '-'), kebabKeys(e.getValue())));
    return out;
  }

  private static Family declaredFamily(Config root) {
    try {
      return Family.of(root.getString("model.family").toLowerCase(Locale.ROOT));
    } catch (ConfigException | IllegalArgumentException e) {
      return null;
    }
  }

  private static ConfigSchema schema(Family family) {
    List<Setting> settings = new ArrayList<>(List.of(
        Setting.string("preset", "preset name, recorded in checkpoints"),
        Setting.choice("family", Stream.of(Family.values()).map(Family::key).toList(),
            "model family"),
        Setting.integer("n-mels", 8, 4096, "input height: mel bins of the features table"),
        Setting.integer("n-frames", 8, 100000, "input width: frames of the features table")));
    Set<String> optional = new HashSet<>();
    for (Map.Entry<String, List<Setting>> section : SECTIONS) {
      for (Setting s : section.getValue()) {
        String path = section.getKey() + "." + s.path();
        settings.add(new Setting(path, s.kind(), s.description(), s.min(), s.max(), s.allowed()));
        if (family == null || !family.section().equals(section.getKey())) {
          optional.add(path);
        }
      }
    }
    return ConfigSchema.of("model", settings, optional);
  }

  private static <T extends FamilySpec> T section(Config model, Family family, String section,
      Function<Config, T> read) {
    return family.section().equals(section) ? read.apply(model.getConfig(section)) : null;
  }

  private static Stream<FamilySpec> sections(TimbreVaeSpec timbreVae, VqSpec vq, BsqSpec bsq) {
    return Stream.<FamilySpec>of(timbreVae, vq, bsq).filter(Objects::nonNull);
  }

  /** The family's section: {@link #timbreVae}, {@link #vq} or {@link #bsq}. */
  public FamilySpec section() {
    return sections(timbreVae, vq, bsq).findFirst().orElseThrow();
  }

  /** Batches a fresh model's stateful bottlenecks initialise from ({@link FamilySpec#initBatches}). */
  public int initBatches() {
    return section().initBatches();
  }

  private List<String> problems() {
    int down = switch (family) {
      case TIMBRE_VAE -> 8;
      case VQVAE -> 4;
      case AUDDSR -> 8;
      case BSQ_CNN -> 4;
    };
    List<String> out = new ArrayList<>();
    if (nMels % down != 0) {
      out.add(String.format("model.n-mels: %d must be divisible by %d for family %s", nMels, down,
          family.key()));
    }
    if (nFrames % down != 0) {
      out.add(String.format("model.n-frames: %d must be divisible by %d for family %s", nFrames,
          down, family.key()));
    }
    out.addAll(section().problems());
    return out;
  }

  /**
   * The settings that differ from {@code other}, as {@code "key: this vs other"} in configuration
   * key spelling (e.g. {@code vq.num-embeddings: 16 vs 32}); {@code kmeans-init-batches} is left
   * out (it only acts on a fresh start).
   */
  public List<String> differences(ModelSpec other) {
    List<String> out = new ArrayList<>();
    differences("", this, other, out);
    return out;
  }

  private static void differences(String prefix, Record mine, Record theirs, List<String> out) {
    for (RecordComponent c : mine.getClass().getRecordComponents()) {
      if (c.getName().equals("kmeansInitBatches")) {
        continue;
      }
      String key = prefix + c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
      Object a = value(c, mine);
      Object b = value(c, theirs);
      if (a instanceof Record ra && b instanceof Record rb) {
        differences(key + ".", ra, rb, out);
      } else if (!Objects.equals(a, b)) {
        out.add(key + ": " + show(a) + " vs " + show(b));
      }
    }
  }

  private static Object value(RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String show(Object v) {
    if (v == null) {
      return "(none)";
    }
    if (v instanceof Family f) {
      return f.key();
    }
    return v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v.toString();
  }
}
