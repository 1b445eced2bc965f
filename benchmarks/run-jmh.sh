#!/usr/bin/env bash
# Shared by run-engine.sh, run-jcache.sh and run-footprint.sh (sourced, not run): builds the
# benchmarks jar, describes the machine, and runs a JMH suite with the allocation and CPU-time
# profilers, writing the CSV, the log and the Markdown summary under benchmarks/results/.
#
#   run_jmh NAME TITLE BASELINE NOTE [extra JMH options...]
#
# NAME names the files (NAME-<mode>.csv/.log/.md), TITLE heads the summary, BASELINE is the
# contender the ratios are taken to, NOTE (may be empty) is one more line for the summary. Reads
# the caller's `mode`, `settings` (JMH options for every invocation) and `groups`: one JMH
# invocation per element, "PATTERN [JMH options...]" split on spaces, their CSVs merged into one.
# The extra options go to every invocation.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
results="$here/results"
jar="$here/target/benchmarks.jar"

build_jar() {
  echo "== building $jar"
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
}

# The machine, the JVM and the load, as Markdown list items (load figures passed in).
describe_machine() {
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null \
    | cut -d: -f2 | sed 's/^ *//' || echo unknown)), $(free -g 2>/dev/null \
    | awk '/^Mem:/ {print $2 " GiB"}' || echo '? GiB') memory"
  echo "- java: $(java -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/ *$//')"
  echo "- load average (1, 5, 15 min) before: $1; after: $2"
}

load_average() {
  cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown
}

run_jmh() {
  local name=$1 title=$2 baseline=$3 note=$4
  shift 4
  mkdir -p "$results"
  build_jar

  csv="$results/$name-$mode.csv"
  local log="$results/$name-$mode.log"
  summary="$results/$name-$mode.md"
  local load_before load_after started start_seconds elapsed
  load_before=$(load_average)
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  start_seconds=$(date +%s)

  # -prof gc adds gc.alloc.rate.norm (bytes allocated per operation); CpuTimeProfiler adds
  # operations per CPU-second of the JVM, the figure that other load on the machine moves least
  # and that charges contenders for their background threads.
  local profilers=(-prof gc -prof dev.cellar.benchmarks.CpuTimeProfiler)
  : > "$log"
  rm -f "$csv"
  local group part index=0 waited=0
  local -a words
  for group in "${groups[@]}"; do
    index=$((index + 1))
    read -r -a words <<< "$group"
    part="$results/$name-$mode.part$index.csv"
    echo "== JMH run $index of ${#groups[@]}: $group ($mode), log in $log" | tee -a "$log"
    while true; do
      local mark status=0
      mark=$(wc -l < "$log")
      java -jar "$jar" "${words[@]}" "${settings[@]}" "${profilers[@]}" \
        -rf csv -rff "$part" "$@" 2>&1 | tee -a "$log" || status=$?
      # Another JMH run on this machine (another worktree's) holds /tmp/jmh.lock: running beside
      # it would spoil both measurements, so wait for it rather than pass -Djmh.ignoreLock.
      # grep reads to the end (no -q), so that tail never dies of SIGPIPE under pipefail.
      if tail -n +"$((mark + 1))" "$log" | grep 'Unable to acquire the JMH lock' > /dev/null; then
        echo "== another JMH run holds the lock; waiting 20 s" | tee -a "$log"
        sleep 20
        waited=$((waited + 20))
        continue
      fi
      if [[ $status -ne 0 ]]; then
        return "$status"
      fi
      break
    done
    # One header, then every invocation's rows: the parameters are the same in all of them.
    if [[ ! -f "$csv" ]]; then
      cat "$part" > "$csv"
    else
      tail -n +2 "$part" >> "$csv"
    fi
    rm -f "$part"
  done

  load_after=$(load_average)
  elapsed=$(($(date +%s) - start_seconds))
  {
    echo "# $title ($mode)"
    echo
    echo "- started: $started; took $((elapsed / 60)) min $((elapsed % 60)) s (build included)$(
      [[ $waited -gt 0 ]] && echo ", of which $waited s waiting for another JMH run to finish")"
    echo "- JMH settings: ${settings[*]} ${profilers[*]}${*:+ $*}"
    local i=0
    for group in "${groups[@]}"; do
      i=$((i + 1))
      echo "- run $i: $group"
    done
    describe_machine "$load_before" "$load_after"
    if [[ -n "$note" ]]; then
      echo "- $note"
    fi
    echo
    java -cp "$jar" dev.cellar.benchmarks.BenchmarkSummary "$csv" "$baseline"
  } > "$summary"
}
