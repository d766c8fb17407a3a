#!/usr/bin/env bash
# Distributed training throughput of the train job (org.melforge.training.TrainCli, what
# submit/train runs), per preset and batch per worker B, three modes interleaved per round:
#   single    one JVM, one worker of batch B       (sharing.mode=single,    local[1])
#   shared    W workers of batch B, one JVM        (sharing.mode=shared,    local[W]) gradient sharing
#   averaging W workers of batch B, one JVM        (sharing.mode=averaging, local[W]) parameter averaging
#   shared-w1 1 worker of batch B                  (sharing.mode=shared,    local[1]) gradient sharing's
#             machinery without a second worker (its overhead per step, free of CPU contention)
#   shared-l1 as shared, with DL4J's one-level encoding (sharing.encoding-levels=1) instead of the
#             default levelled encoder
# Every JVM gets OMP_NUM_THREADS=1 (one ND4J thread per worker: W workers on W cores). Throughput =
# the job's own samples_per_second (history.jsonl: examples / training time of the epoch, no
# evaluation or checkpoint), epoch 1 dropped as warm-up, mean of the later epochs.
# Communication: the shared runs put an instrumented copy of DL4J's EncodingHandler before DL4J on
# the class path (bench/java/org/melforge/bench/EncodingCounter.java), which logs the size and
# format of every encoded update message (the first level's); the job logs the messages and bytes
# of every level at its end; every run writes a Spark event log (task result sizes, broadcast
# blocks).
#
#   pipeline-train/bench/run-distributed-bench.sh [ROUNDS] [PRESETS] [BATCHES] [EPOCHS]
#
# Defaults: 1 round, vqvae-128x320,timbre-vae, batch 8 (0 = the preset's own), 3 epochs.
# Environment: WORKERS (2), SYNC_INTERVAL (10, the job's default), OUT (/tmp/melforge-distbench),
# DATA (../shared/data), NSYNTH_COPIES / SPEECH_COPIES (8 / 2: the mini corpora are read that many
# times as separate datasets so that an epoch lasts long enough to time), BUILD_DIR (target-bench),
# SKIP_BUILD (1: reuse an earlier build),
# JAVA_OPTS (-Xmx6g), MODES (single,shared,averaging[,shared-w1]), THREAD_CPU (1: once epoch 1 is
# done, sample the CPU use of each thread of the JVM for 8 s, into thread-cpu.txt of the run),
# FIRST_ROUND (1: number of the first round, to add rounds to earlier ones). ROUNDS=0 only prints
# the report, which covers every run under $OUT/runs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
module="$(dirname "$here")"
repo="$(dirname "$module")"
rounds="${1:-1}"
IFS=, read -r -a presets <<<"${2:-vqvae-128x320,timbre-vae}"
IFS=, read -r -a batches <<<"${3:-8}"
epochs="${4:-3}"
IFS=, read -r -a modes <<<"${MODES:-single,shared,averaging}"
workers="${WORKERS:-2}"
sync="${SYNC_INTERVAL:-10}"
out="${OUT:-/tmp/melforge-distbench}"
data="${DATA:-$(cd "$repo/.." && pwd)/shared/data}"
build="${BUILD_DIR:-target-bench}"
target="$module/$build"
mkdir -p "$out/runs"

# The train jar and its class path files, built in the reactor (-am: pipeline-features from this
# checkout, nothing installed in ~/.m2; no spark-submit jar). SKIP_BUILD=1 reuses an earlier build.
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$target/classpath-runtime.txt" ]]; then
  (cd "$repo" && mvn -B -q "-Dbuild.dir.name=$build" -DskipTests -Dmelforge.shade.skip=true \
    package -pl pipeline-train -am)
fi
cp="$target/pipeline-train-0.1.0-SNAPSHOT.jar:$(cat "$target/classpath-compile.txt"):$(cat "$target/classpath-runtime.txt")"
mapfile -t jvm_flags < <(grep -v '^[[:space:]]*#' "$repo/conf/jvm.options" | grep -v '^[[:space:]]*$')
# The project's logging, plus SparkContext start/stop and shutdown hooks (to see why a run ended).
{ cat "$repo/conf/log4j2.properties"
  echo 'logger.benchctx.name = org.apache.spark.SparkContext'
  echo 'logger.benchctx.level = info'
  echo 'logger.benchhook.name = org.apache.spark.util.ShutdownHookManager'
  echo 'logger.benchhook.level = info'; } >"$out/log4j2.properties"
log4j="-Dlog4j2.configurationFile=file:$out/log4j2.properties"

