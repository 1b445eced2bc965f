#!/usr/bin/env bash
# Shared by run-engine.sh and run-jcache.sh (sourced, not run): builds the benchmarks jar, runs one
# JMH suite with the allocation and CPU-time profilers, and writes the CSV, the log and the
# Markdown summary under benchmarks/results/.
#
#   run_jmh NAME TITLE PATTERN BASELINE NOTE [extra JMH options...]
#
# NAME names the files (NAME-<mode>.csv/.log/.md), TITLE heads the summary, PATTERN selects the
# benchmarks, BASELINE is the contender the ratios are taken to, NOTE (may be empty) is one more
# line for the summary. Reads the caller's `mode` and `settings` (an array of JMH options).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
results="$here/results"
jar="$here/target/benchmarks.jar"

run_jmh() {
  local name=$1 title=$2 pattern=$3 baseline=$4 note=$5
  shift 5
  mkdir -p "$results"
  echo "== building $jar"
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)

  csv="$results/$name-$mode.csv"
  local log="$results/$name-$mode.log"
  summary="$results/$name-$mode.md"
  local load_before load_after started
  load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

  echo "== running $pattern ($mode), log in $log"
  # -prof gc adds gc.alloc.rate.norm (bytes allocated per operation); CpuTimeProfiler adds
  # operations per CPU-second of the JVM, the figure that other load on the machine moves least
  # and that charges contenders for their background threads.
  local profilers=(-prof gc -prof dev.cellar.benchmarks.CpuTimeProfiler)
  java -jar "$jar" "$pattern" "${settings[@]}" "${profilers[@]}" \
    -rf csv -rff "$csv" "$@" 2>&1 | tee "$log"

  load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
  {
    echo "# $title ($mode)"
    echo
    echo "- started: $started; JMH: $pattern ${settings[*]} ${profilers[*]}${*:+ $*}"
    echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null \
      | cut -d: -f2 | sed 's/^ *//' || echo unknown)), $(free -g 2>/dev/null \
      | awk '/^Mem:/ {print $2 " GiB"}' || echo '? GiB') memory"
    echo "- java: $(java -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/ *$//')"
    echo "- load average (1, 5, 15 min) before: $load_before; after: $load_after"
    if [[ -n "$note" ]]; then
      echo "- $note"
    fi
    echo
    java -cp "$jar" dev.cellar.benchmarks.BenchmarkSummary "$csv" "$baseline"
  } > "$summary"
}
