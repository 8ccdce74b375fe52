/* fuzz-common.h — what every libFuzzer target of tests/fuzz shares (see README.md). */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The libFuzzer entry points (declared here for -Wmissing-prototypes). */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Once per process: GLib criticals and warnings abort (a g_return_if_fail tripped by an input is
 * a finding), and the engine's informational log lines are dropped to keep the output short. */
void ecg_fuzz_init (void);

/* Splits `data` at its first NUL byte: the part before (NUL-terminated copy, owned by the
 * caller) and the bytes after it (borrowed). Without a NUL, *rest is NULL and *rest_size 0. */
char *ecg_fuzz_split (const uint8_t *data, size_t size, const uint8_t **rest, size_t *rest_size);

/* A private folder for this process, removed with its files when the process exits. Owned by
 * the fuzz helpers (do not free). */
const char *ecg_fuzz_tmpdir (void);

G_END_DECLS
