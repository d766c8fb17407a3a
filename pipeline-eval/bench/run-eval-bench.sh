#!/usr/bin/env bash
# Eval examples per second per core: the whole eval job (org.melforge.eval.job.EvalJob.execute()
# with eval.report=false, in Spark local[1], one ND4J thread, -XX:ActiveProcessorCount=1; through
# org.melforge.eval.bench.EvalJobBenchmark) against a PyTorch loop over the same architecture
# (bench/eval_torch.py: pipeline-train/bench/train_torch.py's model of the preset, random
# initialisation, torch.set_num_threads(1)) that reads the same tensors (the split exported to .npy
# in id order) and computes the same per-example metrics (MSE, PSNR, RMSE dB, scikit-image SSIM,
# whole tensor and valid frames), loss parts and code histograms. Per preset and round, one Java
# process then one Python process; each warms up (WARMUP passes) and then times REPEATS passes.
# The Java process then times the scoring alone (the job's per-partition loop through Scorer.map,
# nothing written) for the scoring share of the job.
#
#   pipeline-eval/bench/run-eval-bench.sh [ROUNDS] [PRESETS]
#
# ROUNDS (default 1), PRESETS (default vqvae-80x128,vqvae-128x320; timbre-vae and auddsr work too).
# The inputs (features tables from the shared mini corpora, a briefly trained checkpoint per
# preset, the exported tensors) are made once under $OUT/inputs-nN-sM (see prepare_eval_inputs in
# bench/common.sh). Environment: OUT (/tmp/melforge-eval-bench), WARMUP (1), REPEATS (2), BATCH
# (32, the job's eval.batch-size), SCORING (how many times the scoring alone is timed: 1; 0: not),
# JAVA_OPTS (-Xmx6g), DATA,
# NSYNTH_COPIES, SPEECH_COPIES, TRAIN_BATCHES, and those of bench/common.sh.
set -euo pipefail
source "$(dirname "$0")/common.sh"

rounds="${1:-1}"
PRESETS="${2:-vqvae-80x128,vqvae-128x320}"
out="${OUT:-/tmp/melforge-eval-bench}"
warmup="${WARMUP:-1}"
repeats="${REPEATS:-2}"
batch="${BATCH:-32}"
inputs="$(inputs_dir "$out")"
prepare_eval_inputs "$inputs"
for preset in ${PRESETS//,/ }; do
  table="$(table_of "$inputs" "$preset")"
  npy="$inputs/npy/$(basename "$table")"
  if [[ ! -f "$npy/x.npy" ]]; then
    java "${jvm_flags[@]}" "$log4j" ${JAVA_OPTS:--Xmx6g} -Dspark.master='local[1]' -cp "$cp" \
      org.melforge.eval.bench.EvalJobBenchmark export --table "$table" --split valid --out "$npy" \
      2>"$inputs/export.log"
  fi
done
"$python" -c 'import torch' 2>/dev/null || {
  echo "[bench] PyTorch is missing for $python (Debian: apt-get install python3-torch)" >&2; exit 1; }

echo "machine: $(machine_line)"
run_java() {  # preset round
  env "${single_thread_env[@]}" java -XX:ActiveProcessorCount=1 "${jvm_flags[@]}" "$log4j" \
    ${JAVA_OPTS:--Xmx6g} -Dspark.master='local[1]' -cp "$cp" org.melforge.eval.bench.EvalJobBenchmark run \
    --checkpoint "$inputs/train/$1" --table "$(table_of "$inputs" "$1")" --split valid \
    --out "$out/runs/java-$1-r$2" --warmup "$warmup" --repeats "$repeats" --batch-size "$batch" \
    --scoring "${SCORING:-1}" --label "$1" 2>"$out/runs/java-$1-r$2.log"
}
run_python() {  # preset round
  env "${single_thread_env[@]}" "$python" "$bench_here/eval_torch.py" --preset "$1" \
    --tensors "$inputs/npy/$(basename "$(table_of "$inputs" "$1")")" \
    --out "$out/runs/python-$1-r$2" --batch "$batch" --warmup "$warmup" --repeats "$repeats" --threads 1
}
field() {  # name: the value of "name" in the JSON line on stdin
  grep -o "\"$1\": [-0-9.e]*" | head -1 | awk '{ print $2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

mkdir -p "$out/runs"
table="| preset | examples | round | MelForge job ex/s | ex/CPU-s | scoring alone ex/s | scoring share | PyTorch ex/s | ex/CPU-s | job / PyTorch | job / PyTorch per CPU-s | scoring / PyTorch |"$'\n'
table+="|---|---|---|---|---|---|---|---|---|---|---|---|"$'\n'
for ((r = 1; r <= rounds; r++)); do
  for preset in ${PRESETS//,/ }; do
    jo="$(run_java "$preset" "$r")"
    echo "$jo"
    po="$(run_python "$preset" "$r")"
    echo "$po"
    jb="$(grep '"best": true' <<<"$jo")"
    pb="$(grep '"best": true' <<<"$po")"
    j="$(field examples_per_s <<<"$jb")"
    jc="$(field examples_per_cpu_s <<<"$jb")"
    s="$(field scoring_examples_per_s <<<"$jb")"
    share="$(field scoring_share <<<"$jb")"
    p="$(field examples_per_s <<<"$pb")"
    pc="$(field examples_per_cpu_s <<<"$pb")"
    scoring_ratio="-"
    if [[ "${SCORING:-1}" == 0 ]]; then s="-"; share="-"; else scoring_ratio="$(ratio "$s" "$p")"; fi
    table+="| $preset | $(field examples <<<"$jb") | $r | $j | $jc | $s | $share | $p | $pc | **$(ratio "$j" "$p")** | $(ratio "$jc" "$pc") | $scoring_ratio |"$'\n'
  done
done
echo
echo "$table"
