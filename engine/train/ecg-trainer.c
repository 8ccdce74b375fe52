/* ecg-trainer.c — the training loop, prediction and validation scores. */
#include "train/ecg-trainer.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "measure/ecg-metrics.h"
#include "nn/ecg-activation.h"
#include "nn/ecg-loss.h"
#include "train/ecg-parallel.h"

void
ecg_train_options_init (EcgTrainOptions *o)
{
  memset (o, 0, sizeof *o);
  o->epochs = 20;
  o->batch_size = 128;
  o->learning_rate = 1e-3f;
  o->weight_decay = 1e-4f;
  o->optimizer = ECG_OPTIMIZER_ADAMW;
  o->class_weights = TRUE;
  o->patience = 5;
  o->seed = 1;
  o->threads = 1;
  o->kd_temperature = 4.0f;
  o->kd_weight = 0.5f;
}

void
ecg_train_result_clear (EcgTrainResult *result)
{
  g_clear_pointer (&result->epoch_loss, g_array_unref);
  g_clear_pointer (&result->val_scores, g_array_unref);
  memset (result, 0, sizeof *result);
}

/* ---- numerical checks ------------------------------------------------------------------ */

static gboolean
all_finite (const float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

/* Whether the model's eval-mode outputs for the first examples of `e` are finite: the last
 * optimiser step of a run is seen by no batch loss, and one absurd step (weights near 1e30)
 * leaves finite weights whose outputs overflow. */
static gboolean
outputs_finite (EcgModel *model, const EcgExamples *e)
{
  const int count = (int) MIN (e->n, (gsize) 64);
  if (count == 0)
    return TRUE;
  g_autoptr (EcgModelRun) run = ecg_model_run_new (model, count, FALSE);
  const float *logits = ecg_model_forward (model, run, e->inputs, e->rr, count);
  return all_finite (logits, (gsize) count * (gsize) model->n_outputs);
}

/* ---- one worker's share of a batch ---------------------------------------------------- */

typedef struct
{
  EcgModelRun *run;
  EcgModelRun *teacher_run;
  float *state;        /* private BatchNorm statistics (several workers) or NULL */
  float *inputs;       /* gathered chunk */
  float *rr;
  int count;           /* examples in the chunk this step */
  gsize first;         /* offset of the chunk in the batch */
  const float *logits; /* after forward */
} Worker;

typedef struct
{
  EcgModel *model;
  const EcgModel *teacher;
  const EcgExamples *examples;
  const gsize *batch_indices;
  Worker *workers;
  float *d_logits;      /* batch × outputs */
  float *teacher_logits;
  int n_outputs;
} StepContext;

static void
gather (const EcgExamples *e, const gsize *indices, int count, float *inputs, float *rr)
{
  gsize size = (gsize) e->channels * (gsize) e->length;
  for (int i = 0; i < count; i++)
    {
      memcpy (inputs + (gsize) i * size, e->inputs + indices[i] * size, size * sizeof (float));
      if (rr != NULL)
        memcpy (rr + (gsize) i * e->n_rr, e->rr + indices[i] * (gsize) e->n_rr,
                (gsize) e->n_rr * sizeof (float));
    }
}

static void
forward_task (int task, gpointer data)
{
  StepContext *c = data;
  Worker *w = &c->workers[task];
  if (w->count == 0)
    return;
  gather (c->examples, c->batch_indices + w->first, w->count, w->inputs, w->rr);
  w->logits = ecg_model_forward (c->model, w->run, w->inputs, w->rr, w->count);
  if (c->teacher != NULL)
    {
      const float *t = ecg_model_forward ((EcgModel *) c->teacher, w->teacher_run, w->inputs,
                                          w->rr, w->count);
      memcpy (c->teacher_logits + w->first * (gsize) c->n_outputs, t,
              (gsize) w->count * (gsize) c->n_outputs * sizeof (float));
    }
}

static void
backward_task (int task, gpointer data)
{
  StepContext *c = data;
  Worker *w = &c->workers[task];
  if (w->count == 0)
    return;
  ecg_model_backward (c->model, w->run, c->d_logits + w->first * (gsize) c->n_outputs);
}

/* ---- the loss over a whole batch -------------------------------------------------------- */

/* Writes d_logits (batch × K) and returns the loss. */
static double
batch_loss (const EcgExamples *e, const gsize *indices, int batch, const float *logits,
            const float *teacher_logits, const float *class_weights,
            const EcgTrainOptions *o, float *d_logits)
{
  const int k = e->n_classes;
  const float a = teacher_logits != NULL ? o->kd_weight : 0.0f;
  const float temperature = o->kd_temperature;
  double loss;

  if (!e->multi_label)
    {
      g_autofree gint32 *labels = g_new (gint32, batch);
      for (int i = 0; i < batch; i++)
        labels[i] = e->labels[indices[i]];
      loss = ecg_cross_entropy_loss (d_logits, logits, labels, class_weights, batch, k);
      if (a > 0)
        {
          /* d/dz_s of a T^2 KL(p_t || p_s) with p = softmax(z/T), batch-mean: a T (p_s - p_t) / B */
          g_autofree float *ps = g_new (float, (gsize) batch * k);
          g_autofree float *pt = g_new (float, (gsize) batch * k);
          for (gsize j = 0; j < (gsize) batch * k; j++)
            {
              ps[j] = logits[j] / temperature;
              pt[j] = teacher_logits[j] / temperature;
            }
          ecg_softmax_forward (ps, ps, batch, k);
          ecg_softmax_forward (pt, pt, batch, k);
          double kl = 0;
          for (gsize j = 0; j < (gsize) batch * k; j++)
            {
              if (pt[j] > 0)
                kl += pt[j] * (log (pt[j]) - log (fmax (ps[j], 1e-30)));
              d_logits[j] = (1 - a) * d_logits[j] + a * temperature * (ps[j] - pt[j]) / batch;
            }
          loss = (1 - a) * loss + a * temperature * temperature * kl / batch;
        }
    }
  else
    {
      gsize n = (gsize) batch * k;
      g_autofree float *targets = g_new (float, n);
      for (int i = 0; i < batch; i++)
        memcpy (targets + (gsize) i * k, e->targets + indices[i] * (gsize) k,
                (gsize) k * sizeof (float));
      loss = ecg_bce_with_logits_loss (d_logits, logits, targets, n);
      if (a > 0)
        {
          /* d/dz_s of a T^2 mean BCE(sigmoid(z_t/T), sigmoid(z_s/T)) = a T (q_s - q_t) / n */
          double kd = 0;
          for (gsize j = 0; j < n; j++)
            {
              double qs = ecg_sigmoidf (logits[j] / temperature);
              double qt = ecg_sigmoidf (teacher_logits[j] / temperature);
              kd -= qt * log (fmax (qs, 1e-12)) + (1 - qt) * log (fmax (1 - qs, 1e-12));
              d_logits[j] = (1 - a) * d_logits[j] + a * temperature * (float) (qs - qt) / n;
            }
          loss = (1 - a) * loss + a * temperature * temperature * kd / n;
        }
    }
  return loss;
}

/* ---- snapshots, so that a failed or cancelled run leaves the model as it was ------------- */

typedef struct
{
  float *params;
  float *state;
} Snapshot;

static void
snapshot_take (Snapshot *s, const EcgModel *m)
{
  if (s->params == NULL)
    {
      s->params = g_new (float, MAX (m->n_params, 1));
      s->state = g_new (float, MAX (m->n_state, 1));
    }
  memcpy (s->params, m->params, m->n_params * sizeof (float));
  memcpy (s->state, m->state, m->n_state * sizeof (float));
}

static void
snapshot_restore (const Snapshot *s, EcgModel *m)
{
  memcpy (m->params, s->params, m->n_params * sizeof (float));
  memcpy (m->state, s->state, m->n_state * sizeof (float));
}

static void
snapshot_clear (Snapshot *s)
{
  g_clear_pointer (&s->params, g_free);
  g_clear_pointer (&s->state, g_free);
}

/* Fisher–Yates with the job's own generator. */
static void
shuffle (gsize *indices, gsize n, GRand *rand)
{
  for (gsize i = n; i > 1; i--)
    {
      gsize j = (gsize) g_rand_int_range (rand, 0, (gint32) i);
      gsize t = indices[i - 1];
      indices[i - 1] = indices[j];
      indices[j] = t;
    }
}

/* Indices drawn with equal probability per class (with replacement). */
static void
balanced_draw (const EcgExamples *e, gsize *out, gsize n, GRand *rand)
{
  g_autofree gsize *counts = g_new0 (gsize, e->n_classes);
  ecg_examples_class_counts (e, counts);
  g_autofree gsize **members = g_new0 (gsize *, e->n_classes);
  g_autofree gsize *filled = g_new0 (gsize, e->n_classes);
  for (int c = 0; c < e->n_classes; c++)
    members[c] = g_new (gsize, MAX (counts[c], 1));
  for (gsize i = 0; i < e->n; i++)
    members[e->labels[i]][filled[e->labels[i]]++] = i;
  int present = 0;
  g_autofree int *classes = g_new (int, e->n_classes);
  for (int c = 0; c < e->n_classes; c++)
    if (counts[c] > 0)
      classes[present++] = c;
  for (gsize i = 0; i < n; i++)
    {
      int c = classes[g_rand_int_range (rand, 0, present)];
      out[i] = members[c][g_rand_int_range (rand, 0, (gint32) counts[c])];
    }
  for (int c = 0; c < e->n_classes; c++)
    g_free (members[c]);
}

gboolean
ecg_train (EcgModel *model, const EcgExamples *train, const EcgExamples *val,
           const EcgTrainOptions *o, EcgTrainResult *result, GError **error)
{
  g_return_val_if_fail (train->n > 0, FALSE);
  if (train->channels != model->input_channels || train->length != model->input_length
      || train->n_rr != model->rr_features || train->n_classes != model->n_outputs
      || train->multi_label != model->multi_label)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s expects %d×%d inputs%s and %d %s outputs; the examples are %d×%d%s "
                   "with %d classes", model->arch, model->input_channels, model->input_length,
                   model->rr_features ? " with RR features" : "", model->n_outputs,
                   model->multi_label ? "multi-label" : "single-label", train->channels,
                   train->length, train->n_rr ? " with RR features" : "", train->n_classes);
      return FALSE;
    }

  memset (result, 0, sizeof *result);
  result->epoch_loss = g_array_new (FALSE, FALSE, sizeof (double));
  result->val_scores = g_array_new (FALSE, FALSE, sizeof (double));

  const int threads = MAX (1, o->threads);
  const int batch_size = (int) MIN ((gsize) o->batch_size, train->n);
  const int chunk = (batch_size + threads - 1) / threads;
  const int k = model->n_outputs;
  const gsize example_size = (gsize) train->channels * (gsize) train->length;

  g_autoptr (EcgParallel) parallel = ecg_parallel_new (threads);
  g_autofree Worker *workers = g_new0 (Worker, threads);
  for (int t = 0; t < threads; t++)
    {
      workers[t].run = ecg_model_run_new (model, chunk, TRUE);
      if (o->teacher != NULL)
        workers[t].teacher_run = ecg_model_run_new (o->teacher, chunk, FALSE);
      workers[t].inputs = g_new (float, (gsize) chunk * example_size);
      if (train->n_rr > 0)
        workers[t].rr = g_new (float, (gsize) chunk * (gsize) train->n_rr);
      /* Several workers: each keeps its own BatchNorm statistics, averaged after each step. */
      if (threads > 1)
        {
          workers[t].state = g_memdup2 (model->state, MAX (model->n_state, 1) * sizeof (float));
          ecg_model_run_set_state (workers[t].run, workers[t].state);
        }
    }

  /* Inverse-frequency weights n / (K n_c), as scikit-learn's "balanced". */
  g_autofree float *class_weights = NULL;
  if (!train->multi_label && o->class_weights && !o->balanced_sampling)
    {
      g_autofree gsize *counts = g_new0 (gsize, k);
      ecg_examples_class_counts (train, counts);
      class_weights = g_new (float, k);
      for (int c = 0; c < k; c++)
        class_weights[c] = counts[c] > 0 ? (float) train->n / ((float) k * counts[c]) : 0.0f;
    }

  g_autoptr (EcgOptimizer) optimizer = ecg_optimizer_new (o->optimizer, model->n_params,
                                                          o->weight_decay);
  g_autofree float *grads = g_new (float, MAX (model->n_params, 1));
  g_autofree float *logits = g_new (float, (gsize) batch_size * k);
  g_autofree float *d_logits = g_new (float, (gsize) batch_size * k);
  g_autofree float *teacher_logits = o->teacher ? g_new (float, (gsize) batch_size * k) : NULL;
  g_autofree gsize *order = g_new (gsize, train->n);
  for (gsize i = 0; i < train->n; i++)
    order[i] = i;
  GRand *rand = g_rand_new_with_seed ((guint32) (o->seed ^ (o->seed >> 32)));

  Snapshot initial = { 0 }, best = { 0 };
  snapshot_take (&initial, model);
  gsize n_batches = (train->n + (gsize) batch_size - 1) / (gsize) batch_size;
  gint64 total_steps = (gint64) n_batches * o->epochs, step = 0;
  gboolean ok = TRUE;
  int epochs_without_gain = 0;
  result->best_val_score = -G_MAXDOUBLE;

  for (int epoch = 1; epoch <= o->epochs && ok; epoch++)
    {
      if (o->balanced_sampling && !train->multi_label)
        balanced_draw (train, order, train->n, rand);
      else
        shuffle (order, train->n, rand);
      double loss_sum = 0;
      for (gsize b = 0; b < n_batches; b++)
        {
          if (ecg_error_set_if_cancelled (o->cancellable, error))
            {
              ok = FALSE;
              break;
            }
          gsize first = b * (gsize) batch_size;
          int count = (int) MIN ((gsize) batch_size, train->n - first);
          StepContext ctx = { model, o->teacher, train, order + first, workers, d_logits,
                              teacher_logits, k };
          for (int t = 0; t < threads; t++)
            {
              int start = MIN (count, t * chunk);
              workers[t].first = (gsize) start;
              workers[t].count = MIN (count, start + chunk) - start;
              ecg_model_run_set_seed (workers[t].run,
                                      o->seed * 1000003u + (guint64) step * 131u + (guint64) t);
              ecg_model_run_zero_grads (workers[t].run);
            }
          ecg_parallel_run (parallel, threads, forward_task, &ctx);
          for (int t = 0; t < threads; t++)
            if (workers[t].count > 0)
              memcpy (logits + workers[t].first * (gsize) k, workers[t].logits,
                      (gsize) workers[t].count * (gsize) k * sizeof (float));
          double loss = batch_loss (train, order + first, count, logits, teacher_logits,
                                    class_weights, o, d_logits);
          if (!isfinite (loss))
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                           "training %s: the loss became %s at epoch %d, batch %" G_GSIZE_FORMAT
                           " (try a lower learning rate)", model->arch,
                           isnan (loss) ? "NaN" : "infinite", epoch, b + 1);
              ok = FALSE;
              break;
            }
          ecg_parallel_run (parallel, threads, backward_task, &ctx);

          memcpy (grads, ecg_model_run_grads (workers[0].run), model->n_params * sizeof (float));
          for (int t = 1; t < threads; t++)
            {
              const float *g = ecg_model_run_grads (workers[t].run);
              for (gsize i = 0; i < model->n_params; i++)
                grads[i] += g[i];
            }
          if (threads > 1)
            {
              /* Model statistics = mean of the workers'; every worker continues from it. */
              for (gsize i = 0; i < model->n_state; i++)
                {
                  double s = 0;
                  for (int t = 0; t < threads; t++)
                    s += workers[t].state[i];
                  model->state[i] = (float) (s / threads);
                }
              for (int t = 0; t < threads; t++)
                memcpy (workers[t].state, model->state, model->n_state * sizeof (float));
            }
          float lr = ecg_lr_cosine (o->learning_rate, step, total_steps, 0);
          ecg_optimizer_step (optimizer, model->params, grads, model->masks, lr);
          step++;
          loss_sum += loss;
          if (o->progress != NULL)
            {
              EcgTrainProgress p = { epoch, o->epochs, b + 1, n_batches, loss,
                                     loss_sum / (double) (b + 1), NAN, FALSE };
              o->progress (&p, o->progress_data);
            }
        }
      if (!ok)
        break;

      double epoch_loss = loss_sum / (double) n_batches;
      g_array_append_val (result->epoch_loss, epoch_loss);
      result->epochs_run = epoch;
      double score = NAN;
      if (val != NULL && val->n > 0)
        {
          g_autofree float *probs = ecg_predict (model, val, threads, o->cancellable, error);
          if (probs == NULL)
            {
              ok = FALSE;
              break;
            }
          if (!all_finite (probs, val->n * (gsize) k))
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                           "training %s: the outputs on the validation examples became NaN or "
                           "infinite after epoch %d (try a lower learning rate)", model->arch,
                           epoch);
              ok = FALSE;
              break;
            }
          score = ecg_examples_score (val, probs);
          g_array_append_val (result->val_scores, score);
          if (isfinite (score) && score > result->best_val_score)
            {
              result->best_val_score = score;
              result->best_epoch = epoch;
              snapshot_take (&best, model);
              epochs_without_gain = 0;
            }
          else
            epochs_without_gain++;
        }
      if (o->progress != NULL)
        {
          EcgTrainProgress p = { epoch, o->epochs, n_batches, n_batches, NAN, epoch_loss, score,
                                 TRUE };
          o->progress (&p, o->progress_data);
        }
      if (o->patience > 0 && epochs_without_gain >= o->patience)
        break;
    }

  /* Without validation nothing has run the final parameters yet. */
  if (ok && (val == NULL || val->n == 0) && !outputs_finite (model, train))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                   "training %s: the outputs became NaN or infinite after epoch %d (try a lower "
                   "learning rate)", model->arch, result->epochs_run);
      ok = FALSE;
    }
  if (!ok)
    snapshot_restore (&initial, model);
  else if (best.params != NULL)
    snapshot_restore (&best, model);
  else
    result->best_val_score = NAN;

  snapshot_clear (&initial);
  snapshot_clear (&best);
  g_rand_free (rand);
  for (int t = 0; t < threads; t++)
    {
      ecg_model_run_free (workers[t].run);
      ecg_model_run_free (workers[t].teacher_run);
      g_free (workers[t].inputs);
      g_free (workers[t].rr);
      g_free (workers[t].state);
    }
  return ok;
}

