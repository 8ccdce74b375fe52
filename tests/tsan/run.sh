#!/usr/bin/env bash
# ThreadSanitizer run of the engine's thread tests (issue 6):
#
#   tests/tsan/run.sh [BUILD_DIR [SUITE...]]      (default: build-tsan, suites jobs and train)
#
# Configures BUILD_DIR with GUI off and -Db_sanitize=thread, links glib-annotations.c into every
# executable with -Wl,--wrap for the GLib functions it annotates (see that file for why), and
# runs the tests of SUITE... (meson test builds only what they need) with tsan.supp, GSlice off
# and OpenBLAS on one thread (its own threads are invisible to TSan like GLib's). Extra meson
# options come from MESON_SETUP_ARGS. Any report fails the test that printed it (exit 66).
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${1:-build-tsan}
shift || true
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(jobs train)

wrapped=(g_mutex_lock g_mutex_trylock g_mutex_unlock g_cond_wait g_cond_wait_until
         g_task_run_in_thread g_task_propagate_boolean g_task_propagate_pointer
         g_task_propagate_int g_task_propagate_value
         g_thread_pool_new g_thread_pool_push g_thread_pool_free)
object="$PWD/$build_dir/tsan/glib-annotations.o"
link_args="-Wl$(printf ',--wrap=%s' "${wrapped[@]}") $object"

# The object first: meson links its compiler sanity check with c_link_args.
mkdir -p "$build_dir/tsan"
# shellcheck disable=SC2046
"${CC:-cc}" -std=gnu11 -O1 -g -fPIC -Wall -Wextra -Werror -Wmissing-prototypes \
  $(pkg-config --cflags gio-2.0) -c tests/tsan/glib-annotations.c -o "$object"
setup=(-Dgui=false -Db_sanitize=thread -Db_lundef=false "-Dc_link_args=$link_args")
# shellcheck disable=SC2086
if [ -f "$build_dir/build.ninja" ]; then
  meson setup --reconfigure "$build_dir" "${setup[@]}" ${MESON_SETUP_ARGS:-} >/dev/null
else
  meson setup "$build_dir" "${setup[@]}" ${MESON_SETUP_ARGS:-}
fi

suite_args=()
for s in "${suites[@]}"; do
  suite_args+=(--suite "$s")
done
G_SLICE=always-malloc OPENBLAS_NUM_THREADS=1 \
  TSAN_OPTIONS="suppressions=$PWD/tests/tsan/tsan.supp second_deadlock_stack=1" \
  meson test -C "$build_dir" --print-errorlogs --timeout-multiplier 3 "${suite_args[@]}"
