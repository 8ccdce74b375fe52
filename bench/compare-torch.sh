#!/usr/bin/env bash
# compare-torch.sh BUILD_DIR [THREADS] — the engine against PyTorch on the six zoo architectures.
#
# For each architecture runs `BUILD_DIR/app/ecgwb bench --arch NAME --threads N --json` and
# `/usr/bin/python3 ../shared/reference/torch_zoo.py NAME --threads N` (the reference stays in
# ../shared beside the repository; it is never copied in), one after the other so they never
# share the cores, and prints a markdown table: parameters, batch-1 latency (median, µs) with
# the C/torch ratio (< 1: the engine is faster), and inference and training throughput in
# samples/s with their C/torch ratios (> 1: the engine is faster), each with the engine's GFLOP/s
# (2 × MACs per second; training counts the forward pass only). PyTorch (Debian's python3-torch)
# is installed by this script when missing — apt-get, as root or through sudo; CI never runs it.
# Both sides keep OpenBLAS at one thread. ARCHS="A B" restricts the list; REPEAT=N (1) runs each
# pair N times, alternating, and reports each figure's median (a shared machine is noisy).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BUILD_DIR [THREADS]" >&2
  exit 2
fi
build=$1
threads=${2:-1}
case $threads in
  '' | *[!0-9]* | 0)
    echo "compare-torch: THREADS must be a positive integer, not '$threads'" >&2
    exit 2
    ;;
esac

repo=$(cd "$(dirname "$0")/.." && pwd)
reference=$repo/../shared/reference/torch_zoo.py
python=/usr/bin/python3
ecgwb=$build/app/ecgwb

if [ ! -x "$ecgwb" ]; then
  echo "compare-torch: $ecgwb not found: build it first (ninja -C $build app/ecgwb)" >&2
  exit 1
fi
if [ ! -f "$reference" ]; then
  echo "compare-torch: the PyTorch reference $reference is missing" \
       "(expected ../shared/reference/torch_zoo.py beside the repository)" >&2
  exit 1
fi
if [ ! -x "$python" ] || ! "$python" -c 'import torch' 2>/dev/null; then
  echo "compare-torch: installing Debian's python3-torch (PyTorch 1.13)..." >&2
  sudo=
  if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
  fi
  $sudo apt-get update -q >&2 && $sudo apt-get install -y -q python3-torch >&2 || {
    echo "compare-torch: could not install python3-torch; the comparison needs it" >&2
    exit 1
  }
fi

# One BLAS thread on both sides (torch slows down badly otherwise; DESIGN.md §9).
export OPENBLAS_NUM_THREADS=1
zoo="CNN1D_3Class CNN_LSTM_Attn BiLSTM_ECG ResNet1D_Attn ResNet1D_SE_Attn ConvTransformer"
archs=${ARCHS:-$zoo}
repeat=${REPEAT:-1}
case $repeat in
  '' | *[!0-9]* | 0)
    echo "compare-torch: REPEAT must be a positive integer, not '$repeat'" >&2
    exit 2
    ;;
esac

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for arch in $archs; do
  for run in $(seq "$repeat"); do
    echo "compare-torch: $arch ($threads thread(s), run $run of $repeat)..." >&2
    c=$("$ecgwb" bench --arch "$arch" --threads "$threads" --json)
    t=$("$python" "$reference" "$arch" --threads "$threads")
    printf '%s\t%s\n' "$c" "$t" >>"$results"
  done
done

"$python" - "$results" "$threads" "$repeat" <<'EOF'
import json, statistics, sys
KEYS = ("latency_us_median", "infer_samples_per_s", "train_samples_per_s")
runs = {}  # arch -> ([C results], [torch results]) in run order
for line in open(sys.argv[1]):
    c_text, t_text = line.rstrip("\n").split("\t")
    c, t = json.loads(c_text), json.loads(t_text)
    pair = runs.setdefault(c["name"], ([], []))
    pair[0].append(c)
    pair[1].append(t)

def merged(results):
    """The first run's fields with each timing replaced by its median over the runs."""
    out = dict(results[0])
    for key in KEYS:
        values = [r[key] for r in results if r.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    return out

rows = [(merged(c), merged(t)) for c, t in runs.values()]
repeats = "" if sys.argv[3] == "1" else f"; medians of {sys.argv[3]} alternating runs"
print(f"Threads: {sys.argv[2]} (OpenBLAS 1). Latency: batch 1, median; throughput: "
      f"samples/s{repeats}.\n")
print("| arch | params | MACs | latency µs C | latency µs torch | C/torch | GFLOP/s C "
      "| infer/s C | infer/s torch | C/torch | GFLOP/s C "
      "| train/s C | train/s torch | C/torch | GFLOP/s C |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
def gflops(macs, key, value):
    """2 × MACs per second: latency is µs per sample, the others samples per second."""
    if value is None or value <= 0:
        return "—"
    rate = 1e6 / value if key == "latency_us_median" else value
    return f"{2 * macs * rate * 1e-9:.1f}"
for c, t in rows:
    if c["params"] != t["params"]:
        sys.exit(f"compare-torch: {c['name']} has {c['params']} parameters in the engine "
                 f"but {t['params']} in PyTorch: not the same model")
    cells = [c["name"], f"{c['params']:,}", f"{c['macs']:,}"]
    for key, digits in zip(KEYS, (0, 1, 1)):
        a, b = c.get(key), t.get(key)  # ecgwb prints null for an undefined value
        cells += ["—" if a is None else f"{a:.{digits}f}",
                  "—" if b is None else f"{b:.{digits}f}",
                  "—" if a is None or not b else f"{a / b:.2f}",
                  gflops(c["macs"], key, a)]
    print("| " + " | ".join(cells) + " |")
EOF

# The ceiling the GFLOP/s columns are read against.
if [ -x "$build/bench/bench-sgemm" ]; then
  echo
  echo "OpenBLAS sgemm on one core (the ceiling):"
  echo
  "$build/bench/bench-sgemm"
fi
