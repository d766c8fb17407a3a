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
