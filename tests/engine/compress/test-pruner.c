/* Tests of one pruning step: the exact global budget, ceilings, growing masks, kept rows, the
 * L1 and energy-aware rankings and their tie-breaking (DESIGN.md §6). */
#include <math.h>
#include <string.h>

#include "compress/ecg-pruner.h"
#include "compress/ecg-sparsity.h"
#include "ecg-error.h"
#include "nn/ecg-zoo.h"

/* ---- a hand-made model: input [1][4] -> fc1 (3x4, block 0) -> fc2 (2x3, block 0) ----
 * Parameter buffer: fc1.weight at 0..11 (rows 0-3, 4-7, 8-11), fc2.weight at 12..17
 * (rows 12-14, 15-17); no biases, so every parameter is prunable. */
static const float tiny_weights[18] = {
  1.0f, 2.0f, 3.0f, 4.0f,          /* fc1 row 0: keeps 4 (index 3) */
  -0.5f, 1.5f, -2.5f, 3.5f,        /* fc1 row 1: keeps 3.5 (index 7) */
  0.75f, 1.75f, 2.75f, 3.75f,      /* fc1 row 2: keeps 3.75 (index 11) */
  0.125f, -0.25f, 0.5f,            /* fc2 row 0: keeps 0.5 (index 14) */
  0.0625f, 0.1875f, -0.375f,       /* fc2 row 1: keeps 0.375 (index 17) */
};

static EcgModel *
tiny_model (const float *weights)
{
  EcgModel *m = ecg_model_new ("Tiny", 1, 4, 0);
  int x = ecg_model_add_linear (m, "fc1", 0, 0, 3, FALSE);
  x = ecg_model_add_linear (m, "fc2", 0, x, 2, FALSE);
  ecg_model_finish (m, x, 2, FALSE, 1);
  g_assert_cmpuint (m->n_params, ==, 18);
  memcpy (m->params, weights, sizeof (float) * 18);
  return m;
}

static void
options_for (EcgPrunerOptions *o, EcgImportanceMethod method, double alpha, double target,
             double beta, int steps)
{
  ecg_pruner_options_init (o);
  o->method = method;
  o->alpha = alpha;
  g_assert_true (ecg_schedule_init (&o->schedule, target, beta, steps, NULL));
  o->energy = ecg_importance_macs_energy;
}

/* Asserts that exactly the parameters in `pruned` (n of them) are masked and zero. */
static void
assert_pruned_set (const EcgModel *m, const gsize *pruned, gsize n)
{
  g_autofree gboolean *expected = g_new0 (gboolean, m->n_params);
  for (gsize i = 0; i < n; i++)
    expected[pruned[i]] = TRUE;
  for (gsize i = 0; i < m->n_params; i++)
    {
      if (expected[i])
        {
          g_assert_cmpfloat (m->masks[i], ==, 0.0f);
          g_assert_cmpfloat (m->params[i], ==, 0.0f);
        }
      else
        {
          g_assert_cmpfloat (m->masks[i], ==, 1.0f);
          g_assert_cmpfloat (m->params[i], !=, 0.0f);
        }
    }
}

