/* Tests of the importance scores and of the per-layer energies E_l (DESIGN.md §6). */
#include <math.h>
#include <string.h>

#include "compress/ecg-importance.h"
#include "ecg-error.h"

static const float tiny_weights[18] = {
  1.0f, 2.0f, 3.0f, 4.0f,
  -0.5f, 1.5f, -2.5f, 3.5f,
  0.75f, 1.75f, 2.75f, 3.75f,
  0.125f, -0.25f, 0.5f,
  0.0625f, 0.1875f, -0.375f,
};

/* input [1][4] -> fc1 (3x4) -> fc2 (2x3), no biases: fc1.weight 0..11, fc2.weight 12..17. */
static EcgModel *
tiny_model (void)
{
  EcgModel *m = ecg_model_new ("Tiny", 1, 4, 0);
  int x = ecg_model_add_linear (m, "fc1", 0, 0, 3, FALSE);
  x = ecg_model_add_linear (m, "fc2", 0, x, 2, FALSE);
  ecg_model_finish (m, x, 2, FALSE, 1);
  memcpy (m->params, tiny_weights, sizeof tiny_weights);
  return m;
}

static void
test_l1 (void)
{
  g_autoptr (EcgModel) m = ecg_model_new ("Bias", 1, 4, 0);
  int x = ecg_model_add_linear (m, "fc", 0, 0, 2, TRUE);
  ecg_model_finish (m, x, 2, FALSE, 1);
  const float w[10] = { -0.5f, 0.25f, 1.0f, -2.0f, 0.0f, 3.0f, -0.125f, 0.75f, 9.0f, -9.0f };
  memcpy (m->params, w, sizeof w);
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  double importance[10];
  for (int i = 0; i < 10; i++)
    importance[i] = -1.0;
  ecg_importance_l1 (m, s, importance);
  const double expected[8] = { 0.5, 0.25, 1.0, 2.0, 0.0, 3.0, 0.125, 0.75 };
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (importance[i], ==, expected[i]);
  /* The biases are not prunable and are left alone. */
  g_assert_cmpfloat (importance[8], ==, -1.0);
  g_assert_cmpfloat (importance[9], ==, -1.0);
}

/* alpha = 0.25, E = {12, 6}: energy terms fc1 1 - 12/12 = 0, fc2 1 - 6/12 = 0.5. Weight 3 (fc1's
 * largest, 4) is pruned and carries a leaked value of 100: max|w| of fc1 is over survivors,
 * 3.75. I[0] = 0.25 * 1 / 3.75; I[13] = 0.25 * 0.25 / 0.5 + 0.75 * 0.5 = 0.5;
 * I[14] = 0.25 + 0.375. */
static void
test_energy_aware (void)
{
  g_autoptr (EcgModel) m = tiny_model ();
  m->masks[3] = 0.0f;
  m->params[3] = 100.0f;
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  const double energy[2] = { 12.0, 6.0 };
  double importance[18];
  ecg_importance_energy_aware (m, s, 0.25, energy, importance);
  g_assert_cmpfloat_with_epsilon (importance[0], 0.25 / 3.75, 1e-15);
  g_assert_cmpfloat_with_epsilon (importance[11], 0.25, 1e-15);
  g_assert_cmpfloat_with_epsilon (importance[13], 0.5, 1e-15);
  g_assert_cmpfloat_with_epsilon (importance[14], 0.625, 1e-15);
  g_assert_cmpfloat_with_epsilon (importance[15], 0.25 * 0.125 + 0.375, 1e-15);

  /* alpha = 0: one value per layer. */
  ecg_importance_energy_aware (m, s, 0.0, energy, importance);
  for (int i = 0; i < 12; i++)
    g_assert_cmpfloat (importance[i], ==, 0.0);
  for (int i = 12; i < 18; i++)
    g_assert_cmpfloat (importance[i], ==, 0.5);

  /* All energies 0: the energy term is 1 everywhere. */
  const double none[2] = { 0.0, 0.0 };
  ecg_importance_energy_aware (m, s, 0.5, none, importance);
  g_assert_cmpfloat_with_epsilon (importance[12], 0.5 * 0.25 + 0.5, 1e-15);
}

