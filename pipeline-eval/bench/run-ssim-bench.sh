#!/usr/bin/env bash
# SSIM pairs per second on one thread: MelForge's org.melforge.eval.metrics.Ssim (the eval job's
# per-example SSIM; org.melforge.eval.bench.SsimPairsBenchmark, -XX:ActiveProcessorCount=1) against
# Debian's scikit-image, structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
# use_sample_covariance=False, data_range=2.0) (bench/ssim_skimage.py, OMP_NUM_THREADS=1 and the
# other thread variables at 1), on the same random 128x320 float32 pairs (one .npy file both read),
# one Java process and one Python process per round, alternating. Prints every repetition, the
# per-round table and the ratio MelForge / scikit-image (best repetition of each side).
#
#   pipeline-eval/bench/run-ssim-bench.sh [ROUNDS]
#
# ROUNDS (default 3). Environment: PAIRS (32 pairs in the file), SHAPE (128x320), WARMUP_SECONDS /
# ROUND_SECONDS / REPS (per process: warm-up, length of a timed repetition, repetitions; 3 / 3 / 3),
# OUT (/tmp/melforge-eval-bench/ssim), and those of bench/common.sh (BUILD_DIR, SKIP_BUILD, PYTHON).
set -euo pipefail
source "$(dirname "$0")/common.sh"

rounds="${1:-3}"
pairs="${PAIRS:-32}"
shape="${SHAPE:-128x320}"
warmup="${WARMUP_SECONDS:-3}"
seconds="${ROUND_SECONDS:-3}"
reps="${REPS:-3}"
out="${OUT:-/tmp/melforge-eval-bench/ssim}"
mkdir -p "$out"
file="$out/pairs-$pairs-$shape.npy"

# The pairs: a uniform in [-1, 1], b a noisy copy (reconstruction-like), float32, seeded.
"$python" - "$file" "$pairs" "${shape%x*}" "${shape#*x}" <<'PY'
import sys
import numpy as np
path, n, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(20261122)
a = rng.uniform(-1, 1, (n, rows, cols))
b = np.clip(0.8 * a + rng.normal(0, 0.25, a.shape), -1, 1)
np.save(path, np.stack([a, b], 1).astype(np.float32))
PY

echo "machine: $(machine_line)"
run_java() {
  env "${single_thread_env[@]}" java -XX:ActiveProcessorCount=1 "${jvm_flags[@]}" -Xmx2g \
    -cp "$cp" org.melforge.eval.bench.SsimPairsBenchmark "$file" "$warmup" "$seconds" "$reps"
}
run_python() {
  env "${single_thread_env[@]}" "$python" "$bench_here/ssim_skimage.py" "$file" "$warmup" "$seconds" "$reps"
}
field() {  # name: the value of "name" in the JSON line on stdin
  grep -o "\"$1\": [-0-9.e]*" | head -1 | awk '{ print $2 }'
}

table="| round | MelForge pairs/s | scikit-image pairs/s | MelForge / scikit-image |"$'\n'
table+="|---|---|---|---|"$'\n'
best_j=0
best_p=0
for ((r = 1; r <= rounds; r++)); do
  jo="$(run_java)"
  echo "$jo"
  po="$(run_python)"
  echo "$po"
  j="$(grep '"best": true' <<<"$jo" | field pairs_per_s)"
  p="$(grep '"best": true' <<<"$po" | field pairs_per_s)"
  mj="$(grep '"best": true' <<<"$jo" | field mean_ssim)"
  mp="$(grep '"best": true' <<<"$po" | field mean_ssim)"
  table+="$(printf '| %d | %.1f | %.1f | %.2f |' "$r" "$j" "$p" "$(awk -v a="$j" -v b="$p" 'BEGIN { print a / b }')")"$'\n'
  best_j="$(awk -v a="$j" -v b="$best_j" 'BEGIN { print (a > b ? a : b) }')"
  best_p="$(awk -v a="$p" -v b="$best_p" 'BEGIN { print (a > b ? a : b) }')"
done
table+="$(printf '| best | %.1f | %.1f | **%.2f** |' "$best_j" "$best_p" "$(awk -v a="$best_j" -v b="$best_p" 'BEGIN { print a / b }')")"
echo
echo "$pairs pairs of $shape float32; mean SSIM over the pairs: MelForge $mj, scikit-image $mp"
echo "$table"
