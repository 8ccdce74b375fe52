/* Numerical safety of `ecgwb train` and `ecgwb prune`: a training that diverges fails with
 * exit 3 and one line naming the model and the problem, and the --out file that existed before
 * (a good model) stays byte-identical.
 *
 * The divergence is real, provoked from the command line with absurd learning rates on the
 * bundled demo records (686 training beats, 452 validation beats):
 *  - 1.5e30 with batches of 128: Adam's first step moves every weight by about the learning
 *    rate, so the third batch's logits overflow and its loss is NaN;
 *  - 3e38 with one batch per epoch (--batch 1000): no later batch loss sees the last step, but
 *    the outputs of the stepped model overflow (on the validation examples, or without
 *    validation on the training examples).
 * (1.5e30 rather than 1e30: json-glib 1.6 writes 1e30 as "1e+30.0", which no JSON parser
 * reads back, in the run's config.) */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "test-util.h"

typedef struct
{
  int exit_code;
  char *out;
  char *err;
} RunResult;

static void
run_result_clear (RunResult *r)
{
  g_free (r->out);
  g_free (r->err);
}

static char *
source_path (const char *relative)
{
  return g_build_filename (g_getenv ("ECGWB_SOURCE_ROOT"), relative, NULL);
}

/* Runs `ecgwb` with `args` (NULL-terminated). */
static RunResult
run_ecgwb (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ECGWB_PATH"));
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  RunResult r = { 0 };
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status)); /* never a signal */
  r.exit_code = WEXITSTATUS (wait_status);
  return r;
}

/* The last line of `text` without its newline (owned). */
static char *
last_line (const char *text)
{
  g_autofree char *copy = g_strchomp (g_strdup (text));
  const char *newline = strrchr (copy, '\n');
  return g_strdup (newline ? newline + 1 : copy);
}

/* A folder holding out.ecgm, a copy of the bundled demo model: the good model a failed job
 * must not touch. */
