package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.melforge.spark.TestSpark;

/** The fixture corpora under {@code src/test/resources/corpus/} and helpers to inspect catalogs. */
final class CorpusFixtures {

  static final SplitPolicy SPLITS = new SplitPolicy(0.5, 0.25, 0.25, "fixture");

  private CorpusFixtures() {}

  /** Local path of a fixture folder, e.g. {@code nsynth-valid}. */
  static Path resource(String name) {
    try {
      return Paths.get(CorpusFixtures.class.getResource("/corpus/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies a fixture folder to {@code target} (created) and returns {@code target}. */
  static Path copy(String name, Path target) throws IOException {
    Path from = resource(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path to = target.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    return target;
  }

  /** The catalog of a local folder, official splits kept. */
  static Dataset<Row> catalog(Path root, Layout layout, String dataset) {
    return catalog(root, layout, dataset, SplitMode.OFFICIAL);
  }

  /** The catalog of a local folder under a split mode. */
  static Dataset<Row> catalog(Path root, Layout layout, String dataset, SplitMode mode) {
    return CorpusReader.catalog(TestSpark.get(), new CorpusInput(root.toString(), layout, dataset, SPLITS, mode));
  }

  /** Catalog rows by source id; fails on a repeated id. */
  static Map<String, Row> byId(Dataset<Row> catalog) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : catalog.collectAsList()) {
      assertNull(out.put(r.getAs(Catalog.SOURCE_ID), r), "source id repeated: " + r);
    }
    return out;
  }

  /** The fully qualified Hadoop URI of a local file, as catalogs write it. */
  static String uri(Path local) {
    try {
      return FileSystem.getLocal(new Configuration()).makeQualified(new org.apache.hadoop.fs.Path(local.toString()))
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** URIs of the files below {@code root} whose lower-case name ends with one of {@code suffixes}. */
  static List<String> files(Path root, String... suffixes) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .filter(f -> Stream.of(suffixes).anyMatch(s -> f.getFileName().toString().toLowerCase().endsWith(s)))
          .map(CorpusFixtures::uri).sorted().toList();
    }
  }

  /** Source paths of the rows, sorted. */
  static List<String> sourcePaths(Collection<Row> rows) {
    return rows.stream().map(r -> r.<String>getAs(Catalog.SOURCE_PATH)).sorted().collect(Collectors.toList());
  }

  static void assertError(Row row, String reason, String messagePart) {
    assertEquals(reason, row.getAs(Catalog.ERROR_REASON), row::toString);
    String message = row.getAs(Catalog.ERROR_MESSAGE);
    assertEquals(true, message != null && message.contains(messagePart), () -> "message '" + message
        + "' lacks '" + messagePart + "'");
  }
}
