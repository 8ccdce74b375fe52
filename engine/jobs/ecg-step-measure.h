/* ecg-step-measure.h — everything a run stores about one model: accuracy figures on the test
 * examples, MACs and TF-FLOPs, latency, and energy per inference by each method.
 */
#pragma once

#include <gio/gio.h>

#include "nn/ecg-model-file.h"
#include "store/ecg-step-record.h"
#include "train/ecg-evaluation.h"

G_BEGIN_DECLS

typedef struct
{
  int threads;              /* for evaluation (latency is always one thread) */
  int latency_warmup;       /* 20 */
  int latency_repeats;      /* 200 */
  int energy_inferences;    /* 200 */
  double core_power_w;      /* estimate's per-core power (5 W) */
  const char *rapl_dir;     /* NULL: the default RAPL path */
  gboolean keep_predictions;
  guint32 bootstrap_seed;
} EcgStepMeasureOptions;

void ecg_step_measure_options_init (EcgStepMeasureOptions *options);

/* Measures `model` (its normalisation and class names from `file`) on `test` as step `step`.
 * The record holds the model file's bytes and, if asked, every prediction. Returns an owned
 * record; `evaluation_out` (may be NULL) receives the evaluation. */
EcgStepRecord *ecg_step_measure (EcgModel *model, const EcgModelFile *file,
                                 const EcgExamples *test, int step,
                                 const EcgStepMeasureOptions *options,
                                 EcgEvaluation **evaluation_out, GCancellable *cancellable,
                                 GError **error);

G_END_DECLS