# Features: every input read NSYNTH_COPIES / SPEECH_COPIES times, all rows in the train split.
if [[ ! -d "$out/features/speech" ]]; then
  {
    echo 'features {'
    echo '  inputs = ['
    for ((i = 1; i <= ${NSYNTH_COPIES:-8}; i++)); do
      echo "    { path = \"$data/nsynth-mini\", layout = nsynth, split = train, dataset = nsynth-copy$i }"
    done
    for ((i = 1; i <= ${SPEECH_COPIES:-2}; i++)); do
      echo "    { path = \"$data/librispeech-mini/LibriSpeech\", layout = librispeech, split = train, dataset = speech-copy$i }"
    done
    echo '  ]'
    echo "  output = \"$out/features\""
    echo '}'
  } >"$out/features.conf"
  java "${jvm_flags[@]}" "$log4j" -cp "$cp" org.melforge.features.FeaturesCli run \
    --conf "$out/features.conf" >"$out/features.log" 2>&1
fi

# Instrumentation: DL4J's EncodingHandler with encodeUpdates wrapped to call EncodingCounter.
instr="$out/instrumentation"
if [[ ! -f "$instr/classes/org/melforge/bench/EncodingCounter.class" ]]; then
  rm -rf "$instr" && mkdir -p "$instr/src" "$instr/classes"
  src_jar="$HOME/.m2/repository/org/deeplearning4j/deeplearning4j-nn/1.0.0-M2.1/deeplearning4j-nn-1.0.0-M2.1-sources.jar"
  [[ -f "$src_jar" ]] || (cd "$repo" && mvn -B -q dependency:get \
    -Dartifact=org.deeplearning4j:deeplearning4j-nn:1.0.0-M2.1:jar:sources)
  handler=org/deeplearning4j/optimize/solvers/accumulation/EncodingHandler.java
  (cd "$instr/src" && unzip -q "$src_jar" "$handler")
  signature='public INDArray encodeUpdates(int iteration, int epoch, INDArray updates) {'
  [[ "$(grep -cF "$signature" "$instr/src/$handler")" == 1 ]] || { echo "EncodingHandler: unexpected source" >&2; exit 1; }
  sed -i "s/^\(\s*\)public INDArray encodeUpdates(int iteration, int epoch, INDArray updates) {/\1public INDArray encodeUpdates(int iteration, int epoch, INDArray updates) {\n        INDArray encodedMessage = encodeUpdatesUncounted(iteration, epoch, updates);\n        org.melforge.bench.EncodingCounter.record(iteration, epoch, updates.length(), encodedMessage);\n        return encodedMessage;\n    }\n\n\1protected INDArray encodeUpdatesUncounted(int iteration, int epoch, INDArray updates) {/" \
    "$instr/src/$handler"
  # The sources use Lombok (@Slf4j, @NonNull), which is not on the class path: write them out.
  sed -i -e '/^import lombok\./d' -e 's/@NonNull //g' -e 's/^@Slf4j$//' \
    -e 's/^public class EncodingHandler implements MessageHandler {$/&\n    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EncodingHandler.class);/' \
    "$instr/src/$handler"
  javac -nowarn -proc:none -d "$instr/classes" -cp "$cp" \
    "$here/java/org/melforge/bench/EncodingCounter.java" "$instr/src/$handler" 2>&1 | grep -v '^Note:' || true
  OMP_NUM_THREADS=1 java "${jvm_flags[@]}" -Dlog4j2.level=warn -cp "$instr/classes:$cp" \
    org.melforge.bench.EncodingCounter 2>/dev/null | tee "$instr/selftest.txt"
fi

thread_cpu() {  # pid seconds: CPU use per thread name (new threads count from 0), % of one core
  local pid="$1" s="$2" a b
  snap() { for t in /proc/"$pid"/task/*; do c="$(tr ' ' '_' <"$t/comm" 2>/dev/null)" \
    && echo "${t##*/} $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null) ${c%%#*}"; done 2>/dev/null || true; }
  a="$(snap)"; sleep "$s"; b="$(snap)"
  awk -v s="$s" -v hz="$(getconf CLK_TCK)" 'NR == FNR { a[$1] = $2; next }
    { d = $2 - ($1 in a ? a[$1] : 0); n[$3] += d; tot += d }
    END { for (k in n) if (n[k] > 0) printf "%6.1f%% %s\n", 100 * n[k] / hz / s, k; printf "%6.1f%% TOTAL\n", 100 * tot / hz / s }' \
    <(echo "$a") <(echo "$b") | sort -rn
}

