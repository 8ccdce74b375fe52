#!/bin/sh
# tests/fuzz/build.sh — configures build-fuzz (clang-14, libFuzzer, ASan + UBSan) once and builds
# the fuzz targets and the ecgwb they use for seeds. Environment: FUZZ_BUILD (build folder,
# default <source>/build-fuzz), FUZZ_CC (default clang-14), JOBS (ninja -j, default 1).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
targets="fuzz-wfdb-header fuzz-wfdb-signal fuzz-annotation fuzz-ptbxl-csv fuzz-model-file
fuzz-store-config"

if [ ! -f "$build/build.ninja" ]; then
  CC=${FUZZ_CC:-clang-14} meson setup "$build" "$src" -Dfuzzing=true -Dgui=false -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja_targets=""
for t in $targets; do
  ninja_targets="$ninja_targets tests/fuzz/$t"
done
# shellcheck disable=SC2086
ninja -C "$build" -j "${JOBS:-1}" $ninja_targets