static EcgPrunerReport *
step_ok (EcgModel *m, const EcgPrunerOptions *o, int step)
{
  g_autoptr (GError) error = NULL;
  EcgPrunerReport *r = ecg_pruner_step (m, o, step, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

/* L1, s = 0.4, K = 1: budget round(18 * 0.4) = 7. Candidates by |w| (row maxima kept):
 * 15 (.0625), 12 (.125), 16 (.1875), 13 (.25), 4 (.5), 8 (.75), 0 (1). The small-weight layer
 * fc2 loses 4 of 6, fc1 only 3 of 12: raw |w| is ranked across layers. */
static void
test_l1_global (void)
{
  g_autoptr (EcgModel) m = tiny_model (tiny_weights);
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_L1, 0.5, 0.4, 0.0, 1);
  g_autoptr (EcgPrunerReport) r = step_ok (m, &o, 1);
  const gsize expected[] = { 15, 12, 16, 13, 4, 8, 0 };
  assert_pruned_set (m, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (r->budget, ==, 7);
  g_assert_cmpuint (r->pruned, ==, 7);
  g_assert_cmpuint (r->n_layers, ==, 2);
  g_assert_cmpstr (r->layers[0].name, ==, "fc1.weight");
  g_assert_cmpuint (r->layers[0].pruned, ==, 3);
  g_assert_cmpuint (r->layers[1].pruned, ==, 4);
  g_assert_cmpfloat_with_epsilon (r->layers[1].fraction, 4.0 / 6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (r->layers[0].target, 0.4, 1e-12);
  g_assert_cmpfloat_with_epsilon (r->layers[0].ceiling, 0.95, 1e-12);
  g_assert_cmpuint (r->layers[0].ceiling_count, ==, 11);  /* floor(0.95 * 12) */
  g_assert_cmpuint (r->layers[1].ceiling_count, ==, 5);   /* floor(0.95 * 6) */
  g_assert_true (isnan (r->layers[0].energy));
  g_assert_cmpfloat_with_epsilon (r->sparsity, 7.0 / 18.0, 1e-12);
}

/* Energy-aware with alpha = 1 is magnitude normalised per layer (fc1 by 4, fc2 by 0.5):
 * I = 15: .125 (|w| .0625), 4: .125 (|w| .5), 8: .1875, 12: .25 (|w| .125), 0: .25 (|w| 1),
 * 16: .375 (|w| .1875), 5: .375 (|w| 1.5), 9: .4375, 13: .5, ... — the exact ties at .125, .25
 * and .375 are broken by |w|. Budget 7: {15, 4, 8, 12, 0, 16, 5}, which differs from L1
 * (13 is kept, 5 is pruned). */
static void
test_energy_alpha_one_is_layer_normalised (void)
{
  g_autoptr (EcgModel) m = tiny_model (tiny_weights);
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_ENERGY, 1.0, 0.4, 0.0, 1);
  g_autoptr (EcgPrunerReport) r = step_ok (m, &o, 1);
  const gsize expected[] = { 15, 4, 8, 12, 0, 16, 5 };
  assert_pruned_set (m, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (r->layers[0].pruned, ==, 4);
  g_assert_cmpuint (r->layers[1].pruned, ==, 3);
  /* E_l by the MACs stand-in: 12 and 6 weight uses. */
  g_assert_cmpfloat (r->layers[0].energy, ==, 12.0);
  g_assert_cmpfloat (r->layers[1].energy, ==, 6.0);
}

/* alpha = 0, s = 0.8, K = 2, step 1: s_l = 0.4, c_l = 0.4 * 0.95 / 0.8 = 0.475, budget
 * round(7.2) = 7. E = MACs: fc1 12 (I = 0, the costliest), fc2 6 (I = 0.5). fc1 is pruned first,
 * smallest |w| first, until its ceiling floor(0.475 * 12) = 5: {4, 8, 0, 5, 9}; the other 2 come
 * from fc2 (its ceiling floor(0.475 * 6) = 2): {15, 12}. Step 2 (budget round(14.4) = 14) is
 * infeasible: rows of 4 and 3 with one kept weight allow at most 9 + 4 = 13, so it fails and
 * leaves the model unchanged. */
static void
test_energy_alpha_zero_costliest_first (void)
{
  g_autoptr (EcgModel) m = tiny_model (tiny_weights);
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_ENERGY, 0.0, 0.8, 0.0, 2);
  g_autoptr (EcgPrunerReport) r = step_ok (m, &o, 1);
  const gsize expected[] = { 4, 8, 0, 5, 9, 15, 12 };
  assert_pruned_set (m, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (r->budget, ==, 7);
  g_assert_cmpfloat_with_epsilon (r->layers[0].ceiling, 0.475, 1e-12);
  g_assert_cmpuint (r->layers[0].ceiling_count, ==, 5);
  g_assert_cmpuint (r->layers[1].ceiling_count, ==, 2);
  g_assert_cmpuint (r->layers[0].pruned, ==, 5);
  g_assert_cmpuint (r->layers[1].pruned, ==, 2);

  g_autofree float *params = g_memdup2 (m->params, sizeof (float) * 18);
  g_autofree float *masks = g_memdup2 (m->masks, sizeof (float) * 18);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPrunerReport) r2 = ecg_pruner_step (m, &o, 2, &error);
  g_assert_null (r2);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "allow only 13"));
  g_assert_cmpmem (m->params, sizeof (float) * 18, params, sizeof (float) * 18);
  g_assert_cmpmem (m->masks, sizeof (float) * 18, masks, sizeof (float) * 18);

  /* Keeping one weight per layer instead of one per row makes step 2 feasible: need 7 more;
   * E (masked MACs) fc1 7, fc2 4, so fc1 gives all but its largest weight (3): its remaining
   * 1, 6, 10, 2, 7, 11 (6, reaching floor(0.95 * 12) = 11), and fc2 its smallest survivor 16. */
  o.keep = ECG_PRUNER_KEEP_ONE_UNIT;
  g_autoptr (EcgPrunerReport) r3 = step_ok (m, &o, 2);
  const gsize expected2[] = { 4, 8, 0, 5, 9, 15, 12, 1, 6, 10, 2, 7, 11, 16 };
  assert_pruned_set (m, expected2, G_N_ELEMENTS (expected2));
  g_assert_cmpuint (r3->budget, ==, 14);
  g_assert_cmpuint (r3->layers[0].pruned, ==, 11);
  g_assert_cmpfloat (r3->layers[0].energy, ==, 7.0);
  g_assert_cmpfloat (r3->layers[1].energy, ==, 4.0);
}

