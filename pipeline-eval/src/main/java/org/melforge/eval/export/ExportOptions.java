package org.melforge.eval.export;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.melforge.config.ConfigSchema;
import org.melforge.config.Setting;
import org.melforge.data.BadRows;

/**
 * The {@code export} section: whose tokens to export, of which rows, and where.
 *
 * @param checkpoint checkpoint folder or training-output folder (newest usable checkpoint)
 * @param table features tensor table folder (Hadoop URI)
 * @param split the split exported ("" for every split)
 * @param output the Parquet folder written
 * @param batchSize examples per inference batch
 * @param overwrite replace what {@code output} holds (without it a non-empty output is refused)
 * @param badRows what a row whose tensor is not finite or outside the table's range does
 */
public record ExportOptions(String checkpoint, String table, String split, String output,
    int batchSize, boolean overwrite, BadRows badRows) {

  /** The documented keys of the {@code export} section. */
  public static final ConfigSchema SCHEMA = ConfigSchema.of("export", List.of(
      Setting.string("checkpoint", "checkpoint or training-output folder (--checkpoint)"),
      Setting.string("table", "features tensor table folder"),
      Setting.optionalString("split", "split exported (\"\": every split)"),
      Setting.string("output", "Parquet folder of the tokens"),
      Setting.integer("batch-size", 1, 1 << 16, "examples per inference batch"),
      Setting.bool("overwrite", "replace what output holds"),
      Setting.choice("bad-rows", List.of("stop", "skip"),
          "a non-finite or out-of-range tensor: stop (fail naming it) or skip (count and log)")),
      Set.of());

  /** Reads and validates the {@code export} section of {@code root}. */
  public static ExportOptions from(Config root) {
    SCHEMA.validate(root);
    Config e = root.getConfig("export");
    return new ExportOptions(e.getString("checkpoint"), e.getString("table"), e.getString("split"),
        e.getString("output"), e.getInt("batch-size"), e.getBoolean("overwrite"),
        BadRows.valueOf(e.getString("bad-rows").toUpperCase(Locale.ROOT)));
  }
}
