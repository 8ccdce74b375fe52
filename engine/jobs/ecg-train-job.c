/* ecg-train-job.c — a zoo architecture trained into a model file (and a train run). */
#include "jobs/ecg-train-job.h"

#include <math.h>
#include <string.h>

#include "compress/ecg-sparsity.h"
#include "ecg-config.h"
#include "ecg-error.h"
#include "jobs/ecg-heartbeat.h"
#include "measure/ecg-cost.h"
#include "measure/ecg-energy.h"
#include "nn/ecg-model-file.h"
#include "store/ecg-run-store.h"
#include "train/ecg-data.h"

EcgTrainConfig *
ecg_train_config_new (void)
{
  EcgTrainConfig *c = g_new0 (EcgTrainConfig, 1);
  EcgTrainOptions o;
  ecg_train_options_init (&o);
  c->epochs = o.epochs;
  c->batch_size = o.batch_size;
  c->learning_rate = o.learning_rate;
  c->weight_decay = o.weight_decay;
  c->patience = o.patience;
  c->class_weights = o.class_weights;
  c->seed = o.seed;
  c->threads = o.threads;
  return c;
}

void
ecg_train_config_free (EcgTrainConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->arch);
  g_free (c->data_dir);
  g_free (c->train_records);
  g_free (c->val_records);
  g_free (c->train_folds);
  g_free (c->val_folds);
  g_free (c->out_path);
  g_free (c->store_path);
  g_free (c->tag);
  g_free (c);
}

EcgTrainConfig *
ecg_train_config_copy (const EcgTrainConfig *c)
{
  EcgTrainConfig *d = g_memdup2 (c, sizeof *c);
  d->arch = g_strdup (c->arch);
  d->data_dir = g_strdup (c->data_dir);
  d->train_records = g_strdup (c->train_records);
  d->val_records = g_strdup (c->val_records);
  d->train_folds = g_strdup (c->train_folds);
  d->val_folds = g_strdup (c->val_folds);
  d->out_path = g_strdup (c->out_path);
  d->store_path = g_strdup (c->store_path);
  d->tag = g_strdup (c->tag);
  return d;
}

gboolean
ecg_train_config_validate (const EcgTrainConfig *c, GError **error)
{
  const char *bad = NULL;
  const EcgArchInfo *arch = c->arch != NULL ? ecg_zoo_find (c->arch, NULL) : NULL;
  if (c->arch == NULL)
    bad = "an architecture is required";
  else if (arch == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "train: no architecture named '%s' "
                   "(see ecgwb models)", c->arch);
      return FALSE;
    }
  else if (c->data_dir == NULL)
    bad = "a data folder is required";
  else if (c->out_path == NULL || *c->out_path == '\0')
    bad = "a model file to write is required";
  else if (c->rr_features && !arch->supports_rr)
    bad = "this architecture takes no RR features";
  else if (c->epochs < 1 || c->epochs > 10000 || c->batch_size < 1 || c->threads < 1
           || c->threads > 64)
    bad = "epochs, batch and threads must be positive (threads at most 64)";
  else if (!(c->learning_rate > 0) || !(c->weight_decay >= 0) || c->patience < 0)
    bad = "the learning rate must be > 0, the weight decay and patience >= 0";
  if (bad == NULL)
    return TRUE;
  g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "train: %s", bad);
  return FALSE;
}

static const char *
or_default (const char *value, const char *fallback)
{
  return value != NULL ? value : fallback;
}

