#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs the engine benchmark (EngineBenchmark: the
# off-heap engine against ConcurrentHashMap, same keys and sequences, one JMH run).
#
#   benchmarks/run-engine.sh [quick|full] [extra JMH options...]
#
# quick (default): one fork, 2 x 1 s warm-up, 3 x 2 s measurement per benchmark; about 4 minutes.
# full:            two forks, 3 x 3 s warm-up, 5 x 3 s measurement; about 15 minutes.
# Extra options go to JMH as they are, e.g. `quick -p distribution=zipfian`.
#
# Writes, under benchmarks/results/:
#   engine-<mode>.csv   JMH's CSV (scores, errors, gc.alloc.rate.norm, cpu.throughput)
#   engine-<mode>.md    the Markdown summary: machine, settings, and the table with ratios to chm
#   engine-<mode>.log   JMH's full console output (git-ignored)
set -euo pipefail

mode=${1:-quick}
if [[ $# -gt 0 ]]; then
  shift
fi
case "$mode" in
  quick) settings=(-f 1 -wi 2 -w 1s -i 3 -r 2s) ;;
  full) settings=(-f 2 -wi 3 -w 3s -i 5 -r 3s) ;;
  *)
    echo "usage: $0 [quick|full] [extra JMH options...]" >&2
    exit 2
    ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
results="$here/results"
jar="$here/target/benchmarks.jar"
mkdir -p "$results"

echo "== building $jar"
(cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)

csv="$results/engine-$mode.csv"
log="$results/engine-$mode.log"
summary="$results/engine-$mode.md"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "== running EngineBenchmark ($mode), log in $log"
# -prof gc adds gc.alloc.rate.norm (bytes allocated per operation); CpuTimeProfiler adds
# operations per CPU-second of the JVM, the figure that other load on the machine moves least.
profilers=(-prof gc -prof dev.cellar.benchmarks.CpuTimeProfiler)
java -jar "$jar" 'dev.cellar.benchmarks.EngineBenchmark' "${settings[@]}" "${profilers[@]}" \
  -rf csv -rff "$csv" "$@" 2>&1 | tee "$log"

load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
{
  echo "# Engine benchmark ($mode)"
  echo
  echo "- started: $started; JMH settings: ${settings[*]} ${profilers[*]}${*:+ $*}"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null \
    | cut -d: -f2 | sed 's/^ *//' || echo unknown)), $(free -g 2>/dev/null \
    | awk '/^Mem:/ {print $2 " GiB"}' || echo '? GiB') memory"
  echo "- java: $(java -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/ *$//')"
  echo "- load average (1, 5, 15 min) before: $load_before; after: $load_after"
  echo
  java -cp "$jar" dev.cellar.benchmarks.BenchmarkSummary "$csv" chm
} > "$summary"

echo
echo "== summary ($summary)"
cat "$summary"