/* E_l per op = masked MACs times a factor (fc1 1, fc2 1.5), counting calls. */
typedef struct
{
  int calls;
} EnergyProbe;

static gboolean
scaled_macs_energy (const EcgModel *model, double *op_energy, gpointer user_data, GError **error)
{
  EnergyProbe *probe = user_data;
  probe->calls++;
  if (!ecg_importance_macs_energy (model, op_energy, NULL, error))
    return FALSE;
  op_energy[1] *= 1.5;
  return TRUE;
}

/* alpha = 0, s = 0.5, K = 2. Step 1: E = fc1 12, fc2 9 -> fc1 first, budget round(4.5) = 5,
 * fc1's ceiling floor(0.475 * 12) = 5: {4, 8, 0, 5, 9}. Step 2 recomputes E on the masked
 * model: fc1 7, fc2 9, so fc2 is now the costliest and gives its 4 prunable weights
 * {15, 12, 16, 13} (budget 9); with E frozen at step 1, fc1 would have lost them. */
static void
test_energy_recomputed_each_step (void)
{
  g_autoptr (EcgModel) m = tiny_model (tiny_weights);
  EcgPrunerOptions o;
  EnergyProbe probe = { 0 };
  options_for (&o, ECG_IMPORTANCE_ENERGY, 0.0, 0.5, 0.0, 2);
  o.energy = scaled_macs_energy;
  o.energy_data = &probe;
  g_autoptr (EcgPrunerReport) r1 = step_ok (m, &o, 1);
  g_assert_cmpint (probe.calls, ==, 1);
  g_assert_cmpfloat (r1->layers[0].energy, ==, 12.0);
  g_assert_cmpfloat (r1->layers[1].energy, ==, 9.0);
  const gsize after1[] = { 4, 8, 0, 5, 9 };
  assert_pruned_set (m, after1, G_N_ELEMENTS (after1));

  g_autoptr (EcgPrunerReport) r2 = step_ok (m, &o, 2);
  g_assert_cmpint (probe.calls, ==, 2);
  g_assert_cmpfloat (r2->layers[0].energy, ==, 7.0);
  g_assert_cmpfloat (r2->layers[1].energy, ==, 9.0);
  const gsize after2[] = { 4, 8, 0, 5, 9, 15, 12, 16, 13 };
  assert_pruned_set (m, after2, G_N_ELEMENTS (after2));
  g_assert_cmpuint (r2->budget, ==, 9);
  g_assert_cmpuint (r2->newly_pruned, ==, 4);
  g_assert_cmpuint (r2->layers[0].newly_pruned, ==, 0);
  g_assert_cmpuint (r2->layers[1].newly_pruned, ==, 4);
}

/* All |w| = 1 (signs alternate): every importance ties, and |w| ties too, so the position
 * decides. The kept weight of each row is its first (0, 4, 8, 12, 15); budget 7 takes the
 * lowest remaining indices {1, 2, 3, 5, 6, 7, 9}. */
