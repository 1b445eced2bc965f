#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs the JCache comparison (JCacheBenchmark: Cellar,
# Caffeine's JCache, Ehcache off-heap, a copying ConcurrentHashMap and OHC, same keys and
# sequences, so their ratios are comparable).
#
#   benchmarks/run-jcache.sh [quick|full] [extra JMH options...]
#
# quick (default): get and put, 1 thread, 100 B values, 100k entries, uniform and Zipfian keys,
#                  every contender; one fork, 2 x 1 s warm-up, 3 x 2 s measured; about 3 minutes.
# full:            every workload value of issue 7 (100 B and 1 KiB values, 100k and 1M entries,
#                  uniform and Zipfian 0.99 keys, get, put and 90/10 mixed, 1 and 2 threads), not
#                  as the whole cross product (240 forks, 35 to 40 minutes) but as a covering
#                  design of 70 forks in six JMH runs, every contender in each:
#                    1. get, put, mixed; 1 thread; 100 B, 100k; uniform and Zipfian   (30 forks)
#                    2. get; 2 threads; 100 B, 100k; uniform and Zipfian             (10 forks)
#                    3. put, mixed; 2 threads; 100 B, 100k; Zipfian                  (10 forks)
#                    4. get, put; 1 thread; 1 KiB, 1M; uniform                       (10 forks)
#                    5. get; 1 thread; 100 B, 1M; uniform                            (5 forks)
#                    6. get; 1 thread; 1 KiB, 100k; uniform                          (5 forks)
#                  Runs 1 to 3 hold the rows the speed goals read (get 100 B/100k/Zipfian,
#                  put 100 B, 2-thread get against 1-thread get), run 4 the 1M x 1 KiB get; runs
#                  4 to 6 with run 1's uniform get separate the entry count from the value size.
#                  One fork each, 2 x 1 s warm-up (the first includes the set-up), 5 x 1 s
#                  measured. Measured: 10 min 16 s on the quiet 2-core machine (10 min 49 s at load
#                  average 1.6 to 2.2 from other builds); 8 min 35 s with 3 measured iterations.
# Extra options go to JMH as they are (to every run), e.g. `quick -p contender=cellar,caffeine`.
#
# Writes, under benchmarks/results/:
#   jcache-<mode>.csv   JMH's CSV (scores, errors, gc.alloc.rate.norm, cpu.throughput), all runs
#   jcache-<mode>.md    the Markdown summary: machine, settings, the table with ratios to caffeine
#   jcache-<mode>.png   the chart: ops per CPU-second of each contender relative to caffeine
#   jcache-<mode>.log   JMH's full console output (git-ignored)
set -euo pipefail

mode=${1:-quick}
if [[ $# -gt 0 ]]; then
  shift
fi
bench='dev.cellar.benchmarks.JCacheBenchmark'
case "$mode" in
  quick)
    settings=(-f 1 -wi 2 -w 1s -i 3 -r 2s)
    groups=("$bench.(get|put)1Thread -p valueSize=100 -p entries=100000")
    ;;
  full)
    settings=(-f 1 -wi 2 -w 1s -i 5 -r 1s)
    groups=(
      "$bench.(get|put|mixed)1Thread -p valueSize=100 -p entries=100000"
      "$bench.get2Threads -p valueSize=100 -p entries=100000"
      "$bench.(put|mixed)2Threads -p valueSize=100 -p entries=100000 -p distribution=zipfian"
      "$bench.(get|put)1Thread -p valueSize=1024 -p entries=1000000 -p distribution=uniform"
      "$bench.get1Thread -p valueSize=100 -p entries=1000000 -p distribution=uniform"
      "$bench.get1Thread -p valueSize=1024 -p entries=100000 -p distribution=uniform"
    )
    ;;
  *)
    echo "usage: $0 [quick|full] [extra JMH options...]" >&2
    exit 2
    ;;
esac

source "$(dirname "$0")/run-jmh.sh"
run_jmh jcache "JCache benchmark" caffeine \
  "ratios are to caffeine (Caffeine's JCache, store by value), measured in this run" "$@"

java -Djava.awt.headless=true -cp "$jar" dev.cellar.benchmarks.BenchmarkChart "$csv" \
  "$results/jcache-$mode.png" caffeine

echo
echo "== summary ($summary, chart in $results/jcache-$mode.png)"
cat "$summary"
