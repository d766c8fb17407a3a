package org.melforge.corpus;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.melforge.tensorstore.TensorTable;

/**
 * The catalog every corpus reader produces: one row per source item (an audio file with its
 * metadata, or an item that cannot be used together with its reason). Nothing here has been
 * decoded yet; the features job reads the audio of the rows without an error.
 */
public final class Catalog {

  public static final String SOURCE_ID = "source_id";
  public static final String DATASET = "dataset";
  public static final String SPLIT = "split";
  public static final String SOURCE_PATH = "source_path";
  public static final String ERROR_REASON = "error_reason";
  public static final String ERROR_MESSAGE = "error_message";

  /**
   * Row schema: identity, then {@link TensorTable#METADATA}, then the error columns (null for
   * usable items; {@code error_reason} holds a {@link org.melforge.tensorstore.Reason#code()}).
   */
  public static final StructType SCHEMA = build();

  private Catalog() {}

  private static StructType build() {
    StructType s = new StructType(new StructField[] {
        new StructField(SOURCE_ID, DataTypes.StringType, false, Metadata.empty()),
        new StructField(DATASET, DataTypes.StringType, false, Metadata.empty()),
        new StructField(SPLIT, DataTypes.StringType, true, Metadata.empty()),
        new StructField(SOURCE_PATH, DataTypes.StringType, false, Metadata.empty()),
    });
    for (StructField f : TensorTable.METADATA.fields()) {
      s = s.add(f);
    }
    return s.add(ERROR_REASON, DataTypes.StringType, true)
        .add(ERROR_MESSAGE, DataTypes.StringType, true);
  }
}
