/* Tests of `ecgwb reproduce seed-tables --quick` on the demo records and a 16-record synthetic
 * PTB-XL tree: Ctrl-C stops it with exit 130 and leaves no run running; the next invocation
 * resumes and prints the four tables with their rows, columns and figures; the runs are tagged
 * in the store; a third invocation reuses every run and makes none. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "io/ecg-record.h"
#include "test-util.h"

/* ---- a synthetic PTB-XL tree -------------------------------------------------------------- */

#define N_RECORDS 16
#define FS 100.0
#define N_SAMPLES 1000

/* Superclass codes: NORM, MI (IMI), HYP (LVH), CD (CLBBB), STTC (NDT). */
static const char statements_csv[]
    = ",description,diagnostic,form,rhythm,diagnostic_class,diagnostic_subclass\n"
      "NORM,normal ECG,1.0,,,NORM,NORM\n"
      "IMI,inferior myocardial infarction,1.0,,,MI,IMI\n"
      "LVH,left ventricular hypertrophy,1.0,,,HYP,LVH\n"
      "CLBBB,complete left bundle branch block,1.0,,,CD,CLBBB\n"
      "NDT,non-diagnostic T abnormalities,1.0,,,STTC,STTC\n";

/* Every group of four records holds each class as a positive and a negative. */
static const char *const label_sets[4] = {
  "{'NORM': 100.0}", "{'IMI': 100.0, 'LVH': 50.0}", "{'CLBBB': 100.0}",
  "{'NDT': 80.0, 'NORM': 50.0}",
};

/* Beats every 0.8 s: a QRS Gaussian and a T wave, shaped by the record's label set (wider QRS
 * for CD, inverted T for MI, taller for HYP, flat T for STTC) and scaled per lead. */
static float
sample_value (int record, int lead, int t)
{
  int set = record % 4;
  double phase = fmod (t / FS, 0.8);
  double qrs_width = set == 2 ? 0.03 : 0.012;
  double qrs = (set == 1 ? 1.6 : 1.0) * exp (-0.5 * pow ((phase - 0.3) / qrs_width, 2));
  double t_sign = set == 1 ? -1 : 1;
  double t_height = set == 3 ? 0.05 : 0.3;
  double t_wave = t_sign * t_height * exp (-0.5 * pow ((phase - 0.55) / 0.04, 2));
  double gain = 0.5 + 0.1 * lead;
  /* A record-specific offset keeps records apart; multiples of 1/1000 mV survive the gain. */
  return (float) (round (1000 * (gain * (qrs + t_wave) + 0.01 * record)) / 1000);
}

static void
write_record (const char *root, int record)
{
  static const char *const names[12] = { "I", "II", "III", "aVR", "aVL", "aVF",
                                         "V1", "V2", "V3", "V4", "V5", "V6" };
  float *leads[12];
  for (int l = 0; l < 12; l++)
    {
      leads[l] = g_new (float, N_SAMPLES);
      for (int t = 0; t < N_SAMPLES; t++)
        leads[l][t] = sample_value (record, l, t);
    }
  g_autofree char *name = g_strdup_printf ("%05d_lr", record + 1);
  g_autoptr (EcgRecord) r = ecg_record_new_from_samples (name, FS, N_SAMPLES, 12, names,
                                                         (const float *const *) leads, 1000.0,
                                                         NULL);
  g_autofree char *dir = g_build_filename (root, "records100", "00000", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_record_save (r, dir, 16, &error));
  g_assert_no_error (error);
  for (int l = 0; l < 12; l++)
    g_free (leads[l]);
}

/* Records 1-8 in folds 1-8, 9-12 in fold 9, 13-16 in fold 10. */
static char *
ptbxl_tree_new (const char *parent)
{
  char *root = g_build_filename (parent, "ptbxl", NULL);
  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  g_free (ecg_test_write_file (root, "scp_statements.csv", statements_csv, -1));
  g_autoptr (GString) db
      = g_string_new ("ecg_id,patient_id,scp_codes,strat_fold,filename_lr,filename_hr\n");
  for (int r = 0; r < N_RECORDS; r++)
    {
      int fold = r < 8 ? r + 1 : (r < 12 ? 9 : 10);
      g_string_append_printf (db, "%d,%d.0,\"%s\",%d,records100/00000/%05d_lr,"
                              "records500/00000/%05d_hr\n", r + 1, 100 + r, label_sets[r % 4],
                              fold, r + 1, r + 1);
      write_record (root, r);
    }
  g_free (ecg_test_write_file (root, "ptbxl_database.csv", db->str, -1));
  return root;
}

