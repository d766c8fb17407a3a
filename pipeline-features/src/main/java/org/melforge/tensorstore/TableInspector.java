package org.melforge.tensorstore;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.melforge.spark.JobGroup;

/**
 * Looks at a tensor table: schema, row counts per partition, the statistics JSON written beside
 * it (with the profile and build that made the tensors, where the statistics record them), and
 * PNG images of the first few tensors (low frequencies at the bottom, time to the right, -80 dB
 * dark, 0 dB bright).
 */
public final class TableInspector {

  private static final int SCALE = 3;

  /** What {@link #inspect} found. */
  public record Report(String table, String schema, List<String> partitionCounts, long rows,
      String statistics, List<String> images) {

    /** The report as console text. */
    public String describe() {
      StringBuilder sb = new StringBuilder();
      sb.append("table: ").append(table).append('\n').append(schema).append('\n');
      sb.append("rows: ").append(rows).append('\n');
      partitionCounts.forEach(p -> sb.append("  ").append(p).append('\n'));
      sb.append("statistics: ").append(statistics == null ? "(no statistics file)" : statistics).append('\n');
      images.forEach(i -> sb.append("image: ").append(i).append('\n'));
      return sb.toString();
    }
  }

  private TableInspector() {}

  /**
   * Inspects {@code table}; writes {@code images} PNGs to {@code imageDir} (default: the table
   * path plus {@code _inspect}).
   */
  public static Report inspect(SparkSession spark, String table, String imageDir, int images) {
    if (images < 0) {
      throw new IllegalArgumentException("images must be >= 0, got " + images);
    }
    try (JobGroup ignored = JobGroup.open(spark.sparkContext(), "melforge-inspect", "inspect " + table)) {
      Dataset<Row> rows = spark.read().parquet(table);
      TensorTable.requireSchema(rows.schema(), table);
      List<String> counts = new ArrayList<>();
      long total = 0;
      for (Row r : rows.groupBy(TensorTable.DATASET, TensorTable.SPLIT).count()
          .orderBy(TensorTable.DATASET, TensorTable.SPLIT).collectAsList()) {
        counts.add(TensorTable.DATASET + "=" + r.getString(0) + "/" + TensorTable.SPLIT + "=" + r.getString(1)
            + ": " + r.getLong(2) + " rows");
        total += r.getLong(2);
      }
      String dir = imageDir != null ? imageDir : stripSlash(table) + "_inspect";
      List<String> written = new ArrayList<>();
      for (Row r : rows.orderBy(col(TensorTable.ID)).limit(images)
          .select(TensorTable.ID, TensorTable.N_MELS, TensorTable.N_FRAMES, TensorTable.TENSOR).collectAsList()) {
        Path png = new Path(dir, r.getString(0) + ".png");
        write(spark, png, render(r.getAs(3), r.getInt(1), r.getInt(2)));
        written.add(png.toString());
      }
      return new Report(table, rows.schema().treeString(), counts, total, readStats(spark, table), written);
    }
  }

  /** A heat-map image of one stored tensor (values in [-1, 1]). */
  public static BufferedImage render(byte[] tensor, int nMels, int frames) {
    FloatBuffer v = ByteBuffer.wrap(tensor).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    BufferedImage img = new BufferedImage(frames * SCALE, nMels * SCALE, BufferedImage.TYPE_INT_RGB);
    for (int m = 0; m < nMels; m++) {
      for (int t = 0; t < frames; t++) {
        int rgb = color((v.get(m * frames + t) + 1f) / 2f);
        int y0 = (nMels - 1 - m) * SCALE;
        for (int dy = 0; dy < SCALE; dy++) {
          for (int dx = 0; dx < SCALE; dx++) {
            img.setRGB(t * SCALE + dx, y0 + dy, rgb);
          }
        }
      }
    }
    return img;
  }

  private static int color(float x) {
    float u = Math.max(0f, Math.min(1f, x));
    int r = (int) (255 * Math.min(1f, Math.max(0f, 1.5f * u - 0.25f)));
    int g = (int) (255 * Math.min(1f, Math.max(0f, 1.8f * u * u)));
    int b = (int) (255 * Math.min(1f, Math.max(0f, u < 0.5f ? 0.3f + u : 1.3f - u)));
    return (r << 16) | (g << 8) | b;
  }

  private static void write(SparkSession spark, Path path, BufferedImage img) {
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(path, true)) {
        ImageIO.write(img, "png", out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  private static String readStats(SparkSession spark, String table) {
    Path stats = new Path(stripSlash(table) + ".stats.json");
    try {
      FileSystem fs = stats.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(stats)) {
        return null;
      }
      try (InputStream in = fs.open(stats)) {
        return stats + "\n" + summarize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stats, e);
    }
  }

  private static String summarize(String json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    StringBuilder sb = new StringBuilder(provenance(root.path("provenance")));
    JsonNode node = root.path("all");
    if (node.isMissingNode() || node.isNull()) {
      return sb.append("  (empty table)").toString();
    }
    sb.append(String.format("  %d tensors, %d mel bins%n",
        node.path("tensors").asLong(), node.path("n_mels").asInt()));
    sb.append("  bin      count     mean      std      min      max\n");
    var bins = node.path("bins");
    for (int i = 0; i < bins.size(); i += Math.max(1, bins.size() / 8)) {
      var b = bins.get(i);
      sb.append(String.format("  %3d %10d %8.4f %8.4f %8.4f %8.4f%n", b.path("bin").asInt(),
          b.path("count").asLong(), b.path("mean").asDouble(), b.path("std").asDouble(),
          b.path("min").asDouble(), b.path("max").asDouble()));
    }
    return sb.toString();
  }

  /**
   * The settings of each profile on one line, then the build; empty for statistics written before
   * the features job recorded its provenance.
   */
  private static String provenance(JsonNode provenance) {
    if (!provenance.isObject()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    provenance.path("profiles").fields().forEachRemaining(profile -> {
      sb.append("  profile ").append(profile.getKey()).append(':');
      profile.getValue().fields().forEachRemaining(f -> {
        if (f.getValue().isValueNode()) {
          sb.append(' ').append(f.getKey()).append('=').append(f.getValue().asText());
        }
      });
      sb.append('\n');
    });
    return sb.append(String.format("  made by melforge %s, commit %s%n",
        provenance.path("versions").path("melforge").asText("?"), provenance.path("git_commit").asText("?")))
        .toString();
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