static void
test_ties_by_index (void)
{
  float w[18];
  for (int i = 0; i < 18; i++)
    w[i] = i % 2 ? -1.0f : 1.0f;
  for (int method = 0; method < 2; method++)
    {
      g_autoptr (EcgModel) m = tiny_model (w);
      EcgPrunerOptions o;
      /* Energy-aware with alpha = 1 (equal layer energies would be another tie). */
      options_for (&o, method ? ECG_IMPORTANCE_ENERGY : ECG_IMPORTANCE_L1, 1.0, 0.4, 0.0, 1);
      g_autoptr (EcgPrunerReport) r = step_ok (m, &o, 1);
      const gsize expected[] = { 1, 2, 3, 5, 6, 7, 9 };
      assert_pruned_set (m, expected, G_N_ELEMENTS (expected));
    }
}

/* Equal |w| in two layers: -0.25 at fc1 index 1 and 0.25 at fc2 index 13. With every other
 * candidate smaller, budget 7 (s = 0.4) reaches exactly one of them: the earlier index, 1. */
static void
test_ties_by_magnitude_then_index (void)
{
  const float w[18] = {
    0.01f, -0.25f, 0.02f, 4.0f,
    0.03f, 0.5f, 0.6f, 3.5f,
    0.04f, 0.7f, 0.8f, 3.75f,
    0.05f, 0.25f, 0.9f,
    0.06f, 0.3f, 0.95f,
  };
  /* Below 0.25: 0, 2, 4, 8, 12, 15 (six); the seventh is the tie 1 vs 13. */
  g_autoptr (EcgModel) m = tiny_model (w);
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_L1, 0.5, 0.4, 0.0, 1);
  g_autoptr (EcgPrunerReport) r = step_ok (m, &o, 1);
  const gsize expected[] = { 0, 2, 4, 8, 12, 15, 1 };
  assert_pruned_set (m, expected, G_N_ELEMENTS (expected));
}

/* ---- zoo models: K = 5, s = 0.8 ---- */

/* Independent s_l(t) straight from the formula of DESIGN.md §6. */
static double
formula_sparsity (double target, double beta, int block, int n_blocks, int t, int k)
{
  double d = n_blocks > 1 ? (double) block / (n_blocks - 1) : 0.0;
  double b = beta * (0.5 + d);
  if (b == 0.0)
    return target * t / k;
  return target * (1.0 - exp (-b * t)) / (1.0 - exp (-b * k));
}

/* Simulated fine-tuning between steps: survivors move a little, and the optimiser is assumed to
 * have leaked into pruned weights (value 0.5) — the pruner must keep them pruned and zero them. */
static void
perturb (EcgModel *m, GRand *rand)
{
  for (gsize i = 0; i < m->n_params; i++)
    {
      if (m->masks[i] == 0.0f)
        m->params[i] = 0.5f;
      else
        m->params[i] = m->params[i] * (float) g_rand_double_range (rand, 0.8, 1.2)
                       + (float) g_rand_double_range (rand, -1e-3, 1e-3);
    }
}

