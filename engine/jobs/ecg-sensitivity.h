/* ecg-sensitivity.h — per-layer sensitivity analysis: macro-F1 (or macro AUROC) on validation
 * examples when one prunable layer alone is magnitude-pruned to each of several sparsities,
 * without fine-tuning. It shows which layers tolerate pruning before any run is spent.
 * Validation examples only (DS1 / folds 1-9): the analysis is a choice and never sees DS2.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jobs/ecg-job.h"
#include "nn/ecg-model.h"
#include "train/ecg-examples.h"

G_BEGIN_DECLS

/* Returns an owned JSON object {"baseline": score, "score": "macro_f1"|"macro_auroc",
 * "sparsities": [s...], "layers": [{"name", "params", "scores": [..]}]}. */
JsonObject *ecg_sensitivity_analyse (EcgModel *model, const EcgExamples *validation,
                                     const double *sparsities, int n_sparsities, int threads,
                                     EcgJobProgressFunc progress, gpointer progress_data,
                                     GCancellable *cancellable, GError **error);

G_END_DECLS
