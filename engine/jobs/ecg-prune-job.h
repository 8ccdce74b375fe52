/* ecg-prune-job.h — iterative pruning with fine-tuning and distillation, step by step into the
 * run store (DESIGN.md §6, §8).
 *
 * Step 0 is the dense model, measured like every other step. Step t = 1..K prunes to the
 * schedule's budget (L1 or energy-aware importance; with class_aware, blended with the
 * class-aware saliency of compress/ecg-saliency.h computed on the validation examples of the
 * current model, never on the test examples), fine-tunes F epochs with the masks
 * enforced (optionally distilling from the dense teacher), measures the model on the test
 * examples, and commits the step (figures, per-class results, training-loss curve, the model
 * and its predictions) in one transaction. A run killed at any moment keeps its committed
 * steps and resumes after the last one.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "compress/ecg-importance.h"
#include "jobs/ecg-job.h"

G_BEGIN_DECLS

typedef struct
{
  char *model_path;           /* the dense model file */
  char *data_dir;
  EcgImportanceMethod method; /* L1 or energy-aware */
  double alpha;               /* energy-aware: weight of |w| (0.5) */
  double beta;                /* schedule rate, 0 = linear (0) */
  double target_sparsity;     /* fraction of prunable weights, 0..0.95 */
  int steps;                  /* K (5) */
  int finetune_epochs;        /* F (2) */
  gboolean structured;        /* remove whole channels: target = fraction of channels per layer */
  gboolean class_aware;       /* blend the class-aware saliency into I (unstructured only) */
  double class_aware_weight;  /* g of I' = (1-g) I/max I + g S/max S (0.5) */
  gboolean kd;                /* distil from the dense model */
  double temperature;         /* T (4) */
  double kd_weight;           /* a (0.5) */
  char *train_records;        /* MIT-BIH lists (defaults DS1-train / DS1-val / DS2) */
  char *val_records;
  char *test_records;
  char *train_folds;          /* PTB-XL (defaults 1-8 / 9 / 10) */
  char *val_folds;
  char *test_folds;
  int batch_size;             /* 128 */
  double learning_rate;       /* fine-tuning (3e-4) */
  guint64 seed;
  int threads;
  int latency_repeats;        /* 200 */
  char *store_path;
  char *out_path;             /* the final model, or NULL */
  int max_train_examples;     /* 0 = all; else a seeded random subset of the split, the same */
  int max_val_examples;       /*   the train job draws for the same seed */
  int max_test_examples;      /*   (ecg_train_subset_seed) */
  int energy_inferences;      /* runs for the measured-or-estimated energy (200) */
  char *tag;                  /* the config's "reproduce" member (what made the run), or NULL */
} EcgPruneConfig;

EcgPruneConfig *ecg_prune_config_new (void);
void ecg_prune_config_free (EcgPruneConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgPruneConfig, ecg_prune_config_free)
/* Out-of-range settings give ECG_ERROR_INVALID naming the setting. */
gboolean ecg_prune_config_validate (const EcgPruneConfig *config, GError **error);
/* The run's config JSON, and back (for resume). */
JsonObject *ecg_prune_config_to_json (const EcgPruneConfig *config);
EcgPruneConfig *ecg_prune_config_from_json (JsonObject *object, GError **error);

/* An EcgJobFunc over an EcgPruneConfig: creates the run in the store and runs it to the end.
 * The new run's id is written to config->run_id... see ecg_prune_job_run. */
gboolean ecg_prune_job_run (EcgPruneConfig *config, gint64 *run_id, EcgJobProgressFunc progress,
                            gpointer progress_data, GCancellable *cancellable, GError **error);
/* Continues run `run_id` of `store_path` after its last committed step. */
gboolean ecg_prune_job_resume (const char *store_path, gint64 run_id, int threads,
                               EcgJobProgressFunc progress, gpointer progress_data,
                               GCancellable *cancellable, GError **error);

G_END_DECLS