static void
check_schedule_on (const char *arch, EcgImportanceMethod method, double target, double beta,
                   EcgPrunerKeep keep, const gsize *expected_budget)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build (arch, FALSE, 7, &error);
  g_assert_no_error (error);
  EcgPrunerOptions o;
  options_for (&o, method, 0.5, target, beta, 5);
  o.keep = keep;
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  gsize rounded_up = 0;
  g_autofree float *previous_masks = g_memdup2 (m->masks, sizeof (float) * m->n_params);
  gsize n_prunable = ecg_model_count_prunable (m);

  for (int t = 1; t <= 5; t++)
    {
      perturb (m, rand);
      g_autoptr (EcgPrunerReport) r = step_ok (m, &o, t);

      /* The budget from the formula, layer by layer. */
      double sum = 0.0;
      gsize l = 0;
      gsize masked_total = 0, zero_total = 0;
      for (guint i = 0; i < m->param_tensors->len; i++)
        {
          const EcgParamTensor *pt = &g_array_index (m->param_tensors, EcgParamTensor, i);
          if (!pt->prunable)
            continue;
          int block = g_array_index (m->ops, EcgOp, pt->op).block;
          double s = formula_sparsity (target, beta, block, m->n_blocks, t, 5);
          sum += s * (double) pt->count;
          double ceiling = MIN (0.95, s * 0.95 / target);
          gsize masked = 0;
          for (gsize j = 0; j < pt->count; j++)
            {
              gsize at = pt->offset + j;
              masked += m->masks[at] == 0.0f;
              zero_total += m->params[at] == 0.0f;
              /* Masks only grow. */
              if (previous_masks[at] == 0.0f)
                g_assert_cmpfloat (m->masks[at], ==, 0.0f);
            }
          /* The ceiling on the layer's cumulative fraction; only when whole weights make the
           * budget unreachable may a layer go one weight past it (to ceil(c n)). */
          if (r->layers[l].rounded_up)
            {
              g_assert_cmpfloat ((double) masked, <, ceiling * (double) pt->count + 1.0);
              rounded_up++;
            }
          else
            g_assert_cmpfloat ((double) masked, <=, ceiling * (double) pt->count + 1e-9);
          /* Every output unit (or the layer) keeps a weight. */
          g_assert_cmpint (pt->out_units, >, 0);
          g_assert_cmpuint (pt->count % (gsize) pt->out_units, ==, 0);
          int rows = keep == ECG_PRUNER_KEEP_EVERY_UNIT ? pt->out_units : 1;
          gsize row_length = pt->count / (gsize) rows;
          for (int row = 0; row < rows; row++)
            {
              gsize kept = 0;
              for (gsize j = 0; j < row_length; j++)
                kept += m->masks[pt->offset + (gsize) row * row_length + j] != 0.0f;
              g_assert_cmpuint (kept, >=, 1);
            }
          g_assert_cmpstr (r->layers[l].name, ==, pt->name);
          g_assert_cmpuint (r->layers[l].pruned, ==, masked);
          g_assert_cmpfloat_with_epsilon (r->layers[l].target, s, 1e-12);
          masked_total += masked;
          l++;
        }
      gsize budget = (gsize) llround (sum);
      g_test_message ("%s step %d: budget %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                      " (%.4f), layers %" G_GSIZE_FORMAT, arch, t, budget, n_prunable,
                      (double) budget / n_prunable, l);
      g_assert_cmpuint (l, ==, r->n_layers);
      g_assert_cmpuint (masked_total, ==, budget);
      g_assert_cmpuint (zero_total, ==, budget);  /* the masks were applied */
      g_assert_cmpuint (r->budget, ==, budget);
      if (expected_budget)
        g_assert_cmpuint (budget, ==, expected_budget[t - 1]);
      for (gsize i = 0; i < m->n_params; i++)
        if (m->masks[i] == 0.0f)
          g_assert_cmpfloat (m->params[i], ==, 0.0f);
      memcpy (previous_masks, m->masks, sizeof (float) * m->n_params);
    }
  /* At t = K the sparsity is s_target within one weight. */
  g_assert_cmpfloat (fabs (ecg_sparsity_global (m) - target), <=, 1.0 / n_prunable);
  g_test_message ("%s: %" G_GSIZE_FORMAT " layer-steps rounded up to whole weights", arch,
                  rounded_up);
  /* Below s_target = 0.95 the real-valued ceilings leave room: no rounding up. */
  if (target < 0.9)
    g_assert_cmpuint (rounded_up, ==, 0);
  else
    g_assert_cmpuint (rounded_up, >, 0);
}

/* CNN1D_3Class has 186,976 prunable weights (224 + 14,336 + 57,344 + 114,688 + 384); linear:
 * round(186976 * 0.16 t) = 29,916; 59,832; 89,748; 119,665; 149,581. */
static void
test_budget_cnn1d_linear (void)
{
  const gsize expected[] = { 29916, 59832, 89748, 119665, 149581 };
  check_schedule_on ("CNN1D_3Class", ECG_IMPORTANCE_L1, 0.8, 0.0, ECG_PRUNER_KEEP_EVERY_UNIT,
                     expected);
}