/* ---- running ecgwb ------------------------------------------------------------------------ */

static char *
source_path (const char *relative)
{
  return g_build_filename (g_getenv ("ECGWB_SOURCE_ROOT"), relative, NULL);
}

static GPtrArray *
reproduce_argv (const char *store, const char *ptbxl, gboolean json)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (g_getenv ("ECGWB_PATH")));
  const char *fixed[] = { "reproduce", "seed-tables", "--quick", "--train-records",
                          "demo1,demo3", "--val-records", "demo2", "--test-records", "demo2" };
  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, g_strdup (fixed[i]));
  g_ptr_array_add (argv, g_strdup ("--data"));
  g_ptr_array_add (argv, source_path ("data/demo"));
  g_ptr_array_add (argv, g_strdup ("--ptbxl"));
  g_ptr_array_add (argv, g_strdup (ptbxl));
  g_ptr_array_add (argv, g_strdup ("--store"));
  g_ptr_array_add (argv, g_strdup (store));
  if (json)
    g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs `argv`, checks its exit code and returns its stdout. */
static char *
run_checked (char **argv, int expected_exit)
{
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != expected_exit)
    g_error ("%s %s exited %d: %s", argv[1], argv[2], WEXITSTATUS (status), err);
  return out;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);
  g_assert_no_error (error);
  return node;
}

/* `ecgwb runs list --json` of `store` (an empty array while the store does not exist). */
static JsonNode *
runs_list (const char *store)
{
  if (!g_file_test (store, G_FILE_TEST_EXISTS))
    return parse ("[]");
  char *argv[] = { (char *) g_getenv ("ECGWB_PATH"), "runs", "list", "--store", (char *) store,
                   "--json", NULL };
  g_autofree char *out = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                     &status, NULL)
      || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return parse ("[]");
  return parse (out);
}

static guint
count_runs_with_status (JsonArray *runs, const char *status)
{
  guint n = 0;
  for (guint i = 0; i < json_array_get_length (runs); i++)
    n += strcmp (json_object_get_string_member (json_array_get_object_element (runs, i),
                                                "status"), status) == 0;
  return n;
}

/* ---- checks of the tables ----------------------------------------------------------------- */

static JsonObject *
table (JsonObject *root, guint i, const char *id, guint n_rows, const char *const *keys)
{
  JsonArray *tables = json_object_get_array_member (root, "tables");
  JsonObject *t = json_array_get_object_element (tables, i);
  g_assert_cmpstr (json_object_get_string_member (t, "id"), ==, id);
  JsonArray *columns = json_object_get_array_member (t, "columns");
  g_assert_cmpuint (json_array_get_length (columns), ==, g_strv_length ((char **) keys));
  for (guint c = 0; keys[c] != NULL; c++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (columns, c),
                                                    "key"), ==, keys[c]);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (t, "rows")), ==,
                    n_rows);
  return t;
}

static JsonObject *
row (JsonObject *t, guint i)
{
  return json_array_get_object_element (json_object_get_array_member (t, "rows"), i);
}

/* The mean of stat `key` of a row, with n = 1 (the quick budget's one seed). */
static double
mean (JsonObject *r, const char *key)
{
  JsonObject *stat = json_object_get_object_member (r, key);
  g_assert_cmpint (json_object_get_int_member (stat, "n"), ==, 1);
  g_assert_true (json_object_get_null_member (stat, "sd"));
  return json_object_get_double_member (stat, "mean");
}

