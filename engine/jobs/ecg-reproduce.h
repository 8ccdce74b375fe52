/* ecg-reproduce.h — the compression paper's Tables IV, V, VI and VIII (seeds/000_...txt)
 * reproduced as runs of a store, with mean ± sd over seeds.
 *
 * A plan lists units, each an ordinary run of the store tagged with the config member
 * "reproduce" ("dense", "table-iv", "table-v", "table-vi", "table-viii"):
 *   dense       a train run per architecture and seed (ecg-train-job.h), its model file in the
 *               models folder, named <arch>-seed<s>-<8 hex digits of the settings' SHA-256>;
 *   table-iv    global L1, K linear steps, to the paper's sparsity for each of the six models
 *               (CNN1D_3Class 79.5 %, BiLSTM_ECG 79.4 %, CNN_LSTM_Attn 47.6 %, ResNet1D_Attn
 *               79.4 %, ResNet1D_SE_Attn 47.8 %, ConvTransformer 31.2 %);
 *   table-v     energy-aware (alpha 0.5), K linear steps to 40 %, ResNet1D_Attn on MIT-BIH;
 *   table-vi    the same for ConvTransformer on PTB-XL;
 *   table-viii  L1 with distillation (T 4, a 0.5) at the same target and steps, both models;
 *               Table VIII's energy-aware rows are the last steps of the table-v / table-vi
 *               runs and its baseline their step 0.
 * Seed s trains the dense model with seed s and prunes it with seed s.
 *
 * Running a plan makes each unit exist as a finished run: a finished run whose config holds the
 * unit's settings (all but "threads" and "out") is reused; an interrupted, cancelled, failed or
 * queued one is resumed (a prune run after its last committed step; a train run trains again
 * from its first epoch); otherwise a run is started. A unit that fails is reported and the
 * others go on (a prune unit whose dense model failed is skipped); cancellation stops at once
 * with ECG_ERROR_CANCELLED, leaving the run cancelled and resumable. The tables are read back
 * from the store only, so a second invocation prints the same tables without new runs.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jobs/ecg-job.h"
#include "jobs/ecg-prune-job.h"
#include "jobs/ecg-train-job.h"
#include "store/ecg-run.h"

G_BEGIN_DECLS

typedef struct
{
  char *data_dir;       /* MIT-BIH (or other annotated WFDB) records (required) */
  char *ptbxl_dir;      /* a PTB-XL folder, or NULL: the PTB-XL rows are left empty */
  char *store_path;     /* required */
  char *models_dir;     /* the dense models; NULL = "<store without extension>-models" beside it */
  gboolean quick;       /* the CI budget (see ecg_reproduce_budget_init) */
  int n_seeds;          /* 0 = the budget's */
  int lstm_beats;       /* training beats of CNN_LSTM_Attn and BiLSTM_ECG; 0 = all, -1 = the
                           budget's */
  gboolean rr_features; /* give the MIT-BIH models the six RR features (the paper's had none) */
  char *train_records;  /* NULL = DS1-train, DS1-val, DS2 */
  char *val_records;
  char *test_records;
  char *train_folds;    /* NULL = 1-8, 9, 10 */
  char *val_folds;
  char *test_folds;
  int threads;          /* worker threads of each job (1) */
} EcgReproduceOptions;

void ecg_reproduce_options_init (EcgReproduceOptions *options);
/* Frees the strings of `options` (not the struct). */
void ecg_reproduce_options_clear (EcgReproduceOptions *options);

/* Per dataset: the dense training and the example limits (0 = all). */
typedef struct
{
  int epochs;
  int patience;
  int batch;
  int max_train;
  int max_val;
  int max_test;
} EcgReproduceDataBudget;

typedef struct
{
  const char *name;             /* "full" or "quick" (static) */
  int n_seeds;                  /* full 3, quick 1 */
  int steps;                    /* K: full 5, quick 2 */
  int finetune_epochs;          /* F: full 2, quick 1 */
  double learning_rate;         /* fine-tuning, 3e-4 */
  int latency_repeats;          /* full 200, quick 3 */
  int energy_inferences;        /* full 200, quick 3 */
  int lstm_beats;               /* full 10000, quick 50 */
  EcgReproduceDataBudget mitbih; /* full: 12 epochs, patience 4, batch 128, all examples;
                                    quick: 1 epoch, batch 64, at most 120 / 60 / 60 */
  EcgReproduceDataBudget ptbxl;  /* full: 25 epochs, patience 8, batch 32, all;
                                    quick: 1 epoch, batch 16, at most 32 / 16 / 16 */
} EcgReproduceBudget;

