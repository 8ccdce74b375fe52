/* plot-fixture.c — the runs of plot-fixture.h. */
#include "plot-fixture.h"

#include <math.h>

typedef struct
{
  double sparsity, macro_f1, accuracy, energy_uj, proxy;
  double loss[2]; /* epochs 1, 2; NaN = no curve */
} StepFigures;

static gint64
add_run (EcgRunStore *store, JsonObject *config, const StepFigures *steps, int n_steps,
         gboolean reversed_curve_at_2)
{
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_PRUNE);
  spec.config = config;
  g_autoptr (GError) error = NULL;
  gint64 id = ecg_run_store_create_run (store, &spec, &error);
  g_assert_no_error (error);
  g_assert_true (ecg_run_store_mark_started (store, id, &error));
  for (int s = 0; s < n_steps; s++)
    {
      g_autoptr (EcgStepRecord) r = ecg_step_record_new (s);
      r->sparsity = steps[s].sparsity;
      r->macro_f1 = steps[s].macro_f1;
      r->accuracy = steps[s].accuracy;
      r->energy_op_model_45nm_j = steps[s].energy_uj * 1e-6;
      r->energy_tf_flops_0_45pj_j = steps[s].energy_uj * 1e-7;
      r->energy_measured_or_estimated_j = steps[s].energy_uj * 1e-5;
      r->energy_measured_method = ECG_STEP_ENERGY_ESTIMATE;
      r->energy_proxy_mmac_ms = steps[s].proxy;
      if (isfinite (steps[s].loss[0]))
        {
          if (reversed_curve_at_2 && s == 2)
            {
              ecg_step_record_add_curve_point (r, "train_loss", 2, steps[s].loss[1]);
              ecg_step_record_add_curve_point (r, "train_loss", 1, steps[s].loss[0]);
            }
          else
            for (int e = 0; e < 2; e++)
              ecg_step_record_add_curve_point (r, "train_loss", e + 1, steps[s].loss[e]);
        }
      ecg_step_record_add_curve_point (r, "val_score", 1, 0.5);
      g_assert_true (ecg_run_store_commit_step (store, id, r, &error));
      g_assert_no_error (error);
    }
  g_assert_true (ecg_run_store_finish (store, id, ECG_RUN_STATUS_FINISHED, NULL, &error));
  return id;
}

char *
plot_fixture_store (const char *dir)
{
  char *path = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, TRUE, &error);
  g_assert_no_error (error);

  static const StepFigures energy_steps[] = {
    { 0.0, 0.90, 0.95, 2.0, 10, { NAN, NAN } },
    { 0.25, 0.92, 0.955, 1.5, 8, { 0.5, 0.4 } },
    { 0.5, NAN, 0.94, 1.0, NAN, { 0.45, 0.35 } },
    { 0.75, 0.85, 0.93, 0.5, 4, { 0.6, 0.5 } },
  };
  static const StepFigures l1_steps[] = {
    { 0.0, 0.88, 0.94, 2.0, 10, { NAN, NAN } },
    { 0.4, 0.89, 0.945, 1.2, 7, { NAN, NAN } },
    { 0.8, 0.70, 0.90, 0.4, 3, { NAN, NAN } },
  };
  g_autoptr (JsonObject) energy = json_object_new ();
  json_object_set_string_member (energy, "method", "energy");
  json_object_set_double_member (energy, "alpha", 0.5);
  json_object_set_double_member (energy, "beta", 1.0);
  json_object_set_boolean_member (energy, "kd", FALSE);
  g_assert_cmpint (add_run (store, energy, energy_steps, 4, TRUE), ==, 1);
  g_autoptr (JsonObject) l1 = json_object_new ();
  json_object_set_string_member (l1, "method", "l1");
  json_object_set_boolean_member (l1, "kd", TRUE);
  g_assert_cmpint (add_run (store, l1, l1_steps, 3, FALSE), ==, 2);
  return path;
}

GPtrArray *
plot_fixture_runs (const char *store_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (store_path, FALSE, &error);
  g_assert_no_error (error);
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify)ecg_run_free);
  for (gint64 id = 1; id <= 2; id++)
    {
      EcgRun *run = ecg_run_store_get_run (store, id, &error);
      g_assert_no_error (error);
      g_ptr_array_add (runs, run);
    }
  return runs;
}
