/* ecg-prune-job.c — the pruning job: dense step 0, then K prune + fine-tune + measure steps. */
#include "jobs/ecg-prune-job.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "compress/ecg-pruner.h"
#include "compress/ecg-saliency.h"
#include "compress/ecg-schedule.h"
#include "compress/ecg-structured.h"
#include "ecg-config.h"
#include "ecg-error.h"
#include "jobs/ecg-heartbeat.h"
#include "jobs/ecg-step-measure.h"
#include "jobs/ecg-train-job.h"
#include "measure/ecg-cost.h"
#include "measure/ecg-energy.h"
#include "nn/ecg-model-file.h"
#include "store/ecg-run-store.h"
#include "train/ecg-data.h"
#include "train/ecg-trainer.h"

EcgPruneConfig *
ecg_prune_config_new (void)
{
  EcgPruneConfig *c = g_new0 (EcgPruneConfig, 1);
  c->method = ECG_IMPORTANCE_ENERGY;
  c->alpha = 0.5;
  c->beta = 0;
  c->target_sparsity = 0.5;
  c->steps = 5;
  c->finetune_epochs = 2;
  c->temperature = 4;
  c->kd_weight = 0.5;
  c->class_aware_weight = 0.5;
  c->batch_size = 128;
  c->learning_rate = 3e-4;
  c->seed = 1;
  c->threads = 1;
  c->latency_repeats = 200;
  c->energy_inferences = 200;
  return c;
}

void
ecg_prune_config_free (EcgPruneConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->model_path);
  g_free (c->data_dir);
  g_free (c->train_records);
  g_free (c->val_records);
  g_free (c->test_records);
  g_free (c->train_folds);
  g_free (c->val_folds);
  g_free (c->test_folds);
  g_free (c->store_path);
  g_free (c->out_path);
  g_free (c->tag);
  g_free (c);
}

gboolean
ecg_prune_config_validate (const EcgPruneConfig *c, GError **error)
{
  const char *bad = NULL;
  if (c->model_path == NULL)
    bad = "a model file is required";
  else if (c->data_dir == NULL)
    bad = "a data folder is required";
  else if (c->store_path == NULL)
    bad = "a run store is required";
  else if (!(c->alpha >= 0 && c->alpha <= 1))
    bad = "alpha must lie in 0..1";
  else if (!(c->beta >= 0 && c->beta <= 20))
    bad = "beta must lie in 0..20 (0 = linear)";
  else if (!(c->target_sparsity >= 0 && c->target_sparsity <= ECG_SCHEDULE_MAX_SPARSITY))
    bad = "the target sparsity must lie in 0..0.95";
  else if (c->steps < 1 || c->steps > 100)
    bad = "steps must lie in 1..100";
  else if (c->finetune_epochs < 0 || c->finetune_epochs > 1000)
    bad = "fine-tune epochs must lie in 0..1000";
  else if (c->class_aware && c->structured)
    bad = "class-aware pruning ranks single weights: it cannot be combined with structured "
          "pruning";
  else if (!(c->class_aware_weight >= 0 && c->class_aware_weight <= 1))
    bad = "the class-aware weight must lie in 0..1";
  else if (c->kd && !(c->temperature > 0 && c->kd_weight >= 0 && c->kd_weight <= 1))
    bad = "distillation needs T > 0 and a weight in 0..1";
  else if (c->batch_size < 1 || c->threads < 1 || c->threads > 64 || !(c->learning_rate > 0))
    bad = "batch, threads and learning rate must be positive";
  else if (c->max_train_examples < 0 || c->max_val_examples < 0 || c->max_test_examples < 0
           || c->latency_repeats < 1 || c->energy_inferences < 1)
    bad = "example limits must be >= 0 (0 = all), latency and energy runs >= 1";
  if (bad == NULL)
    return TRUE;
  g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "prune: %s", bad);
  return FALSE;
}

