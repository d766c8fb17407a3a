#!/usr/bin/env bash
# Checks that the embedded runner (submit/features, submit/train without SPARK_HOME) reaches s3a://:
# builds each module's jar when it is missing or stale, as the scripts do, and asks Hadoop for the
# s3a file system class on the classpath melforge_run gives java (a missing hadoop-aws shows here as
# the job's ClassNotFoundException: org.apache.hadoop.fs.s3a.S3AFileSystem).
#   bash submit/lib/test-s3a-classpath.sh [MODULE...]   (default: pipeline-features pipeline-train)
# Prints "ok: MODULE ..." per module, or the first failure (exit 1).
set -euo pipefail
source "$(dirname "$0")/common.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/S3aScheme.java" <<'JAVA'
public class S3aScheme {
  public static void main(String[] args) throws Exception {
    Class<?> c = org.apache.hadoop.fs.FileSystem.getFileSystemClass("s3a",
        new org.apache.hadoop.conf.Configuration());
    System.out.println(c.getName() + " from " + c.getProtectionDomain().getCodeSource().getLocation());
  }
}
JAVA

modules=("$@")
((${#modules[@]})) || modules=(pipeline-features pipeline-train)
for module in "${modules[@]}"; do
  melforge_build "$module"
  if ! out="$(java -cp "$(melforge_classpath "$module")" "$tmp/S3aScheme.java" 2>"$tmp/err")"; then
    echo "FAILED: $module: the embedded runner's classpath cannot open s3a://: $(tail -n 20 "$tmp/err")" >&2
    exit 1
  fi
  echo "ok: $module: s3a:// is $out"
done
