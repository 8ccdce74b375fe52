/* test-util.h — helpers shared by the g_test suites. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The staged real data (../shared/data) from ECGWB_DATA joined with `subdir` (e.g. "mitdb"),
 * or NULL after calling g_test_skip() with a message when ECGWB_DATA is unset or lacks it.
 * Usage: g_autofree char *dir = ecg_test_data_dir ("mitdb"); if (!dir) return; */
char *ecg_test_data_dir (const char *subdir);

/* A fresh temporary folder for one test case, removed (with its files) by ecg_test_tmpdir_free. */
char *ecg_test_tmpdir_new (void);
void ecg_test_tmpdir_free (char *dir);

/* Writes `length` bytes to dir/name and returns the full path (owned). Fails the test on error. */
char *ecg_test_write_file (const char *dir, const char *name, const void *bytes, gssize length);

G_END_DECLS
