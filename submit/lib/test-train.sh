#!/usr/bin/env bash
# Checks submit/train's argument handling without Java, Spark or GPUs: a copy of submit/ and conf/
# in a temporary folder, stand-in jars, and a spark-submit and a java that print their arguments.
#   bash submit/lib/test-train.sh      (prints "ok: N checks" or the first failure; exit 1 on failure)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
version="$(sed -n 's/^MELFORGE_VERSION="\(.*\)"$/\1/p' "$repo/submit/lib/common.sh")"

cp -r "$repo/submit" "$repo/conf" "$tmp/"
target="$tmp/pipeline-train/target"
mkdir -p "$target" "$tmp/spark/bin" "$tmp/bin"
touch "$target/pipeline-train-$version.jar" "$target/classpath-compile.txt" "$target/classpath-runtime.txt"
for tool in spark/bin/spark-submit bin/java; do
  printf '#!/usr/bin/env bash\necho "%s"\nprintf "%%s\\n" "$@"\n' "$(basename "$tool")" > "$tmp/$tool"
  chmod +x "$tmp/$tool"
done
cpu_jar() { echo "org/nd4j/linalg/cpu/nativecpu/CpuBackend.class" > "$target/pipeline-train-$version-spark.jar"; }
cuda_jar() { echo "org/nd4j/linalg/jcublas/JCublasBackend.class" > "$target/pipeline-train-$version-spark.jar"; }

checks=0
# expect RC PATTERN [ENV=VALUE...] -- ARGS...: runs submit/train, checks its exit code and that
# PATTERN (a grep -E regex over the output, lines joined by '|') matches.
expect() {
  local rc="$1" pattern="$2" env=(); shift 2
  while [[ "$1" != "--" ]]; do env+=("$1"); shift; done
  shift
  local out got=0
  out="$(env -u SPARK_HOME MVN=false PATH="$tmp/bin:$PATH" "${env[@]}" "$tmp/submit/train" "$@" 2>&1)" || got=$?
  out="$(paste -sd'|' - <<<"$out")"
  checks=$((checks + 1))
  if [[ "$got" != "$rc" ]] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAILED: submit/train $* (${env[*]}): exit $got (expected $rc), output: $out" >&2
    exit 1
  fi
}

spark=SPARK_HOME="$tmp/spark"
cpu_jar
expect 0 "^java\|.*org\.melforge\.training\.TrainCli\|presets$" -- presets
expect 0 "^spark-submit\|--class\|org\.melforge\.training\.TrainCli\|.*-spark\.jar\|run\|--table\|/data/a b\|x=1$" "$spark" -- run --table "/data/a b" x=1
expect 2 "needs SPARK_HOME.*no GPU scheduling" -- run --gpus-per-executor 1
expect 2 "need --gpus-per-executor" "$spark" -- run --gpus-per-task 1
expect 2 "'two' is not a positive integer" "$spark" -- run --gpus-per-executor two
expect 2 "'x' is not a positive number" "$spark" -- run --gpus-per-executor 1 --gpus-per-task x
expect 2 "--gpus-per-executor needs a value" "$spark" -- run --gpus-per-executor
expect 2 "has the CPU backend.*-Dcuda" "$spark" -- run --gpus-per-executor 1
cuda_jar
expect 0 "\|--conf\|spark\.executor\.resource\.gpu\.amount=2\|--conf\|spark\.task\.resource\.gpu\.amount=1\|--conf\|spark\.executor\.resource\.gpu\.discoveryScript=$tmp/conf/gpu-discovery\.sh\|--master\|yarn\|.*-spark\.jar\|run\|--preset\|auddsr$" \
  "$spark" MELFORGE_SUBMIT_ARGS="--master yarn" -- --gpus-per-executor 2 run --preset auddsr
expect 0 "spark\.task\.resource\.gpu\.amount=0\.25\|--conf\|spark\.executor\.resource\.gpu\.discoveryScript=\./gpu-discovery\.sh\|.*-spark\.jar\|run\|--epochs\|3$" \
  "$spark" -- run --gpu-discovery-script ./gpu-discovery.sh --epochs 3 --gpus-per-task 0.25 --gpus-per-executor 4
# The JVM flags reach java and spark-submit as conf/jvm.options has them, even the serial filter's
# patterns run from a folder holding a path they match as a glob.
filter="$(grep -m1 -- '^-Djdk.serialFilter=' "$repo/conf/jvm.options")"
mkdir -p "$tmp/cwd/${filter//\*/x}"
for env in "" "$spark"; do
  out="$(cd "$tmp/cwd" && env -u SPARK_HOME MVN=false PATH="$tmp/bin:$PATH" $env "$tmp/submit/train" presets 2>&1)"
  checks=$((checks + 1))
  if [[ -n "$env" ]]; then
    out="$(grep -- '^spark.executor.extraJavaOptions=' <<<"$out" | tr ' ' '\n')"
  fi
  if ! grep -qxF -- "$filter" <<<"$out"; then
    echo "FAILED: submit/train presets (${env:-embedded}) did not pass $filter as it is: $out" >&2
    exit 1
  fi
done
echo "ok: $checks checks"
