package org.melforge.corpus;

import static org.melforge.corpus.CorpusFiles.hasSuffix;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;

/**
 * Catalog of a plain folder tree: every {@code .wav} and {@code .flac} file (any case) below the root,
 * without metadata. The source id is the path below the root without extension, '/' written "__".
 */
final class FolderCatalog {

  private FolderCatalog() {}

  static JavaRDD<Row> rows(JavaSparkContext jsc, FileSystem fs, Path root, CorpusInput input) throws IOException {
    List<String> files = CorpusFiles.list(fs, root, true, n -> hasSuffix(n, ".wav") || hasSuffix(n, ".flac"))
        .stream().map(Path::toString).toList();
    String rootDir = root.toUri().getPath();
    int prefix = rootDir.endsWith("/") ? rootDir.length() : rootDir.length() + 1;
    return jsc.parallelize(files, jsc.defaultParallelism()).map(f -> {
      String id = sourceId(new Path(f).toUri().getPath().substring(prefix));
      return CatalogItem.of(input.dataset(), id, input.split(null, id, null), f).toRow();
    });
  }

  static String sourceId(String relativePath) {
    return relativePath.substring(0, relativePath.lastIndexOf('.')).replace("/", "__");
  }
}