/* ---- prediction ----------------------------------------------------------------------- */

typedef struct
{
  EcgModel *model;
  const EcgExamples *examples;
  float *probabilities;
  gsize per_task;
  int batch;
  GCancellable *cancellable;
  gboolean cancelled;
} PredictContext;

static void
predict_task (int task, gpointer data)
{
  PredictContext *c = data;
  const EcgExamples *e = c->examples;
  gsize first = (gsize) task * c->per_task;
  gsize last = MIN (e->n, first + c->per_task);
  if (first >= last)
    return;
  const int k = c->model->n_outputs;
  const gsize size = (gsize) e->channels * (gsize) e->length;
  g_autoptr (EcgModelRun) run = ecg_model_run_new (c->model, c->batch, FALSE);
  for (gsize i = first; i < last; i += (gsize) c->batch)
    {
      if (g_cancellable_is_cancelled (c->cancellable))
        {
          c->cancelled = TRUE;
          return;
        }
      int count = (int) MIN ((gsize) c->batch, last - i);
      const float *logits = ecg_model_forward (c->model, run, e->inputs + i * size,
                                               e->rr ? e->rr + i * (gsize) e->n_rr : NULL,
                                               count);
      float *out = c->probabilities + i * (gsize) k;
      if (c->model->multi_label)
        ecg_sigmoid_forward (out, logits, (gsize) count * k);
      else
        ecg_softmax_forward (out, logits, count, k);
    }
}