static void
check_tables (JsonObject *root)
{
  g_assert_cmpstr (json_object_get_string_member (root, "budget"), ==, "quick");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "tables")), ==,
                    4);

  /* Table IV: the six models in the paper's order, each pruned to its published sparsity
   * within 0.5 points. */
  static const char *const iv_keys[] = { "model", "dataset", "params_before_k",
                                         "params_after_k", "target_pct", "sparsity_pct", "score",
                                         "dense_a", "dense_b", "pruned_a", "pruned_b", "seeds",
                                         NULL };
  JsonObject *iv = table (root, 0, "table-iv", 6, iv_keys);
  static const struct
  {
    const char *model;
    double target;
    double params_k;
  } iv_rows[] = {
    { "CNN1D_3Class", 79.5, 188.035 },     { "BiLSTM_ECG", 79.4, 530.947 },
    { "CNN_LSTM_Attn", 47.6, 349.860 },    { "ResNet1D_Attn", 79.4, 417.892 },
    { "ResNet1D_SE_Attn", 47.8, 1661.126 }, { "ConvTransformer", 31.2, 1711.878 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (iv_rows); i++)
    {
      JsonObject *r = row (iv, i);
      g_assert_cmpstr (json_object_get_string_member (r, "model"), ==, iv_rows[i].model);
      g_assert_cmpint (json_object_get_int_member (r, "seeds"), ==, 1);
      g_assert_cmpfloat (fabs (mean (r, "sparsity_pct") - iv_rows[i].target), <=, 0.5);
      g_assert_cmpfloat_with_epsilon (mean (r, "params_before_k"), iv_rows[i].params_k, 1e-9);
      g_assert_cmpfloat (mean (r, "params_after_k"), <, iv_rows[i].params_k);
      for (int k = 0; k < 4; k++)
        {
          static const char *const scores[] = { "dense_a", "dense_b", "pruned_a", "pruned_b" };
          double v = mean (r, scores[k]);
          g_assert_cmpfloat (v, >=, 0);
          g_assert_cmpfloat (v, <=, 1);
        }
    }
  const char *caption = json_object_get_string_member (iv, "caption");
  g_assert_nonnull (strstr (caption, "at most 50 training beats"));
  g_assert_nonnull (strstr (caption, "QUICK"));

  /* Table V: steps 0, 1, 2 at 0, 20, 40 %. */
  static const char *const v_keys[] = { "step", "target_pct", "sparsity_pct", "accuracy",
                                        "macro_f1", "seeds", NULL };
  JsonObject *v = table (root, 1, "table-v", 3, v_keys);
  for (guint s = 0; s < 3; s++)
    {
      JsonObject *r = row (v, s);
      g_assert_cmpint (json_object_get_int_member (r, "step"), ==, s);
      g_assert_cmpfloat (fabs (mean (r, "sparsity_pct") - 20.0 * s), <=, 0.5);
    }

  /* Table VI: ConvTransformer's dense MACs are model-zoo-layers.txt's 229,697,408; pruning
   * the attention projections and convolutions removes MACs. */
  static const char *const vi_keys[] = { "step", "target_pct", "sparsity_pct", "auroc",
                                         "macro_f1", "mmacs", "latency_ms", "energy_proxy",
                                         "seeds", NULL };
  JsonObject *vi = table (root, 2, "table-vi", 3, vi_keys);
  g_assert_cmpfloat_with_epsilon (mean (row (vi, 0), "mmacs"), 229.697408, 1e-9);
  g_assert_cmpfloat (mean (row (vi, 2), "mmacs"), <, mean (row (vi, 1), "mmacs"));
  g_assert_cmpfloat (mean (row (vi, 1), "mmacs"), <, 229.697408);
  g_assert_cmpfloat (fabs (mean (row (vi, 2), "sparsity_pct") - 40.0), <=, 0.5);
  /* Four test records cannot stand for fold 10 of the full database: the caption says so. */
  g_assert_nonnull (strstr (json_object_get_string_member (vi, "caption"),
                            "tested on 4 records"));
  g_assert_nonnull (strstr (json_object_get_string_member (vi, "caption"), "Not comparable"));

  /* Table VIII: baseline, L1 + KD, energy-aware for each dataset; the baseline's energy is its
   * own reference (1), the pruned models' 45 nm energy is lower. */
  static const char *const viii_keys[] = { "dataset", "method", "score", "score_value",
                                           "macro_f1", "sparsity_pct", "energy_proxy_norm",
                                           "energy_45nm_norm", "seeds", NULL };
  JsonObject *viii = table (root, 3, "table-viii", 6, viii_keys);
  static const char *const methods[] = { "Baseline (dense)", "L1 pruned + KD", "Energy-aware" };
  for (guint i = 0; i < 6; i++)
    {
      JsonObject *r = row (viii, i);
      g_assert_cmpstr (json_object_get_string_member (r, "dataset"), ==,
                       i < 3 ? "MIT-BIH" : "PTB-XL");
      g_assert_cmpstr (json_object_get_string_member (r, "method"), ==, methods[i % 3]);
      if (i % 3 == 0)
        {
          g_assert_cmpfloat (mean (r, "energy_45nm_norm"), ==, 1.0);
          g_assert_cmpfloat (mean (r, "energy_proxy_norm"), ==, 1.0);
        }
      else
        {
          g_assert_cmpfloat (mean (r, "energy_45nm_norm"), <, 1.0);
          g_assert_cmpfloat (fabs (mean (r, "sparsity_pct") - 40.0), <=, 0.5);
        }
    }
  /* Table VIII's energy-aware rows are Table V's and VI's runs. */
  JsonArray *v_runs = json_object_get_array_member (row (v, 0), "runs");
  JsonArray *viii_runs = json_object_get_array_member (row (viii, 2), "runs");
  g_assert_cmpint (json_array_get_int_element (viii_runs, 0), ==,
                   json_array_get_int_element (v_runs, 0));
}