JsonObject *
ecg_train_config_to_json (const EcgTrainConfig *c)
{
  const EcgArchInfo *arch = ecg_zoo_find (c->arch, NULL);
  gboolean ptbxl = arch != NULL && arch->dataset == ECG_DATASET_PTBXL;
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "arch", c->arch);
  json_object_set_string_member (o, "data", c->data_dir);
  json_object_set_boolean_member (o, "rr_features", c->rr_features);
  if (ptbxl)
    {
      json_object_set_string_member (o, "train_folds", or_default (c->train_folds, "1-8"));
      json_object_set_string_member (o, "val_folds", or_default (c->val_folds, "9"));
    }
  else
    {
      json_object_set_string_member (o, "train_records",
                                     or_default (c->train_records, "DS1-train"));
      json_object_set_string_member (o, "val_records", or_default (c->val_records, "DS1-val"));
    }
  json_object_set_int_member (o, "max_train_examples", (gint64) c->max_train_examples);
  json_object_set_int_member (o, "max_val_examples", (gint64) c->max_val_examples);
  json_object_set_int_member (o, "epochs", c->epochs);
  json_object_set_int_member (o, "batch", c->batch_size);
  json_object_set_double_member (o, "lr", c->learning_rate);
  json_object_set_double_member (o, "weight_decay", c->weight_decay);
  json_object_set_int_member (o, "patience", c->patience);
  json_object_set_boolean_member (o, "balanced_sampling", c->balanced_sampling);
  json_object_set_boolean_member (o, "class_weights", c->class_weights);
  /* Signed, as the prune job writes its seed (the store's params column is an integer). */
  json_object_set_int_member (o, "seed", (gint64) c->seed);
  json_object_set_int_member (o, "threads", c->threads);
  json_object_set_string_member (o, "out", c->out_path);
  if (c->tag != NULL)
    json_object_set_string_member (o, "reproduce", c->tag);
  return o;
}

guint64
ecg_train_subset_seed (guint64 seed, int split)
{
  /* Distinct streams per split: the golden-ratio increment of SplitMix64. */
  return seed + 0x9E3779B97F4A7C15ull * (guint64) (split + 1);
}

/* ---- phase 1: data ------------------------------------------------------------------------ */

static EcgExamples *
load_examples (const EcgTrainConfig *c, const EcgArchInfo *arch, const char *records,
               const char *folds, GCancellable *cancellable, GError **error)
{
  if (arch->dataset == ECG_DATASET_PTBXL)
    {
      if (!ecg_data_dir_is_ptbxl (c->data_dir))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "%s needs a PTB-XL folder (with ptbxl_database.csv); %s is not one",
                       arch->name, c->data_dir);
          return NULL;
        }
      int n_folds = 0;
      g_autofree int *fold_list = ecg_data_parse_folds (folds, &n_folds, error);
      if (fold_list == NULL)
        return NULL;
      return ecg_data_load_ptbxl (c->data_dir, fold_list, n_folds, cancellable, error);
    }
  g_auto (GStrv) names = ecg_data_parse_record_list (records, error);
  if (names == NULL)
    return NULL;
  EcgDataSpec spec = { arch->dataset, arch->input_length, arch->samples_before,
                       arch->class_map, c->rr_features };
  return ecg_data_load_records (c->data_dir, (const char *const *) names, &spec, cancellable,
                                error);
}

void
ecg_train_job_free (EcgTrainJob *job)
{
  if (job == NULL)
    return;
  ecg_train_config_free (job->config);
  g_clear_pointer (&job->train, ecg_examples_free);
  g_clear_pointer (&job->val, ecg_examples_free);
  g_clear_pointer (&job->norm, ecg_normalisation_free);
  g_clear_pointer (&job->model, ecg_model_free);
  ecg_train_result_clear (&job->result);
  g_clear_pointer (&job->info, json_object_unref);
  g_free (job);
}

