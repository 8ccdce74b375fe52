/* Tests of the training loop: it learns, repeats, distils, and fails cleanly. */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "nn/ecg-zoo.h"
#include "train/ecg-trainer.h"

/* Five classes told apart by where a bump sits in a 360-sample window, plus noise. */
static EcgExamples *
make_bumps (gsize n, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  g_autofree float *x = g_new (float, n * 360);
  g_autofree gint32 *y = g_new (gint32, n);
  for (gsize i = 0; i < n; i++)
    {
      int c = (int) (i % 5);
      y[i] = c;
      double centre = 60 + 60 * c + g_rand_double_range (rand, -8, 8);
      for (int t = 0; t < 360; t++)
        x[i * 360 + t] = (float) (exp (-0.5 * pow ((t - centre) / 6.0, 2))
                                  + 0.1 * g_rand_double_range (rand, -1, 1));
    }
  g_rand_free (rand);
  EcgExamples *e = ecg_examples_new_from_arrays (n, 1, 360, x, 5, y, NULL);
  g_autoptr (EcgNormalisation) norm = ecg_examples_fit_normalisation (e);
  ecg_examples_apply_normalisation (e, norm);
  return e;
}

static void
quick_options (EcgTrainOptions *o)
{
  ecg_train_options_init (o);
  o->epochs = 6;
  o->batch_size = 32;
  o->learning_rate = 3e-3f;
  o->seed = 11;
}

static void
test_learns_bumps (void)
{
  g_autoptr (EcgExamples) train = make_bumps (400, 1);
  g_autoptr (EcgExamples) val = make_bumps (100, 2);
  g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, NULL);
  g_autofree float *before = ecg_predict (m, val, 1, NULL, NULL);
  double score_before = ecg_examples_score (val, before);
  EcgTrainOptions o;
  quick_options (&o);
  EcgTrainResult result = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_train (m, train, val, &o, &result, &error));
  g_assert_no_error (error);
  g_autofree float *after = ecg_predict (m, val, 1, NULL, NULL);
  double score_after = ecg_examples_score (val, after);
  g_test_message ("macro-F1 %.3f -> %.3f, best epoch %d", score_before, score_after,
                  result.best_epoch);
  /* A random model scores near chance (0.2); the bumps are easy. */
  g_assert_cmpfloat (score_before, <, 0.5);
  g_assert_cmpfloat (score_after, >, 0.95);
  g_assert_cmpfloat_with_epsilon (score_after, result.best_val_score, 1e-9);
  /* The training loss went down. */
  double first = g_array_index (result.epoch_loss, double, 0);
  double last = g_array_index (result.epoch_loss, double, result.epochs_run - 1);
  g_assert_cmpfloat (last, <, 0.5 * first);
  ecg_train_result_clear (&result);
}

static void
train_copy (const char *arch, int threads, float **params_out)
{
  g_autoptr (EcgExamples) train = make_bumps (200, 1);
  g_autoptr (EcgModel) m = ecg_zoo_build (arch, FALSE, 3, NULL);
  EcgTrainOptions o;
  quick_options (&o);
  o.epochs = 2;
  o.threads = threads;
  EcgTrainResult result = { 0 };
  g_assert_true (ecg_train (m, train, NULL, &o, &result, NULL));
  ecg_train_result_clear (&result);
  *params_out = g_memdup2 (m->params, m->n_params * sizeof (float));
}

static void
test_repeatable (void)
{
  /* CardiacCNN_Original has dropout: the seed fixes its masks too. */
  g_autoptr (EcgModel) shape = ecg_zoo_build ("CardiacCNN_Original", FALSE, 3, NULL);
  g_autofree float *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  train_copy ("CardiacCNN_Original", 1, &a);
  train_copy ("CardiacCNN_Original", 1, &b);
  g_assert_cmpmem (a, shape->n_params * sizeof (float), b, shape->n_params * sizeof (float));
  train_copy ("CardiacCNN_Original", 2, &c);
  train_copy ("CardiacCNN_Original", 2, &d);
  g_assert_cmpmem (c, shape->n_params * sizeof (float), d, shape->n_params * sizeof (float));
}

static void
test_self_distillation_is_still (void)
{
  /* a = 1 and the teacher a copy of the student: the distillation gradient is
   * a T (p_s - p_t) / B = 0, so Adam moves nothing (no weight decay, no dropout). */
  g_autoptr (EcgExamples) train = make_bumps (64, 1);
  g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, NULL);
  g_autoptr (EcgModel) teacher = ecg_model_copy (m);
  EcgTrainOptions o;
  quick_options (&o);
  o.epochs = 1;
  o.weight_decay = 0;
  o.teacher = teacher;
  o.kd_weight = 1.0f;
  EcgTrainResult result = { 0 };
  g_assert_true (ecg_train (m, train, NULL, &o, &result, NULL));
  g_assert_cmpmem (m->params, m->n_params * sizeof (float), teacher->params,
                   m->n_params * sizeof (float));
  /* KL(p || p) = 0. */
  g_assert_cmpfloat (fabs (g_array_index (result.epoch_loss, double, 0)), <, 1e-6);
  ecg_train_result_clear (&result);

  /* With a = 0.5 the student does move. */
  o.kd_weight = 0.5f;
  g_assert_true (ecg_train (m, train, NULL, &o, &result, NULL));
  g_assert_true (memcmp (m->params, teacher->params, m->n_params * sizeof (float)) != 0);
  ecg_train_result_clear (&result);
}

