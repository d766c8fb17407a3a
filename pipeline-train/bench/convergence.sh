#!/usr/bin/env bash
# Convergence of gradient sharing against its fair yardstick, for every tiny preset: W workers of
# batch B (sharing.mode=shared, local[W]) against one JVM with batch W*B (sharing.mode=single),
# same learning rate, seed, epochs and therefore samples. For each preset and seed it prints the
# valid loss of the last epoch of both and their ratio, then the ratio of the means over the seeds.
# Features come from the corpora in ../shared/data (or $STUDY_DATA).
#   pipeline-train/bench/convergence.sh [EPOCHS] [extra key=value for the shared runs...]
# Environment: STUDY_PRESETS (default: the four tiny presets), STUDY_SEEDS (default: 11),
# STUDY_WORKERS W (2), STUDY_BATCH B (4), STUDY_OUT (/tmp/melforge-convergence), STUDY_TAG (a name
# for the shared runs' variant, so variants share the single-JVM runs; default: shared),
# STUDY_JAVA_OPTS (JVM options of the shared runs), STUDY_COMMON (key=value settings for both runs,
# e.g. a wider model; the one-JVM runs are then cached under a name that includes them).
# The extra settings may change the mode too: STUDY_WORKERS=1 STUDY_BATCH=8 STUDY_TAG=encoded ...
# sharing.mode=encoded compares one JVM with the same JVM whose updates pass through the encoder;
# sharing.encoding-levels=1 gives DL4J's one-level encoding instead of the default four levels.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/../.." && pwd)"
EPOCHS="${1:-20}"; shift || true
DATA="${STUDY_DATA:-$HERE/../shared/data}"
OUT="${STUDY_OUT:-/tmp/melforge-convergence}"
W="${STUDY_WORKERS:-2}"; B="${STUDY_BATCH:-4}"
PRESETS="${STUDY_PRESETS:-timbre-vae-tiny vqvae-80x128-tiny vqvae-128x320-tiny auddsr-tiny}"
SEEDS="${STUDY_SEEDS:-11}"
TAG="${STUDY_TAG:-shared}"
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
last_valid() { tail -1 "$1/history.jsonl" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["valid_total"])'; }
completed() { [[ -f "$1/history.jsonl" ]] && [[ "$(wc -l < "$1/history.jsonl")" -ge "$EPOCHS" ]]; }
printf "%-20s %5s %12s %12s %8s\n" preset seed single_W*B "${TAG}_WxB" ratio
for preset in $PRESETS; do
  table="$OUT/features/speech"; [[ "$preset" == timbre-vae-tiny || "$preset" == *80x128* ]] && table="$OUT/features/nsynth"
  singles=() shareds=()
  for seed in $SEEDS; do
    common=(--preset "$preset" --table "$table" --epochs "$EPOCHS" train.seed="$seed" train.progress-interval-seconds=600 ${STUDY_COMMON:-})
    single="$OUT/$preset-e$EPOCHS-s$seed-single${STUDY_COMMON:+-$(echo "$STUDY_COMMON" | tr ' =' '_-')}"
    shared="$OUT/$preset-e$EPOCHS-s$seed-$TAG"
    if ! completed "$single"; then
      rm -rf "$single"
      "$HERE/submit/train" run "${common[@]}" --output "$single" sharing.mode=single \
        train.batch-size=$((W * B)) > "$single.log" 2>&1
    fi
    rm -rf "$shared"
    MELFORGE_JAVA_OPTS="-Dspark.master=local[$W] ${STUDY_JAVA_OPTS:-}" "$HERE/submit/train" run "${common[@]}" \
      --output "$shared" sharing.mode=shared train.batch-size="$B" "$@" > "$shared.log" 2>&1
    s=$(last_valid "$single"); d=$(last_valid "$shared")
    singles+=("$s"); shareds+=("$d")
    printf "%-20s %5s %12.5f %12.5f %8.3f\n" "$preset" "$seed" "$s" "$d" "$(python3 -c "print($d/$s)")"
  done
  python3 - "${#singles[@]}" "${singles[@]}" "${shareds[@]}" <<'PY'
import sys
n = int(sys.argv[1]); s = [float(v) for v in sys.argv[2:2 + n]]; d = [float(v) for v in sys.argv[2 + n:]]
if n > 1:
    print("%-20s %5s %12.5f %12.5f %8.3f" % ("  mean", n, sum(s) / n, sum(d) / n, sum(d) / sum(s)))
PY
done
