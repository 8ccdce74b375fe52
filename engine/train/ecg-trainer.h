/* ecg-trainer.h — mini-batch training with early stopping, distillation and worker threads.
 *
 * One training step: the batch is split into one chunk per worker; every worker runs the
 * forward pass of its chunk (its own EcgModelRun, its own BatchNorm statistics), the loss of the
 * whole batch is computed once (so class-weighted means are exact), the workers run their
 * backward passes, their gradients are summed, and Adam/AdamW updates the one parameter buffer
 * with the pruning masks enforced. Results repeat exactly for the same seed and thread count.
 *
 * Loss: single-label softmax cross-entropy (optionally class-weighted, PyTorch's weighted mean)
 * or multi-label BCE with logits; with a teacher, knowledge distillation (DESIGN.md §6):
 *   L = (1-a) CE + a T^2 KL(softmax(z_t/T) || softmax(z_s/T))
 *   L = (1-a) mean BCE + a T^2 mean BCE(sigmoid(z_t/T), sigmoid(z_s/T))   (multi-label)
 */
#pragma once

#include <gio/gio.h>

#include "nn/ecg-model.h"
#include "nn/ecg-optimizer.h"
#include "train/ecg-examples.h"

G_BEGIN_DECLS

typedef struct
{
  int epoch;          /* 1-based */
  int n_epochs;
  gsize batch;        /* 1-based within the epoch */
  gsize n_batches;
  double loss;        /* of this batch */
  double epoch_loss;  /* mean so far in this epoch */
  double val_score;   /* after the epoch: macro-F1 or macro AUROC; NaN while training */
  gboolean epoch_done;
} EcgTrainProgress;

/* Called on the training thread; keep it short. */
typedef void (*EcgTrainProgressFunc) (const EcgTrainProgress *progress, gpointer user_data);

typedef struct
{
  int epochs;                 /* 20 */
  int batch_size;             /* 128 */
  float learning_rate;        /* 1e-3, cosine-annealed over all steps */
  float weight_decay;         /* 1e-4 */
  EcgOptimizerKind optimizer; /* AdamW */
  gboolean class_weights;     /* inverse-frequency class weights in the loss (single-label) */
  gboolean balanced_sampling; /* draw batches with equal class probability instead */
  int patience;               /* epochs without validation gain before stopping (5; 0 = off) */
  guint64 seed;
  int threads;                /* worker threads (1) */
  const EcgModel *teacher;    /* distil from this model (same inputs), or NULL */
  float kd_temperature;       /* T (4) */
  float kd_weight;            /* a (0.5) */
  EcgTrainProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
} EcgTrainOptions;

typedef struct
{
  int epochs_run;
  int best_epoch;            /* 0 when there was no validation set */
  double best_val_score;
  GArray *epoch_loss;        /* double per epoch: mean training loss */
  GArray *val_scores;        /* double per epoch */
} EcgTrainResult;

void ecg_train_options_init (EcgTrainOptions *options);
void ecg_train_result_clear (EcgTrainResult *result);

/* Trains `model` in place on `train`, choosing the epoch by `val` (may be NULL: last epoch).
 * On success the model holds the best epoch's parameters. A NaN or infinite loss, or NaN or
 * infinite outputs (on the validation examples after an epoch, or without validation on the
 * first training examples at the end), is ECG_ERROR_NUMERIC and cancellation
 * ECG_ERROR_CANCELLED; in both cases the model is left as it was before the call. `result` must be zeroed or cleared. */
gboolean ecg_train (EcgModel *model, const EcgExamples *train, const EcgExamples *val,
                    const EcgTrainOptions *options, EcgTrainResult *result, GError **error);

/* Class probabilities (softmax, or sigmoid for multi-label) for every example, in eval mode:
 * an owned array of n × n_outputs. */
float *ecg_predict (EcgModel *model, const EcgExamples *examples, int threads,
                    GCancellable *cancellable, GError **error);

/* Macro-F1 (single-label, argmax) or macro AUROC (multi-label) of `probabilities`. */
double ecg_examples_score (const EcgExamples *examples, const float *probabilities);

G_END_DECLS
