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

source "$(dirname "$0")/run-jmh.sh"
run_jmh jcache "JCache benchmark" "$pattern" caffeine \
  "ratios are to caffeine (Caffeine's JCache, store by value), measured in this run" "$@"

java -Djava.awt.headless=true -cp "$jar" dev.cellar.benchmarks.BenchmarkChart "$csv" \
  "$results/jcache-$mode.png" caffeine

echo
echo "== summary ($summary, chart in $results/jcache-$mode.png)"
cat "$summary"
