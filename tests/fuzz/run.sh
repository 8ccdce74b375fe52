#!/bin/bash
# tests/fuzz/run.sh [SECONDS] [TARGET...] — builds the fuzz targets (build.sh) and seeds
# (make-seeds.sh) when needed, then runs each target for SECONDS (default 20), one after the
# other, and prints executions and crashes per target. Exit status 1 when any target found a
# crash, a leak, a timeout (> 10 s for one input) or an out-of-memory; the input is kept in
# FUZZ_BUILD/artifacts/TARGET/. The growing corpus lives in FUZZ_BUILD/corpus/TARGET/ (kept
# between runs), the seeds in FUZZ_BUILD/seeds/TARGET/, libFuzzer's log in FUZZ_BUILD/logs/.
set -uo pipefail
seconds=${1:-20}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
export FUZZ_BUILD=$build
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz-wfdb-header fuzz-wfdb-signal fuzz-annotation fuzz-ptbxl-csv fuzz-model-file
           fuzz-store-config)
fi

"$here/build.sh" >/dev/null || { echo "run.sh: building the fuzz targets failed" >&2; exit 2; }
if [ ! -d "$build/seeds" ]; then
  "$here/make-seeds.sh" "$build/seeds" >/dev/null || { echo "run.sh: no seeds" >&2; exit 2; }
fi

export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
printf '%-18s %12s %10s %8s %8s  %s\n' target executions exec/s corpus crashes artifacts
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t artifacts=$build/artifacts/$t log=$build/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "$build/logs"
  before=$(ls "$artifacts" | wc -l)
  scratch=$(mktemp -d /dev/shm/ecg-fuzz-run-XXXXXX 2>/dev/null || mktemp -d)
  ECG_FUZZ_TMPDIR=$scratch "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" \
    "$build/seeds/$t" >"$log" 2>&1
  rc=$?
  rm -rf "$scratch"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  crashes=$(( $(ls "$artifacts" | wc -l) - before ))
  if [ $rc -ne 0 ] && [ $crashes -eq 0 ]; then crashes=1; fi
  [ $crashes -ne 0 ] && status=1
  printf '%-18s %12s %10s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$(ls "$corpus" | wc -l)" \
    "$crashes" "$( [ $crashes -ne 0 ] && echo "$artifacts (log $log)")"
done
exit $status
