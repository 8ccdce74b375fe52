/* Tests of `ecgwb prune` and `ecgwb runs` on the bundled demo records and model: the sparsity
 * reached, the JSON of the run, and a run killed with SIGKILL that resumes. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "test-util.h"

static char *
source_path (const char *relative)
{
  return g_build_filename (g_getenv ("ECGWB_SOURCE_ROOT"), relative, NULL);
}

/* The argument vector of a demo pruning run into `store`. */
static GPtrArray *
prune_argv (const char *store, int steps, double sparsity, const char *method)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (g_getenv ("ECGWB_PATH")));
  g_ptr_array_add (argv, g_strdup ("prune"));
  g_ptr_array_add (argv, g_strdup ("--model"));
  g_ptr_array_add (argv, source_path ("data/models/CNN1D_3Class-demo.ecgm"));
  g_ptr_array_add (argv, g_strdup ("--data"));
  g_ptr_array_add (argv, source_path ("data/demo"));
  const char *fixed[] = { "--train-records", "demo1,demo3", "--val-records", "demo2",
                          "--test-records", "demo2", "--finetune-epochs", "1",
                          "--latency-repeats", "5", "--json" };
  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, g_strdup (fixed[i]));
  g_ptr_array_add (argv, g_strdup ("--method"));
  g_ptr_array_add (argv, g_strdup (method));
  g_ptr_array_add (argv, g_strdup ("--steps"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", steps));
  g_ptr_array_add (argv, g_strdup ("--sparsity"));
  g_ptr_array_add (argv, g_strdup_printf ("%g", sparsity));
  g_ptr_array_add (argv, g_strdup ("--store"));
  g_ptr_array_add (argv, g_strdup (store));
  g_ptr_array_add (argv, NULL);
  return argv;
}

static JsonNode *
run_json (char **argv, int expected_exit)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != expected_exit)
    g_error ("%s exited %d: %s", argv[1], WEXITSTATUS (status), err);
  g_autoptr (JsonParser) parser = json_parser_new ();
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_prune_reaches_sparsity (gconstpointer data)
{
  const char *method = data;
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *store = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (GPtrArray) argv = prune_argv (store, 2, 0.8, method);
  g_autoptr (JsonNode) root = run_json ((char **) argv->pdata, 0);
  JsonObject *run = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (run, "kind"), ==, "prune");
  g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "finished");
  JsonArray *steps = json_object_get_array_member (run, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 3);
  /* Step 0 dense, step 1 at 0.4, step 2 at 0.8 of the prunable weights (linear schedule),
   * within 0.5 points. */
  static const double expected[] = { 0.0, 0.4, 0.8 };
  gint64 previous_macs = G_MAXINT64;
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      g_assert_cmpint (json_object_get_int_member (step, "step"), ==, i);
      double sparsity = json_object_get_double_member (step, "sparsity");
      g_assert_cmpfloat (fabs (sparsity - expected[i]), <=, 0.005);
      gint64 macs = json_object_get_int_member (step, "macs");
      g_assert_cmpint (macs, <, previous_macs);
      previous_macs = macs;
      JsonObject *energy = json_object_get_object_member (step, "energy_j");
      g_assert_cmpstr (json_object_get_string_member (energy, "measured_method"), ==,
                       "estimate");
      g_assert_cmpfloat (json_object_get_double_member (energy, "op_model_45nm"), >, 0);
      double f1 = json_object_get_double_member (step, "macro_f1");
      g_assert_cmpfloat (f1, >=, 0);
      g_assert_cmpfloat (f1, <=, 1);
    }
  /* The dense step's MACs are the architecture's (with its 18 RR weights). */
  JsonObject *dense = json_array_get_object_element (steps, 0);
  g_assert_cmpint (json_object_get_int_member (dense, "macs"), ==, 9232768 + 18);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Adds `extra` (NULL-terminated) to a prune_argv() vector. */
