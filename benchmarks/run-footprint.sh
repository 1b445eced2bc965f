#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs the footprint suite (Footprint): one fresh JVM
# per contender and size, each loading N entries of 1 KiB byte[] values under String keys, then
# measuring heap after full GC, direct buffers, native memory (NMT) and RSS, then a mixed run
# (90 % get, 10 % put, one thread, uniform keys) with every GC pause read from the JVM's GC log.
# An empty JVM (contender "baseline") runs first; bytes per entry are taken against it.
#
#   benchmarks/run-footprint.sh [quick|full] [extra Footprint options...]
#
# quick (default): 1M entries, every contender, 2 s warm-up then 5 s measured mixed run; 1 min
#                  21 s measured, build included.
# full:            1M and 5M entries, every contender, 5 s warm-up then 30 s measured; 9 min 7 s
#                  measured, build included (load average 0.8 to 1.6).
# Extra options go to every Footprint JVM, e.g. `quick --distribution zipfian`; the environment
# variable CONTENDERS (space-separated) narrows the contenders.
#
# Every JVM gets the same flags: -Xmx10g (5M x 1 KiB on the heap takes about 6 GB live),
# -XX:MaxDirectMemorySize=16g, G1, NMT summary, the GC log, and OHC's allocator set to Unsafe so
# that NMT sees its memory. The off-heap contenders get a byte budget per entry (the run fails if an
# entry is missing): BUDGET_PER_ENTRY (default 1536) for cellar, the smallest multiple of 64 B that
# held all 1M (it lost entries at 1472), and for ohc, whose budget is only a cap;
# EHCACHE_BUDGET_PER_ENTRY (default 1216) for ehcache-offheap, likewise the smallest that held all
# 1M and 5M (it lost entries at 1152). Ehcache allocates its whole off-heap size when the cache is
# made, so its footprint is its budget; Cellar and OHC take memory as entries arrive.
#
# Writes, under benchmarks/results/:
#   footprint-<mode>.csv   every raw figure per JVM, plus bytes per entry and pauses per 30 s
#   footprint-<mode>.md    machine, settings, definitions and the tables
#   footprint-<mode>.log   every JVM's output, and footprint-<mode>-gc/ their GC logs (git-ignored)
set -euo pipefail

mode=${1:-quick}
if [[ $# -gt 0 ]]; then
  shift
fi
case "$mode" in
  quick)
    sizes=(1000000)
    seconds=5
    warmup=2
    ;;
  full)
    sizes=(1000000 5000000)
    seconds=30
    warmup=5
    ;;
  *)
    echo "usage: $0 [quick|full] [extra Footprint options...]" >&2
    exit 2
    ;;
esac
read -r -a contenders <<< "${CONTENDERS:-cellar caffeine ehcache-offheap chm-copy ohc}"
budget_per_entry=${BUDGET_PER_ENTRY:-1536}
ehcache_budget_per_entry=${EHCACHE_BUDGET_PER_ENTRY:-1216}
value_size=1024

source "$(dirname "$0")/run-jmh.sh"
mkdir -p "$results"
build_jar

raw="$results/footprint-$mode.raw.csv"
log="$results/footprint-$mode.log"
gc_dir="$results/footprint-$mode-gc"
csv="$results/footprint-$mode.csv"
summary="$results/footprint-$mode.md"
rm -f "$raw"
rm -rf "$gc_dir"
mkdir -p "$gc_dir"
: > "$log"

jvm_flags=(
  -Xmx10g
  -XX:MaxDirectMemorySize=16g
  -XX:+UseG1GC
  -XX:NativeMemoryTracking=summary
  -Dorg.caffinitas.ohc.allocator=unsafe
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
)

load_before=$(load_average)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start_seconds=$(date +%s)
failed=()

# One fresh JVM per row, so that no contender inherits another's heap, classes or direct memory.
measure() {
  local contender=$1 entries=$2
  shift 2
  local gc_log="$gc_dir/$contender-$entries.log"
  local budget=$budget_per_entry
  if [[ $contender == ehcache-offheap ]]; then
    budget=$ehcache_budget_per_entry
  fi
  echo "== $contender, $entries entries" | tee -a "$log"
  if ! java "${jvm_flags[@]}" "-Xlog:gc:file=$gc_log:uptimemillis" \
    -cp "$jar" dev.cellar.benchmarks.Footprint \
    --contender "$contender" --entries "$entries" --value-size "$value_size" \
    --budget-per-entry "$budget" --seconds "$seconds" --warmup "$warmup" \
    --gc-log "$gc_log" --out "$raw" "$@" 2>&1 | tee -a "$log"; then
    failed+=("$contender at $entries")
  fi
}

measure baseline 0 "$@"
for entries in "${sizes[@]}"; do
  for contender in "${contenders[@]}"; do
    measure "$contender" "$entries" "$@"
  done
done

load_after=$(load_average)
elapsed=$(($(date +%s) - start_seconds))
{
  echo "# Footprint ($mode)"
  echo
  echo "- started: $started; took $((elapsed / 60)) min $((elapsed % 60)) s (build included)"
  echo "- rows: ${contenders[*]} at ${sizes[*]} entries of $value_size B values, String keys;" \
    "mixed run $seconds s after a $warmup s warm-up, one thread, 90 % get, 10 % put;" \
    "off-heap budget per entry:" \
    "$budget_per_entry B for cellar and ohc, $ehcache_budget_per_entry B for ehcache-offheap"
  echo "- JVM flags, the same for every row: ${jvm_flags[*]} -Xlog:gc:file=...:uptimemillis"
  if [[ $# -gt 0 ]]; then
    echo "- extra options: $*"
  fi
  describe_machine "$load_before" "$load_after"
  if [[ ${#failed[@]} -gt 0 ]]; then
    echo "- **failed** (see the log): ${failed[*]}"
  fi
  echo
  cat <<'EOF'
Definitions: *heap used after GC* is `MemoryMXBean` heap used after `System.gc()` repeated until it
changes by less than 1 % (at least twice, 200 ms apart so that freed direct buffers are released).
*Native outside heap* is Native Memory Tracking's committed total minus the Java heap's committed
bytes and NMT's own overhead: direct buffers, `Unsafe` memory, class metadata, threads, code and
the collector's structures. *Bytes / entry* = (heap used after GC + native outside heap, minus the
same for the empty-JVM baseline) / entries. *RSS Δ / entry* is the resident set's growth over the
baseline per entry: a cross-check that includes heap pages the collector keeps committed. GC
pauses are every `Pause` line of the JVM's own GC log (young, mixed, remark, cleanup, full) that
ends inside the measured mixed run, which follows an untimed warm-up of the same workload (the
JIT compiles, and G1 regrows the young generation that the `System.gc()` calls shrank). Keys are
built per call (`"user:" + hex`), as a caller would, and every get returns a fresh copy of the
value (JCache by value): that garbage, about 1.1 KB per get, is what the young collections of
the off-heap contenders collect.

EOF
  java -cp "$jar" dev.cellar.benchmarks.FootprintSummary "$raw" "$csv"
} > "$summary"

echo
echo "== summary ($summary)"
cat "$summary"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