EcgTrainJob *
ecg_train_job_prepare (const EcgTrainConfig *config, GCancellable *cancellable, GError **error)
{
  if (!ecg_train_config_validate (config, error))
    return NULL;
  g_autoptr (EcgTrainJob) job = g_new0 (EcgTrainJob, 1);
  job->config = ecg_train_config_copy (config);
  const EcgTrainConfig *c = job->config;
  job->arch = ecg_zoo_find (c->arch, error);
  g_autoptr (EcgExamples) train
    = load_examples (c, job->arch, or_default (c->train_records, "DS1-train"),
                     or_default (c->train_folds, "1-8"), cancellable, error);
  if (train == NULL)
    return NULL;
  if (c->max_train_examples > 0 && c->max_train_examples < train->n)
    {
      EcgExamples *subset = ecg_examples_subsample (train, c->max_train_examples,
                                                    ecg_train_subset_seed (c->seed, 0));
      ecg_examples_free (train);
      train = subset;
    }
  const char *val_records = or_default (c->val_records, "DS1-val");
  const char *val_folds = or_default (c->val_folds, "9");
  gboolean no_validation = job->arch->dataset == ECG_DATASET_PTBXL
                             ? g_strcmp0 (val_folds, "none") == 0
                             : g_strcmp0 (val_records, "none") == 0;
  if (!no_validation)
    {
      job->val = load_examples (c, job->arch, val_records, val_folds, cancellable, error);
      if (job->val == NULL)
        return NULL;
      if (c->max_val_examples > 0 && c->max_val_examples < job->val->n)
        {
          EcgExamples *subset = ecg_examples_subsample (job->val, c->max_val_examples,
                                                        ecg_train_subset_seed (c->seed, 1));
          ecg_examples_free (job->val);
          job->val = subset;
        }
    }
  if (train->n == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "train: %s holds no training examples "
                   "for %s", c->data_dir, job->arch->name);
      return NULL;
    }
  job->norm = ecg_examples_fit_normalisation (train);
  ecg_examples_apply_normalisation (train, job->norm);
  if (job->val != NULL)
    ecg_examples_apply_normalisation (job->val, job->norm);
  job->train = g_steal_pointer (&train);
  return g_steal_pointer (&job);
}

/* ---- phase 2: training -------------------------------------------------------------------- */

typedef struct
{
  EcgJobProgressFunc progress;
  gpointer progress_data;
} Relay;

static void
relay_progress (const EcgTrainProgress *p, gpointer data)
{
  Relay *r = data;
  if (r->progress == NULL)
    return;
  double done = p->n_batches > 0 ? (double) p->batch / (double) p->n_batches : 1.0;
  EcgJobProgress j = {
    .stage = p->epoch_done ? "validated" : "train",
    .n_steps = 0,
    .epoch = p->epoch,
    .n_epochs = p->n_epochs,
    .batch = p->batch,
    .n_batches = p->n_batches,
    .loss = p->epoch_loss,
    .fraction = ((p->epoch - 1) + (p->epoch_done ? 1.0 : done)) / MAX (p->n_epochs, 1),
    .val_score = p->val_score,
  };
  r->progress (&j, r->progress_data);
}

/* What the model file keeps about its training: enough to train the same model again. */
static JsonObject *
model_info (const EcgTrainJob *job)
{
  const EcgTrainConfig *c = job->config;
  JsonObject *info = json_object_new ();
  json_object_set_string_member (info, "program", "ecgwb " ECG_VERSION " (" ECG_GIT_HASH ")");
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  json_object_set_string_member (info, "created", created);
  json_object_set_string_member (info, "data", c->data_dir);
  const char *none = "none";
  if (job->arch->dataset == ECG_DATASET_PTBXL)
    {
      json_object_set_string_member (info, "train_folds", or_default (c->train_folds, "1-8"));
      json_object_set_string_member (info, "val_folds",
                                     job->val ? or_default (c->val_folds, "9") : none);
    }
  else
    {
      json_object_set_string_member (info, "train_records",
                                     or_default (c->train_records, "DS1-train"));
      json_object_set_string_member (info, "val_records",
                                     job->val ? or_default (c->val_records, "DS1-val") : none);
    }
  json_object_set_int_member (info, "train_examples", (gint64) job->train->n);
  if (c->max_train_examples > 0)
    json_object_set_int_member (info, "max_train_examples", (gint64) c->max_train_examples);
  if (c->max_val_examples > 0)
    json_object_set_int_member (info, "max_val_examples", (gint64) c->max_val_examples);
  json_object_set_int_member (info, "epochs", c->epochs);
  json_object_set_int_member (info, "epochs_run", job->result.epochs_run);
  json_object_set_int_member (info, "best_epoch", job->result.best_epoch);
  json_object_set_int_member (info, "batch", c->batch_size);
  json_object_set_double_member (info, "lr", c->learning_rate);
  json_object_set_double_member (info, "weight_decay", c->weight_decay);
  json_object_set_boolean_member (info, "balanced_sampling", c->balanced_sampling);
  json_object_set_boolean_member (info, "class_weights", c->class_weights);
  json_object_set_int_member (info, "seed", (gint64) c->seed);
  json_object_set_int_member (info, "threads", c->threads);
  if (isfinite (job->result.best_val_score))
    json_object_set_double_member (info, job->arch->multi_label ? "val_macro_auroc"
                                                                : "val_macro_f1",
                                   job->result.best_val_score);
  json_object_set_double_member (info, "train_seconds", job->seconds);
  return info;
}