static void
test_nan_loss_fails_cleanly (void)
{
  g_autoptr (EcgExamples) train = make_bumps (64, 1);
  g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, NULL);
  g_autoptr (EcgModel) original = ecg_model_copy (m);
  /* An absurd learning rate: the first update throws the weights to ±1e30, the next batch's
   * logits overflow and its loss is infinite or NaN. */
  EcgTrainOptions o;
  quick_options (&o);
  o.learning_rate = 1e30f;
  EcgTrainResult result = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (ecg_train (m, train, NULL, &o, &result, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
  g_assert_nonnull (strstr (error->message, "the loss became"));
  g_assert_cmpmem (m->params, m->n_params * sizeof (float), original->params,
                   m->n_params * sizeof (float));
  ecg_train_result_clear (&result);
}

/* One batch per epoch: no later batch loss sees the last step, whose weights near 3e38 make
 * the outputs overflow. With validation the epoch's validation outputs show it, without it
 * the final check on the training examples; either way the model is left as it was. */
static void
test_last_step_divergence_fails_cleanly (void)
{
  g_autoptr (EcgExamples) train = make_bumps (64, 1);
  g_autoptr (EcgExamples) val = make_bumps (20, 2);
  for (int with_val = 0; with_val <= 1; with_val++)
    {
      g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, NULL);
      g_autoptr (EcgModel) original = ecg_model_copy (m);
      EcgTrainOptions o;
      quick_options (&o);
      o.epochs = 1;
      o.batch_size = 64;
      o.learning_rate = 3e38f;
      EcgTrainResult result = { 0 };
      g_autoptr (GError) error = NULL;
      g_assert_false (ecg_train (m, train, with_val ? val : NULL, &o, &result, &error));
      g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
      g_assert_nonnull (strstr (error->message, with_val ? "the outputs on the validation "
                                                           "examples became"
                                                         : "the outputs became"));
      g_assert_cmpmem (m->params, m->n_params * sizeof (float), original->params,
                       m->n_params * sizeof (float));
      ecg_train_result_clear (&result);
    }
}

static void
cancel_at_second_batch (const EcgTrainProgress *p, gpointer data)
{
  if (p->batch == 2)
    g_cancellable_cancel (data);
}

static void
test_cancel_restores (void)
{
  g_autoptr (EcgExamples) train = make_bumps (200, 1);
  g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, NULL);
  g_autoptr (EcgModel) original = ecg_model_copy (m);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  EcgTrainOptions o;
  quick_options (&o);
  o.cancellable = cancellable;
  o.progress = cancel_at_second_batch;
  o.progress_data = cancellable;
  EcgTrainResult result = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (ecg_train (m, train, NULL, &o, &result, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_CANCELLED);
  g_assert_cmpmem (m->params, m->n_params * sizeof (float), original->params,
                   m->n_params * sizeof (float));
  ecg_train_result_clear (&result);
}

static void
test_masks_hold (void)
{
  g_autoptr (EcgExamples) train = make_bumps (64, 1);
  g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, NULL);
  for (gsize i = 0; i < m->n_params; i += 3)
    m->masks[i] = 0;
  ecg_model_apply_masks (m);
  EcgTrainOptions o;
  quick_options (&o);
  o.epochs = 2;
  EcgTrainResult result = { 0 };
  g_assert_true (ecg_train (m, train, NULL, &o, &result, NULL));
  for (gsize i = 0; i < m->n_params; i += 3)
    g_assert_cmpfloat (m->params[i], ==, 0.0f);
  ecg_train_result_clear (&result);
}

static void
test_shape_mismatch (void)
{
  g_autoptr (EcgExamples) train = make_bumps (10, 1);
  g_autoptr (EcgModel) m = ecg_zoo_build ("CNN1D_3Class", FALSE, 3, NULL);
  EcgTrainOptions o;
  quick_options (&o);
  EcgTrainResult result = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (ecg_train (m, train, NULL, &o, &result, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/train/trainer/learns-bumps", test_learns_bumps);
  g_test_add_func ("/engine/train/trainer/repeatable", test_repeatable);
  g_test_add_func ("/engine/train/trainer/self-distillation-is-still",
                   test_self_distillation_is_still);
  g_test_add_func ("/engine/train/trainer/nan-loss-fails-cleanly", test_nan_loss_fails_cleanly);
  g_test_add_func ("/engine/train/trainer/last-step-divergence-fails-cleanly",
                   test_last_step_divergence_fails_cleanly);
  g_test_add_func ("/engine/train/trainer/cancel-restores", test_cancel_restores);
  g_test_add_func ("/engine/train/trainer/masks-hold", test_masks_hold);
  g_test_add_func ("/engine/train/trainer/shape-mismatch", test_shape_mismatch);
  return g_test_run ();
}
