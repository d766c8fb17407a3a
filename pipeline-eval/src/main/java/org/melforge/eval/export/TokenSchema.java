package org.melforge.eval.export;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.melforge.bottleneck.Bottleneck;
import org.melforge.data.FeatureTable;
import org.melforge.model.LossParts;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.TensorTable;
import org.melforge.training.Scorer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The columns of a token export and how a batch becomes rows. Per bottleneck level (coarse first):
 * a quantizer's code indices, or a binary quantizer's L-bit codes (most significant bit first), as
 * {@code <level>_codes} ({@code array<bigint>}, the latent grid's {@code h x w} positions
 * row-major, frequency rows first), a Gaussian posterior's mean and
 * log-variance as {@code <level>_mu} and {@code <level>_logvar} ({@code array<float>}); besides
 * them the example's {@code id} and the {@code checkpoint_id}. {@link #description} is the
 * {@code _export.json} that states the levels, kinds, codebook sizes and grids.
 *
 * @param checkpointId the checkpoint's short id
 * @param levels per level its kind and shape
 */
public record TokenSchema(String checkpointId, List<Level> levels) implements Serializable {

  /** The description file beside the Parquet files (ignored by Parquet readers: leading _). */
  public static final String DESCRIPTION = "_export.json";
  /** The checkpoint id column. */
  public static final String CHECKPOINT_ID = "checkpoint_id";

  /**
   * One bottleneck level.
   *
   * @param name the bottleneck layer
   * @param kind codes, binary or gaussian
   * @param codebookSize codes of a quantizer (2^L for a binary one, 0 for a Gaussian level)
   * @param shape the latent grid {@code [h, w]} of a quantizer, {@code [L]} of a Gaussian level
   */
  public record Level(String name, Bottleneck.Kind kind, long codebookSize, long[] shape)
      implements Serializable {

    /** The level's columns. */
    List<String> columns() {
      return kind != Bottleneck.Kind.GAUSSIAN ? List.of(name + "_codes")
          : List.of(name + "_mu", name + "_logvar");
    }
  }

  /** The schema of {@code model}'s tokens (its grid sizes from one encoding of a blank tensor). */
  public static TokenSchema of(TokenizerModel model, String checkpointId, FeatureTable table) {
    INDArray blank = Nd4j.zeros(DataType.FLOAT, 1, 1, table.nMels(), table.nFrames());
    Map<String, INDArray> codes = model.encode(blank);
    List<Level> levels = new ArrayList<>();
    for (String name : model.bottlenecks()) {
      Bottleneck b = model.bottleneck(name);
      long[] shape = codes.get(name).shape();
      levels.add(new Level(name, b.kind(), b.codebookSize(),
          java.util.Arrays.copyOfRange(shape, 1, shape.length)));
    }
    return new TokenSchema(checkpointId, List.copyOf(levels));
  }

  /** The rows written by the scorer: id, checkpoint id, then every level's columns. */
  public StructType tokens() {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(TensorTable.ID, DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(CHECKPOINT_ID, DataTypes.StringType, false));
    for (Level level : levels) {
      for (String column : level.columns()) {
        fields.add(DataTypes.createStructField(column, DataTypes.createArrayType(
            level.kind() != Bottleneck.Kind.GAUSSIAN ? DataTypes.LongType : DataTypes.FloatType,
            false), false));
      }
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The token rows of a partition's batches. */
  Iterator<Row> rows(TokenizerModel model, Iterator<Scorer.Batch> batches) {
    List<Row> out = new ArrayList<>();
    while (batches.hasNext()) {
      Scorer.Batch batch = batches.next();
      Map<String, INDArray> acts = model.activations(model.evaluationBatch(batch.tensors(), 0));
      Map<String, INDArray> codes = model.encode(acts);
      for (int i = 0; i < batch.ids().size(); i++) {
        List<Object> values = new ArrayList<>(List.of(batch.ids().get(i), checkpointId));
        for (Level level : levels) {
          if (level.kind() != Bottleneck.Kind.GAUSSIAN) {
            values.add(box(codes.get(level.name()).slice(i).dup().data().asLong()));
          } else {
            values.add(box(LossParts.mu(acts.get(level.name())).getRow(i).toFloatVector()));
            values.add(box(LossParts.logvar(acts.get(level.name())).getRow(i).toFloatVector()));
          }
        }
        out.add(RowFactory.create(values.toArray()));
      }
    }
    return out.iterator();
  }

  private static Long[] box(long[] v) {
    Long[] out = new Long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static Float[] box(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  /** The {@code _export.json} content: checkpoint id, levels with kind, codebook size, shape, columns. */
  public Map<String, Object> description() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("checkpoint_id", checkpointId);
    List<Map<String, Object>> ls = new ArrayList<>();
    for (Level level : levels) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("name", level.name());
      l.put("kind", level.kind().name().toLowerCase(java.util.Locale.ROOT));
      l.put("codebook_size", level.codebookSize());
      l.put("shape", level.shape());
      l.put("columns", level.columns());
      ls.add(l);
    }
    out.put("levels", ls);
    return out;
  }
}
