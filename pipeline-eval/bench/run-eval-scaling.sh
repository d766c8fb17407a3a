#!/usr/bin/env bash
# Scaling of the eval job over executors: the whole job (EvalJob.execute(), eval.report=false,
# through org.melforge.eval.bench.EvalJobBenchmark --cluster W) on Spark local-cluster[1,1,MEM]
# against local-cluster[2,1,MEM]: a standalone master and its workers in the driver JVM, each
# executor a separate JVM of one core (org.melforge.spark.LocalCluster, from pipeline-features'
# test sources, as the local-cluster tests use it), same table and checkpoint. Per preset and
# round, the W=1 JVM then the W=2 JVM; each warms up (WARMUP runs of the job, executors included)
# and times REPEATS runs. Every JVM gets OMP_NUM_THREADS=1 (one ND4J thread per executor; the
# executors inherit the environment). Prints examples/s and the scaling efficiency
# (t1 / t2) / 2 from the best run of each.
#
#   pipeline-eval/bench/run-eval-scaling.sh [ROUNDS] [PRESETS]
#
# ROUNDS (default 1), PRESETS (default vqvae-128x320). Inputs as run-eval-bench.sh (made once under
# $OUT/inputs-nN-sM). Environment: OUT (/tmp/melforge-eval-bench), WARMUP (1), REPEATS (2), BATCH (32),
# EXECUTOR_MB (3072: memory of each worker and its executor), WORKERS (1,2), JAVA_OPTS (driver,
# -Xmx4g), and those of run-eval-bench.sh / bench/common.sh. Executor logs: under
# $OUT/spark-home/work.
set -euo pipefail
source "$(dirname "$0")/common.sh"

rounds="${1:-1}"
PRESETS="${2:-vqvae-128x320}"
out="${OUT:-/tmp/melforge-eval-bench}"
warmup="${WARMUP:-1}"
repeats="${REPEATS:-2}"
batch="${BATCH:-32}"
mem="${EXECUTOR_MB:-3072}"
IFS=, read -r -a workers <<<"${WORKERS:-1,2}"
inputs="$(inputs_dir "$out")"
prepare_eval_inputs "$inputs"
# local-cluster workers build executor commands from SPARK_HOME (a folder with jars/, which may be
# empty) and keep their work folders there; the executor class path is this JVM's -cp.
export SPARK_HOME="$out/spark-home"
mkdir -p "$SPARK_HOME/jars" "$out/runs"

echo "machine: $(machine_line)"
run_cluster() {  # preset workers round
  env "${single_thread_env[@]}" java "${jvm_flags[@]}" "$log4j" ${JAVA_OPTS:--Xmx4g} -cp "$cp" \
    org.melforge.eval.bench.EvalJobBenchmark run --cluster "$2" --cluster-memory-mb "$mem" \
    --checkpoint "$inputs/train/$1" --table "$(table_of "$inputs" "$1")" --split valid \
    --out "$out/runs/cluster$2-$1-r$3" --warmup "$warmup" --repeats "$repeats" --batch-size "$batch" \
    --scoring 0 --label "$1 W=$2" 2>"$out/runs/cluster$2-$1-r$3.log"
}
field() {  # name: the value of "name" in the JSON line on stdin
  grep -o "\"$1\": [-0-9.e]*" | head -1 | awk '{ print $2 }'
}

table="| preset | examples | round | master | best run (s) | examples/s | speed-up over W=1 | efficiency (t1 / tW) / W |"$'\n'
table+="|---|---|---|---|---|---|---|---|"$'\n'
for ((r = 1; r <= rounds; r++)); do
  for preset in ${PRESETS//,/ }; do
    t1=""
    for w in "${workers[@]}"; do
      o="$(run_cluster "$preset" "$w" "$r")"
      echo "$o"
      b="$(grep '"best": true' <<<"$o")"
      t="$(field seconds <<<"$b")"
      [[ -z "$t1" ]] && t1="$t"
      table+="| $preset | $(field examples <<<"$b") | $r | local-cluster[$w,1,$mem] | $t | $(field examples_per_s <<<"$b") | $(awk -v a="$t1" -v b="$t" 'BEGIN { printf "%.2f", a / b }') | **$(awk -v a="$t1" -v b="$t" -v w="$w" 'BEGIN { printf "%.2f", a / b / w }')** |"$'\n'
    done
  done
done
echo
echo "$table"
