package org.melforge.corpus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Driver-side directory listings: file names and paths only, never file content. */
final class CorpusFiles {

  private CorpusFiles() {}

  /**
   * Qualified paths of the files under {@code dir} whose name passes {@code name}, sorted. Object
   * stores and HDFS list with {@code listFiles} (a flat, paged listing on S3A); the local file
   * system walks {@code listStatus}, because its {@code listFiles} builds a LocatedFileStatus per
   * file, which without Hadoop's native library forks an {@code ls} to read each file's
   * permissions (seconds per thousand files).
   */
  static List<Path> list(FileSystem fs, Path dir, boolean recursive, Predicate<String> name) throws IOException {
    List<Path> out = new ArrayList<>();
    if (fs instanceof LocalFileSystem) {
      walk(fs, dir, recursive, name, out);
    } else {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, recursive);
      while (it.hasNext()) {
        Path p = it.next().getPath();
        if (name.test(p.getName())) {
          out.add(fs.makeQualified(p));
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static void walk(FileSystem fs, Path dir, boolean recursive, Predicate<String> name, List<Path> out)
      throws IOException {
    for (FileStatus status : fs.listStatus(dir)) {
      Path p = status.getPath();
      if (status.isDirectory()) {
        if (recursive) {
          walk(fs, p, true, name, out);
        }
      } else if (name.test(p.getName())) {
        out.add(fs.makeQualified(p));
      }
    }
  }

  /** True when {@code name} ends with {@code suffix}, ignoring case. */
  static boolean hasSuffix(String name, String suffix) {
    return name.toLowerCase(Locale.ROOT).endsWith(suffix);
  }

  /** {@code name} without its last {@code suffixLength} characters. */
  static String stem(String name, int suffixLength) {
    return name.substring(0, name.length() - suffixLength);
  }
}
