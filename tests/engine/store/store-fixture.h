/* store-fixture.h — shared fixtures of the run-store tests: stores in temporary folders, steps
 * with known figures, raw queries through the store's own connection. */
#pragma once

#include "store/ecg-run-store.h"

G_BEGIN_DECLS

/* Opens (creating) dir/name; the full path goes to *path when `path` is not NULL. */
EcgRunStore *store_fixture_open (const char *dir, const char *name, char **path);

/* A run of `kind` with config {"arch": "CNN1D_3Class", "method": "energy", "alpha": 0.5,
 * "beta": 2, "target_sparsity": 0.8, "steps": 5, "seed": `seed`}, started by this process. */
gint64 store_fixture_started_run (EcgRunStore *store, EcgRunKind kind, int seed);

/* A step whose every figure is a known function of `step` (see the .c); with `multi_label` it
 * has AUROC, AUPRC and F1@0.5 too. No model, no predictions. */
EcgStepRecord *store_fixture_step (int step, gboolean multi_label);

/* Fails the test unless the stored figures, classes, curve and metrics of `got` equal those of
 * `want` exactly (NaN equals NaN). */
void store_fixture_assert_step_equal (const EcgStepRecord *got, const EcgStepRecord *want);

/* The integer result of `sql` (binding ?1 = `run` when the query has a parameter) run on the
 * store's connection. */
gint64 store_fixture_query_int (EcgRunStore *store, const char *sql, gint64 run);

/* Runs `sql` (no parameters) on the store's connection; fails the test on error. */
void store_fixture_exec (EcgRunStore *store, const char *sql);

G_END_DECLS