static void
append_args (GPtrArray *argv, const char *const *extra)
{
  g_ptr_array_remove_index (argv, argv->len - 1); /* the NULL */
  for (int i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra[i]));
  g_ptr_array_add (argv, NULL);
}

/* --class-aware end to end on the demo data, with both importance methods: the run keeps the
 * option in its config, and after each step exactly round(n * s(t)) of the n prunable weights
 * are zero (linear schedule: s = 0.4, 0.8). Each step also carries the CO2 and battery figures
 * that follow from its energy. */
static void
test_class_aware (gconstpointer data)
{
  const char *method = data;
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *store = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (GPtrArray) argv = prune_argv (store, 2, 0.8, method);
  const char *extra[] = { "--class-aware", "--class-aware-weight", "0.7", NULL };
  append_args (argv, extra);
  g_autoptr (JsonNode) root = run_json ((char **) argv->pdata, 0);
  JsonObject *run = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "finished");
  JsonObject *config = json_object_get_object_member (run, "config");
  g_assert_true (json_object_get_boolean_member (config, "class_aware"));
  g_assert_cmpfloat (json_object_get_double_member (config, "class_aware_weight"), ==, 0.7);
  g_assert_cmpstr (json_object_get_string_member (config, "method"), ==, method);
  JsonArray *steps = json_object_get_array_member (run, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 3);
  static const gint64 target_tenths[] = { 0, 4, 8 };
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      gint64 n = json_object_get_int_member (step, "prunable_params");
      gint64 zero = n - json_object_get_int_member (step, "nonzero_prunable_params");
      /* round(n * s), in integers (n * 0.4 has no tie to break here). */
      gint64 budget = (n * target_tenths[i] * 2 + 10) / 20;
      g_assert_cmpint (zero, ==, budget);
      g_assert_cmpfloat (json_object_get_double_member (step, "sparsity"), ==,
                         (double) budget / (double) n);

      double measured = json_object_get_double_member (
          json_object_get_object_member (step, "energy_j"), "measured_or_estimated");
      g_assert_cmpfloat (fabs (json_object_get_double_member (step, "co2_g_per_million")
                               - measured * 1e6 / 3.6e6 * 475), <=, 1e-12 * measured * 475);
      JsonObject *battery = json_object_get_object_member (step, "battery_hours");
      /* The default wearable: 225 mAh x 3.6 x 3.0 V at 1 mW = 675 h. */
      g_assert_cmpfloat (json_object_get_double_member (battery, "without_inference"), ==, 675);
      g_assert_cmpfloat (json_object_get_double_member (battery, "with_inference"), <, 675);
    }
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* --class-aware ranks single weights: with --structured it is a usage error, and so is its
 * weight without it; nothing is created. */
static void
test_class_aware_usage (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *store = g_build_filename (dir, "runs.db", NULL);
  const char *structured[] = { "--class-aware", "--structured", NULL };
  const char *weight_only[] = { "--class-aware-weight", "0.3", NULL };
  const char *bad_weight[] = { "--class-aware", "--class-aware-weight", "1.5", NULL };
  const char *const *cases[] = { structured, weight_only, bad_weight };
  const char *words[] = { "--structured", "--class-aware", "class-aware weight" };
  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GPtrArray) argv = prune_argv (store, 2, 0.5, "energy");
      append_args (argv, cases[k]);
      g_autofree char *err = NULL;
      int status = 0;
      g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, &err, &status, NULL);
      g_assert_cmpint (WEXITSTATUS (status), ==, 2);
      g_assert_nonnull (strstr (err, words[k]));
      g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
    }
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static int
count_steps (const char *store, gint64 run, char **status_out)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run);
  char *argv[] = { (char *) g_getenv ("ECGWB_PATH"), "runs", "show", id, "--store",
                   (char *) store, "--json", NULL };
  g_autofree char *out = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                     &status, NULL)
      || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return -1;
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, out, -1, NULL))
    return -1;
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  if (status_out != NULL)
    *status_out = g_strdup (json_object_get_string_member (o, "status"));
  return (int) json_array_get_length (json_object_get_array_member (o, "steps"));
}

