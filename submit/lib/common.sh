# Shared by the submit/ scripts: locate or build a job jar and run a main class either through
# spark-submit (when SPARK_HOME is set) or embedded in local mode with plain java.
# Environment:
#   SPARK_HOME             use $SPARK_HOME/bin/spark-submit (cluster or local Spark install)
#   MELFORGE_SUBMIT_ARGS   extra spark-submit arguments, e.g. "--master yarn --deploy-mode cluster"
#   MELFORGE_PACKAGES      comma-separated Maven coordinates for --packages (e.g. hadoop-aws for s3a)
#   MELFORGE_JAVA_OPTS     extra JVM options for the embedded runner (e.g. -Xmx8g)
#   MVN                    Maven command used to build a missing jar (default: mvn; "mvn -Dcuda" for GPU jars)
# A script may put spark-submit arguments of its own in the array MELFORGE_SUBMIT_EXTRA (after
# sourcing this file); they come before MELFORGE_SUBMIT_ARGS, which can override them.

MELFORGE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export MELFORGE_HOME
MELFORGE_VERSION="0.1.0-SNAPSHOT"
MELFORGE_SUBMIT_EXTRA=()

melforge_jvm_flags() {
  grep -v '^[[:space:]]*#' "$MELFORGE_HOME/conf/jvm.options" | grep -v '^[[:space:]]*$' | tr '\n' ' '
}

# melforge_build MODULE: builds MODULE (and the modules it needs) when the jar this run uses is
# missing or older than the sources: the spark-submit jar (-spark.jar) with SPARK_HOME, else the
# plain jar (the embedded runner's; the spark-submit jars are then not made, which saves most of
# the build's time).
melforge_build() {
  local module="$1"
  local jar="$MELFORGE_HOME/$module/target/$module-$MELFORGE_VERSION.jar" skip_shade=true
  if [[ -n "${SPARK_HOME:-}" ]]; then
    jar="$MELFORGE_HOME/$module/target/$module-$MELFORGE_VERSION-spark.jar"
    skip_shade=false
  fi
  if [[ ! -f "$jar" || -n "$(find "$MELFORGE_HOME"/pipeline-*/src "$MELFORGE_HOME/conf" "$MELFORGE_HOME"/pom.xml "$MELFORGE_HOME"/pipeline-*/pom.xml -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then
    echo "[melforge] building $module (mvn package -DskipTests) ..." >&2
    (cd "$MELFORGE_HOME" && ${MVN:-mvn} -B -q -DskipTests -Dmelforge.shade.skip="$skip_shade" \
      package -pl "$module" -am) >&2 || { echo "[melforge] build failed" >&2; return 1; }
  fi
}

# melforge_classpath MODULE: the embedded runner's classpath of MODULE's built jar: the jar, then its
# compile-scope file (Spark, Hadoop and hadoop-aws included, as provided dependencies) and runtime file.
melforge_classpath() {
  local target="$MELFORGE_HOME/$1/target"
  echo "$target/$1-$MELFORGE_VERSION.jar:$(cat "$target/classpath-compile.txt"):$(cat "$target/classpath-runtime.txt")"
}

# melforge_run MODULE MAIN_CLASS ARGS...: runs a job's main class.
melforge_run() {
  local module="$1" main="$2"; shift 2
  melforge_build "$module" || return 1
  local target="$MELFORGE_HOME/$module/target"
  local log4j="-Dlog4j2.configurationFile=file:$MELFORGE_HOME/conf/log4j2.properties"
  local flags; flags="$(melforge_jvm_flags)"
  if [[ -n "${SPARK_HOME:-}" ]]; then
    local packages=()
    [[ -n "${MELFORGE_PACKAGES:-}" ]] && packages=(--packages "$MELFORGE_PACKAGES")
    # shellcheck disable=SC2086
    exec "$SPARK_HOME/bin/spark-submit" --class "$main" \
      --driver-java-options "$flags $log4j" \
      --conf "spark.executor.extraJavaOptions=$flags" \
      "${packages[@]}" "${MELFORGE_SUBMIT_EXTRA[@]}" ${MELFORGE_SUBMIT_ARGS:-} \
      "$target/$module-$MELFORGE_VERSION-spark.jar" "$@"
  fi
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  local cp; cp="$(melforge_classpath "$module")"
  # The flags are split on spaces but never globbed: the serial filter's patterns hold '*' and '/'.
  set -f
  # shellcheck disable=SC2086
  exec java $flags $log4j ${MELFORGE_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
