#!/usr/bin/env bash
# Single-threaded log-mel throughput: MelForge (Java, org.melforge.dsp) against torchaudio, decode
# included, on the same files. NSynth profile on nsynth-mini/audio/*.wav, speech profile on the
# LibriSpeech FLACs of librispeech-mini. Prints both numbers and the Java/torchaudio ratio.
#
#   pipeline-features/bench/run-logmel-bench.sh [DATA_ROOT] [ROUNDS]
#
# DATA_ROOT defaults to /work/shared/data (or $MELFORGE_DATA); ROUNDS (default 3) alternates the
# Java and Python runs to spread machine noise; the best pass and the average of the runs' means
# of each side are compared, and the best throughput per CPU-second of the benchmark thread
# (steadier when other processes share the cores).
# Environment: WARMUP / ITERATIONS (passes per run, default 3 / 5), PYTHON (default /usr/bin/python3),
# BUILD_DIR (Maven build folder name, default target-bench).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
module="$(dirname "$here")"
repo="$(dirname "$module")"
data="${1:-${MELFORGE_DATA:-/work/shared/data}}"
rounds="${2:-3}"
warmup="${WARMUP:-3}"
iterations="${ITERATIONS:-5}"
python="${PYTHON:-/usr/bin/python3}"
build="${BUILD_DIR:-target-bench}"

mapfile -t nsynth_files < <(find "$data/nsynth-mini/audio" -name '*.wav' | sort)
mapfile -t speech_files < <(find "$data/librispeech-mini" -name '*.flac' | sort)
if (( ${#nsynth_files[@]} == 0 || ${#speech_files[@]} == 0 )); then
  echo "no audio under $data (need nsynth-mini/audio/*.wav and librispeech-mini/**/*.flac)" >&2
  exit 1
fi

mvn_args=(-B -q -pl pipeline-features "-Dbuild.dir.name=$build")
build_cmd=(test-compile dependency:build-classpath "-Dmdep.outputFile=$build/runtime-classpath.txt"
  -DincludeScope=runtime)
(cd "$repo" && { mvn -o "${mvn_args[@]}" "${build_cmd[@]}" || mvn "${mvn_args[@]}" "${build_cmd[@]}"; })
cp="$module/$build/classes:$module/$build/test-classes:$(cat "$module/$build/runtime-classpath.txt")"

run_java() {
  java -XX:ActiveProcessorCount=1 -Xmx2g -cp "$cp" org.melforge.dsp.LogMelBenchmark \
    --profile "$1" --warmup "$warmup" --iterations "$iterations" --breakdown "${@:2}"
}
run_python() {
  OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 "$python" "$here/logmel_torchaudio.py" \
    --profile "$1" --warmup "$warmup" --iterations "$iterations" "${@:2}"
}
best_of() {  # best-pass audio-s/s over the given result lines
  grep -o 'best pass [0-9.]*' | awk '{ if ($3 > b) b = $3 } END { printf "%.1f", b }'
}
mean_of() {  # average of the runs' mean audio-s/s
  grep -o 'mean [0-9.]*' | awk '{ s += $2; n++ } END { printf "%.1f", s / n }'
}
cpu_of() {  # best CPU-time throughput (audio-s per CPU-second of the benchmark thread)
  grep -o 'cpu [0-9.]*' | awk '{ if ($2 > b) b = $2 } END { printf "%.1f", b }'
}

echo "files: ${#nsynth_files[@]} NSynth WAVs, ${#speech_files[@]} LibriSpeech FLACs under $data"
echo "single thread; $warmup warm-up + $iterations timed passes per run, $rounds rounds"
for profile in nsynth speech; do
  if [[ $profile == nsynth ]]; then files=("${nsynth_files[@]}"); else files=("${speech_files[@]}"); fi
  java_out=""
  python_out=""
  for ((r = 1; r <= rounds; r++)); do
    line="$(run_java "$profile" "${files[@]}")"
    echo "$line"
    java_out+="$line"$'\n'
    line="$(run_python "$profile" "${files[@]}")"
    echo "$line"
    python_out+="$line"$'\n'
  done
  j="$(best_of <<<"$java_out")"
  p="$(best_of <<<"$python_out")"
  jm="$(mean_of <<<"$java_out")"
  pm="$(mean_of <<<"$python_out")"
  printf 'RESULT %s best pass: java %s audio-s/s, torchaudio %s audio-s/s, java/torchaudio %.2f\n' \
    "$profile" "$j" "$p" "$(awk -v a="$j" -v b="$p" 'BEGIN { print a / b }')"
  printf 'RESULT %s mean:      java %s audio-s/s, torchaudio %s audio-s/s, java/torchaudio %.2f\n' \
    "$profile" "$jm" "$pm" "$(awk -v a="$jm" -v b="$pm" 'BEGIN { print a / b }')"
  jc="$(cpu_of <<<"$java_out")"
  pc="$(cpu_of <<<"$python_out")"
  printf 'RESULT %s cpu time:  java %s audio-s/cpu-s, torchaudio %s audio-s/cpu-s, java/torchaudio %.2f\n' \
    "$profile" "$jc" "$pc" "$(awk -v a="$jc" -v b="$pc" 'BEGIN { print a / b }')"
done