/* Step 0 of a train run: the trained model's size and cost, its curves, validation figures and
 * the model file's bytes. */
static EcgStepRecord *
trained_step (const EcgTrainJob *job, GError **error)
{
  g_autoptr (EcgStepRecord) r = ecg_step_record_new (0);
  g_autoptr (EcgCostTable) cost = ecg_cost_table_new (job->model);
  g_autoptr (EcgOpEnergy) energy = ecg_op_energy_new (cost, NULL);
  r->sparsity = ecg_sparsity_global_masked (job->model);
  r->n_params = cost->params;
  r->nonzero_params = cost->nonzero_params;
  r->prunable_params = cost->prunable_params;
  r->nonzero_prunable_params = cost->nonzero_prunable_params;
  r->macs = cost->macs;
  r->tf_flops = cost->tf_flops;
  r->energy_tf_flops_0_45pj_j = ecg_energy_tf_flops_joules (cost->tf_flops);
  r->energy_op_model_45nm_j = energy->joules;
  JsonObject *metrics = json_object_new ();
  json_object_set_string_member (metrics, "val_metric",
                                 job->arch->multi_label ? "macro_auroc" : "macro_f1");
  if (isfinite (job->result.best_val_score))
    json_object_set_double_member (metrics, "val_score", job->result.best_val_score);
  else
    json_object_set_null_member (metrics, "val_score");
  json_object_set_int_member (metrics, "best_epoch", job->result.best_epoch);
  json_object_set_int_member (metrics, "epochs_run", job->result.epochs_run);
  json_object_set_int_member (metrics, "train_examples", (gint64) job->train->n);
  json_object_set_int_member (metrics, "val_examples", job->val ? (gint64) job->val->n : 0);
  json_object_set_double_member (metrics, "train_seconds", job->seconds);
  ecg_step_record_set_metrics (r, metrics);
  json_object_unref (metrics);
  for (guint e = 0; e < job->result.epoch_loss->len; e++)
    ecg_step_record_add_curve_point (r, "train_loss", (int) e + 1,
                                     g_array_index (job->result.epoch_loss, double, e));
  for (guint e = 0; e < job->result.val_scores->len; e++)
    ecg_step_record_add_curve_point (r, "val_score", (int) e + 1,
                                     g_array_index (job->result.val_scores, double, e));
  g_autoptr (GBytes) bytes
    = ecg_model_file_serialise (job->model, job->norm, NULL, job->arch->class_map,
                                job->arch->samples_before, job->info, error);
  if (bytes == NULL)
    return NULL;
  ecg_step_record_set_model (r, job->model->arch, bytes);
  return g_steal_pointer (&r);
}

/* Creates the run, or claims `rerun`; returns its id or 0. */
static gint64
start_run (EcgRunStore *store, const EcgTrainConfig *c, gint64 rerun, GError **error)
{
  if (rerun > 0)
    {
      g_autoptr (EcgRun) run = ecg_run_store_get_run (store, rerun, error);
      if (run == NULL)
        return 0;
      if (run->kind != ECG_RUN_KIND_TRAIN)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s: run %" G_GINT64_FORMAT
                       " is a %s run, not a train run", ecg_run_store_get_path (store), rerun,
                       ecg_run_kind_to_string (run->kind));
          return 0;
        }
      if (run->n_steps > 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s: train run %" G_GINT64_FORMAT
                       " already holds its model", ecg_run_store_get_path (store), rerun);
          return 0;
        }
      return ecg_run_store_mark_started (store, rerun, error) ? rerun : 0;
    }
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_TRAIN);
  g_autoptr (JsonObject) config = ecg_train_config_to_json (c);
  g_autoptr (JsonObject) provenance = ecg_job_provenance_new (c->threads, c->data_dir);
  spec.config = config;
  spec.provenance = provenance;
  gint64 run = ecg_run_store_create_run (store, &spec, error);
  if (run <= 0)
    return 0;
  return ecg_run_store_mark_started (store, run, error) ? run : 0;
}

