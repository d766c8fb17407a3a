# Shared by the pipeline-eval benchmark scripts (sourced): builds pipeline-eval and the modules it
# needs in a separate Maven build folder ($BUILD_DIR, default target-bench) with the reactor
# (-pl pipeline-eval -am: nothing has to be installed in ~/.m2 first), writes the test class path,
# and defines $cp (pipeline-eval's test class path: its classes, the sibling modules' classes and
# test classes, Spark, DL4J), $jvm_flags (conf/jvm.options) and $log4j.
# Environment: BUILD_DIR (target-bench), SKIP_BUILD (1: use what an earlier run built),
# PYTHON (/usr/bin/python3: Debian's numpy, scikit-image, and torch for run-eval-bench.sh).

bench_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_module="$(dirname "$bench_here")"
bench_repo="$(dirname "$bench_module")"
build="${BUILD_DIR:-target-bench}"
python="${PYTHON:-/usr/bin/python3}"

bench_build() {
  local cp_file="$build/test-classpath.txt"
  if [[ "${SKIP_BUILD:-0}" == 1 && -f "$bench_module/$cp_file" ]]; then
    return 0
  fi
  echo "[bench] building pipeline-eval and what it needs into */$build (mvn test-compile, reactor) ..." >&2
  local args=(-B -q -pl pipeline-eval -am "-Dbuild.dir.name=$build" test-compile
    dependency:build-classpath "-Dmdep.outputFile=$cp_file" -Dmdep.includeScope=test)
  (cd "$bench_repo" && { mvn -o "${args[@]}" >/dev/null 2>&1 || mvn "${args[@]}"; }) >&2
}

bench_build
cp="$bench_module/$build/test-classes:$bench_module/$build/classes:$(cat "$bench_module/$build/test-classpath.txt")"
mapfile -t jvm_flags < <(grep -v '^[[:space:]]*#' "$bench_repo/conf/jvm.options" | grep -v '^[[:space:]]*$')
log4j="-Dlog4j2.configurationFile=file:$bench_repo/conf/log4j2.properties"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# One-thread settings for every numeric library a side might use.
single_thread_env=(OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
  NUMEXPR_NUM_THREADS=1 VECLIB_MAXIMUM_THREADS=1)

# machine_line: one line about this machine for the tables (cores, memory, load, JDK, Python libs).
machine_line() {
  local jdk py
  jdk="$(java -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')"
  py="$("$python" - <<'PY' 2>/dev/null
import importlib
out = []
for name in ("numpy", "scipy", "skimage", "torch"):
    try:
        out.append(f"{name} {importlib.import_module(name).__version__}")
    except Exception:
        out.append(f"{name} missing")
print(", ".join(out))
PY
)"
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ { print $2 }') GiB, OpenJDK $jdk, $py, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
}

# inputs_dir OUT: the folder of prepare_eval_inputs for the current NSYNTH_COPIES / SPEECH_COPIES.
inputs_dir() {
  echo "$1/inputs-n${NSYNTH_COPIES:-4}-s${SPEECH_COPIES:-2}"
}

# prepare_eval_inputs DIR: the features tables and checkpoints the eval benchmarks read, made once
# under DIR (kept for later runs; delete DIR to remake them).
#  - DIR/features/{nsynth,speech}: the shared mini corpora ($DATA, default ../shared/data next to
#    the repository or /work/shared/data, else pipeline-features/sample-data) through the features job; one copy of
#    each corpus as dataset *-train in split train (to train the checkpoints on) and
#    NSYNTH_COPIES / SPEECH_COPIES (4 / 2) copies as datasets *-copyN in split valid (what the
#    benchmarks evaluate: 384 NSynth notes, 148 speech windows of the shared corpora).
#  - DIR/train/<preset>: a checkpoint of each preset in $PRESETS, trained briefly with the train
#    job (one worker in the driver, batch 8, TRAIN_BATCHES (4) steps, one epoch, validated on its train split: the job needs a validation split).
prepare_eval_inputs() {
  local out="$1" data="${DATA:-}"
  if [[ -z "$data" ]]; then
    if [[ -d "$bench_repo/../shared/data/nsynth-mini" ]]; then
      data="$(cd "$bench_repo/../shared/data" && pwd)"
    elif [[ -d /work/shared/data/nsynth-mini ]]; then
      data=/work/shared/data
    else
      data="$bench_repo/pipeline-features/sample-data"
    fi
  fi
  local nsynth="$data/nsynth-mini" speech="$data/librispeech-mini/LibriSpeech"
  if [[ ! -d "$nsynth" ]]; then  # the bundled sample data
    nsynth="$(find "$data" -maxdepth 2 -name examples.json -printf '%h\n' | head -1)"
    speech="$(find "$data" -maxdepth 3 -name SPEAKERS.TXT -printf '%h\n' | head -1)"
  fi
  mkdir -p "$out"
  if [[ ! -f "$out/features/_summary.json" ]]; then
    echo "[bench] features job: $nsynth x (1 + ${NSYNTH_COPIES:-4}), $speech x (1 + ${SPEECH_COPIES:-2}) -> $out/features" >&2
    {
      echo 'features {'
      echo '  inputs = ['
      echo "    { path = \"$nsynth\", layout = nsynth, split = train, dataset = nsynth-train }"
      for ((i = 1; i <= ${NSYNTH_COPIES:-4}; i++)); do
        echo "    { path = \"$nsynth\", layout = nsynth, split = valid, dataset = nsynth-copy$i }"
      done
      echo "    { path = \"$speech\", layout = librispeech, split = train, dataset = speech-train }"
      for ((i = 1; i <= ${SPEECH_COPIES:-2}; i++)); do
        echo "    { path = \"$speech\", layout = librispeech, split = valid, dataset = speech-copy$i }"
      done
      echo '  ]'
      echo "  output = \"$out/features\""
      echo '}'
    } >"$out/features.conf"
    java "${jvm_flags[@]}" "$log4j" -Xmx4g -cp "$cp" org.melforge.features.FeaturesCli run \
      --conf "$out/features.conf" >"$out/features.log" 2>&1 \
      || { echo "[bench] features job failed, see $out/features.log" >&2; return 1; }
  fi
  local preset table
  for preset in ${PRESETS//,/ }; do
    table="$(table_of "$out" "$preset")"
    if [[ ! -f "$out/train/$preset/history.jsonl" ]]; then
      echo "[bench] train job: $preset on $table, ${TRAIN_BATCHES:-4} steps of 8 -> $out/train/$preset" >&2
      rm -rf "$out/train/$preset"
      env "${single_thread_env[@]}" java "${jvm_flags[@]}" "$log4j" -Xmx6g -Dspark.master='local[1]' \
        -cp "$cp" org.melforge.training.TrainCli run --preset "$preset" --table "$table" \
        --output "$out/train/$preset" --epochs 1 sharing.mode=single train.batch-size=8 \
        "train.max-batches-per-epoch=${TRAIN_BATCHES:-4}" train.valid-split=train \
        >"$out/train-$preset.log" 2>&1 \
        || { echo "[bench] train job failed, see $out/train-$preset.log" >&2; return 1; }
    fi
  done
}

# table_of OUT PRESET: the features table a preset reads (80x128 presets: nsynth; others: speech).
table_of() {
  case "$2" in
    timbre-vae* | vqvae-80x128*) echo "$1/features/nsynth" ;;
    *) echo "$1/features/speech" ;;
  esac
}
