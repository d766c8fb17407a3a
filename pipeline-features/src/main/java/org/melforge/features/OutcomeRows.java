package org.melforge.features;

import static org.melforge.tensorstore.TensorTable.DATASET;
import static org.melforge.tensorstore.TensorTable.DURATION_SECONDS;
import static org.melforge.tensorstore.TensorTable.ID;
import static org.melforge.tensorstore.TensorTable.N_FRAMES;
import static org.melforge.tensorstore.TensorTable.N_MELS;
import static org.melforge.tensorstore.TensorTable.SOURCE_PATH;
import static org.melforge.tensorstore.TensorTable.SPLIT;
import static org.melforge.tensorstore.TensorTable.START_SECONDS;
import static org.melforge.tensorstore.TensorTable.TENSOR;
import static org.melforge.tensorstore.TensorTable.VALID_FRAMES;
import static org.melforge.tensorstore.TensorTable.WINDOW;

import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.melforge.corpus.Catalog;
import org.melforge.dsp.MelWindow;
import org.melforge.tensorstore.Reason;
import org.melforge.tensorstore.TensorTable;

/**
 * What the decode + log-mel stage emits per source: one row per tensor window, or one row with a
 * null tensor and an issue. A warning rides on the source's window 0. The schema is the tensor
 * table's (all columns nullable) plus the issue and conversion columns.
 */
final class OutcomeRows {

  static final String SOURCE_ID = Catalog.SOURCE_ID;
  static final String ISSUE_STAGE = "issue_stage";
  static final String ISSUE_REASON = "issue_reason";
  static final String ISSUE_MESSAGE = "issue_message";
  static final String CONVERTED = "converted";

  static final StructType SCHEMA = build();

  private OutcomeRows() {}

  private static StructType build() {
    StructField[] fields = Arrays.stream(TensorTable.SCHEMA.fields())
        .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata()))
        .toArray(StructField[]::new);
    return new StructType(fields)
        .add(SOURCE_ID, DataTypes.StringType, false)
        .add(ISSUE_STAGE, DataTypes.StringType, true)
        .add(ISSUE_REASON, DataTypes.StringType, true)
        .add(ISSUE_MESSAGE, DataTypes.StringType, true)
        .add(CONVERTED, DataTypes.BooleanType, true);
  }

  /** A tensor row for one window of {@code source}; {@code warning} may be null. */
  static Row tensor(Row source, MelWindow w, double windowSeconds, double durationSeconds,
      Reason warning, String warningMessage, boolean converted) {
    Object[] v = identity(source);
    String sourceId = source.getAs(Catalog.SOURCE_ID);
    set(v, ID, windowId(sourceId, w.index()));
    set(v, WINDOW, w.index());
    set(v, START_SECONDS, w.index() * windowSeconds);
    set(v, N_MELS, w.nMels());
    set(v, N_FRAMES, w.frames());
    set(v, VALID_FRAMES, w.validFrames());
    set(v, DURATION_SECONDS, durationSeconds);
    set(v, TENSOR, w.toLittleEndianBytes());
    if (warning != null && w.index() == 0) {
      issue(v, "features", warning, warningMessage);
    }
    set(v, CONVERTED, converted);
    return RowFactory.create(v);
  }

  /** A source that produced no tensor, with the stage and reason. */
  static Row failure(Row source, String stage, Reason reason, String message) {
    Object[] v = identity(source);
    issue(v, stage, reason, message);
    return RowFactory.create(v);
  }

  /** The stable row id: source id, ".w", 4-digit window index. */
  static String windowId(String sourceId, int window) {
    return String.format("%s.w%04d", sourceId, window);
  }

  private static Object[] identity(Row source) {
    Object[] v = new Object[SCHEMA.size()];
    set(v, SOURCE_ID, source.getAs(Catalog.SOURCE_ID));
    set(v, DATASET, source.getAs(Catalog.DATASET));
    set(v, SPLIT, source.getAs(Catalog.SPLIT));
    set(v, SOURCE_PATH, source.getAs(Catalog.SOURCE_PATH));
    for (StructField f : TensorTable.METADATA.fields()) {
      set(v, f.name(), source.getAs(f.name()));
    }
    return v;
  }

  private static void issue(Object[] v, String stage, Reason reason, String message) {
    set(v, ISSUE_STAGE, stage);
    set(v, ISSUE_REASON, reason.code());
    set(v, ISSUE_MESSAGE, message);
  }

  private static void set(Object[] v, String column, Object value) {
    v[SCHEMA.fieldIndex(column)] = value;
  }
}
