package org.melforge.features;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.melforge.corpus.CorpusInput;
import org.melforge.corpus.SplitPolicy;
import org.melforge.spark.BuildInfo;

/**
 * How a features run made its tensors, written as {@code provenance} into {@code _summary.json}
 * (every table of the run) and into each {@code <table>.stats.json} (that table's profile and
 * inputs): the log-mel profiles, the inputs as the job resolved them, the hash-split settings, and
 * the build. The same JSON shape in both files (see {@link #toJson()}).
 *
 * @param profiles the profiles of the tables written, by table name, in run order
 * @param inputs the inputs, as resolved
 * @param splits the hash-split settings
 * @param versions {@link BuildInfo#versions()}
 * @param gitCommit {@link BuildInfo#gitCommit()}
 */
public record Provenance(Map<String, TableProfile> profiles, List<Input> inputs, SplitPolicy splits,
    Map<String, String> versions, String gitCommit) {

  /**
   * One input as the job resolved it.
   *
   * @param path Hadoop URI of the corpus root
   * @param layout {@code nsynth}, {@code librispeech} or {@code folder}
   * @param dataset the dataset partition its rows went to
   * @param profile the table its rows went to
   * @param splitMode {@code official}, {@code hash}, {@code group}, {@code train}, {@code valid} or {@code test}
   * @param groupKey under split mode {@code group}, the key hashed ({@code instrument} or {@code speaker});
   *     null under the others
   */
  public record Input(String path, String layout, String dataset, String profile, String splitMode,
      String groupKey) {}

  /** Copies the collections (keeping the order of {@code profiles} and {@code versions}). */
  public Provenance {
    profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    inputs = List.copyOf(inputs);
    Objects.requireNonNull(splits, "splits");
    versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    Objects.requireNonNull(gitCommit, "gitCommit");
  }

  /** The provenance of a run that writes {@code inputs} (by table name) with {@code profiles}, from this build. */
  static Provenance of(Map<String, List<CorpusInput>> inputs, Map<String, TableProfile> profiles,
      SplitPolicy splits) {
    Map<String, TableProfile> written = new LinkedHashMap<>();
    List<Input> resolved = new java.util.ArrayList<>();
    inputs.forEach((table, list) -> {
      written.put(table, Objects.requireNonNull(profiles.get(table), () -> "no profile named '" + table + "'"));
      list.forEach(in -> resolved.add(new Input(in.path(), in.layout().configName(), in.dataset(), table,
          in.splitMode().configName(), in.groupKey())));
    });
    return new Provenance(written, resolved, splits, BuildInfo.versions(), BuildInfo.gitCommit());
  }

  /** This provenance restricted to table {@code name}: its profile and its inputs. */
  public Provenance table(String name) {
    TableProfile profile = profiles.get(name);
    if (profile == null) {
      throw new IllegalArgumentException("table '" + name + "' is not one of " + profiles.keySet());
    }
    return new Provenance(Map.of(name, profile), inputs.stream().filter(i -> i.profile().equals(name)).toList(),
        splits, versions, gitCommit);
  }

  /**
   * JSON-ready values: {@code versions} ({@code melforge}, {@code spark}, {@code java}),
   * {@code git_commit}, {@code hash_split} ({@code train}, {@code valid}, {@code test} fractions
   * and {@code salt}), {@code profiles} (by table name, see {@link TableProfile#toJson()}) and
   * {@code inputs} ({@code path}, {@code layout}, {@code dataset}, {@code profile},
   * {@code split_mode}, and {@code group_key} for an input whose split mode is {@code group}).
   */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("versions", versions);
    out.put("git_commit", gitCommit);
    Map<String, Object> split = new LinkedHashMap<>();
    split.put("train", splits.train());
    split.put("valid", splits.valid());
    split.put("test", splits.test());
    split.put("salt", splits.salt());
    out.put("hash_split", split);
    Map<String, Object> byTable = new LinkedHashMap<>();
    profiles.forEach((name, profile) -> byTable.put(name, profile.toJson()));
    out.put("profiles", byTable);
    out.put("inputs", inputs.stream().map(Provenance::toJson).toList());
    return out;
  }

  private static Map<String, Object> toJson(Input i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", i.path());
    m.put("layout", i.layout());
    m.put("dataset", i.dataset());
    m.put("profile", i.profile());
    m.put("split_mode", i.splitMode());
    if (i.groupKey() != null) {
      m.put("group_key", i.groupKey());
    }
    return m;
  }
}
