/* ecg-evaluation.h — a model's predictions on examples and every figure computed from them.
 *
 * Single-label (MIT-BIH): accuracy, macro-F1, per-class sensitivity / PPV / F1 / support, the
 * confusion matrix (rows reference, columns prediction) and a 95 % bootstrap interval of
 * macro-F1. Multi-label (PTB-XL): additionally macro AUROC, macro AUPRC and macro F1 at 0.5,
 * per-class AUROC and AUPRC, and the interval of macro AUROC.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "measure/ecg-metrics.h"
#include "nn/ecg-model.h"
#include "train/ecg-examples.h"

G_BEGIN_DECLS

#define ECG_EVALUATION_BOOTSTRAP_RESAMPLES 1000

typedef struct
{
  int n_classes;
  char **classes;                  /* owned, NULL-terminated */
  gboolean multi_label;
  gsize n;
  float *probabilities;            /* n × n_classes */
  int *predicted;                  /* n: argmax (single-label) */
  guint8 *labels;                  /* n × n_classes reference labels (multi-label) */
  EcgConfusion *confusion;         /* single-label */
  EcgSingleLabelMetrics *single;   /* single-label */
  EcgMultiLabelMetrics *multi;     /* multi-label */
  EcgBootstrapInterval interval;   /* of macro-F1 or macro AUROC */
} EcgEvaluation;

/* Predicts `examples` with `model` (eval mode, `threads` workers) and computes the figures;
 * `bootstrap_seed` fixes the interval. */
EcgEvaluation *ecg_evaluate (EcgModel *model, const EcgExamples *examples,
                             const char *const *classes, int threads, guint32 bootstrap_seed,
                             GCancellable *cancellable, GError **error);
/* The same from probabilities the caller already has (copied). */
EcgEvaluation *ecg_evaluation_new (const EcgExamples *examples, const float *probabilities,
                                   const char *const *classes, guint32 bootstrap_seed,
                                   GError **error);
void ecg_evaluation_free (EcgEvaluation *evaluation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgEvaluation, ecg_evaluation_free)

/* Macro-F1 for single-label; for multi-label, macro-F1 at 0.5. */
double ecg_evaluation_macro_f1 (const EcgEvaluation *evaluation);
/* Accuracy (single-label) or the fraction of exactly right label sets (multi-label). */
double ecg_evaluation_accuracy (const EcgEvaluation *evaluation);

/* The CLI's evaluation object (see `ecgwb evaluate --help`). */
JsonNode *ecg_evaluation_to_json (const EcgEvaluation *evaluation);
/* Writes `record,sample,reference,predicted,score_<class>...` rows. */
gboolean ecg_evaluation_write_predictions (const EcgEvaluation *evaluation,
                                           const EcgExamples *examples, const char *path,
                                           GError **error);

G_END_DECLS
