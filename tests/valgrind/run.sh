#!/usr/bin/env bash
# valgrind memcheck on a small `ecgwb train` and `ecgwb prune` of the bundled demo model
# (issue 6). Prints TAP; exit 1 when valgrind reports an error or a leak in either run.
#
#   tests/valgrind/run.sh ECGWB [WORK_DIR]
#
# Registered as the meson test 'memcheck' of suite 'valgrind', which the default test setup
# leaves out: run it with `meson test -C BUILD --setup valgrind --suite valgrind`.
#
# Kept small for CI: two short synthetic records from `ecgwb synth` (30 s, about 40 beats
# each, with S and V beats), one epoch of CNN1D_3Class, and one pruning step of the demo model
# with one fine-tuning epoch and single latency and energy runs.
# Suppressions (memcheck.supp) cover only one-time allocations inside GLib's type system and
# OpenBLAS's thread setup, which live until exit by design.
set -uo pipefail
ecgwb=${1:?usage: run.sh ECGWB [WORK_DIR]}
source_root=$(cd "$(dirname "$0")/../.." && pwd)
work=${2:-$(mktemp -d)}
mkdir -p "$work"
rm -f "$work"/runs.db* "$work"/*.valgrind.log

export OPENBLAS_NUM_THREADS=1 G_SLICE=always-malloc G_DEBUG=gc-friendly
# OpenBLAS's SSE3 kernels: memcheck runs them about 9 times faster than the AVX2 ones (and
# valgrind 3.19 has no AVX-512). OpenBLAS itself is not what is checked here.
export OPENBLAS_CORETYPE=Prescott
memcheck=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
          --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible
          --num-callers=40 --suppressions="$source_root/tests/valgrind/memcheck.supp")

echo "1..2"
status=0
for seed in 1 2; do
  "$ecgwb" synth --out "$work" --name "syn$seed" --seed "$seed" --duration 30 --heart-rate 80 \
    --s-rate 0.15 --v-rate 0.15 >/dev/null || { echo "Bail out! ecgwb synth failed"; exit 1; }
done

# Runs "${memcheck[@]}" on `ecgwb ARGS...`; one TAP line named NAME.
check () {
  local n=$1 name=$2
  shift 2
  local log="$work/$name.valgrind.log"
  local started=$SECONDS
  "${memcheck[@]}" --log-file="$log" "$ecgwb" "$@" >"$work/$name.out" 2>"$work/$name.err"
  local code=$?
  local seconds=$((SECONDS - started))
  if [ $code -eq 0 ]; then
    echo "ok $n - $name ($seconds s)"
  else
    status=1
    echo "not ok $n - $name: exit $code ($seconds s)"
    sed 's/^/# /' "$work/$name.err" | tail -5
    sed 's/^/# /' "$log"
  fi
}

check 1 train train --arch CNN1D_3Class --data "$work" --train-records syn1 --val-records syn2 \
  --epochs 1 --store "$work/runs.db" --out "$work/trained.ecgm" --json
check 2 prune prune --model "$source_root/data/models/CNN1D_3Class-demo.ecgm" --data "$work" \
  --train-records syn1 --val-records syn2 --test-records syn2 --steps 1 --sparsity 0.5 \
  --finetune-epochs 1 --latency-repeats 1 --energy-inferences 1 --store "$work/runs.db" \
  --out "$work/pruned.ecgm" --json
exit $status
