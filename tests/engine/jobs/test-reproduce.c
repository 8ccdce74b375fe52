/* Tests of the seed-tables plan (engine/jobs/ecg-reproduce.h): the statistics, the units a
 * budget makes and their settings (the paper's sparsities, methods, schedules, subsets, model
 * file names), and the settings it refuses. Running a plan is tested through the CLI
 * (tests/app/test-reproduce.c). */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "jobs/ecg-reproduce.h"
#include "test-util.h"

static void
test_mean_sd (void)
{
  double mean, sd;
  int n;
  /* 0.90, 0.92, 0.91: mean 0.91, squared deviations 1e-4 + 1e-4 + 0 over n - 1 = 2 → sd 0.01. */
  const double three[] = { 0.90, 0.92, 0.91 };
  ecg_reproduce_mean_sd (three, 3, &mean, &sd, &n);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpfloat_with_epsilon (mean, 0.91, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd, 0.01, 1e-12);
  /* NaN (a seed without the figure) is left out: 2 and 4 give mean 3, sd sqrt(2). */
  const double gaps[] = { 2, NAN, 4 };
  ecg_reproduce_mean_sd (gaps, 3, &mean, &sd, &n);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpfloat (mean, ==, 3);
  g_assert_cmpfloat_with_epsilon (sd, sqrt (2), 1e-12);
  /* One value: no sd; none: no mean. */
  ecg_reproduce_mean_sd (three, 1, &mean, &sd, &n);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpfloat (mean, ==, 0.90);
  g_assert_true (isnan (sd));
  ecg_reproduce_mean_sd (gaps + 1, 1, &mean, &sd, &n);
  g_assert_cmpint (n, ==, 0);
  g_assert_true (isnan (mean));
}

static void
demo_options (EcgReproduceOptions *o, const char *dir, gboolean quick)
{
  ecg_reproduce_options_init (o);
  o->data_dir = g_build_filename (g_getenv ("ECGWB_SOURCE_ROOT"), "data", "demo", NULL);
  o->store_path = g_build_filename (dir, "tables.db", NULL);
  o->quick = quick;
}

static const EcgReproduceUnit *
unit (const EcgReproducePlan *plan, guint i)
{
  return g_ptr_array_index (plan->units, i);
}

/* Quick, no PTB-XL: per seed a dense and a table-iv unit for each MIT-BIH model, plus table-v
 * and table-viii for ResNet1D_Attn, in the running order. */
