/* Tests of Adam / AdamW against hand-computed steps. */
#include <math.h>

#include "nn/ecg-optimizer.h"

static void
test_adam_two_steps (void)
{
  /* p = 1, g = 0.5 twice, lr 0.1. Step 1: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25,
   * p = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.9. Step 2: m = 0.095, v = 0.00049975, m^ = 0.5,
   * v^ = 0.25 again, so p = 0.8 (Adam's step is lr in size for a constant gradient). */
  float p[1] = { 1.0f }, g[1] = { 0.5f };
  g_autoptr (EcgOptimizer) o = ecg_optimizer_new (ECG_OPTIMIZER_ADAM, 1, 0.0f);
  ecg_optimizer_step (o, p, g, NULL, 0.1f);
  g_assert_cmpfloat_with_epsilon (p[0], 0.9f, 1e-6);
  ecg_optimizer_step (o, p, g, NULL, 0.1f);
  g_assert_cmpfloat_with_epsilon (p[0], 0.8f, 1e-6);
  g_assert_cmpfloat_with_epsilon (o->m[0], 0.095f, 1e-7);
  /* (1 - 0.999f) is 0.00099998712 in float32, hence the tolerance. */
  g_assert_cmpfloat_with_epsilon (o->v[0], 0.00049975f, 1e-8);
}

static void
test_weight_decay_forms (void)
{
  /* Adam with L2: g = 0 + 0.1 * 2 = 0.2, first step moves by lr: 2 - 0.01 = 1.99.
   * AdamW: p = 2 - 0.01 * 0.1 * 2 = 1.998, g = 0 gives m = v = 0 and no Adam step. */
  float p[1] = { 2.0f }, q[1] = { 2.0f }, g[1] = { 0.0f };
  g_autoptr (EcgOptimizer) adam = ecg_optimizer_new (ECG_OPTIMIZER_ADAM, 1, 0.1f);
  g_autoptr (EcgOptimizer) adamw = ecg_optimizer_new (ECG_OPTIMIZER_ADAMW, 1, 0.1f);
  ecg_optimizer_step (adam, p, g, NULL, 0.01f);
  ecg_optimizer_step (adamw, q, g, NULL, 0.01f);
  g_assert_cmpfloat_with_epsilon (p[0], 1.99f, 1e-6);
  g_assert_cmpfloat_with_epsilon (q[0], 1.998f, 1e-6);
}

static void
test_masks_keep_zeros (void)
{
  float p[3] = { 1.0f, 0.0f, -1.0f }, g[3] = { 1.0f, 5.0f, -1.0f }, mask[3] = { 1, 0, 1 };
  g_autoptr (EcgOptimizer) o = ecg_optimizer_new (ECG_OPTIMIZER_ADAMW, 3, 0.01f);
  for (int i = 0; i < 5; i++)
    ecg_optimizer_step (o, p, g, mask, 0.1f);
  g_assert_cmpfloat (p[1], ==, 0.0f);
  g_assert_cmpfloat (o->m[1], ==, 0.0f);
  g_assert_cmpfloat (p[0], <, 1.0f);
  g_assert_cmpfloat (p[2], >, -1.0f);
}

static void
test_cosine_schedule (void)
{
  g_assert_cmpfloat_with_epsilon (ecg_lr_cosine (1.0f, 0, 100, 0), 1.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ecg_lr_cosine (1.0f, 50, 100, 0), 0.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ecg_lr_cosine (1.0f, 100, 100, 0), 0.0f, 1e-6);
  /* Warm-up: step 0 of 10 gives lr/10; after warm-up the cosine starts at lr. */
  g_assert_cmpfloat_with_epsilon (ecg_lr_cosine (1.0f, 0, 110, 10), 0.1f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ecg_lr_cosine (1.0f, 10, 110, 10), 1.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ecg_lr_cosine (1.0f, 60, 110, 10), 0.5f, 1e-6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/optimizer/adam-two-steps", test_adam_two_steps);
  g_test_add_func ("/engine/nn/optimizer/weight-decay-forms", test_weight_decay_forms);
  g_test_add_func ("/engine/nn/optimizer/masks-keep-zeros", test_masks_keep_zeros);
  g_test_add_func ("/engine/nn/optimizer/cosine-schedule", test_cosine_schedule);
  return g_test_run ();
}
