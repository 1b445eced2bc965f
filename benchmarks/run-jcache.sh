#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs the JCache comparison (JCacheBenchmark: Cellar,
# Caffeine's JCache, Ehcache off-heap and a copying ConcurrentHashMap, same keys and sequences, one
# JMH run, so their ratios are comparable).
#
#   benchmarks/run-jcache.sh [quick|full] [extra JMH options...]
#
# quick (default): get and put, 1 thread, 100 B values, 100k entries, uniform and Zipfian keys,
#                  every contender; one fork, 2 x 1 s warm-up, 3 x 2 s measured; about 3 minutes.
# full:            every benchmark (get, put, 90/10 mixed; 1 and 2 threads) and every parameter
#                  (100 B and 1 KiB, 100k and 1M entries); one fork, 1 x 1 s warm-up, 3 x 1 s
#                  measured: 240 forks, estimated 35 to 40 minutes (not yet run).
# Extra options go to JMH as they are, e.g. `quick -p contender=cellar,caffeine`.
#
# Writes, under benchmarks/results/:
#   jcache-<mode>.csv   JMH's CSV (scores, errors, gc.alloc.rate.norm, cpu.throughput)
#   jcache-<mode>.md    the Markdown summary: machine, settings, the table with ratios to caffeine
#   jcache-<mode>.png   the chart: ops per CPU-second of each contender relative to caffeine
#   jcache-<mode>.log   JMH's full console output (git-ignored)
set -euo pipefail

mode=${1:-quick}
if [[ $# -gt 0 ]]; then
  shift
fi
case "$mode" in
  quick)
    pattern='dev.cellar.benchmarks.JCacheBenchmark.(get|put)1Thread'
    settings=(-f 1 -wi 2 -w 1s -i 3 -r 2s -p valueSize=100 -p entries=100000)
    ;;
  full)
    pattern='dev.cellar.benchmarks.JCacheBenchmark'
    settings=(-f 1 -wi 1 -w 1s -i 3 -r 1s)
    ;;
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

csv="$results/jcache-$mode.csv"
log="$results/jcache-$mode.log"
summary="$results/jcache-$mode.md"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "== running JCacheBenchmark ($mode), log in $log"
# -prof gc adds gc.alloc.rate.norm (bytes allocated per operation); CpuTimeProfiler adds
# operations per CPU-second of the JVM, the figure that other load on the machine moves least
# and that charges Caffeine and Ehcache for their background threads.
profilers=(-prof gc -prof dev.cellar.benchmarks.CpuTimeProfiler)
java -jar "$jar" "$pattern" "${settings[@]}" "${profilers[@]}" \
  -rf csv -rff "$csv" "$@" 2>&1 | tee "$log"

load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
{
  echo "# JCache benchmark ($mode)"
  echo
  echo "- started: $started; JMH: $pattern ${settings[*]} ${profilers[*]}${*:+ $*}"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null \
    | cut -d: -f2 | sed 's/^ *//' || echo unknown)), $(free -g 2>/dev/null \
    | awk '/^Mem:/ {print $2 " GiB"}' || echo '? GiB') memory"
  echo "- java: $(java -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/ *$//')"
  echo "- load average (1, 5, 15 min) before: $load_before; after: $load_after"
  echo "- ratios are to caffeine (Caffeine's JCache, store by value), measured in this run"
  echo
  java -cp "$jar" dev.cellar.benchmarks.BenchmarkSummary "$csv" caffeine
} > "$summary"

java -Djava.awt.headless=true -cp "$jar" dev.cellar.benchmarks.BenchmarkChart "$csv" \
  "$results/jcache-$mode.png" caffeine

echo
echo "== summary ($summary, chart in $results/jcache-$mode.png)"
cat "$summary"
