/* ecg-step-record.h — one step of a run as the run store keeps it: what was measured on the
 * model after that step (sparsity, size, cost, energy, metrics), its per-class figures, the
 * curves of the training that led to it, and optionally the model file and the per-example
 * predictions.
 *
 * Steps are numbered from 0: step 0 of a prune run is the dense model, step t the model after
 * pruning step t; train, evaluate and quantise runs have the single step 0 (or one per
 * variant). A step is committed whole or not at all (ecg_run_store_commit_step), so the last
 * committed step is where an interrupted run resumes: at last + 1.
 *
 * Unknown figures: NaN for doubles, -1 for counts; both are stored as NULL and printed as null.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How the measured-or-estimated energy figure came about (DESIGN.md §7 d). */
typedef enum
{
  ECG_STEP_ENERGY_NONE,     /* no figure */
  ECG_STEP_ENERGY_RAPL,     /* read from Linux RAPL counters */
  ECG_STEP_ENERGY_ESTIMATE, /* time × a set per-core power */
} EcgStepEnergyMethod;

/* "rapl", "estimate", or NULL for NONE. */
const char *ecg_step_energy_method_to_string (EcgStepEnergyMethod method);
/* FALSE when `text` is neither "rapl" nor "estimate". */
gboolean ecg_step_energy_method_from_string (const char *text, EcgStepEnergyMethod *method);

/* One class seen one-vs-rest at one step. */
typedef struct
{
  char *name;
  double sensitivity;
  double ppv;
  double f1;
  gint64 support; /* reference examples of the class */
  double auroc;   /* multi-label only, else NaN */
  double auprc;   /* multi-label only, else NaN */
} EcgStepClass;

/* One point of a training curve: `key` ("train_loss", "val_loss", "val_macro_f1", ...) after
 * `epoch` (1-based; 0 = before training) of the fine-tuning that produced the step. */
typedef struct
{
  char *key;
  int epoch;
  double value;
} EcgCurvePoint;

/* Per-example predictions, column-wise like EcgExamples. For single-label tasks `reference` and
 * `predicted` are class indices; for multi-label tasks they are bit sets (bit c = class c; the
 * prediction thresholded at 0.5), so at most 31 classes. `scores` are the model's probabilities
 * [item][class]. */
typedef struct
{
  gsize n;
  int n_scores;        /* scores per item (the classes) */
  char **record_names; /* NULL-terminated */
  guint32 *record_of;  /* n: index into record_names */
  gint64 *sample;      /* n: R-peak sample of a beat, 0 for a whole record */
  gint32 *reference;   /* n */
  gint32 *predicted;   /* n */
  float *scores;       /* n × n_scores */
} EcgPredictions;

/* Zeroed arrays for `n` items of `n_scores` scores, records named by `record_names`
 * (NULL-terminated, copied). Owned by the caller. */
EcgPredictions *ecg_predictions_new (gsize n, int n_scores, const char *const *record_names);
void ecg_predictions_free (EcgPredictions *predictions);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgPredictions, ecg_predictions_free)

typedef struct
{
  int step;
  double sparsity; /* fraction of prunable weights that are zero */
  gint64 n_params;
  gint64 nonzero_params;
  gint64 prunable_params;
  gint64 nonzero_prunable_params;
  gint64 macs;       /* DESIGN.md §7, masked weights not counted */
  gint64 tf_flops;   /* TF-profiler convention */
  double latency_ms; /* median batch-1, one thread */
  /* energy per inference, DESIGN.md §7 (a)-(d) */
  double energy_proxy_mmac_ms; /* MMAC·ms, not joules */
  double energy_tf_flops_0_45pj_j;
  double energy_op_model_45nm_j;
  double energy_measured_or_estimated_j;
  EcgStepEnergyMethod energy_measured_method;
  /* headline metrics; the rest of the evaluation goes to `metrics` */
  double accuracy;
  double macro_f1;     /* macro-F1 at 0.5 for multi-label tasks as well */
  double auroc;        /* macro AUROC, multi-label */
  double auprc;        /* macro AUPRC, multi-label */
  double f1_at_0_5;    /* macro F1 at threshold 0.5, multi-label */
  JsonObject *metrics; /* never NULL: e.g. ecg_evaluation_to_json(), intervals */
  GArray *per_class;   /* EcgStepClass, in class order */
  GArray *curve;       /* EcgCurvePoint */
  /* Filled by the store when loading (ignored on commit): */
  char *created; /* commit time, ISO 8601 UTC */
  gboolean has_model;
  gint64 n_predictions;
  /* Committed with the step when set (not filled when loading: see ecg_run_store_load_model
   * and ecg_run_store_load_predictions): */
  char *model_arch;
  GBytes *model; /* a model file's bytes (ecg_model_file_serialise) */
  EcgPredictions *predictions;
} EcgStepRecord;

/* A step with every figure unknown, no classes, curve, model or predictions. Owned by the
 * caller. */
EcgStepRecord *ecg_step_record_new (int step);
void ecg_step_record_free (EcgStepRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgStepRecord, ecg_step_record_free)

/* Appends class `name` (copied) with its figures; auroc and auprc may be NaN. */
void ecg_step_record_add_class (EcgStepRecord *record, const char *name, double sensitivity,
                                double ppv, double f1, gint64 support, double auroc, double auprc);
/* Appends a curve point; `key` is copied. */
void ecg_step_record_add_curve_point (EcgStepRecord *record, const char *key, int epoch,
                                      double value);
/* Replaces the metrics object (a reference is taken). */
void ecg_step_record_set_metrics (EcgStepRecord *record, JsonObject *metrics);
/* The model to store with the step: `arch` is copied and a reference to `bytes` taken. */
void ecg_step_record_set_model (EcgStepRecord *record, const char *arch, GBytes *bytes);
/* Takes ownership of `predictions` (may be NULL to drop them). */
void ecg_step_record_set_predictions (EcgStepRecord *record, EcgPredictions *predictions);

/* The step as `ecgwb runs show --json` prints it:
 *   {"step", "sparsity", "accuracy", "macro_f1", "macs", "latency_ms", "energy_proxy_mmac_ms",
 *    "energy_j": {"tf_flops_0_45pj", "op_model_45nm", "measured_or_estimated",
 *                 "measured_method": "rapl"|"estimate"|null},
 *    "tf_flops", "n_params", "nonzero_params", "prunable_params", "nonzero_prunable_params",
 *    "has_model", "per_class": [{"class", "sensitivity", "ppv", "f1", "support"
 *                                [, "auroc", "auprc"]}]}
 * plus "auroc", "auprc" and "f1_at_0_5" when `multi_label`. Unknown values are null. Owned by
 * the caller. */
JsonNode *ecg_step_record_to_json (const EcgStepRecord *record, gboolean multi_label);

G_END_DECLS
