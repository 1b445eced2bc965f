#!/usr/bin/env bash
# The near tier's figure (NearTierBenchmark): gets of String values, 100k entries, Zipfian and
# uniform keys, one thread; Cellar without and with a near tier of 10k entries, and Caffeine's
# JCache. One fork each, 2 x 1 s warm-up, 3 x 2 s measured: about 2 minutes.
#
#   benchmarks/run-near.sh [extra JMH options...]
#
# Writes benchmarks/results/near-quick.{csv,md} (ratios to caffeine) and the log.
set -euo pipefail

mode=quick
settings=(-f 1 -wi 2 -w 1s -i 3 -r 2s)
groups=('dev.cellar.benchmarks.NearTierBenchmark')
source "$(dirname "$0")/run-jmh.sh"
run_jmh near "Near tier benchmark" caffeine \
  "ratios are to caffeine (Caffeine's JCache; a String value is returned as it is), measured in this run" "$@"

echo
echo "== summary ($summary)"
cat "$summary"
