/* ecg-train-job.h — training a zoo architecture into a model file, optionally as a train run of
 * the run store (DESIGN.md §8).
 *
 * The one place that turns settings into a trained model: it loads the training and validation
 * examples (MIT-BIH records or PTB-XL folds), optionally keeps a seeded random subset of the
 * training examples, fits the normalisation on them, builds the architecture from the seed,
 * trains it (ecg_train: the validation score chooses the epoch) and writes the model file with
 * its provenance. `ecgwb train` and `ecgwb reproduce` both use it.
 *
 * With a store, the job is a train run: created (or, for a run that was interrupted, claimed
 * again), its heartbeat kept, and on success step 0 is committed with the model's size and cost
 * (params, MACs, TF-FLOPs, energy by methods b and c; latency and test figures are not
 * measured: testing is the evaluate and prune runs' job), the training curves (train_loss and
 * val_score per epoch), the validation figures in its metrics, and the model itself. Epochs are
 * not checkpointed: a train run that is resumed trains again from its first epoch.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jobs/ecg-job.h"
#include "nn/ecg-zoo.h"
#include "train/ecg-examples.h"
#include "train/ecg-trainer.h"

G_BEGIN_DECLS

typedef struct
{
  char *arch;                 /* a zoo architecture */
  char *data_dir;
  gboolean rr_features;       /* MIT-BIH models: the six RR features */
  char *train_records;        /* MIT-BIH lists (NULL = DS1-train / DS1-val) */
  char *val_records;          /* "none": no validation (the last epoch is kept) */
  char *train_folds;          /* PTB-XL (NULL = 1-8 / 9) */
  char *val_folds;            /* "none": no validation */
  gsize max_train_examples;   /* 0 = all; else a seeded random subset (ecg_examples_subsample) */
  gsize max_val_examples;     /* the same for the validation examples */
  int epochs;                 /* 20 */
  int batch_size;             /* 128 */
  double learning_rate;       /* 1e-3, cosine-annealed */
  double weight_decay;        /* 1e-4 */
  int patience;               /* 5; 0 = never stop early */
  gboolean balanced_sampling;
  gboolean class_weights;     /* TRUE */
  guint64 seed;               /* 1 */
  int threads;                /* 1 */
  char *out_path;             /* the model file to write (required) */
  char *store_path;           /* NULL: no run is recorded */
  char *tag;                  /* the run config's "reproduce" member, or NULL */
} EcgTrainConfig;

EcgTrainConfig *ecg_train_config_new (void);
void ecg_train_config_free (EcgTrainConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgTrainConfig, ecg_train_config_free)
/* A deep copy. Owned by the caller. */
EcgTrainConfig *ecg_train_config_copy (const EcgTrainConfig *config);
/* Out-of-range settings or an unknown architecture give ECG_ERROR_INVALID naming them. */
gboolean ecg_train_config_validate (const EcgTrainConfig *config, GError **error);
/* The run's config JSON: "arch", "data", "rr_features", "train_records", "val_records" (or the
 * folds for PTB-XL; the defaults written out), "max_train_examples", "max_val_examples",
 * "epochs", "batch", "lr",
 * "weight_decay", "patience", "balanced_sampling", "class_weights", "seed", "threads", "out",
 * and "reproduce" when tagged. Owned by the caller. */
JsonObject *ecg_train_config_to_json (const EcgTrainConfig *config);

/* The seed of the subset of split `split` (0 train, 1 validation, 2 test) for a run seeded
 * `seed`: the train and prune jobs draw the same subsets for the same seed. */
guint64 ecg_train_subset_seed (guint64 seed, int split);

/* A training job between its two phases: data loaded (train, val, norm), then trained. */
typedef struct
{
  EcgTrainConfig *config;       /* a copy */
  const EcgArchInfo *arch;
  EcgExamples *train;           /* normalised */
  EcgExamples *val;             /* normalised, or NULL without validation */
  EcgNormalisation *norm;       /* fitted on `train` */
  /* Filled by ecg_train_job_execute(): */
  EcgModel *model;
  EcgTrainResult result;
  double seconds;
  JsonObject *info;             /* the provenance written into the model file */
  gint64 run_id;                /* the train run, 0 without a store */
} EcgTrainJob;

/* Phase 1: checks the config and loads the examples. Owned by the caller. */
EcgTrainJob *ecg_train_job_prepare (const EcgTrainConfig *config, GCancellable *cancellable,
                                    GError **error);
/* Phase 2: trains, writes the model file and, with a store, records the run — a new one, or run
 * `rerun` (> 0) of the store when it is a train run that is not running or finished. Progress
 * stages: "train" per batch (epoch, batch, running loss) and "validated" after each epoch
 * (loss = the epoch's mean, val_score). Cancellation is ECG_ERROR_CANCELLED at the next batch;
 * the run is then left cancelled (failed for other errors). */
gboolean ecg_train_job_execute (EcgTrainJob *job, gint64 rerun, EcgJobProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable,
                                GError **error);
void ecg_train_job_free (EcgTrainJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgTrainJob, ecg_train_job_free)

/* Both phases; the run's id goes to *run_id (may be NULL). */
gboolean ecg_train_job_run (const EcgTrainConfig *config, gint64 rerun, gint64 *run_id,
                            EcgJobProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, GError **error);

G_END_DECLS