void ecg_reproduce_budget_init (EcgReproduceBudget *budget, gboolean quick);

typedef enum
{
  ECG_REPRODUCE_PENDING,
  ECG_REPRODUCE_REUSED,   /* a finished run was found */
  ECG_REPRODUCE_RESUMED,  /* an unfinished run was completed */
  ECG_REPRODUCE_STARTED,  /* a new run was made */
  ECG_REPRODUCE_FAILED,
  ECG_REPRODUCE_SKIPPED,  /* its dense model failed, or its data is missing */
} EcgReproduceOutcome;

/* "pending", "reused", "resumed", "started", "failed", "skipped" (static). */
const char *ecg_reproduce_outcome_to_string (EcgReproduceOutcome outcome);

typedef struct
{
  EcgRunKind kind;              /* train or prune */
  const char *tag;              /* "dense", "table-iv", ... (static) */
  const EcgArchInfo *arch;
  int seed;
  EcgTrainConfig *train;        /* kind train */
  EcgPruneConfig *prune;        /* kind prune */
  int dense;                    /* prune: index of the unit training its model */
  JsonObject *match;            /* the config members a run must hold to be this unit */
  /* After ecg_reproduce_run(): */
  EcgReproduceOutcome outcome;
  gint64 run;                   /* 0 when none */
  char *error;                  /* why it failed or was skipped */
} EcgReproduceUnit;

typedef struct
{
  EcgReproduceOptions options;  /* a copy with absolute paths and defaults filled in */
  EcgReproduceBudget budget;
  GPtrArray *units;             /* EcgReproduceUnit*, in running order */
} EcgReproducePlan;

/* The plan for `options`: ECG_ERROR_INVALID for missing or unreadable folders, a PTB-XL folder
 * that is not one, or settings out of range. Owned by the caller. */
EcgReproducePlan *ecg_reproduce_plan_new (const EcgReproduceOptions *options, GError **error);
void ecg_reproduce_plan_free (EcgReproducePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgReproducePlan, ecg_reproduce_plan_free)

typedef struct
{
  int unit;                     /* 1-based */
  int n_units;
  const EcgReproduceUnit *current;
  const char *event;            /* "reuse", "resume", "start", "progress", "done", "failed",
                                   "skip" */
  const EcgJobProgress *job;    /* "progress" only */
  double fraction;              /* of the plan's units, 0..1 */
} EcgReproduceProgress;

typedef void (*EcgReproduceProgressFunc) (const EcgReproduceProgress *progress,
                                          gpointer user_data);

/* Makes every unit of `plan` a finished run (see above). Returns FALSE only for cancellation
 * (ECG_ERROR_CANCELLED) or a store that cannot be opened; units that failed are in their
 * outcome. Progress is called on the calling thread. */
gboolean ecg_reproduce_run (EcgReproducePlan *plan, EcgReproduceProgressFunc progress,
                            gpointer progress_data, GCancellable *cancellable, GError **error);

/* Units of `plan` with `outcome`. */
int ecg_reproduce_count (const EcgReproducePlan *plan, EcgReproduceOutcome outcome);

/* The four tables from the store's runs of the plan's units (ecg_reproduce_run() first):
 *   {"budget": str, "seeds": [int], "store": str, "models_dir": str,
 *    "units": {"reused": int, "resumed": int, "started": int, "failed": int, "skipped": int,
 *              "list": [{"tag", "arch", "seed", "kind", "run", "outcome", "error"}]},
 *    "tables": [{"id": "table-iv"|"table-v"|"table-vi"|"table-viii", "title": str,
 *                "caption": str, "columns": [{"key", "label", "type": "text"|"int"|"stat",
 *                "decimals": int}], "rows": [{<key>: str | int | {"mean", "sd", "n"}, ...,
 *                "runs": [int]}]}]}
 * A stat's mean is null when no seed has the figure and its sd when fewer than two do (sample
 * sd, n - 1). Owned by the caller. */
JsonNode *ecg_reproduce_tables (const EcgReproducePlan *plan, GError **error);

/* Mean and sample standard deviation of the finite values among `values`: *n is their count,
 * the mean NaN when n = 0, the sd NaN when n < 2. */
void ecg_reproduce_mean_sd (const double *values, gsize n_values, double *mean, double *sd,
                            int *n);

G_END_DECLS