float *
ecg_predict (EcgModel *model, const EcgExamples *examples, int threads, GCancellable *cancellable,
             GError **error)
{
  threads = MAX (1, threads);
  g_autofree float *probabilities = g_new0 (float, MAX (examples->n, 1) * model->n_outputs);
  PredictContext ctx = {
    .model = model,
    .examples = examples,
    .probabilities = probabilities,
    .per_task = (examples->n + (gsize) threads - 1) / (gsize) threads,
    .batch = 64,
    .cancellable = cancellable,
  };
  g_autoptr (EcgParallel) parallel = ecg_parallel_new (threads);
  ecg_parallel_run (parallel, threads, predict_task, &ctx);
  if (ctx.cancelled)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_CANCELLED, "prediction cancelled");
      return NULL;
    }
  return g_steal_pointer (&probabilities);
}

double
ecg_examples_score (const EcgExamples *e, const float *probabilities)
{
  const int k = e->n_classes;
  if (e->multi_label)
    {
      g_autofree guint8 *labels = g_new (guint8, MAX (e->n, 1) * k);
      for (gsize i = 0; i < e->n * (gsize) k; i++)
        labels[i] = e->targets[i] > 0.5f;
      g_autoptr (EcgMultiLabelMetrics) m
        = ecg_multi_label_metrics_new (probabilities, labels, e->n, k, NULL);
      return m ? m->macro_auroc : NAN;
    }
  g_autofree int *reference = g_new (int, MAX (e->n, 1));
  g_autofree int *predicted = g_new (int, MAX (e->n, 1));
  for (gsize i = 0; i < e->n; i++)
    {
      const float *p = probabilities + i * (gsize) k;
      int best = 0;
      for (int c = 1; c < k; c++)
        if (p[c] > p[best])
          best = c;
      reference[i] = e->labels[i];
      predicted[i] = best;
    }
  g_autoptr (EcgConfusion) confusion
    = ecg_confusion_new_from_labels (reference, predicted, e->n, k, NULL);
  if (confusion == NULL)
    return NAN;
  g_autoptr (EcgSingleLabelMetrics) m = ecg_single_label_metrics_new (confusion);
  return m->macro_f1;
}
