package org.melforge.tensorstore;

import static org.melforge.tensorstore.TensorTable.field;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code _errors} table: one row for every input that could not be used (severity {@code error})
 * or was used with a caveat (severity {@code warning}, e.g. {@code padded}). Partitioned by dataset.
 */
public final class ErrorTable {

  public static final String PATH = "path";
  public static final String DATASET = "dataset";
  public static final String SOURCE_ID = "source_id";
  public static final String STAGE = "stage";
  public static final String REASON = "reason";
  public static final String MESSAGE = "message";
  public static final String SEVERITY = "severity";

  public static final String ERROR = "error";
  public static final String WARNING = "warning";

  /** Row schema, partition column included. */
  public static final StructType SCHEMA = new StructType(new StructField[] {
      field(PATH, DataTypes.StringType, false, "Hadoop URI of the offending file"),
      field(DATASET, DataTypes.StringType, false, "dataset name (partition column)"),
      field(SOURCE_ID, DataTypes.StringType, true, "source id when known"),
      field(STAGE, DataTypes.StringType, false, "catalog, decode or features"),
      field(REASON, DataTypes.StringType, false, "reason code, see Reason"),
      field(MESSAGE, DataTypes.StringType, false, "what went wrong, for a person"),
      field(SEVERITY, DataTypes.StringType, false, "error (input not used) or warning (used)"),
  });

  private ErrorTable() {}
}