typedef struct
{
  char *dir;
  char *out;
  char *good;     /* its bytes */
  gsize good_length;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = ecg_test_tmpdir_new ();
  g_autofree char *model = source_path ("data/models/CNN1D_3Class-demo.ecgm");
  g_autoptr (GError) error = NULL;
  g_file_get_contents (model, &f->good, &f->good_length, &error);
  g_assert_no_error (error);
  g_free (ecg_test_write_file (f->dir, "out.ecgm", f->good, (gssize) f->good_length));
  f->out = g_build_filename (f->dir, "out.ecgm", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  ecg_test_tmpdir_free (f->dir);
  g_free (f->out);
  g_free (f->good);
}

/* out.ecgm is byte-identical and the job left no other file but the store's. */
static void
assert_good_model_kept (Fixture *f)
{
  g_autofree char *now = NULL;
  gsize length = 0;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (f->out, &now, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (now, length, f->good, f->good_length);
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, &error);
  g_assert_no_error (error);
  for (const char *name = g_dir_read_name (dir); name != NULL; name = g_dir_read_name (dir))
    if (strcmp (name, "out.ecgm") != 0 && !g_str_has_prefix (name, "runs.db"))
      g_error ("the failed job left %s behind", name);
}

/* Exit 3, nothing on stdout (even with --json), and the last line of stderr is
 * "ecgwb COMMAND: training CNN1D_3Class: the WHAT became ..." with the advice. */
static void
assert_numeric_failure (const RunResult *r, const char *command, const char *what)
{
  g_assert_cmpint (r->exit_code, ==, 3);
  g_assert_cmpstr (r->out, ==, "");
  g_autofree char *line = last_line (r->err);
  g_autofree char *prefix = g_strdup_printf ("ecgwb %s: training CNN1D_3Class: the %s became ",
                                             command, what);
  if (!g_str_has_prefix (line, prefix))
    g_error ("unexpected error line: %s", line);
  const char *problem = line + strlen (prefix);
  g_assert_true (g_str_has_prefix (problem, "NaN") || g_str_has_prefix (problem, "infinite"));
  g_assert_nonnull (strstr (problem, "(try a lower learning rate)"));
}

static void
train (Fixture *f, const char *lr, const char *batch, const char *val_records, const char *what)
{
  g_autofree char *data = source_path ("data/demo");
  const char *args[] = { "train", "--arch", "CNN1D_3Class", "--data", data, "--train-records",
                         "demo1,demo3", "--val-records", val_records, "--epochs", "1",
                         "--batch", batch, "--lr", lr, "--out", f->out, "--json", NULL };
  RunResult r = run_ecgwb (args);
  assert_numeric_failure (&r, "train", what);
  assert_good_model_kept (f);
  run_result_clear (&r);
}

static void
test_train_nan_loss (Fixture *f, gconstpointer data)
{
  train (f, "1.5e30", "128", "demo2", "loss");
}

static void
test_train_last_step_diverges (Fixture *f, gconstpointer data)
{
  train (f, "3e38", "1000", "demo2", "outputs on the validation examples");
}

static void
test_train_last_step_diverges_no_validation (Fixture *f, gconstpointer data)
{
  train (f, "3e38", "1000", "none", "outputs");
}

/* The pruning run fails after its dense step 0: the run is stored as failed with the message,
 * step 0 stays committed, and --out is untouched. */
static void
prune (Fixture *f, const char *lr, const char *batch, const char *what)
{
  g_autofree char *model = source_path ("data/models/CNN1D_3Class-demo.ecgm");
  g_autofree char *data = source_path ("data/demo");
  g_autofree char *store = g_build_filename (f->dir, "runs.db", NULL);
  const char *args[] = { "prune", "--model", model, "--data", data, "--train-records",
                         "demo1,demo3", "--val-records", "demo2", "--test-records", "demo2",
                         "--finetune-epochs", "1", "--latency-repeats", "5", "--steps", "2",
                         "--sparsity", "0.5", "--batch", batch, "--lr", lr, "--store", store,
                         "--out", f->out, "--json", NULL };
  RunResult r = run_ecgwb (args);
  assert_numeric_failure (&r, "prune", what);
  assert_good_model_kept (f);
  g_autofree char *message = last_line (r.err);
  run_result_clear (&r);

  const char *show[] = { "runs", "show", "1", "--store", store, "--json", NULL };
  r = run_ecgwb (show);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  JsonObject *run = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "failed");
  /* The stored error is the message after "ecgwb prune: ". */
  g_assert_cmpstr (json_object_get_string_member (run, "error"), ==,
                   message + strlen ("ecgwb prune: "));
  JsonArray *steps = json_object_get_array_member (run, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (steps, 0),
                                               "step"), ==, 0);
  run_result_clear (&r);
}

static void
test_prune_nan_loss (Fixture *f, gconstpointer data)
{
  prune (f, "1.5e30", "128", "loss");
}

static void
test_prune_last_step_diverges (Fixture *f, gconstpointer data)
{
  prune (f, "3e38", "1000", "outputs on the validation examples");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/numeric/train-nan-loss", Fixture, NULL, fixture_set_up, test_train_nan_loss,
              fixture_tear_down);
  g_test_add ("/cli/numeric/train-last-step-diverges", Fixture, NULL, fixture_set_up,
              test_train_last_step_diverges, fixture_tear_down);
  g_test_add ("/cli/numeric/train-last-step-diverges-no-validation", Fixture, NULL,
              fixture_set_up, test_train_last_step_diverges_no_validation, fixture_tear_down);
  g_test_add ("/cli/numeric/prune-nan-loss", Fixture, NULL, fixture_set_up, test_prune_nan_loss,
              fixture_tear_down);
  g_test_add ("/cli/numeric/prune-last-step-diverges", Fixture, NULL, fixture_set_up,
              test_prune_last_step_diverges, fixture_tear_down);
  return g_test_run ();
}
