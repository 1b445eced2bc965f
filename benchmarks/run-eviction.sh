#!/usr/bin/env bash
# A full cache (EvictionBenchmark): cache-aside gets over twice as many keys as the cache is sized
# for (100k entries of 100 B values), so that about every other get misses and its put evicts;
# uniform and Zipfian keys, one thread; Cellar, Caffeine's JCache (bounded by entry count), Ehcache
# off-heap and OHC (bounded by the same byte budget). One fork each, 2 x 1 s warm-up, 5 x 1 s
# measured, then the untimed hit-ratio traces (HitRatios): about 3 minutes.
#
#   benchmarks/run-eviction.sh [extra JMH options...]
#
# Writes benchmarks/results/eviction-quick.{csv,md} (ratios to caffeine, then each contender's hit
# ratio from the CSV's getOrPut1Thread:hits and :misses rows and the entries it held at the end
# from the log, then HitRatios' table) and the log; HitRatios writes results/hit-ratio.{csv,md}.
set -euo pipefail

mode=quick
settings=(-f 1 -wi 2 -w 1s -i 5 -r 1s)
groups=('dev.cellar.benchmarks.EvictionBenchmark')
source "$(dirname "$0")/run-jmh.sh"
run_jmh eviction "Eviction benchmark (a full cache)" caffeine \
  "ratios are to caffeine (Caffeine's JCache bounded by entry count), measured in this run" "$@"

# Hit ratios from the auxiliary counters, and the entries each cache held at the end (the log).
{
  echo
  echo "Hit ratio (hits / gets, over the measured iterations) and entries held at the end:"
  echo
  echo "| contender | keys | hits | misses | hit ratio | held at the end |"
  echo "|---|---|---:|---:|---:|---|"
  awk -F, '/:(hits|misses)"/ {
      gsub(/"/, "");
      key = $9 " | " $10;
      if ($1 ~ /:hits$/) { hits[key] = $5 } else { misses[key] = $5 }
      if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i];
        printf "%s | %d | %d | %.1f %% |\n", k, hits[k], misses[k], 100 * hits[k] / (hits[k] + misses[k]);
      }
    }' "$csv" | while IFS= read -r row; do
    contender=${row%% |*}
    keys=${row#* | }
    keys=${keys%% |*}
    held=$(grep -m1 -E "^$contender, $keys: .* at the end$" "$results/eviction-$mode.log" \
      | sed -e "s/^$contender, $keys: //" -e 's/ at the end$//' || true)
    echo "| $row ${held:-?} |"
  done
} >> "$summary"

# Hit ratios on the same traces for every contender, untimed (HitRatios): zipfian, uniform, a
# Zipfian trace with scans of cold keys, and one whose hot set moves.
hits="$results/hit-ratio"
echo "== hit ratios ($hits.md)"
java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx2g -XX:MaxDirectMemorySize=2g \
  -cp "$jar" dev.cellar.benchmarks.HitRatios 100000 6000000 "$hits" > /dev/null
{
  echo
  echo "Hit ratios on the same trace for every contender, untimed (\`HitRatios\`, 6M accesses, the"
  echo "last 4.5M counted; \`results/hit-ratio.csv\`):"
  echo
  cat "$hits.md"
} >> "$summary"

echo
echo "== summary ($summary)"
cat "$summary"