static void
test_budget_cnn1d_energy (void)
{
  check_schedule_on ("CNN1D_3Class", ECG_IMPORTANCE_ENERGY, 0.8, 1.0, ECG_PRUNER_KEEP_EVERY_UNIT,
                     NULL);
}

static void
test_budget_resnet_l1 (void)
{
  check_schedule_on ("ResNet1D_Attn", ECG_IMPORTANCE_L1, 0.8, 1.0, ECG_PRUNER_KEEP_EVERY_UNIT,
                     NULL);
}

static void
test_budget_resnet_energy (void)
{
  check_schedule_on ("ResNet1D_Attn", ECG_IMPORTANCE_ENERGY, 0.8, 0.5,
                     ECG_PRUNER_KEEP_EVERY_UNIT, NULL);
}

/* s_target = 0.95, where c_l(t) = s_l(t): keeping one weight per layer, the budget is still met
 * exactly, with some layers one weight past floor(c_l n_l). CNN1D_3Class, linear:
 * round(186976 * 0.19 t) = 35,525; 71,051; 106,576; 142,102; 177,627. */
static void
test_budget_at_095 (void)
{
  const gsize expected[] = { 35525, 71051, 106576, 142102, 177627 };
  check_schedule_on ("CNN1D_3Class", ECG_IMPORTANCE_L1, 0.95, 0.0, ECG_PRUNER_KEEP_ONE_UNIT,
                     expected);
  check_schedule_on ("ResNet1D_Attn", ECG_IMPORTANCE_ENERGY, 0.95, 1.0, ECG_PRUNER_KEEP_ONE_UNIT,
                     NULL);
}

/* Keeping a weight in every output unit, s_target = 0.95 cannot be met at t = K on
 * CNN1D_3Class: its first conv (32 rows of 1 x 7) can lose at most 32 * 6 = 192 weights, the
 * others at most ceil(0.95 n_l): 13,620 + 54,477 + 108,954 + 365, in all 177,608 < 177,627.
 * Steps 1-4 succeed; step 5 fails and leaves the model as it was. */
static void
test_every_unit_infeasible_at_095 (void)
{
  g_autoptr (EcgModel) m = ecg_zoo_build ("CNN1D_3Class", FALSE, 7, NULL);
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_L1, 0.5, 0.95, 0.0, 5);
  for (int t = 1; t <= 4; t++)
    {
      g_autoptr (EcgPrunerReport) r = step_ok (m, &o, t);
    }
  g_autoptr (EcgModel) before = ecg_model_copy (m);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPrunerReport) r = ecg_pruner_step (m, &o, 5, &error);
  g_assert_null (r);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "needs 177627"));
  g_assert_nonnull (strstr (error->message, "allow only 177608"));
  g_assert_cmpmem (m->masks, sizeof (float) * m->n_params, before->masks,
                   sizeof (float) * m->n_params);
  g_assert_cmpmem (m->params, sizeof (float) * m->n_params, before->params,
                   sizeof (float) * m->n_params);
}

/* Two 30-weight single-row convolutions on the same input, s = 0.95, K = 1: budget
 * round(57) = 57 but floor(0.95 * 30) = 28 per layer gives 56. The second pass lets the layer
 * holding the lowest remaining weight — c2, whose weights are all smaller — take a 29th. */
static void
test_ceiling_rounded_up (void)
{
  g_autoptr (EcgModel) m = ecg_model_new ("Branches", 3, 16, 0);
  ecg_model_add_conv1d (m, "c1", 0, 0, 1, 10, 1, 0, FALSE);
  int x = ecg_model_add_conv1d (m, "c2", 0, 0, 1, 10, 1, 0, FALSE);
  ecg_model_finish (m, x, 1, FALSE, 1);
  g_assert_cmpuint (m->n_params, ==, 60);
  for (int i = 0; i < 30; i++)
    {
      m->params[i] = 1.0f + i;          /* c1: 1 .. 30 */
      m->params[30 + i] = 0.01f * (1 + i); /* c2: 0.01 .. 0.30 */
    }
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_L1, 0.5, 0.95, 0.0, 1);
  g_autoptr (EcgPrunerReport) r = step_ok (m, &o, 1);
  g_assert_cmpuint (r->budget, ==, 57);
  g_assert_cmpuint (r->layers[0].ceiling_count, ==, 28);
  g_assert_cmpuint (r->layers[1].ceiling_count, ==, 28);
  g_assert_cmpuint (r->layers[1].pruned, ==, 29);
  g_assert_true (r->layers[1].rounded_up);
  g_assert_cmpuint (r->layers[0].pruned, ==, 28);
  g_assert_false (r->layers[0].rounded_up);
  /* c1 kept its two largest (29, 30), c2 only its largest (0.30). */
  g_assert_cmpfloat (m->params[27], ==, 0.0f);
  g_assert_cmpfloat (m->params[28], ==, 29.0f);
  g_assert_cmpfloat (m->params[58], ==, 0.0f);
  g_assert_cmpfloat (m->params[59], ==, 0.01f * 30);
}