run() {  # preset batch mode round
  local preset="$1" batch="$2" mode="$3" round="$4"
  local table="$out/features/speech" threads="$workers" extra_cp=""
  [[ "$preset" == timbre-vae* || "$preset" == vqvae-80x128* ]] && table="$out/features/nsynth"
  local sharing_mode="${mode%-w1}" levels_arg=()
  sharing_mode="${sharing_mode%-l1}"
  [[ "$mode" == *-l1 ]] && levels_arg=("sharing.encoding-levels=1")
  [[ "$mode" == single || "$mode" == *-w1 ]] && threads=1
  [[ "$sharing_mode" == shared ]] && extra_cp="$instr/classes:"
  local name="$preset-b$batch-$mode-r$round" dir="$out/runs/$preset-b$batch-$mode-r$round"
  rm -rf "$dir" && mkdir -p "$dir/eventlog"
  local batch_arg=()
  [[ "$batch" != 0 ]] && batch_arg=("train.batch-size=$batch")
  local t0=$SECONDS load0
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  OMP_NUM_THREADS=1 SPARK_LOCAL_IP=127.0.0.1 java "${jvm_flags[@]}" "$log4j" ${JAVA_OPTS:--Xmx6g} \
    "-Dspark.master=local[$threads]" "-Dmelforge.bench.encoding-log=$dir/encoding.log" \
    -cp "$extra_cp$cp" org.melforge.training.TrainCli run --preset "$preset" --table "$table" \
    --output "$dir/train" --epochs "$epochs" "sharing.mode=$sharing_mode" "sharing.sync-interval=$sync" \
    "${batch_arg[@]}" "${levels_arg[@]}" train.seed=11 train.progress-interval-seconds=600 \
    'spark.settings."spark.eventLog.enabled"=true' "spark.settings.\"spark.eventLog.dir\"=\"file://$dir/eventlog\"" \
    'spark.settings."spark.eventLog.logBlockUpdates.enabled"=true' >"$dir/job.log" 2>&1 &
  local pid=$!
  if [[ "${THREAD_CPU:-0}" == 1 ]]; then
    while kill -0 "$pid" 2>/dev/null && [[ ! -s "$dir/train/history.jsonl" ]]; do sleep 1; done
    { kill -0 "$pid" 2>/dev/null && thread_cpu "$pid" 8 >"$dir/thread-cpu.txt"; } || true
  fi
  wait "$pid" || { echo "FAILED: $name (see $dir/job.log)" >&2; return 0; }
  echo "$name: $((SECONDS - t0)) s wall, load average $load0 -> $(cut -d' ' -f1 /proc/loadavg), samples/s per epoch:" \
    "$(python3 -c 'import json,sys; print(" ".join("%.2f" % json.loads(l)["samples_per_second"] for l in open(sys.argv[1])))' "$dir/train/history.jsonl")"
}

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$repo" rev-parse --short HEAD)"
for ((r = ${FIRST_ROUND:-1}; r < ${FIRST_ROUND:-1} + rounds; r++)); do
  for preset in "${presets[@]}"; do
    for batch in "${batches[@]}"; do
      for mode in "${modes[@]}"; do
        run "$preset" "$batch" "$mode" "$r"
      done
    done
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out/runs" "$workers" <<'PY'
import collections, glob, json, os, re, statistics, sys
runs, W = sys.argv[1], int(sys.argv[2])
def history(d):
    f = os.path.join(d, "train", "history.jsonl")
    return [json.loads(l) for l in open(f)] if os.path.exists(f) else []
cells = collections.defaultdict(lambda: collections.defaultdict(list))
for d in sorted(glob.glob(os.path.join(runs, "*-r*"))):
    m = re.match(r"(.+)-b(\d+)-(single|shared|averaging|shared-w1|shared-l1)-r(\d+)$", os.path.basename(d))
    h = history(d)
    if m and len(h) >= 2:
        cells[(m.group(1), m.group(2))][m.group(3)].append(
            (d, statistics.mean(e["samples_per_second"] for e in h[1:])))
