#!/usr/bin/env bash
# Training throughput (samples/s) of each preset: DL4J (org.melforge.model.TrainingBenchmark)
# against the same architecture in PyTorch (bench/train_torch.py), interleaved in one run, same
# batch and thread count. Prints every round and a table with the ratio DL4J / PyTorch (best round
# of each side over all its runs).
#
#   pipeline-train/bench/run-train-bench.sh [ROUNDS] [PRESETS] [BATCHES] [THREADS]
#
# ROUNDS (default 2) alternates a Java and a Python process per cell; PRESETS, BATCHES and THREADS
# are comma lists (default: all four presets, batch 8, threads 1,2; batch 0 = the preset's own).
# Environment: WARMUP_SECONDS / ROUND_SECONDS / REPS (per process: warm-up time, time per timed
# repetition, repetitions; default 6 / 3 / 3), PYTHON (default /usr/bin/python3, Debian's python3-torch),
# BUILD_DIR (Maven build folder name, default target-bench), JAVA_OPTS (default -Xmx8g),
# ND4J_CLASSIFIER (nd4j-native build; default the pom's linux-x86_64-onednn-avx2, the fallback
# without oneDNN/AVX2 is linux-x86_64).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
module="$(dirname "$here")"
repo="$(dirname "$module")"
rounds="${1:-2}"
IFS=, read -r -a presets <<<"${2:-timbre-vae,vqvae-80x128,vqvae-128x320,auddsr}"
IFS=, read -r -a batches <<<"${3:-8}"
IFS=, read -r -a threads <<<"${4:-1,2}"
warmup="${WARMUP_SECONDS:-6}"
seconds="${ROUND_SECONDS:-3}"
reps="${REPS:-3}"
python="${PYTHON:-/usr/bin/python3}"
build="${BUILD_DIR:-target-bench}"

# In the reactor (-am: pipeline-features from this checkout; nothing has to be installed in ~/.m2).
mvn_args=(-B -q -pl pipeline-train -am "-Dbuild.dir.name=$build")
cp_file="$build/test-classpath${ND4J_CLASSIFIER:+-$ND4J_CLASSIFIER}.txt"
[[ -n "${ND4J_CLASSIFIER:-}" ]] && mvn_args+=("-Dnd4j.classifier=$ND4J_CLASSIFIER")
build_cmd=(test-compile dependency:build-classpath "-Dmdep.outputFile=$cp_file"
  -Dmdep.includeScope=test)
(cd "$repo" && { mvn -o "${mvn_args[@]}" "${build_cmd[@]}" || mvn "${mvn_args[@]}" "${build_cmd[@]}"; })
cp="$module/$build/test-classes:$module/$build/classes:$(cat "$module/$cp_file")"
mapfile -t jvm_flags < <(grep -v '^[[:space:]]*#' "$repo/conf/jvm.options" | grep -v '^[[:space:]]*$')

run_java() {  # preset batch threads
  OMP_NUM_THREADS="$3" java "${jvm_flags[@]}" ${JAVA_OPTS:--Xmx8g} \
    -Dlog4j2.level=warn -cp "$cp" org.melforge.model.TrainingBenchmark --preset "$1" \
    --batch "$2" --threads "$3" --warmup-seconds "$warmup" --round-seconds "$seconds" --rounds "$reps" 2>/dev/null \
    | grep '^{'
}
run_python() {  # preset batch threads
  OMP_NUM_THREADS="$3" MKL_NUM_THREADS="$3" "$python" "$here/train_torch.py" --preset "$1" \
    --batch "$2" --threads "$3" --warmup-seconds "$warmup" --round-seconds "$seconds" --rounds "$reps"
}
best_of() {
  grep '"best": true' | grep -o '"samples_per_s": [0-9.]*' \
    | awk '{ if ($2 > b) b = $2 } END { printf "%.2f", b }'
}

table="| preset | batch | threads | DL4J samples/s | PyTorch samples/s | DL4J / PyTorch |"$'\n'
table+="|---|---|---|---|---|---|"$'\n'
for preset in "${presets[@]}"; do
  for batch in "${batches[@]}"; do
    for t in "${threads[@]}"; do
      java_out=""
      python_out=""
      for ((r = 1; r <= rounds; r++)); do
        out="$(run_java "$preset" "$batch" "$t")"
        echo "$out"
        java_out+="$out"$'\n'
        out="$(run_python "$preset" "$batch" "$t")"
        echo "$out"
        python_out+="$out"$'\n'
      done
      b="$(grep -o '"batch": [0-9]*' <<<"$java_out" | head -1 | awk '{ print $2 }')"
      j="$(best_of <<<"$java_out")"
      p="$(best_of <<<"$python_out")"
      table+="$(printf '| %s | %s | %s | %s | %s | %.2f |' "$preset" "$b" "$t" "$j" "$p" \
        "$(awk -v a="$j" -v b="$p" 'BEGIN { print a / b }')")"$'\n'
    done
  done
done
echo
echo "$table"