static void
set_string_or_null (JsonObject *o, const char *member, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (o, member, value);
  else
    json_object_set_null_member (o, member);
}

JsonObject *
ecg_prune_config_to_json (const EcgPruneConfig *c)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "model", c->model_path);
  json_object_set_string_member (o, "data", c->data_dir);
  json_object_set_string_member (o, "method", c->method == ECG_IMPORTANCE_L1 ? "l1" : "energy");
  json_object_set_double_member (o, "alpha", c->alpha);
  json_object_set_double_member (o, "beta", c->beta);
  json_object_set_double_member (o, "target_sparsity", c->target_sparsity);
  json_object_set_int_member (o, "steps", c->steps);
  json_object_set_int_member (o, "finetune_epochs", c->finetune_epochs);
  json_object_set_boolean_member (o, "structured", c->structured);
  json_object_set_boolean_member (o, "class_aware", c->class_aware);
  json_object_set_double_member (o, "class_aware_weight", c->class_aware_weight);
  json_object_set_boolean_member (o, "kd", c->kd);
  json_object_set_double_member (o, "temperature", c->temperature);
  json_object_set_double_member (o, "kd_weight", c->kd_weight);
  set_string_or_null (o, "train_records", c->train_records);
  set_string_or_null (o, "val_records", c->val_records);
  set_string_or_null (o, "test_records", c->test_records);
  set_string_or_null (o, "train_folds", c->train_folds);
  set_string_or_null (o, "val_folds", c->val_folds);
  set_string_or_null (o, "test_folds", c->test_folds);
  json_object_set_int_member (o, "batch", c->batch_size);
  json_object_set_double_member (o, "lr", c->learning_rate);
  json_object_set_int_member (o, "seed", (gint64) c->seed);
  json_object_set_int_member (o, "threads", c->threads);
  json_object_set_int_member (o, "latency_repeats", c->latency_repeats);
  set_string_or_null (o, "out", c->out_path);
  json_object_set_int_member (o, "max_train_examples", c->max_train_examples);
  json_object_set_int_member (o, "max_val_examples", c->max_val_examples);
  json_object_set_int_member (o, "max_test_examples", c->max_test_examples);
  json_object_set_int_member (o, "energy_inferences", c->energy_inferences);
  if (c->tag != NULL)
    json_object_set_string_member (o, "reproduce", c->tag);
  return o;
}

/* A stored config is read member by member with its type checked first: a damaged or
 * hand-edited store gives an error naming the member (json-glib's *_with_default getters would
 * raise a critical and return 0 for a member of the wrong type). An absent or null member keeps
 * the default. Each reader returns FALSE with `error` set. */
static gboolean
member_type_error (const char *member, const char *expected, GError **error)
{
  g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "prune: the config's \"%s\" is not %s",
               member, expected);
  return FALSE;
}

/* The member's value node, NULL when absent or null; *type is its value type (G_TYPE_INVALID
 * for an object or array). */