print("\n## Throughput (samples/s, mean of epochs 2.., per round and mean over rounds)\n")
print("| preset | B per worker | single (1 worker) | shared (W=%d) | averaging (W=%d) | efficiency shared | efficiency averaging | shared / single | shared W=1 / single | shared / shared with one level |" % (W, W))
print("|---|---|---|---|---|---|---|---|---|---|")
for (preset, b), modes in sorted(cells.items()):
    mean = {k: statistics.mean(v for _, v in modes[k]) for k in modes if modes[k]}
    cell = lambda k: (" / ".join("%.2f" % v for _, v in modes[k]) + (" (mean %.2f)" % mean[k] if len(modes[k]) > 1 else "")) if k in mean else "-"
    eff = lambda k: "%.2f" % (mean[k] / (W * mean["single"])) if k in mean and "single" in mean else "-"
    ratio = "%.2f" % (mean["shared"] / mean["single"]) if "shared" in mean and "single" in mean else "-"
    w1 = "%.2f (%s)" % (mean["shared-w1"] / mean["single"], cell("shared-w1")) if "shared-w1" in mean and "single" in mean else "-"
    l1 = "%.2f (%s)" % (mean["shared"] / mean["shared-l1"], cell("shared-l1")) if "shared-l1" in mean and "shared" in mean else "-"
    print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (preset, b, cell("single"), cell("shared"), cell("averaging"), eff("shared"), eff("averaging"), ratio, w1, l1))
print("\n## Gradient sharing: bytes sent per level (job log; per worker per iteration, all epochs)\n")
print("| run | iterations x workers | messages per level | bytes per level per worker-iteration | total per worker-iteration |")
print("|---|---|---|---|---|")
for d in sorted(glob.glob(os.path.join(runs, "*-shared*-r*"))):
    h = history(d)
    sent = [l for l in open(os.path.join(d, "job.log")) if "gradient sharing sent, per encoding level" in l] if os.path.exists(os.path.join(d, "job.log")) else []
    if not h or not sent:
        continue
    msgs, size = [[int(v) for v in re.findall(r"\d+", part)] for part in re.search(r"messages \[(.*)\], bytes \[(.*)\]", sent[-1]).groups()]
    steps = h[-1]["global_step"] * (1 if "-shared-w1-" in os.path.basename(d) else W)
    print("| %s | %d | %s | %s | %.0f |" % (os.path.basename(d), steps, " / ".join(map(str, msgs)), " / ".join("%.0f" % (b / steps) for b in size), sum(size) / steps))
print("\n## Gradient sharing: encoded update messages (per worker per iteration; epoch 1 / later epochs)\n")
print("| run | parameters | epochs | messages | bitmap / sparse / none | bytes per message (mean) | dense 4 x params | elements sent (mean fraction) | half-threshold steps (mean fraction) |")
print("|---|---|---|---|---|---|---|---|---|")
for f in sorted(glob.glob(os.path.join(runs, "*-shared*-r*", "encoding.log"))):
    d = os.path.dirname(f)
    rows = [l.split() for l in open(f) if l.strip()]
    h = history(d)
    if not rows or not h:
        continue
    first = h[0]["global_step"]
    n = int(rows[0][3])
    for label, part in (("1", [r for r in rows if int(r[1]) < first]), ("2..", [r for r in rows if int(r[1]) >= first])):
        if not part:
            continue
        fmt = collections.Counter(r[4] for r in part)
        print("| %s | %d | %s | %d | %d / %d / %d | %.0f | %d | %.4f | %.4f |" % (os.path.basename(d), n, label, len(part), fmt["bitmap"], fmt["sparse"], fmt["none"],
              statistics.mean(4 * int(r[5]) for r in part), 4 * n, statistics.mean(int(r[6]) / n for r in part), statistics.mean(int(r[7]) / n for r in part)))
print("\n## Spark traffic per round (event log: task results, broadcast blocks)\n")
print("| run | rounds | task result bytes per round | broadcast bytes per round | largest task result |")
print("|---|---|---|---|---|")
for d in sorted(glob.glob(os.path.join(runs, "*-r*"))):
    logs = glob.glob(os.path.join(d, "eventlog", "*"))
    rf = os.path.join(d, "train", "rounds.jsonl")
    if not logs or not os.path.exists(rf):
        continue
    nrounds = sum(1 for _ in open(rf))
    results, largest, bcast = 0, 0, {}
    for line in open(logs[0]):
        e = json.loads(line)
        if e["Event"] == "SparkListenerTaskEnd" and e.get("Task Metrics"):
            r = e["Task Metrics"].get("Result Size", 0)
            results += r
            largest = max(largest, r)
        elif e["Event"] == "SparkListenerBlockUpdated":
            i = e["Block Updated Info"]
            if i["Block ID"].startswith("broadcast_") and "_piece" in i["Block ID"]:
                bcast[i["Block ID"]] = max(bcast.get(i["Block ID"], 0), i["Memory Size"] + i["Disk Size"])
    print("| %s | %d | %.0f | %.0f | %d |" % (os.path.basename(d), nrounds, results / nrounds, sum(bcast.values()) / nrounds, largest))
PY