/* The MACs stand-in gives ecg_model_macs with masks, per op: fc1 12 -> 10 after masking 2. */
static void
test_macs_energy (void)
{
  g_autoptr (EcgModel) m = tiny_model ();
  m->masks[0] = m->masks[5] = 0.0f;
  double op_energy[2];
  g_assert_true (ecg_importance_macs_energy (m, op_energy, NULL, NULL));
  g_assert_cmpfloat (op_energy[0], ==, 10.0);
  g_assert_cmpfloat (op_energy[1], ==, 6.0);
}

/* Fixed op energies: conv 10, bn 4, se 6, gap 2, fc 1. */
static gboolean
table_energy (const EcgModel *model, double *op_energy, gpointer user_data, GError **error)
{
  const double *table = user_data;
  for (guint i = 0; i < model->ops->len; i++)
    op_energy[i] = table[i];
  return TRUE;
}

/* input [2][8] -> conv c (2->4, k 3; block 0) -> bn (block 0) -> SE se (4 ch, reduced 2;
 * block 1: fc1 8, fc2 8 weights) -> global avg (block 1) -> fc (4->2; block 1).
 * With 2 of se.fc1 masked (6 survive, fc2 8, fc 8):
 *   E(c.weight)      = 10 + 4 (bn is weight-free, charged to its block)      = 14
 *   E(se.fc1.weight) = 6 * 6/14 + 2 * 6/22  (op shared by survivors; gap shared over block 1)
 *   E(se.fc2.weight) = 6 * 8/14 + 2 * 8/22
 *   E(fc.weight)     = 1 + 2 * 8/22
 * and the total, 23, is conserved. */
static void
test_layer_energy (void)
{
  g_autoptr (EcgModel) m = ecg_model_new ("SE", 2, 8, 0);
  int x = ecg_model_add_conv1d (m, "c", 0, 0, 4, 3, 1, 1, FALSE);
  x = ecg_model_add_batchnorm (m, "bn", 0, x);
  x = ecg_model_add_se (m, "se", 1, x, 2);
  x = ecg_model_add_global_pool (m, ECG_OP_GLOBAL_AVG, "gap", 1, x, FALSE);
  x = ecg_model_add_linear (m, "fc", 1, x, 2, FALSE);
  ecg_model_finish (m, x, 2, FALSE, 1);
  g_assert_cmpuint (m->ops->len, ==, 5);
  gsize se_offset = g_array_index (m->ops, EcgOp, 2).param_offset;
  m->masks[se_offset] = m->masks[se_offset + 1] = 0.0f;

  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  g_assert_cmpuint (s->n_layers, ==, 4);
  double table[5] = { 10, 4, 6, 2, 1 };
  double e[4];
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_importance_layer_energy (m, s, table_energy, table, e, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (s->layers[1].name, ==, "se.fc1.weight");
  g_assert_cmpfloat_with_epsilon (e[0], 14.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (e[1], 6.0 * 6 / 14 + 2.0 * 6 / 22, 1e-12);
  g_assert_cmpfloat_with_epsilon (e[2], 6.0 * 8 / 14 + 2.0 * 8 / 22, 1e-12);
  g_assert_cmpfloat_with_epsilon (e[3], 1.0 + 2.0 * 8 / 22, 1e-12);
  g_assert_cmpfloat_with_epsilon (e[0] + e[1] + e[2] + e[3], 23.0, 1e-12);

  /* A negative figure is refused, naming the op. */
  table[2] = -1.0;
  g_assert_false (ecg_importance_layer_energy (m, s, table_energy, table, e, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
  g_assert_nonnull (strstr (error->message, "'se'"));
}

static gboolean
failing_energy (const EcgModel *model, double *op_energy, gpointer user_data, GError **error)
{
  g_set_error_literal (error, ECG_ERROR, ECG_ERROR_FAILED, "no cost model");
  return FALSE;
}

static void
test_energy_error_propagates (void)
{
  g_autoptr (EcgModel) m = tiny_model ();
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  double e[2];
  g_autoptr (GError) error = NULL;
  g_assert_false (ecg_importance_layer_energy (m, s, failing_energy, NULL, e, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FAILED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/compress/importance/l1", test_l1);
  g_test_add_func ("/engine/compress/importance/energy-aware", test_energy_aware);
  g_test_add_func ("/engine/compress/importance/macs-energy", test_macs_energy);
  g_test_add_func ("/engine/compress/importance/layer-energy", test_layer_energy);
  g_test_add_func ("/engine/compress/importance/energy-error", test_energy_error_propagates);
  return g_test_run ();
}