/* L1 is a global threshold: after one step to 50 %, no surviving candidate (not the kept weight
 * of its row, in a layer below its ceiling) is smaller than the largest pruned |w|. */
static void
test_l1_threshold (void)
{
  g_autoptr (EcgModel) m = ecg_zoo_build ("ResNet1D_Attn", FALSE, 5, NULL);
  g_autoptr (EcgModel) dense = ecg_model_copy (m);
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_L1, 0.5, 0.5, 0.0, 1);
  g_autoptr (EcgPrunerReport) r = step_ok (m, &o, 1);
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  float largest_pruned = 0.0f, smallest_kept = G_MAXFLOAT;
  for (gsize l = 0; l < s->n_layers; l++)
    {
      const EcgLayerSparsity *layer = &s->layers[l];
      g_assert_cmpuint (layer->masked, <, r->layers[l].ceiling_count);
      for (int row = 0; row < layer->rows; row++)
        {
          gsize first = layer->offset + (gsize) row * layer->row_length;
          float row_max = 0.0f;
          for (gsize j = first; j < first + layer->row_length; j++)
            row_max = MAX (row_max, fabsf (dense->params[j]));
          for (gsize j = first; j < first + layer->row_length; j++)
            {
              float a = fabsf (dense->params[j]);
              if (m->masks[j] == 0.0f)
                largest_pruned = MAX (largest_pruned, a);
              else if (a < row_max)
                smallest_kept = MIN (smallest_kept, a);
            }
        }
    }
  g_test_message ("largest pruned |w| %g, smallest kept %g", largest_pruned, smallest_kept);
  g_assert_cmpfloat (largest_pruned, <=, smallest_kept);
  g_assert_cmpuint (s->masked, ==, (gsize) llround (0.5 * s->n_prunable));
}

/* Same model, same options: the same masks, bit for bit. */
static void
test_deterministic (void)
{
  g_autoptr (EcgModel) a = ecg_zoo_build ("ResNet1D_Attn", FALSE, 9, NULL);
  g_autoptr (EcgModel) b = ecg_model_copy (a);
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_ENERGY, 0.3, 0.8, 2.0, 3);
  for (int t = 1; t <= 3; t++)
    {
      g_autoptr (EcgPrunerReport) ra = step_ok (a, &o, t);
      g_autoptr (EcgPrunerReport) rb = step_ok (b, &o, t);
      g_assert_cmpmem (a->masks, sizeof (float) * a->n_params, b->masks,
                       sizeof (float) * b->n_params);
      g_assert_cmpmem (a->params, sizeof (float) * a->n_params, b->params,
                       sizeof (float) * b->n_params);
    }
}

/* Deep blocks prune earlier: with beta = 2 the last block's layers are ahead of the first's
 * after step 1 of 5 on CNN1D_3Class (5 blocks: stem b1 d = 0 ... fc d = 1). */
