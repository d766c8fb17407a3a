package org.melforge.eval.job;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.melforge.config.ConfigSchema;
import org.melforge.config.Setting;
import org.melforge.data.BadRows;

/**
 * The {@code eval} section: which checkpoints to evaluate on which split of which table, and where
 * the results go.
 *
 * @param checkpoints checkpoint folders or training-output folders (newest usable checkpoint)
 * @param table features tensor table folder (Hadoop URI)
 * @param split the split evaluated
 * @param output folder (Hadoop URI) of the per-checkpoint results and the report
 * @param batchSize examples per inference batch
 * @param overwrite replace an earlier evaluation found in {@code output} (without it such a run is
 *     refused)
 * @param badRows what a row whose tensor is not finite or outside the table's range does
 * @param allowChangedTable evaluate on the table a checkpoint was trained on even when the table
 *     was rewritten since (its statistics differ from those the checkpoint recorded)
 * @param report whether to write {@code report.html}
 * @param griffinLimIterations fast Griffin-Lim iterations of the report's audio
 * @param latentMapPoints posterior means drawn in the report's timbre map (VAE)
 */
public record EvalOptions(List<String> checkpoints, String table, String split, String output,
    int batchSize, boolean overwrite, BadRows badRows, boolean allowChangedTable, boolean report, int griffinLimIterations,
    int latentMapPoints) {

  /** The documented keys of the {@code eval} section. */
  public static final ConfigSchema SCHEMA = ConfigSchema.of("eval", List.of(
      Setting.stringList("checkpoints", "checkpoint or training-output folders (--checkpoint)"),
      Setting.string("table", "features tensor table folder, e.g. out/features/speech"),
      Setting.string("split", "split evaluated"),
      Setting.string("output", "folder of the examples tables, summaries and report"),
      Setting.integer("batch-size", 1, 1 << 16, "examples per inference batch"),
      Setting.bool("overwrite", "a run replaces an earlier evaluation in output"),
      Setting.choice("bad-rows", List.of("stop", "skip"),
          "a non-finite or out-of-range tensor: stop (fail naming it) or skip (count and log)"),
      Setting.bool("allow-changed-table",
          "evaluate on a checkpoint's training table even when it was rewritten since"),
      Setting.bool("report", "write report.html"),
      Setting.integer("griffin-lim-iterations", 1, 10_000, "Griffin-Lim iterations of the report's audio"),
      Setting.integer("latent-map-points", 0, 1_000_000, "posterior means in the report's timbre map")),
      Set.of());

  /** Copies the checkpoint list. */
  public EvalOptions {
    checkpoints = List.copyOf(checkpoints);
  }

  /** Reads and validates the {@code eval} section of {@code root}. */
  public static EvalOptions from(Config root) {
    SCHEMA.validate(root);
    Config e = root.getConfig("eval");
    return new EvalOptions(e.getStringList("checkpoints"), e.getString("table"),
        e.getString("split"), e.getString("output"), e.getInt("batch-size"),
        e.getBoolean("overwrite"),
        BadRows.valueOf(e.getString("bad-rows").toUpperCase(Locale.ROOT)),
        e.getBoolean("allow-changed-table"), e.getBoolean("report"),
        e.getInt("griffin-lim-iterations"), e.getInt("latent-map-points"));
  }
}