static JsonNode *
member_value (JsonObject *o, const char *member, GType *type)
{
  JsonNode *node = json_object_get_member (o, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  *type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  return node;
}

static gboolean
read_string_member (JsonObject *o, const char *member, char **value, GError **error)
{
  GType type;
  JsonNode *node = member_value (o, member, &type);
  if (node == NULL)
    return TRUE;
  if (type != G_TYPE_STRING)
    return member_type_error (member, "a string", error);
  g_free (*value);
  *value = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_double_member (JsonObject *o, const char *member, double *value, GError **error)
{
  GType type;
  JsonNode *node = member_value (o, member, &type);
  if (node == NULL)
    return TRUE;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return member_type_error (member, "a number", error);
  *value = json_node_get_double (node);
  return TRUE;
}

/* An integer member that must fit an int (the range itself is ecg_prune_config_validate's). */
static gboolean
read_int_member (JsonObject *o, const char *member, int *value, GError **error)
{
  GType type;
  JsonNode *node = member_value (o, member, &type);
  if (node == NULL)
    return TRUE;
  if (type != G_TYPE_INT64 || json_node_get_int (node) < G_MININT
      || json_node_get_int (node) > G_MAXINT)
    return member_type_error (member, "an integer", error);
  *value = (int) json_node_get_int (node);
  return TRUE;
}

static gboolean
read_boolean_member (JsonObject *o, const char *member, gboolean *value, GError **error)
{
  GType type;
  JsonNode *node = member_value (o, member, &type);
  if (node == NULL)
    return TRUE;
  if (type != G_TYPE_BOOLEAN)
    return member_type_error (member, "true or false", error);
  *value = json_node_get_boolean (node);
  return TRUE;
}

EcgPruneConfig *
ecg_prune_config_from_json (JsonObject *o, GError **error)
{
  g_autoptr (EcgPruneConfig) c = ecg_prune_config_new ();
  g_autofree char *method = NULL;
  /* The seed is written as a signed integer (ecg_prune_config_to_json): read it back the same
   * way. */
  GType seed_type = G_TYPE_INVALID;
  JsonNode *seed = member_value (o, "seed", &seed_type);
  if (seed != NULL && seed_type != G_TYPE_INT64)
    {
      member_type_error ("seed", "an integer", error);
      return NULL;
    }
  if (seed != NULL)
    c->seed = (guint64) json_node_get_int (seed);
  if (!read_string_member (o, "model", &c->model_path, error)
      || !read_string_member (o, "data", &c->data_dir, error)
      || !read_string_member (o, "method", &method, error)
      || !read_double_member (o, "alpha", &c->alpha, error)
      || !read_double_member (o, "beta", &c->beta, error)
      || !read_double_member (o, "target_sparsity", &c->target_sparsity, error)
      || !read_int_member (o, "steps", &c->steps, error)
      || !read_int_member (o, "finetune_epochs", &c->finetune_epochs, error)
      || !read_boolean_member (o, "structured", &c->structured, error)
      || !read_boolean_member (o, "class_aware", &c->class_aware, error)
      || !read_double_member (o, "class_aware_weight", &c->class_aware_weight, error)
      || !read_boolean_member (o, "kd", &c->kd, error)
      || !read_double_member (o, "temperature", &c->temperature, error)
      || !read_double_member (o, "kd_weight", &c->kd_weight, error)
      || !read_string_member (o, "train_records", &c->train_records, error)
      || !read_string_member (o, "val_records", &c->val_records, error)
      || !read_string_member (o, "test_records", &c->test_records, error)
      || !read_string_member (o, "train_folds", &c->train_folds, error)
      || !read_string_member (o, "val_folds", &c->val_folds, error)
      || !read_string_member (o, "test_folds", &c->test_folds, error)
      || !read_int_member (o, "batch", &c->batch_size, error)
      || !read_double_member (o, "lr", &c->learning_rate, error)
      || !read_int_member (o, "threads", &c->threads, error)
      || !read_int_member (o, "latency_repeats", &c->latency_repeats, error)
      || !read_string_member (o, "out", &c->out_path, error)
      || !read_int_member (o, "max_train_examples", &c->max_train_examples, error)
      || !read_int_member (o, "max_val_examples", &c->max_val_examples, error)
      || !read_int_member (o, "max_test_examples", &c->max_test_examples, error)
      || !read_int_member (o, "energy_inferences", &c->energy_inferences, error)
      || !read_string_member (o, "reproduce", &c->tag, error))
    return NULL;
  c->method = g_strcmp0 (method, "l1") == 0 ? ECG_IMPORTANCE_L1 : ECG_IMPORTANCE_ENERGY;
  if (c->store_path == NULL)
    c->store_path = g_strdup ("");
  if (!ecg_prune_config_validate (c, error))
    return NULL;
  return g_steal_pointer (&c);
}

/* ---- data --------------------------------------------------------------------------------- */

/* Examples for `file`'s model from records (MIT-BIH style) or folds (PTB-XL), normalised with
 * the model's own statistics. */
static EcgExamples *
load_examples (const EcgModelFile *file, const char *data_dir, const char *records,
               const char *folds, GCancellable *cancellable, GError **error)
{
  EcgModel *m = file->model;
  g_autoptr (EcgExamples) e = NULL;
  if (m->multi_label)
    {
      int n_folds = 0;
      g_autofree int *list = ecg_data_parse_folds (folds, &n_folds, error);
      if (list == NULL)
        return NULL;
      e = ecg_data_load_ptbxl (data_dir, list, n_folds, cancellable, error);
    }
  else
    {
      g_auto (GStrv) names = ecg_data_parse_record_list (records, error);
      if (names == NULL)
        return NULL;
      EcgDataSpec spec = { ECG_DATASET_MITBIH, m->input_length, file->samples_before,
                           file->class_map, m->rr_features > 0 };
      e = ecg_data_load_records (data_dir, (const char *const *) names, &spec, cancellable,
                                 error);
    }
  if (e == NULL)
    return NULL;
  ecg_examples_apply_normalisation (e, file->norm);
  return g_steal_pointer (&e);
}

/* ---- energy for the energy-aware importance: the 45 nm model per op (DESIGN.md §7 c) ------ */

static gboolean
op_energy_45nm (const EcgModel *model, double *op_energy, gpointer user_data, GError **error)
{
  g_autoptr (EcgCostTable) cost = ecg_cost_table_new (model);
  g_autoptr (EcgOpEnergy) energy = ecg_op_energy_new (cost, NULL);
  for (guint i = 0; i < model->ops->len; i++)
    op_energy[i] = 0;
  /* The output softmax row belongs to no op and pruning does not change it. */
  for (gsize r = 0; r < energy->n_layers; r++)
    if (cost->layers[r].op >= 0)
      op_energy[cost->layers[r].op] += energy->layers[r].total_pj;
  return TRUE;
}

/* ---- progress ----------------------------------------------------------------------------- */

typedef struct
{
  EcgJobProgressFunc progress;
  gpointer progress_data;
  int step;
  int n_steps;
} ProgressRelay;

static void
relay (ProgressRelay *r, const char *stage, int epoch, int n_epochs, gsize batch,
       gsize n_batches, double loss)
{
  if (r->progress == NULL)
    return;
  /* Within a step: pruning at 0, fine-tuning up to 0.8, measuring from 0.8. */
  double within = 0;
  if (n_epochs > 0 && n_batches > 0)
    within = 0.8 * ((epoch - 1) + (double) batch / (double) n_batches) / n_epochs;
  else if (g_strcmp0 (stage, "evaluate") == 0)
    within = 0.8;
  EcgJobProgress p = {
    .stage = stage,
    .step = r->step,
    .n_steps = r->n_steps,
    .epoch = epoch,
    .n_epochs = n_epochs,
    .batch = batch,
    .n_batches = n_batches,
    .loss = loss,
    .fraction = ((double) r->step + within) / (double) (r->n_steps + 1),
  };
  r->progress (&p, r->progress_data);
}

static void
train_progress (const EcgTrainProgress *p, gpointer data)
{
  relay (data, "fine-tune", p->epoch, p->n_epochs, p->batch, p->n_batches, p->epoch_loss);
}

/* ---- the run ------------------------------------------------------------------------------ */

typedef struct
{
  EcgPruneConfig *config;
  EcgRunStore *store;
  gint64 run;
  EcgModelFile *dense;      /* the teacher and the model's metadata */
  EcgModel *model;          /* being pruned */
  EcgExamples *train;
  EcgExamples *val;
  EcgExamples *test;
} PruneContext;

static void
prune_context_clear (PruneContext *ctx)
{
  g_clear_pointer (&ctx->dense, ecg_model_file_free);
  g_clear_pointer (&ctx->model, ecg_model_free);
  g_clear_pointer (&ctx->train, ecg_examples_free);
  g_clear_pointer (&ctx->val, ecg_examples_free);
  g_clear_pointer (&ctx->test, ecg_examples_free);
  g_clear_pointer (&ctx->store, ecg_run_store_close);
}

static gboolean
load_data (PruneContext *ctx, GCancellable *cancellable, GError **error)
{
  const EcgPruneConfig *c = ctx->config;
  ctx->train = load_examples (ctx->dense, c->data_dir, c->train_records ? c->train_records
                                                                        : "DS1-train",
                              c->train_folds ? c->train_folds : "1-8", cancellable, error);
  if (ctx->train == NULL)
    return FALSE;
  ctx->val = load_examples (ctx->dense, c->data_dir, c->val_records ? c->val_records : "DS1-val",
                            c->val_folds ? c->val_folds : "9", cancellable, error);
  if (ctx->val == NULL)
    return FALSE;
  ctx->test = load_examples (ctx->dense, c->data_dir, c->test_records ? c->test_records : "DS2",
                             c->test_folds ? c->test_folds : "10", cancellable, error);
  if (ctx->test == NULL)
    return FALSE;
  /* Subsets drawn as the train job draws them, so a model trained on N examples is fine-tuned
   * on the same N. */
  EcgExamples **splits[] = { &ctx->train, &ctx->val, &ctx->test };
  const int limits[] = { c->max_train_examples, c->max_val_examples, c->max_test_examples };
  for (int k = 0; k < 3; k++)
    if (limits[k] > 0 && (gsize) limits[k] < (*splits[k])->n)
      {
        EcgExamples *subset = ecg_examples_subsample (*splits[k], (gsize) limits[k],
                                                      ecg_train_subset_seed (c->seed, k));
        ecg_examples_free (*splits[k]);
        *splits[k] = subset;
      }
  return TRUE;
}

/* The schedule's target at step t for structured pruning (one rate for all layers). */
static double
structured_target (const EcgSchedule *schedule, int step)
{
  if (step <= 0)
    return 0.0;
  return ecg_schedule_sparsity (schedule, schedule->beta, step);
}

/* The class-aware saliency of the current model (DESIGN.md §6) on the validation examples —
 * DS1 validation by default, never the test examples. The class weights lambda_c it used go
 * into the step's "pruning" object. */
static gboolean
class_saliency (PruneContext *ctx, GCancellable *cancellable, double *saliency,
                JsonObject *step_info, GError **error)
{
  const EcgExamples *v = ctx->val;
  EcgSaliencyData data = { .n = v->n, .inputs = v->inputs, .rr = v->rr, .labels = v->labels,
                           .targets = v->targets };
  EcgSaliencyOptions options;
  ecg_saliency_options_init (&options);
  options.batch_size = ctx->config->batch_size;
  options.cancellable = cancellable;
  int k = ctx->model->n_outputs;
  g_autofree double *lambda = g_new0 (double, k);
  g_autofree gsize *counts = g_new0 (gsize, k);
  if (!ecg_saliency_class_aware (ctx->model, &data, &options, saliency, lambda, counts, error))
    return FALSE;
  JsonObject *weights = json_object_new ();
  for (int c = 0; c < k; c++)
    json_object_set_double_member (weights, ctx->dense->classes[c], lambda[c]);
  json_object_set_object_member (step_info, "class_weights", weights);
  json_object_set_double_member (step_info, "class_aware_weight",
                                 ctx->config->class_aware_weight);
  return TRUE;
}

/* Runs steps first..K, committing each. */
static gboolean
run_steps (PruneContext *ctx, int first, EcgJobProgressFunc progress, gpointer progress_data,
           GCancellable *cancellable, GError **error)
{
  const EcgPruneConfig *c = ctx->config;
  ProgressRelay r = { progress, progress_data, first, c->steps };

  EcgPrunerOptions pruner;
  ecg_pruner_options_init (&pruner);
  pruner.method = c->method;
  pruner.alpha = c->alpha;
  pruner.energy = op_energy_45nm;
  /* DESIGN.md §6: no layer loses its last output channel; targets up to 0.95 stay feasible. */
  pruner.keep = ECG_PRUNER_KEEP_ONE_UNIT;
  if (!ecg_schedule_init (&pruner.schedule, c->target_sparsity, c->beta, c->steps, error))
    return FALSE;
  g_autofree double *saliency = c->class_aware ? g_new (double, MAX (ctx->model->n_params, 1))
                                               : NULL;
  pruner.saliency_weight = c->class_aware_weight;

  EcgStepMeasureOptions measure;
  ecg_step_measure_options_init (&measure);
  measure.threads = c->threads;
  measure.latency_repeats = c->latency_repeats;
  measure.latency_warmup = MIN (measure.latency_warmup, c->latency_repeats);
  measure.energy_inferences = c->energy_inferences;
  measure.bootstrap_seed = (guint32) c->seed;

  for (int step = first; step <= c->steps; step++)
    {
      r.step = step;
      g_autoptr (JsonObject) step_info = json_object_new ();
      g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) val_scores = g_array_new (FALSE, FALSE, sizeof (double));
      if (step > 0 && c->structured)
        {
          /* Channels kept after step t: (1 - s(t)) of the dense widths; this step removes
           * the fraction that takes the current model there. */
          relay (&r, "prune", 0, 0, 0, 0, NAN);
          double before = structured_target (&pruner.schedule, step - 1);
          double after = structured_target (&pruner.schedule, step);
          double fraction = 1.0 - (1.0 - after) / (1.0 - before);
          EcgModel *smaller = ecg_structured_prune (ctx->model, fraction, error);
          if (smaller == NULL)
            return FALSE;
          ecg_model_free (ctx->model);
          ctx->model = smaller;
          json_object_set_double_member (step_info, "channel_fraction", after);
        }
      else if (step > 0)
        {
          relay (&r, "prune", 0, 0, 0, 0, NAN);
          if (saliency != NULL)
            {
              /* Recomputed every step: fine-tuning has moved the weights and gradients. */
              if (!class_saliency (ctx, cancellable, saliency, step_info, error))
                return FALSE;
              pruner.saliency = saliency;
            }
          g_autoptr (EcgPrunerReport) report = ecg_pruner_step (ctx->model, &pruner, step, error);
          if (report == NULL)
            return FALSE;
          json_object_set_int_member (step_info, "budget", (gint64) report->budget);
          JsonObject *layers = json_object_new ();
          for (gsize l = 0; l < report->n_layers; l++)
            json_object_set_double_member (layers, report->layers[l].name,
                                           report->layers[l].fraction);
          json_object_set_object_member (step_info, "layer_sparsity", layers);
        }
      if (step > 0)
        {

          if (c->finetune_epochs > 0)
            {
              EcgTrainOptions t;
              ecg_train_options_init (&t);
              t.epochs = c->finetune_epochs;
              t.batch_size = c->batch_size;
              t.learning_rate = (float) c->learning_rate;
              t.patience = 0;
              t.seed = c->seed * 7919u + (guint64) step;
              t.threads = c->threads;
              t.teacher = c->kd ? ctx->dense->model : NULL;
              t.kd_temperature = (float) c->temperature;
              t.kd_weight = (float) c->kd_weight;
              t.progress = train_progress;
              t.progress_data = &r;
              t.cancellable = cancellable;
              EcgTrainResult result = { 0 };
              gboolean ok = ecg_train (ctx->model, ctx->train, ctx->val, &t, &result, error);
              if (ok)
                {
                  g_array_append_vals (losses, result.epoch_loss->data, result.epoch_loss->len);
                  g_array_append_vals (val_scores, result.val_scores->data,
                                       result.val_scores->len);
                }
              ecg_train_result_clear (&result);
              if (!ok)
                return FALSE;
            }
        }
      if (ecg_error_set_if_cancelled (cancellable, error))
        return FALSE;
      relay (&r, "evaluate", 0, 0, 0, 0, NAN);
      g_autoptr (EcgStepRecord) record = ecg_step_measure (ctx->model, ctx->dense, ctx->test, step,
                                                           &measure, NULL, cancellable, error);
      if (record == NULL)
        return FALSE;
      if (c->structured)
        {
          /* Sparsity of a narrowed model: the dense model's prunable weights that are gone. */
          record->sparsity = ecg_structured_weight_sparsity (ctx->dense->model, ctx->model);
          json_object_set_double_member (step_info, "weight_sparsity", record->sparsity);
        }
      for (guint e = 0; e < losses->len; e++)
        ecg_step_record_add_curve_point (record, "train_loss", (int) e + 1,
                                         g_array_index (losses, double, e));
      for (guint e = 0; e < val_scores->len; e++)
        ecg_step_record_add_curve_point (record, "val_score", (int) e + 1,
                                         g_array_index (val_scores, double, e));
      json_object_set_object_member (record->metrics, "pruning",
                                     json_object_ref (step_info));
      if (!ecg_run_store_commit_step (ctx->store, ctx->run, record, error))
        return FALSE;
    }
  return TRUE;
}

static JsonObject *
make_provenance (const EcgPruneConfig *c)
{
  JsonObject *p = ecg_job_provenance_new (c->threads, c->data_dir);
  /* The parent model: enough to tell whether a later run started from the same file. */
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *model_bytes = NULL;
  gsize length = 0;
  if (g_file_get_contents (c->model_path, &model_bytes, &length, NULL))
    {
      g_checksum_update (sum, (const guchar *) model_bytes, (gssize) length);
      json_object_set_string_member (p, "model_sha256", g_checksum_get_string (sum));
    }
  return p;
}

/* Saves the final model and closes the run: finished, or failed / cancelled with `failure`
 * (which is then propagated into `error`). */
static gboolean
finish (PruneContext *ctx, GError *failure, GError **error)
{
  if (failure == NULL && ctx->config->out_path != NULL && *ctx->config->out_path != '\0'
      && !ecg_model_file_save (ctx->model, ctx->dense->norm,
                               (const char *const *) ctx->dense->classes, ctx->dense->class_map,
                               ctx->dense->samples_before, ctx->dense->info,
                               ctx->config->out_path, &failure))
    g_assert (failure != NULL);
  if (failure == NULL)
    return ecg_run_store_finish (ctx->store, ctx->run, ECG_RUN_STATUS_FINISHED, NULL, error);
  gboolean cancelled = failure->domain == ECG_ERROR && failure->code == ECG_ERROR_CANCELLED;
  ecg_run_store_finish (ctx->store, ctx->run,
                        cancelled ? ECG_RUN_STATUS_CANCELLED : ECG_RUN_STATUS_FAILED,
                        failure->message, NULL);
  g_propagate_error (error, failure);
  return FALSE;
}

gboolean
ecg_prune_job_run (EcgPruneConfig *config, gint64 *run_id, EcgJobProgressFunc progress,
                   gpointer progress_data, GCancellable *cancellable, GError **error)
{
  if (!ecg_prune_config_validate (config, error))
    return FALSE;
  PruneContext ctx = { .config = config };
  ctx.dense = ecg_model_file_load (config->model_path, error);
  if (ctx.dense == NULL)
    return FALSE;
  if (!load_data (&ctx, cancellable, error))
    {
      prune_context_clear (&ctx);
      return FALSE;
    }
  ctx.store = ecg_run_store_open (config->store_path, TRUE, error);
  if (ctx.store == NULL)
    {
      prune_context_clear (&ctx);
      return FALSE;
    }
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_PRUNE);
  g_autoptr (JsonObject) json = ecg_prune_config_to_json (config);
  g_autoptr (JsonObject) provenance = make_provenance (config);
  spec.config = json;
  spec.provenance = provenance;
  spec.parent_model = config->model_path;
  ctx.run = ecg_run_store_create_run (ctx.store, &spec, error);
  if (ctx.run <= 0 || !ecg_run_store_mark_started (ctx.store, ctx.run, error))
    {
      prune_context_clear (&ctx);
      return FALSE;
    }
  if (run_id != NULL)
    *run_id = ctx.run;
  ctx.model = ecg_model_copy (ctx.dense->model);
  GError *failure = NULL;
  EcgHeartbeat *heartbeat = ecg_heartbeat_start (config->store_path, ctx.run, 15.0);
  run_steps (&ctx, 0, progress, progress_data, cancellable, &failure);
  ecg_heartbeat_stop (heartbeat);
  gboolean ok = finish (&ctx, failure, error);
  prune_context_clear (&ctx);
  return ok;
}

