#!/usr/bin/env bash
# make-screenshots.sh [BUILD_DIR] — regenerates the README's screenshots (data/screenshots/*.png).
#
# Makes a run store with two short pruning runs of the demo model on the demo records (L1 and
# energy-aware, so the Runs page has a comparison to plot), then renders the workbench's four
# pages at 1280 × 800 under Xvfb through GTK's own renderer (tests/ui/make-screenshots.c), with
# the build tree's settings schema and an in-memory settings backend (your settings are neither
# read nor changed). The ECG shown is demo1 with the ResNet1D_Attn MIT-BIH model's labels, which
# gets some of the synthetic beats wrong, so the error browser has something to show.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
out=$repo/data/screenshots
for program in "$build/app/ecgwb" "$build/tests/ui/make-screenshots"; do
  if [ ! -x "$program" ]; then
    echo "make-screenshots: $program not found: build with -Dgui=true first" >&2
    exit 1
  fi
done
command -v xvfb-run >/dev/null || { echo "make-screenshots: xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1
for method in l1 energy; do
  "$build/app/ecgwb" prune --model "$repo/data/models/CNN1D_3Class-demo.ecgm" \
    --data "$repo/data/demo" --train-records demo1,demo3 --val-records demo2 \
    --test-records demo2 --method "$method" --alpha 0.5 --beta 0 --sparsity 0.9 --steps 3 \
    --finetune-epochs 1 --kd --store "$tmp/runs.db" --json >/dev/null
done

GSETTINGS_SCHEMA_DIR=$build/resources GSETTINGS_BACKEND=memory GTK_A11Y=none NO_AT_BRIDGE=1 \
  GSK_RENDERER=cairo \
  xvfb-run -a -s '-screen 0 1280x800x24' "$build/tests/ui/make-screenshots" "$out" \
    "$repo/data/demo" demo1 "$repo/data/models/ResNet1D_Attn-mitdb-ds1.ecgm" "$tmp/runs.db"
