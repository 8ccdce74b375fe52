#!/bin/sh
# Regenerates data/demo/ bit for bit: three 5-minute, 360 Hz, two-lead (MLII, V5) synthetic
# records with reference annotations. Usage: data/make-demo.sh path/to/ecgwb [OUT_DIR]
set -eu
ecgwb=${1:?usage: make-demo.sh path/to/ecgwb [OUT_DIR]}
out=${2:-$(dirname "$0")/demo}
"$ecgwb" synth --out "$out" --name demo1 --seed 1 --duration 300 --heart-rate 72 --s-rate 0.03 --v-rate 0.02
"$ecgwb" synth --out "$out" --name demo2 --seed 2 --duration 300 --heart-rate 88 --hrv 3 --s-rate 0.08 --v-rate 0.01
"$ecgwb" synth --out "$out" --name demo3 --seed 3 --duration 300 --heart-rate 64 --noise 0.02 --s-rate 0.01 --v-rate 0.10
