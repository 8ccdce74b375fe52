/* Tests of the sparsity counts: which tensors are layers, masked and zero weights. */
#include <math.h>

#include "compress/ecg-sparsity.h"
#include "nn/ecg-zoo.h"

/* input [2][8] -> conv c (2->3, k 3, bias; block 0) -> linear fc on [3][8] rows (8->2, bias;
 * block 1). Prunable: c.weight (18 at 0..17, 3 rows of 6) and fc.weight (16 at 21..36, 2 rows of
 * 8); the biases (c.bias 18..20, fc.bias 37..38) are not. */
static EcgModel *
small_model (void)
{
  EcgModel *m = ecg_model_new ("Small", 2, 8, 0);
  int x = ecg_model_add_conv1d (m, "c", 0, 0, 3, 3, 1, 1, TRUE);
  x = ecg_model_add_linear (m, "fc", 1, x, 2, TRUE);
  ecg_model_finish (m, x, 2, FALSE, 4);
  return m;
}

static void
test_layers (void)
{
  g_autoptr (EcgModel) m = small_model ();
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  g_assert_cmpuint (s->n_layers, ==, 2);
  g_assert_cmpuint (s->n_prunable, ==, 34);
  g_assert_cmpstr (s->layers[0].name, ==, "c.weight");
  g_assert_cmpuint (s->layers[0].offset, ==, 0);
  g_assert_cmpuint (s->layers[0].n, ==, 18);
  g_assert_cmpint (s->layers[0].rows, ==, 3);
  g_assert_cmpuint (s->layers[0].row_length, ==, 6);
  g_assert_cmpint (s->layers[0].block, ==, 0);
  g_assert_cmpstr (s->layers[1].name, ==, "fc.weight");
  g_assert_cmpuint (s->layers[1].offset, ==, 21);
  g_assert_cmpuint (s->layers[1].n, ==, 16);
  g_assert_cmpint (s->layers[1].rows, ==, 2);
  g_assert_cmpint (s->layers[1].block, ==, 1);
  g_assert_cmpuint (s->masked, ==, 0);
  g_assert_cmpuint (s->zeros, ==, 0);
  g_assert_cmpfloat (ecg_sparsity_global (m), ==, 0.0);
}

/* Mask 9 of c and 4 of fc, and zero one more weight of fc by value, plus a bias (not counted):
 * masked 13 / 34, zeros (after applying) 14 / 34; per layer 9/18 = 0.5 and 5/16 zeros. */
static void
test_counts (void)
{
  g_autoptr (EcgModel) m = small_model ();
  for (int i = 0; i < 9; i++)
    m->masks[2 * i] = 0.0f;
  for (int i = 0; i < 4; i++)
    m->masks[21 + i] = 0.0f;
  m->params[30] = 0.0f;
  m->params[18] = 0.0f;  /* c.bias */
  g_autoptr (EcgSparsity) before = ecg_sparsity_new (m);
  g_assert_cmpuint (before->masked, ==, 13);
  g_assert_cmpuint (before->zeros, ==, 1);   /* masks not yet applied */
  ecg_model_apply_masks (m);
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  g_assert_cmpuint (s->masked, ==, 13);
  g_assert_cmpuint (s->zeros, ==, 14);
  g_assert_cmpuint (s->layers[0].masked, ==, 9);
  g_assert_cmpuint (s->layers[1].zeros, ==, 5);
  g_assert_cmpfloat (ecg_sparsity_layer_masked (&s->layers[0]), ==, 0.5);
  g_assert_cmpfloat (ecg_sparsity_layer_zeros (&s->layers[1]), ==, 5.0 / 16.0);
  g_assert_cmpfloat_with_epsilon (ecg_sparsity_global (m), 14.0 / 34.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (ecg_sparsity_global_masked (m), 13.0 / 34.0, 1e-15);
}

/* The zoo's CNN1D_3Class: five prunable layers (four convs and fc), 186,976 weights of its
 * 188,035 parameters (the rest are biases and BatchNorm). */
static void
test_zoo_layers (void)
{
  g_autoptr (EcgModel) m = ecg_zoo_build ("CNN1D_3Class", FALSE, 1, NULL);
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  g_assert_cmpuint (s->n_layers, ==, 5);
  g_assert_cmpuint (s->n_prunable, ==, 224 + 14336 + 57344 + 114688 + 384);
  g_assert_cmpuint (s->n_prunable, ==, ecg_model_count_prunable (m));
  g_assert_cmpuint (s->layers[3].n, ==, 114688);
  g_assert_cmpint (s->layers[3].rows, ==, 128);
  g_assert_cmpuint (s->layers[3].row_length, ==, 128 * 7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/compress/sparsity/layers", test_layers);
  g_test_add_func ("/engine/compress/sparsity/counts", test_counts);
  g_test_add_func ("/engine/compress/sparsity/zoo-layers", test_zoo_layers);
  return g_test_run ();
}