static void
test_deeper_blocks_earlier (void)
{
  g_autoptr (EcgModel) m = ecg_zoo_build ("CNN1D_3Class", FALSE, 2, NULL);
  EcgPrunerOptions o;
  options_for (&o, ECG_IMPORTANCE_L1, 0.5, 0.8, 2.0, 5);
  g_autoptr (EcgPrunerReport) r = step_ok (m, &o, 1);
  const EcgPrunerLayerReport *first = &r->layers[0];
  const EcgPrunerLayerReport *last = &r->layers[r->n_layers - 1];
  g_test_message ("blocks %d; first %s beta %.2f target %.4f ceiling %.4f pruned %.4f; "
                  "last %s beta %.2f target %.4f ceiling %.4f pruned %.4f", m->n_blocks,
                  first->name, first->layer_beta, first->target, first->ceiling, first->fraction,
                  last->name, last->layer_beta, last->target, last->ceiling, last->fraction);
  g_assert_cmpfloat_with_epsilon (first->layer_beta, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (last->layer_beta, 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (first->target, 0.5091269172, 1e-9);
  g_assert_cmpfloat_with_epsilon (last->target, 0.7601705778, 1e-9);
  g_assert_cmpfloat (last->ceiling, >, first->ceiling);
  for (gsize l = 0; l < r->n_layers; l++)
    g_assert_cmpuint (r->layers[l].pruned, <=, r->layers[l].ceiling_count);
}

static void
test_invalid_options (void)
{
  g_autoptr (EcgModel) m = tiny_model (tiny_weights);
  EcgPrunerOptions o;
  struct
  {
    EcgImportanceMethod method;
    double alpha;
    int step;
    gboolean no_energy;
  } bad[] = {
    { ECG_IMPORTANCE_L1, 0.5, 0, FALSE },      /* step 0 is the dense model */
    { ECG_IMPORTANCE_L1, 0.5, 3, FALSE },      /* beyond K */
    { ECG_IMPORTANCE_ENERGY, 1.5, 1, FALSE },  /* alpha outside [0, 1] */
    { ECG_IMPORTANCE_ENERGY, 0.5, 1, TRUE },   /* no energy function */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      options_for (&o, bad[i].method, bad[i].alpha, 0.5, 0.0, 2);
      if (bad[i].no_energy)
        o.energy = NULL;
      g_autoptr (GError) error = NULL;
      g_assert_null (ecg_pruner_step (m, &o, bad[i].step, &error));
      g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
    }
  /* A model already sparser than the step's budget: masks cannot shrink. */
  for (int i = 0; i < 12; i++)
    if (i % 4 != 3)
      m->masks[i] = 0.0f;
  options_for (&o, ECG_IMPORTANCE_L1, 0.5, 0.5, 0.0, 2);
  g_autoptr (GError) error = NULL;
  g_assert_null (ecg_pruner_step (m, &o, 1, &error));   /* 9 pruned > budget round(4.5) = 5 */
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/compress/pruner/l1-global", test_l1_global);
  g_test_add_func ("/engine/compress/pruner/energy-alpha-one",
                   test_energy_alpha_one_is_layer_normalised);
  g_test_add_func ("/engine/compress/pruner/energy-alpha-zero",
                   test_energy_alpha_zero_costliest_first);
  g_test_add_func ("/engine/compress/pruner/energy-recomputed", test_energy_recomputed_each_step);
  g_test_add_func ("/engine/compress/pruner/ties-by-index", test_ties_by_index);
  g_test_add_func ("/engine/compress/pruner/ties-by-magnitude", test_ties_by_magnitude_then_index);
  g_test_add_func ("/engine/compress/pruner/budget-cnn1d-linear", test_budget_cnn1d_linear);
  g_test_add_func ("/engine/compress/pruner/budget-cnn1d-energy", test_budget_cnn1d_energy);
  g_test_add_func ("/engine/compress/pruner/budget-resnet-l1", test_budget_resnet_l1);
  g_test_add_func ("/engine/compress/pruner/budget-resnet-energy", test_budget_resnet_energy);
  g_test_add_func ("/engine/compress/pruner/budget-at-0.95", test_budget_at_095);
  g_test_add_func ("/engine/compress/pruner/ceiling-rounded-up", test_ceiling_rounded_up);
  g_test_add_func ("/engine/compress/pruner/every-unit-infeasible-at-0.95",
                   test_every_unit_infeasible_at_095);
  g_test_add_func ("/engine/compress/pruner/l1-threshold", test_l1_threshold);
  g_test_add_func ("/engine/compress/pruner/deterministic", test_deterministic);
  g_test_add_func ("/engine/compress/pruner/deeper-blocks-earlier", test_deeper_blocks_earlier);
  g_test_add_func ("/engine/compress/pruner/invalid", test_invalid_options);
  return g_test_run ();
}
