#!/usr/bin/env bash
# Convergence of gradient sharing against its fair yardstick, for every tiny preset: W workers of
# batch B (sharing.mode=shared, local[W]) against one JVM with batch W*B (sharing.mode=single),
# same learning rate, seed, epochs and therefore samples. Prints the valid loss of the last epoch
# of both and their ratio. Features come from the corpora in ../shared/data (or $STUDY_DATA).
#   pipeline-train/bench/convergence.sh [EPOCHS] [extra key=value for the shared runs...]
set -euo pipefail
HERE="$(cd "$(dirname "$0")/../.." && pwd)"
EPOCHS="${1:-20}"; shift || true
DATA="${STUDY_DATA:-$HERE/../shared/data}"
OUT="${STUDY_OUT:-/tmp/melforge-convergence}"
W="${STUDY_WORKERS:-2}"; B="${STUDY_BATCH:-4}"
mkdir -p "$OUT"
if [[ ! -d "$OUT/features/speech" ]]; then
  cat > "$OUT/features.conf" <<CONF
features {
  inputs = [
    { path = "$DATA/nsynth-mini", layout = nsynth, split = hash }
    { path = "$DATA/librispeech-mini/LibriSpeech", layout = librispeech, split = hash }
  ]
  output = "$OUT/features"
}
CONF
  "$HERE/submit/features" run --conf "$OUT/features.conf" >/dev/null
fi
last_valid() { tail -1 "$1/history.jsonl" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(r["valid_total"])'; }
printf "%-20s %12s %12s %8s\n" preset single_W*B shared_WxB ratio
for preset in timbre-vae-tiny vqvae-80x128-tiny vqvae-128x320-tiny auddsr-tiny; do
  table="$OUT/features/speech"; [[ "$preset" == timbre-vae-tiny || "$preset" == vqvae-80x128-tiny ]] && table="$OUT/features/nsynth"
  common=(--preset "$preset" --table "$table" --epochs "$EPOCHS" train.seed=11 train.progress-interval-seconds=600)
  rm -rf "$OUT/$preset-single" "$OUT/$preset-shared"
  "$HERE/submit/train" run "${common[@]}" --output "$OUT/$preset-single" sharing.mode=single \
    train.batch-size=$((W * B)) > "$OUT/$preset-single.log" 2>&1
  MELFORGE_JAVA_OPTS="-Dspark.master=local[$W]" "$HERE/submit/train" run "${common[@]}" \
    --output "$OUT/$preset-shared" sharing.mode=shared train.batch-size="$B" "$@" \
    > "$OUT/$preset-shared.log" 2>&1
  s=$(last_valid "$OUT/$preset-single"); d=$(last_valid "$OUT/$preset-shared")
  printf "%-20s %12.5f %12.5f %8.3f\n" "$preset" "$s" "$d" "$(python3 -c "print($d/$s)")"
done
