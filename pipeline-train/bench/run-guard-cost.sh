#!/usr/bin/env bash
# What sharing.dl4j.LosslessThreshold costs per step next to DL4J's own encoding of the same update, for
# updates of N elements with a share of them at or above the threshold: 0.5 (dense, like the tiny
# presets' updates) and 0.02 are estimated from a sample, 0.05 is near the handler's 1/16 limit and
# counted exactly (N from 65536 on; smaller updates are always counted exactly).
#   pipeline-train/bench/run-guard-cost.sh [N,N,...] [REPS]
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
sizes="${1:-100000,1000000,4000000}"
reps="${2:-100}"
build="${BUILD_DIR:-target-bench}"
classes="$module/$build/guard-cost"
# In the reactor (-am: pipeline-features from this checkout; nothing has to be installed in ~/.m2).
(cd "$module/.." && mvn -B -q -pl pipeline-train -am "-Dbuild.dir.name=$build" test-compile \
  dependency:build-classpath "-Dmdep.outputFile=$build/guard-cost.cp")
cp="$module/$build/classes:$(cat "$module/$build/guard-cost.cp")"
mkdir -p "$classes"
javac -nowarn -proc:none -d "$classes" -cp "$cp" "$module/bench/java/org/melforge/bench/GuardCost.java"
for n in ${sizes//,/ }; do
  for share in 0.5 0.05 0.02; do
    java -cp "$classes:$cp" org.melforge.bench.GuardCost "$n" "$reps" "$share" 2>/dev/null | grep '^n='
  done
done
