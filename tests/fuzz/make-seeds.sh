#!/bin/bash
# tests/fuzz/make-seeds.sh OUT_DIR — seed corpora for the fuzz targets, one folder per target
# (OUT_DIR/fuzz-wfdb-header, ...), made from synthetic records (`ecgwb synth`), a tiny
# CardiacCNN_Distilled model (`ecgwb train`, one epoch on the demo record demo1) and small
# hand-written headers, annotations, CSV tables and JSON. Nothing here is real patient data.
# Environment: ECGWB, the ecgwb to use (default: the first built one of build-hardening, build).
set -euo pipefail
out=${1:?usage: make-seeds.sh OUT_DIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${ECGWB:-}" ]; then
  for candidate in "$src/build-hardening/app/ecgwb" "$src/build/app/ecgwb"; do
    if [ -x "$candidate" ]; then ECGWB=$candidate; break; fi
  done
fi
if [ -z "${ECGWB:-}" ] || [ ! -x "$ECGWB" ]; then
  echo "make-seeds.sh: no ecgwb found; build one (ninja -C build app/ecgwb) or set ECGWB" >&2
  exit 1
fi
export OPENBLAS_NUM_THREADS=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hdr=$out/fuzz-wfdb-header sig=$out/fuzz-wfdb-signal ann=$out/fuzz-annotation
csv=$out/fuzz-ptbxl-csv mdl=$out/fuzz-model-file cfg=$out/fuzz-store-config
rm -rf "$hdr" "$sig" "$ann" "$csv" "$mdl" "$cfg"
mkdir -p "$hdr" "$sig" "$ann" "$csv" "$mdl" "$cfg"

# --- synthetic records: short, so that a whole record fits a fuzz input ---------------------
i=0
for spec in "212 250 2 1" "16 250 2 2" "212 360 3 3" "16 100 1 4" "212 500 1 5"; do
  set -- $spec
  name=syn$i
  "$ECGWB" synth --out "$work" --name "$name" --format "$1" --fs "$2" --duration "$3" --seed "$4" \
    --heart-rate 90 --s-rate 0.2 --v-rate 0.2 >/dev/null
  cp "$work/$name.hea" "$hdr/$name.hea"
  cp "$work/$name.atr" "$ann/$name.atr"
  { cat "$work/$name.hea"; printf '\0'; cat "$work/$name.dat"; } > "$sig/$name"
  i=$((i + 1))
done
# A longer one for the annotation reader (more beats, SKIP-free increments).
"$ECGWB" synth --out "$work" --name long --duration 60 --seed 9 --s-rate 0.2 --v-rate 0.2 >/dev/null
cp "$work/long.atr" "$ann/long.atr"
cp "$src/data/demo/demo1.hea" "$hdr/demo1.hea"
cp "$src/data/demo/demo1.atr" "$ann/demo1.atr"

# --- hand-written headers: every field and format the parser knows ---------------------------
printf 'r1 1\nr1.dat 16\n' > "$hdr/minimal.hea"
printf 'r2 2 360/720(3) 100 12:00:00 01/02/2003\r\nr2.dat 212x1:0+0 200(-5)/uV 12 0 7 -123 0 MLII lead\r\nr2.dat 212 100/mV 12 1 0 456 0 V1\r\n# comment\r\n' > "$hdr/full-crlf.hea"
printf '# leading comment\nr3 3 500\n  r3.dat 8 200 8 0 10\nr3.dat 8\nr3.dat 8 0(0)/ 8 0 0 0 0 lead III\n#Age: 56\ninfo line\n' > "$hdr/comments.hea"
for f in 8 16 24 32 61 80 160 212 310 311; do
  printf 'f%s 1 128 4\nf%s.dat %s 200 0 0 0\n' "$f" "$f" "$f" > "$hdr/format-$f.hea"
done
printf 'multi/2 2 360 10\n' > "$hdr/multiseg.hea"
printf 'r 1 360\n~ 16\n' > "$hdr/null-signal.hea"

# --- header + signal pairs in each readable format -------------------------------------------
bytes='\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030'
for f in 8 16 24 32 61 80 160 212; do
  { printf 'p 2 128 4\np.dat %s 200 0 0 5\np.dat %s 200 0 0 -3\n' "$f" "$f"; printf '\0'
    printf "$bytes"; printf "$bytes"; } > "$sig/format-$f"
done
{ printf 'q 1 128\nq.dat 16+4 200 16 0 0\n'; printf '\0'; printf "$bytes"; } > "$sig/offset-no-length"
{ printf 'c 1 128 3\nc.dat 16 200 16 0 0 6\n'; printf '\0'; printf '\001\000\002\000\003\000'; } > "$sig/checksum"
{ printf 'd 2 128 2\nd1.dat 16\nd2.dat 80\n'; printf '\0'; printf '\001\002\003\004'; } > "$sig/two-files"

# --- hand-written annotations: SKIP, NUM, SUB, CHN, AUX ----------------------------------------
# Words are little-endian: code << 10 | data. N at +10 = 0x040A; SKIP = 0xEC00 then a PDP-11 long
# (high word first); AUX of 4 bytes = 0xFC04; SUB 3 = 0xF403; CHN 1 = 0xF801; NUM 2 = 0xF002;
# V (5) at +1023 = 0x17FF; rhythm (28) = 0x7000; end = 0x0000.
printf '\012\004\000\354\000\000\000\001\001\024\004\374(AFI\003\364\001\370\002\360\377\027\000\160\002\374(N\000\000' > "$ann/modifiers.atr"
printf '\000\000' > "$ann/empty.atr"
printf '\012\004' > "$ann/no-end.atr"

# --- PTB-XL tables -----------------------------------------------------------------------------
statements=',description,diagnostic,diagnostic_class,rhythm
NORM,normal ECG,1.0,NORM,
IMI,"inferior myocardial infarction, old",1.0,MI,
LVH,left ventricular hypertrophy,1.0,HYP,
NDT,"non-diagnostic T ""abnormalities""",1.0,STTC,
CLBBB,complete left bundle branch block,1.0,CD,
SR,sinus rhythm,,,1.0
'
database='ecg_id,patient_id,age,strat_fold,filename_lr,filename_hr,scp_codes
1,15709.0,56.0,3,records100/00000/00001_lr,records500/00000/00001_hr,"{'"'"'NORM'"'"': 100.0, '"'"'SR'"'"': 0.0}"
2,13243.0,19.0,2,records100/00000/00002_lr,records500/00000/00002_hr,"{'"'"'IMI'"'"': 35.0, '"'"'LVH'"'"': 100.0}"
3,20372.0,37.0,10,records100/00000/00003_lr,records500/00000/00003_hr,"{'"'"'NDT'"'"': 100.0, '"'"'CLBBB'"'"': 50.0,}"
4,17014.0,,9,records100/00000/00004_lr,records500/00000/00004_hr,{}
'
{ printf '%s' "$statements"; printf '\0'; printf '%s' "$database"; } > "$csv/tables"
{ printf '%s' "$statements" | tr '\n' '\r'; printf '\0'; printf '%s' "$database" | sed 's/$/\r/'; } > "$csv/tables-cr-crlf"
{ printf '\357\273\277%s' "$statements"; printf '\0'; printf '%s' "$database"; } > "$csv/tables-bom"
printf '%s' "$database" | sed 's/IMI/NORM/; s/LVH/SR/' > "$csv/database-only"
printf "{'NORM': 100.0, 'SR': 0.0}" > "$csv/scp-codes"
printf '{"AFIB": 1e2, "STACH": 0 , }' > "$csv/scp-codes-double"
printf '{}' > "$csv/scp-codes-empty"

# --- model files: a tiny trained CardiacCNN_Distilled, raw (mode 0) and checksum-repairing (1) -
"$ECGWB" train --arch CardiacCNN_Distilled --data "$src/data/demo" --train-records demo1 \
  --val-records none --epochs 1 --out "$work/tiny.ecgm" >/dev/null 2>&1
{ printf '\0'; cat "$work/tiny.ecgm"; } > "$mdl/tiny-raw"
{ printf '\001'; cat "$work/tiny.ecgm"; } > "$mdl/tiny-repair"
{ printf '\001'; head -c 4000 "$work/tiny.ecgm"; } > "$mdl/tiny-truncated"
printf '\001ECGWBMDL\001\000\000\000\000\000\000\000' > "$mdl/no-sections"

# --- run configurations (what ecg_prune_config_to_json writes, and variations) ----------------
printf '%s' '{"model":"dense.ecgm","data":"data/mitdb","method":"energy","alpha":0.5,"beta":0,"target_sparsity":0.5,"steps":5,"finetune_epochs":2,"kd":false,"temperature":4,"kd_weight":0.5,"train_records":null,"val_records":null,"test_records":null,"train_folds":null,"val_folds":null,"test_folds":null,"batch":128,"lr":0.0003,"seed":1,"threads":1,"latency_repeats":200,"out":null}' > "$cfg/prune-default"
printf '%s' '{"model":"m.ecgm","data":"d","method":"l1","alpha":1,"beta":3.5,"target_sparsity":0.95,"steps":100,"finetune_epochs":0,"kd":true,"temperature":2,"kd_weight":1,"train_records":"DS1-train","val_records":"none","test_records":"100,101","train_folds":"1-8","val_folds":"9","test_folds":"10","batch":1,"lr":1e-5,"seed":18446744073709551615,"threads":64,"latency_repeats":0,"out":"pruned.ecgm"}' > "$cfg/prune-extremes"
printf '%s' '{}' > "$cfg/empty-object"
printf '%s' '{"model": "x", "data": "y", "steps": "five", "alpha": [0.5], "kd": {"a": null}}' > "$cfg/wrong-types"
printf '%s' '[1, 2, {"model": "x"}]' > "$cfg/array"

for d in "$hdr" "$sig" "$ann" "$csv" "$mdl" "$cfg"; do
  echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"
done