gboolean
ecg_prune_job_resume (const char *store_path, gint64 run_id, int threads,
                      EcgJobProgressFunc progress, gpointer progress_data,
                      GCancellable *cancellable, GError **error)
{
  PruneContext ctx = { 0 };
  ctx.store = ecg_run_store_open (store_path, FALSE, error);
  if (ctx.store == NULL)
    return FALSE;
  g_autoptr (EcgRun) run = ecg_run_store_get_run (ctx.store, run_id, error);
  if (run == NULL)
    {
      prune_context_clear (&ctx);
      return FALSE;
    }
  if (run->kind != ECG_RUN_KIND_PRUNE || run->status == ECG_RUN_STATUS_FINISHED
      || run->status == ECG_RUN_STATUS_RUNNING)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: run %" G_GINT64_FORMAT " is a %s run that is %s; only an interrupted, "
                   "failed or cancelled pruning run resumes", store_path, run_id,
                   ecg_run_kind_to_string (run->kind), ecg_run_status_to_string (run->status));
      prune_context_clear (&ctx);
      return FALSE;
    }
  g_autoptr (EcgPruneConfig) config = ecg_prune_config_from_json (run->config, error);
  if (config == NULL)
    {
      prune_context_clear (&ctx);
      return FALSE;
    }
  g_free (config->store_path);
  config->store_path = g_strdup (store_path);
  if (threads > 0)
    config->threads = threads;
  ctx.config = config;
  ctx.run = run_id;
  int last = -1;
  if (!ecg_run_store_get_last_step (ctx.store, run_id, &last, error))
    {
      prune_context_clear (&ctx);
      return FALSE;
    }
  /* The teacher is the run's dense model (step 0) when it was stored, else the model file. */
  ctx.dense = last >= 0 ? ecg_run_store_load_model_file (ctx.store, run_id, 0, error)
                        : ecg_model_file_load (config->model_path, error);
  if (ctx.dense == NULL || !load_data (&ctx, cancellable, error))
    {
      prune_context_clear (&ctx);
      return FALSE;
    }
  if (last >= 0)
    {
      EcgModelFile *latest = ecg_run_store_load_model_file (ctx.store, run_id, last, error);
      if (latest == NULL)
        {
          prune_context_clear (&ctx);
          return FALSE;
        }
      ctx.model = g_steal_pointer (&latest->model);
      ecg_model_file_free (latest);
    }
  else
    ctx.model = ecg_model_copy (ctx.dense->model);
  if (!ecg_run_store_mark_started (ctx.store, run_id, error))
    {
      prune_context_clear (&ctx);
      return FALSE;
    }
  GError *failure = NULL;
  EcgHeartbeat *heartbeat = ecg_heartbeat_start (store_path, run_id, 15.0);
  run_steps (&ctx, last + 1, progress, progress_data, cancellable, &failure);
  ecg_heartbeat_stop (heartbeat);
  gboolean ok = finish (&ctx, failure, error);
  ctx.config = NULL;
  prune_context_clear (&ctx);
  return ok;
}
