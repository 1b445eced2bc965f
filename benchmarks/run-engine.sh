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

groups=('dev.cellar.benchmarks.EngineBenchmark')

source "$(dirname "$0")/run-jmh.sh"
run_jmh engine "Engine benchmark" chm "" "$@"

echo
echo "== summary ($summary)"
cat "$summary"