/* SIGKILL a pruning run once two steps are committed: they stay intact, the run shows as
 * interrupted, and `runs resume` completes it. */
static void
test_killed_run_resumes (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *store = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (GPtrArray) argv = prune_argv (store, 4, 0.8, "l1");
  GPid pid = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_async (NULL, (char **) argv->pdata, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                   | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  int committed = -1;
  for (int i = 0; i < 1200 && committed < 2; i++)
    {
      g_usleep (100 * 1000);
      committed = count_steps (store, 1, NULL);
    }
  g_assert_cmpint (committed, >=, 2);
  kill (pid, SIGKILL);
  int wait_status = 0;
  waitpid (pid, &wait_status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (wait_status));

  g_autofree char *status = NULL;
  int after_kill = count_steps (store, 1, &status);
  g_assert_cmpint (after_kill, >=, committed);
  g_assert_cmpint (after_kill, <, 5);
  g_assert_cmpstr (status, ==, "interrupted");

  char *resume[] = { (char *) g_getenv ("ECGWB_PATH"), "runs", "resume", "1", "--store", store,
                     "--json", NULL };
  g_autoptr (JsonNode) root = run_json (resume, 0);
  JsonObject *run = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "finished");
  JsonArray *steps = json_object_get_array_member (run, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      g_assert_cmpint (json_object_get_int_member (step, "step"), ==, i);
      g_assert_cmpfloat (fabs (json_object_get_double_member (step, "sparsity") - 0.2 * i), <=,
                         0.005);
    }
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_bad_settings (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *store = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (GPtrArray) argv = prune_argv (store, 2, 0.99, "energy");
  g_autofree char *err = NULL;
  int status = 0;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                &err, &status, NULL);
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "sparsity"));
  g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Pruning a layer by 0 % changes nothing: every layer's first score equals the baseline; the
 * demo model has five prunable layers. */
static void
test_sensitivity_demo (void)
{
  g_autofree char *model = source_path ("data/models/CNN1D_3Class-demo.ecgm");
  g_autofree char *data = source_path ("data/demo");
  char *argv[] = { (char *) g_getenv ("ECGWB_PATH"), "sensitivity", "--model", model, "--data",
                   data, "--records", "demo2", "--sparsities", "0,0.9", "--json", NULL };
  g_autoptr (JsonNode) root = run_json (argv, 0);
  JsonObject *o = json_node_get_object (root);
  double baseline = json_object_get_double_member (o, "baseline");
  g_assert_cmpstr (json_object_get_string_member (o, "score"), ==, "macro_f1");
  JsonArray *layers = json_object_get_array_member (o, "layers");
  g_assert_cmpuint (json_array_get_length (layers), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (layers, 0),
                                                  "name"), ==, "b1.conv.weight");
  for (guint l = 0; l < 5; l++)
    {
      JsonObject *layer = json_array_get_object_element (layers, l);
      JsonArray *scores = json_object_get_array_member (layer, "scores");
      g_assert_cmpfloat (json_array_get_double_element (scores, 0), ==, baseline);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/cli/prune/reaches-sparsity-energy", "energy",
                        test_prune_reaches_sparsity);
  g_test_add_data_func ("/cli/prune/reaches-sparsity-l1", "l1", test_prune_reaches_sparsity);
  g_test_add_func ("/cli/prune/killed-run-resumes", test_killed_run_resumes);
  g_test_add_func ("/cli/prune/bad-settings", test_bad_settings);
  g_test_add_data_func ("/cli/prune/class-aware-energy", "energy", test_class_aware);
  g_test_add_data_func ("/cli/prune/class-aware-l1", "l1", test_class_aware);
  g_test_add_func ("/cli/prune/class-aware-usage", test_class_aware_usage);
  g_test_add_func ("/cli/sensitivity/demo", test_sensitivity_demo);
  return g_test_run ();
}