/* The store holds the 16 runs, each tagged with the table that made it. */
static void
check_store (const char *store)
{
  g_autoptr (JsonNode) list = runs_list (store);
  JsonArray *runs = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (runs), ==, 16);
  g_assert_cmpuint (count_runs_with_status (runs, "finished"), ==, 16);
  static const char *const tags[] = { "dense", "table-iv", "table-v", "table-vi", "table-viii" };
  static const guint expected[] = { 6, 6, 1, 1, 2 };
  guint counts[5] = { 0 };
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *config = json_object_get_object_member (
          json_array_get_object_element (runs, i), "config");
      const char *tag = json_object_get_string_member (config, "reproduce");
      for (int t = 0; t < 5; t++)
        counts[t] += g_strcmp0 (tag, tags[t]) == 0;
    }
  for (int t = 0; t < 5; t++)
    g_assert_cmpuint (counts[t], ==, expected[t]);
}

static void
test_quick_tables (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *ptbxl = ptbxl_tree_new (dir);
  g_autofree char *store = g_build_filename (dir, "tables.db", NULL);

  /* 1. Ctrl-C once the first pruning run exists: exit 130, nothing left running. */
  g_autoptr (GPtrArray) argv = reproduce_argv (store, ptbxl, TRUE);
  GPid pid = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_async (NULL, (char **) argv->pdata, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                   | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  guint n_runs = 0;
  for (int i = 0; i < 1200 && n_runs < 2; i++)
    {
      g_usleep (100 * 1000);
      g_autoptr (JsonNode) list = runs_list (store);
      n_runs = json_array_get_length (json_node_get_array (list));
    }
  g_assert_cmpuint (n_runs, >=, 2);
  kill (pid, SIGINT);
  int wait_status = 0;
  waitpid (pid, &wait_status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 130);
  {
    g_autoptr (JsonNode) list = runs_list (store);
    JsonArray *runs = json_node_get_array (list);
    guint n = json_array_get_length (runs);
    g_assert_cmpuint (n, >=, 2);
    g_assert_cmpuint (n, <, 16);
    g_assert_cmpuint (count_runs_with_status (runs, "running"), ==, 0);
    g_assert_cmpuint (count_runs_with_status (runs, "finished")
                        + count_runs_with_status (runs, "cancelled"), ==, n);
  }

  /* 2. Again: it picks up where it stopped (no run made twice) and prints the tables. */
  g_autofree char *out = run_checked ((char **) argv->pdata, 0);
  g_autoptr (JsonNode) root = parse (out);
  JsonObject *o = json_node_get_object (root);
  JsonObject *units = json_object_get_object_member (o, "units");
  g_assert_cmpint (json_object_get_int_member (units, "failed"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (units, "skipped"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (units, "reused"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (units, "reused")
                     + json_object_get_int_member (units, "resumed")
                     + json_object_get_int_member (units, "started"), ==, 16);
  check_tables (o);
  check_store (store);

  /* 3. A third time: every run reused, none made, the same tables as text. */
  g_autoptr (GPtrArray) text_argv = reproduce_argv (store, ptbxl, FALSE);
  g_autofree char *text = run_checked ((char **) text_argv->pdata, 0);
  g_assert_nonnull (strstr (text, "16 reused, 0 resumed, 0 started, 0 failed, 0 skipped"));
  static const char *const titles[] = { "Table IV analogue", "Table V analogue",
                                        "Table VI analogue", "Table VIII analogue" };
  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    g_assert_nonnull (strstr (text, titles[i]));
  check_store (store);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_usage (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *store = g_build_filename (dir, "tables.db", NULL);
  g_autofree char *demo = source_path ("data/demo");
  char *no_table[] = { (char *) g_getenv ("ECGWB_PATH"), "reproduce", "--data", demo, "--store",
                       store, NULL };
  g_free (run_checked (no_table, 2));
  /* The demo folder is not a PTB-XL folder. */
  char *bad_ptbxl[] = { (char *) g_getenv ("ECGWB_PATH"), "reproduce", "seed-tables", "--data",
                        demo, "--ptbxl", demo, "--store", store, "--quick", NULL };
  g_free (run_checked (bad_ptbxl, 2));
  g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/reproduce/usage", test_usage);
  g_test_add_func ("/cli/reproduce/quick-tables", test_quick_tables);
  return g_test_run ();
}
