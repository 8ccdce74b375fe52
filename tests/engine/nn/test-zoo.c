/* Tests of the model zoo: exact parameter and MAC totals, and every architecture's gradient
 * against finite differences. */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "gradcheck.h"
#include "nn/ecg-zoo.h"

typedef struct
{
  const char *name;
  gsize params;
  gsize params_with_rr;
  gint64 macs;
} Expected;

/* model-zoo-layers.txt totals; CardiacCNN_* from the energy-evaluation study (292,887 and
 * 7,077 parameters), their MACs by hand: e.g. Distilled conv 8·13·348 + dense 1392·5. */
static const Expected expected[] = {
  { "CNN1D_3Class", 188035, 188053, 9232768 },
  { "CNN_LSTM_Attn", 349860, 349878, 13431552 },
  { "BiLSTM_ECG", 530947, 530965, 134481408 },
  { "ResNet1D_Attn", 417892, 418660, 8566144 },
  { "ResNet1D_SE_Attn", 1661126, 0, 70574976 },
  { "ConvTransformer", 1711878, 0, 229697408 },
  { "CardiacCNN_Original", 292887, 0, 11490991 },
  { "CardiacCNN_Distilled", 7077, 0, 36192 + 6960 },
};

static void
test_totals (void)
{
  gsize n = 0;
  ecg_zoo_architectures (&n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgModel) m = ecg_zoo_build (expected[i].name, FALSE, 1, &error);
      g_assert_no_error (error);
      if (m->n_params != expected[i].params)
        g_error ("%s: %" G_GSIZE_FORMAT " parameters, expected %" G_GSIZE_FORMAT,
                 expected[i].name, m->n_params, expected[i].params);
      gint64 macs = ecg_model_macs (m, FALSE, NULL);
      if (macs != expected[i].macs)
        g_error ("%s: %" G_GINT64_FORMAT " MACs, expected %" G_GINT64_FORMAT, expected[i].name,
                 macs, expected[i].macs);
      /* The parameter tensors tile the buffer exactly. */
      gsize covered = 0;
      for (guint t = 0; t < m->param_tensors->len; t++)
        covered += g_array_index (m->param_tensors, EcgParamTensor, t).count;
      g_assert_cmpuint (covered, ==, m->n_params);
      if (expected[i].params_with_rr > 0)
        {
          g_autoptr (EcgModel) rr = ecg_zoo_build (expected[i].name, TRUE, 1, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (rr->n_params, ==, expected[i].params_with_rr);
        }
    }
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (ecg_zoo_build ("NoSuchNet", FALSE, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (ecg_zoo_build ("ConvTransformer", TRUE, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

static void
test_masked_macs (void)
{
  g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 1, NULL);
  /* Masking half of the conv weights halves the conv MACs (8·13·348 = 36,192). */
  const EcgParamTensor *w = &g_array_index (m->param_tensors, EcgParamTensor, 0);
  g_assert_cmpuint (w->count, ==, 104);
  for (gsize j = 0; j < 52; j++)
    m->masks[w->offset + j] = 0;
  g_assert_cmpint (ecg_model_macs (m, TRUE, NULL), ==, 36192 / 2 + 6960);
  g_assert_cmpint (ecg_model_macs (m, FALSE, NULL), ==, 36192 + 6960);
}

typedef struct
{
  EcgModel *model;
  EcgModelRun *run;
  const float *input;
  const float *rr;
  const float *weights; /* loss = sum(weights * logits) */
  int batch;
  const float *state;   /* BatchNorm running statistics to restore after each forward */
} LossContext;

static double
weighted_logit_loss (gpointer user_data)
{
  LossContext *c = user_data;
  /* The same dropout masks at every evaluation. */
  ecg_model_run_set_seed (c->run, 42);
  const float *logits = ecg_model_forward (c->model, c->run, c->input, c->rr, c->batch);
  memcpy (c->model->state, c->state, MAX (c->model->n_state, 1) * sizeof (float));
  double loss = 0;
  for (int i = 0; i < c->batch * c->model->n_outputs; i++)
    loss += (double) c->weights[i] * logits[i];
  return loss;
}

/* Finite differences of one entry, trying steps from large to small and keeping the best
 * agreement: ReLU and max-pool kinks crossed by a large step and float32 rounding of a small
 * one each spoil some steps, a wrong backward spoils all of them. The error is relative to
 * |numeric| + |analytic|, floored at `floor` (a tenth of the tensor's largest gradient), so
 * entries whose gradient is float noise (a conv bias before BatchNorm) are not judged alone. */
static double
best_step_error (LossContext *c, float *x, double analytic, double floor)
{
  static const double steps[] = { 3e-2, 1e-2, 3e-3, 1e-3, 3e-4 };
  double best = G_MAXDOUBLE;
  for (gsize e = 0; e < G_N_ELEMENTS (steps) && best > 0.01; e++)
    {
      float saved = *x;
      *x = saved + (float) steps[e];
      double plus = weighted_logit_loss (c);
      *x = saved - (float) steps[e];
      double minus = weighted_logit_loss (c);
      *x = saved;
      double step = (double) (saved + (float) steps[e]) - (double) (saved - (float) steps[e]);
      double numeric = (plus - minus) / step;
      double err = fabs (numeric - analytic) / fmax (floor, fabs (numeric) + fabs (analytic));
      best = fmin (best, err);
    }
  return best;
}

static gsize
argmax_abs (const float *values, gsize n)
{
  gsize best = 0;
  for (gsize j = 1; j < n; j++)
    if (fabsf (values[j]) > fabsf (values[best]))
      best = j;
  return best;
}

/* Checks the entry with the largest gradient and one other of (up to 24, or 8 for the big
 * models) parameter tensors spread over the depth, and of the input. */
static void
test_architecture_gradients (gconstpointer data)
{
  const char *name = data;
  const EcgArchInfo *info = ecg_zoo_find (name, NULL);
  g_autoptr (EcgModel) m = ecg_zoo_build (name, info->supports_rr, 7, NULL);
  const int batch = 2;
  gsize n_input = (gsize) batch * m->input_channels * m->input_length;
  g_autofree float *input = g_new (float, n_input);
  g_autofree float *rr_in = g_new (float, batch * 6);
  g_autofree float *weights = g_new (float, batch * m->n_outputs);
  ecg_gradcheck_fill_uniform (input, n_input, 1, -1, 1);
  ecg_gradcheck_fill_uniform (rr_in, batch * 6, 2, 0.5f, 1.5f);
  ecg_gradcheck_fill_uniform (weights, batch * m->n_outputs, 3, -1, 1);
  /* A random (not zero) positional embedding exercises its path. */
  for (guint t = 0; t < m->param_tensors->len; t++)
    {
      const EcgParamTensor *pt = &g_array_index (m->param_tensors, EcgParamTensor, t);
      if (g_str_has_suffix (pt->name, ".pos"))
        ecg_gradcheck_fill_uniform (m->params + pt->offset, pt->count, 5, -0.5f, 0.5f);
    }

  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, batch, TRUE);
  ecg_model_run_set_input_grad (run, TRUE);
  g_autofree float *state = g_memdup2 (m->state, MAX (m->n_state, 1) * sizeof (float));
  LossContext c = { m, run, input, info->supports_rr ? rr_in : NULL, weights, batch, state };
  weighted_logit_loss (&c);
  ecg_model_run_zero_grads (run);
  ecg_model_backward (m, run, weights);
  g_autofree float *analytic = g_memdup2 (ecg_model_run_grads (run), m->n_params * sizeof (float));
  g_autofree float *analytic_input = g_memdup2 (ecg_model_run_input_grad (run),
                                                n_input * sizeof (float));

  /* Gradients exactly zero in theory (a conv bias before BatchNorm) read as float noise of the
   * loss; judge them against the model's gradient scale. */
  double global_floor = 1e-3 * fabsf (analytic[argmax_abs (analytic, m->n_params)]);
  gboolean big = ecg_model_macs (m, FALSE, NULL) > 50000000;
  guint n_tensors = m->param_tensors->len;
  guint stride = MAX (1u, n_tensors / (big ? 8 : 24));
  int failures = 0, checked = 0;
  for (guint t = 0; t < n_tensors; t += stride)
    {
      const EcgParamTensor *pt = &g_array_index (m->param_tensors, EcgParamTensor, t);
      const float *g = analytic + pt->offset;
      gsize top = argmax_abs (g, pt->count);
      gsize entries[2] = { top, ((gsize) t * 7919u + 13u) % pt->count };
      double floor = fmax (0.1 * fabsf (g[top]), global_floor);
      for (int k = 0; k < 2; k++)
        {
          gsize j = entries[k];
          double err = best_step_error (&c, m->params + pt->offset + j, g[j], floor);
          checked++;
          if (err > 0.05)
            {
              g_test_message ("%s: %s[%" G_GSIZE_FORMAT "] analytic %.4g, error %.3f", name,
                              pt->name, j, g[j], err);
              failures++;
            }
        }
    }
  gsize top = argmax_abs (analytic_input, n_input);
  double floor = fmax (0.1 * fabsf (analytic_input[top]), 1e-6);
  for (int k = 0; k < 4; k++)
    {
      gsize j = k == 0 ? top : ((gsize) k * 7919u + 5u) % n_input;
      double err = best_step_error (&c, input + j, analytic_input[j], floor);
      checked++;
      if (err > 0.05)
        {
          g_test_message ("%s: input[%" G_GSIZE_FORMAT "] analytic %.4g, error %.3f", name, j,
                          analytic_input[j], err);
          failures++;
        }
    }
  g_test_message ("%s: %d entries checked, %d off", name, checked, failures);
  g_assert_cmpint (failures, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/zoo/totals", test_totals);
  g_test_add_func ("/engine/nn/zoo/errors", test_errors);
  g_test_add_func ("/engine/nn/zoo/masked-macs", test_masked_macs);
  gsize n = 0;
  const EcgArchInfo *archs = ecg_zoo_architectures (&n);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/nn/zoo/gradient/%s", archs[i].name);
      g_test_add_data_func (path, archs[i].name, test_architecture_gradients);
    }
  return g_test_run ();
}