static void
test_quick_plan (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  EcgReproduceOptions o;
  demo_options (&o, dir, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgReproducePlan) plan = ecg_reproduce_plan_new (&o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->budget.name, ==, "quick");
  g_assert_cmpint (plan->budget.n_seeds, ==, 1);
  static const char *const expected[][2] = {
    { "dense", "CNN1D_3Class" },   { "table-iv", "CNN1D_3Class" },
    { "dense", "ResNet1D_Attn" },  { "table-iv", "ResNet1D_Attn" },
    { "table-v", "ResNet1D_Attn" }, { "table-viii", "ResNet1D_Attn" },
    { "dense", "CNN_LSTM_Attn" },  { "table-iv", "CNN_LSTM_Attn" },
    { "dense", "BiLSTM_ECG" },     { "table-iv", "BiLSTM_ECG" },
  };
  g_assert_cmpuint (plan->units->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < plan->units->len; i++)
    {
      const EcgReproduceUnit *u = unit (plan, i);
      g_assert_cmpstr (u->tag, ==, expected[i][0]);
      g_assert_cmpstr (u->arch->name, ==, expected[i][1]);
      g_assert_cmpint (u->seed, ==, 1);
      g_assert_cmpint (u->outcome, ==, ECG_REPRODUCE_PENDING);
      /* Every unit's match carries its tag and not the thread count. */
      g_assert_cmpstr (json_object_get_string_member (u->match, "reproduce"), ==, u->tag);
      g_assert_false (json_object_has_member (u->match, "threads"));
    }
  /* Table IV, CNN1D_3Class: L1 to 79.5 % in the quick budget's 2 steps, no distillation, the
   * dense unit's model, at most 120 training beats. */
  const EcgPruneConfig *iv = unit (plan, 1)->prune;
  g_assert_cmpint (iv->method, ==, ECG_IMPORTANCE_L1);
  g_assert_cmpfloat (iv->target_sparsity, ==, 0.795);
  g_assert_cmpint (iv->steps, ==, 2);
  g_assert_cmpint (iv->finetune_epochs, ==, 1);
  g_assert_false (iv->kd);
  g_assert_cmpstr (iv->model_path, ==, unit (plan, 0)->train->out_path);
  g_assert_cmpint (iv->max_train_examples, ==, 120);
  g_assert_cmpint (iv->max_test_examples, ==, 60);
  g_assert_cmpstr (iv->test_records, ==, "DS2");
  /* Table V: energy-aware, alpha 0.5, linear, to 40 %. Table VIII: L1 + KD (T 4, a 0.5). */
  const EcgPruneConfig *v = unit (plan, 4)->prune;
  g_assert_cmpint (v->method, ==, ECG_IMPORTANCE_ENERGY);
  g_assert_cmpfloat (v->alpha, ==, 0.5);
  g_assert_cmpfloat (v->beta, ==, 0);
  g_assert_cmpfloat (v->target_sparsity, ==, 0.40);
  const EcgPruneConfig *viii = unit (plan, 5)->prune;
  g_assert_cmpint (viii->method, ==, ECG_IMPORTANCE_L1);
  g_assert_true (viii->kd);
  g_assert_cmpfloat (viii->temperature, ==, 4);
  g_assert_cmpfloat (viii->kd_weight, ==, 0.5);
  g_assert_cmpfloat (viii->target_sparsity, ==, 0.40);
  /* The LSTM models: the budget's 50 beats for training, in the train and prune units. */
  g_assert_cmpuint (unit (plan, 8)->train->max_train_examples, ==, 50);
  g_assert_cmpint (unit (plan, 9)->prune->max_train_examples, ==, 50);
  g_assert_cmpuint (unit (plan, 0)->train->max_train_examples, ==, 120);
  /* The models go to "<store>-models" beside the store, named by arch, seed and digest. */
  g_autofree char *models = g_build_filename (dir, "tables-models", NULL);
  g_assert_cmpstr (plan->options.models_dir, ==, models);
  g_autofree char *base = g_path_get_basename (unit (plan, 0)->train->out_path);
  g_assert_true (g_str_has_prefix (base, "CNN1D_3Class-seed1-"));
  g_assert_true (g_str_has_suffix (base, ".ecgm"));
  g_assert_cmpuint (strlen (base), ==, strlen ("CNN1D_3Class-seed1-") + 8 + 5);
  ecg_reproduce_options_clear (&o);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Full budget, three seeds, with a PTB-XL folder: 16 units per seed, 5 steps, the LSTM beats;
 * the same settings name the same model file, another budget another one. */
static void
test_full_plan (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_free (ecg_test_write_file (dir, "ptbxl_database.csv", "ecg_id\n", -1));
  EcgReproduceOptions o;
  demo_options (&o, dir, FALSE);
  o.ptbxl_dir = g_strdup (dir);
  o.models_dir = g_build_filename (dir, "m", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgReproducePlan) plan = ecg_reproduce_plan_new (&o, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->units->len, ==, 3 * 16);
  int per_tag[5] = { 0 };
  static const char *const tags[] = { "dense", "table-iv", "table-v", "table-vi",
                                      "table-viii" };
  for (guint i = 0; i < plan->units->len; i++)
    {
      const EcgReproduceUnit *u = unit (plan, i);
      g_assert_cmpint (u->seed, ==, 1 + (int) i / 16);
      for (int t = 0; t < 5; t++)
        per_tag[t] += strcmp (u->tag, tags[t]) == 0;
      if (u->kind == ECG_RUN_KIND_PRUNE)
        {
          g_assert_cmpint (u->prune->steps, ==, 5);
          g_assert_cmpint (u->prune->finetune_epochs, ==, 2);
          g_assert_cmpint (u->prune->latency_repeats, ==, 200);
          g_assert_cmpint (u->prune->max_test_examples, ==, 0);
          if (u->arch->dataset == ECG_DATASET_PTBXL)
            {
              g_assert_cmpstr (u->prune->test_folds, ==, "10");
              g_assert_cmpint (u->prune->batch_size, ==, 32);
            }
        }
      else if (strcmp (u->arch->name, "BiLSTM_ECG") == 0
               || strcmp (u->arch->name, "CNN_LSTM_Attn") == 0)
        g_assert_cmpuint (u->train->max_train_examples, ==, 10000);
      else
        g_assert_cmpuint (u->train->max_train_examples, ==, 0);
      if (strcmp (u->tag, "table-vi") == 0)
        g_assert_cmpstr (u->arch->name, ==, "ConvTransformer");
    }
  g_assert_cmpint (per_tag[0], ==, 18);
  g_assert_cmpint (per_tag[1], ==, 18);
  g_assert_cmpint (per_tag[2], ==, 3);
  g_assert_cmpint (per_tag[3], ==, 3);
  g_assert_cmpint (per_tag[4], ==, 6);

  /* Same settings, same file; the quick budget trains differently, so another file. */
  g_autoptr (EcgReproducePlan) again = ecg_reproduce_plan_new (&o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unit (again, 0)->train->out_path, ==, unit (plan, 0)->train->out_path);
  o.quick = TRUE;
  o.n_seeds = 3;
  g_autoptr (EcgReproducePlan) quick = ecg_reproduce_plan_new (&o, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quick->units->len, ==, 3 * 16);
  g_assert_cmpstr (unit (quick, 0)->arch->name, ==, unit (plan, 0)->arch->name);
  g_assert_cmpstr (unit (quick, 0)->train->out_path, !=, unit (plan, 0)->train->out_path);
  ecg_reproduce_options_clear (&o);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_refused (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  EcgReproduceOptions o;
  demo_options (&o, dir, TRUE);
  g_autoptr (GError) error = NULL;
  /* The demo folder is no PTB-XL folder. */
  o.ptbxl_dir = g_strdup (o.data_dir);
  g_assert_null (ecg_reproduce_plan_new (&o, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "PTB-XL"));
  g_clear_error (&error);
  g_clear_pointer (&o.ptbxl_dir, g_free);
  g_free (o.data_dir);
  o.data_dir = g_build_filename (dir, "missing", NULL);
  g_assert_null (ecg_reproduce_plan_new (&o, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);
  g_free (o.data_dir);
  o.data_dir = g_strdup (dir);
  o.lstm_beats = -2;
  g_assert_null (ecg_reproduce_plan_new (&o, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  ecg_reproduce_options_clear (&o);
  /* Nothing was written: no store, no models folder. */
  g_autofree char *store = g_build_filename (dir, "tables.db", NULL);
  g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/jobs/reproduce/mean-sd", test_mean_sd);
  g_test_add_func ("/engine/jobs/reproduce/quick-plan", test_quick_plan);
  g_test_add_func ("/engine/jobs/reproduce/full-plan", test_full_plan);
  g_test_add_func ("/engine/jobs/reproduce/refused", test_refused);
  return g_test_run ();
}
