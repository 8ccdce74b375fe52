/* store-fixture.c — shared fixtures of the run-store tests (see store-fixture.h). */
#include "store-fixture.h"

#include <math.h>

#include "store/ecg-store-private.h"

EcgRunStore *
store_fixture_open (const char *dir, const char *name, char **path)
{
  g_autofree char *file = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  EcgRunStore *store = ecg_run_store_open (file, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  if (path != NULL)
    *path = g_steal_pointer (&file);
  return store;
}

gint64
store_fixture_started_run (EcgRunStore *store, EcgRunKind kind, int seed)
{
  g_autoptr (JsonObject) config = json_object_new ();
  json_object_set_string_member (config, "arch", "CNN1D_3Class");
  json_object_set_string_member (config, "method", "energy");
  json_object_set_double_member (config, "alpha", 0.5);
  json_object_set_int_member (config, "beta", 2);
  json_object_set_double_member (config, "target_sparsity", 0.8);
  json_object_set_int_member (config, "steps", 5);
  json_object_set_int_member (config, "seed", seed);
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, kind);
  spec.config = config;
  g_autoptr (GError) error = NULL;
  gint64 id = ecg_run_store_create_run (store, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (ecg_run_store_mark_started (store, id, &error));
  g_assert_no_error (error);
  return id;
}

EcgStepRecord *
store_fixture_step (int step, gboolean multi_label)
{
  EcgStepRecord *r = ecg_step_record_new (step);
  r->sparsity = 0.1 * step;
  r->n_params = 188035;
  r->nonzero_params = 188035 - 100 * step;
  r->prunable_params = 187000;
  r->nonzero_prunable_params = 187000 - 100 * step;
  r->macs = 9232768 - 10000 * step;
  r->tf_flops = 2 * r->macs + 17;
  r->latency_ms = 1.5 + 0.25 * step;
  r->energy_proxy_mmac_ms = (double)r->macs / 1e6 * r->latency_ms;
  r->energy_tf_flops_0_45pj_j = (double)r->tf_flops * 0.45e-12;
  r->energy_op_model_45nm_j = (double)r->macs * 4.6e-12;
  r->energy_measured_or_estimated_j = 2e-5 + step * 1e-6;
  r->energy_measured_method
      = step % 2 == 0 ? ECG_STEP_ENERGY_RAPL : ECG_STEP_ENERGY_ESTIMATE;
  r->accuracy = 0.9 - 0.01 * step;
  r->macro_f1 = 0.8 - 0.02 * step;
  if (multi_label)
    {
      r->auroc = 0.91 - 0.001 * step;
      r->auprc = 0.71;
      r->f1_at_0_5 = 0.61;
    }
  ecg_step_record_add_class (r, "N", 0.95, 0.97, 0.96, 44000, multi_label ? 0.9 : NAN,
                             multi_label ? 0.8 : NAN);
  ecg_step_record_add_class (r, "S", 0.5 + 0.01 * step, 0.4, 0.45, 1800, NAN, NAN);
  ecg_step_record_add_class (r, "V", 0.85, NAN, 0.8, 3200, NAN, NAN);
  for (int epoch = 1; epoch <= 3; epoch++)
    {
      ecg_step_record_add_curve_point (r, "train_loss", epoch, 1.0 / (epoch + step));
      ecg_step_record_add_curve_point (r, "val_macro_f1", epoch, 0.5 + 0.1 * epoch);
    }
  g_autoptr (JsonObject) metrics = json_object_new ();
  json_object_set_string_member (metrics, "note", "fixture");
  json_object_set_int_member (metrics, "step", step);
  ecg_step_record_set_metrics (r, metrics);
  return r;
}

static void
assert_same_double (double got, double want)
{
  if (isnan (want))
    g_assert_true (isnan (got));
  else
    g_assert_cmpfloat (got, ==, want);
}

void
store_fixture_assert_step_equal (const EcgStepRecord *got, const EcgStepRecord *want)
{
  g_assert_cmpint (got->step, ==, want->step);
  assert_same_double (got->sparsity, want->sparsity);
  g_assert_cmpint (got->n_params, ==, want->n_params);
  g_assert_cmpint (got->nonzero_params, ==, want->nonzero_params);
  g_assert_cmpint (got->prunable_params, ==, want->prunable_params);
  g_assert_cmpint (got->nonzero_prunable_params, ==, want->nonzero_prunable_params);
  g_assert_cmpint (got->macs, ==, want->macs);
  g_assert_cmpint (got->tf_flops, ==, want->tf_flops);
  assert_same_double (got->latency_ms, want->latency_ms);
  assert_same_double (got->energy_proxy_mmac_ms, want->energy_proxy_mmac_ms);
  assert_same_double (got->energy_tf_flops_0_45pj_j, want->energy_tf_flops_0_45pj_j);
  assert_same_double (got->energy_op_model_45nm_j, want->energy_op_model_45nm_j);
  assert_same_double (got->energy_measured_or_estimated_j, want->energy_measured_or_estimated_j);
  g_assert_cmpint (got->energy_measured_method, ==, want->energy_measured_method);
  assert_same_double (got->accuracy, want->accuracy);
  assert_same_double (got->macro_f1, want->macro_f1);
  assert_same_double (got->auroc, want->auroc);
  assert_same_double (got->auprc, want->auprc);
  assert_same_double (got->f1_at_0_5, want->f1_at_0_5);

  g_assert_cmpuint (got->per_class->len, ==, want->per_class->len);
  for (guint i = 0; i < want->per_class->len; i++)
    {
      const EcgStepClass *a = &g_array_index (got->per_class, EcgStepClass, i);
      const EcgStepClass *b = &g_array_index (want->per_class, EcgStepClass, i);
      g_assert_cmpstr (a->name, ==, b->name);
      assert_same_double (a->sensitivity, b->sensitivity);
      assert_same_double (a->ppv, b->ppv);
      assert_same_double (a->f1, b->f1);
      g_assert_cmpint (a->support, ==, b->support);
      assert_same_double (a->auroc, b->auroc);
      assert_same_double (a->auprc, b->auprc);
    }

  /* The store returns curves ordered by key, then epoch; compare as sets of (key, epoch). */
  g_assert_cmpuint (got->curve->len, ==, want->curve->len);
  for (guint i = 0; i < want->curve->len; i++)
    {
      const EcgCurvePoint *b = &g_array_index (want->curve, EcgCurvePoint, i);
      gboolean found = FALSE;
      for (guint j = 0; j < got->curve->len && !found; j++)
        {
          const EcgCurvePoint *a = &g_array_index (got->curve, EcgCurvePoint, j);
          if (g_strcmp0 (a->key, b->key) == 0 && a->epoch == b->epoch)
            {
              assert_same_double (a->value, b->value);
              found = TRUE;
            }
        }
      g_assert_true (found);
    }

  g_autoptr (JsonNode) a = json_node_init_object (json_node_alloc (), got->metrics);
  g_autoptr (JsonNode) b = json_node_init_object (json_node_alloc (), want->metrics);
  g_assert_true (json_node_equal (a, b));
}

gint64
store_fixture_query_int (EcgRunStore *store, const char *sql, gint64 run)
{
  sqlite3 *db = ecg_run_store_get_db (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, run);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

void
store_fixture_exec (EcgRunStore *store, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (ecg_run_store_get_db (store), sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}