gboolean
ecg_train_job_execute (EcgTrainJob *job, gint64 rerun, EcgJobProgressFunc progress,
                       gpointer progress_data, GCancellable *cancellable, GError **error)
{
  const EcgTrainConfig *c = job->config;
  g_autoptr (EcgRunStore) store = NULL;
  if (c->store_path != NULL)
    {
      store = ecg_run_store_open (c->store_path, TRUE, error);
      if (store == NULL)
        return FALSE;
      job->run_id = start_run (store, c, rerun, error);
      if (job->run_id <= 0)
        return FALSE;
    }
  EcgHeartbeat *heartbeat = store ? ecg_heartbeat_start (c->store_path, job->run_id, 15.0)
                                  : NULL;
  GError *failure = NULL;
  EcgTrainOptions o;
  ecg_train_options_init (&o);
  o.epochs = c->epochs;
  o.batch_size = c->batch_size;
  o.learning_rate = (float) c->learning_rate;
  o.weight_decay = (float) c->weight_decay;
  o.patience = c->patience;
  o.balanced_sampling = c->balanced_sampling;
  o.class_weights = c->class_weights;
  o.seed = c->seed;
  o.threads = c->threads;
  Relay relay = { progress, progress_data };
  o.progress = relay_progress;
  o.progress_data = &relay;
  o.cancellable = cancellable;
  ecg_train_result_clear (&job->result);
  g_clear_pointer (&job->model, ecg_model_free);
  job->model = ecg_zoo_build (job->arch->name, c->rr_features, c->seed, &failure);
  gint64 started = g_get_monotonic_time ();
  if (job->model != NULL)
    ecg_train (job->model, job->train, job->val, &o, &job->result, &failure);
  job->seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  if (failure == NULL)
    {
      g_clear_pointer (&job->info, json_object_unref);
      job->info = model_info (job);
      /* NULL classes: the zoo's names (arch->classes is not NULL-terminated). */
      ecg_model_file_save (job->model, job->norm, NULL, job->arch->class_map,
                           job->arch->samples_before, job->info, c->out_path, &failure);
    }
  if (failure == NULL && store != NULL)
    {
      g_autoptr (EcgStepRecord) step = trained_step (job, &failure);
      if (step != NULL)
        ecg_run_store_commit_step (store, job->run_id, step, &failure);
    }
  ecg_heartbeat_stop (heartbeat);
  if (store == NULL)
    {
      if (failure != NULL)
        g_propagate_error (error, failure);
      return failure == NULL;
    }
  if (failure == NULL)
    return ecg_run_store_finish (store, job->run_id, ECG_RUN_STATUS_FINISHED, NULL, error);
  gboolean cancelled = failure->domain == ECG_ERROR && failure->code == ECG_ERROR_CANCELLED;
  ecg_run_store_finish (store, job->run_id,
                        cancelled ? ECG_RUN_STATUS_CANCELLED : ECG_RUN_STATUS_FAILED,
                        failure->message, NULL);
  g_propagate_error (error, failure);
  return FALSE;
}

gboolean
ecg_train_job_run (const EcgTrainConfig *config, gint64 rerun, gint64 *run_id,
                   EcgJobProgressFunc progress, gpointer progress_data,
                   GCancellable *cancellable, GError **error)
{
  g_autoptr (EcgTrainJob) job = ecg_train_job_prepare (config, cancellable, error);
  if (job == NULL)
    return FALSE;
  gboolean ok = ecg_train_job_execute (job, rerun, progress, progress_data, cancellable, error);
  if (run_id != NULL)
    *run_id = job->run_id;
  return ok;
}
