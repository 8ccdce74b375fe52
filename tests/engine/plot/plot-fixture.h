/* plot-fixture.h — a run store with two small prune runs of hand-chosen figures, shared by the
 * plot tests and the `ecgwb export` test.
 *
 * Run 1, "energy" α=0.5 β=1 (label "#1 energy α=0.5 β=1"):
 *   step  sparsity  macro-F1  accuracy  45 nm energy  proxy     train_loss by epoch
 *   0     0         0.90      0.95      2.0 µJ        10        -
 *   1     0.25      0.92      0.955     1.5 µJ        8         1: 0.5, 2: 0.4
 *   2     0.5       NaN       0.94      1.0 µJ        NaN       1: 0.45, 2: 0.35 (stored 2, 1)
 *   3     0.75      0.85      0.93      0.5 µJ        4         1: 0.6, 2: 0.5
 * Run 2, "l1" with KD (label "#2 L1 +KD"), no curves:
 *   0     0         0.88      0.94      2.0 µJ        10
 *   1     0.4       0.89      0.945     1.2 µJ        7
 *   2     0.8       0.70      0.90      0.4 µJ        3
 * Every step also has a "val_score" curve point, which loss curves ignore.
 */
#pragma once

#include "store/ecg-run-store.h"

G_BEGIN_DECLS

/* Creates dir/runs.db with the two runs (ids 1 and 2, finished) and returns its path. */
char *plot_fixture_store (const char *dir);

/* The runs 1 and 2 of that store, steps loaded (GPtrArray of EcgRun*, owned). */
GPtrArray *plot_fixture_runs (const char *store_path);

G_END_DECLS
