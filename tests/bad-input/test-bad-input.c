/* test-bad-input.c — the bad-input corpus (make-corpus.py) through the CLI and the API.
 *
 * make-corpus.py writes damaged copies of valid synthetic files (a record, a model, a run store,
 * PTB-XL tables) into ECG_BAD_INPUT_DIR at test time and lists them in manifest.json. For every
 * case:
 *   /hardening/bad-input/cli/ID  runs `ecgwb info|beats|evaluate|runs list` on it and asserts
 *                                exit status 1 (an exit, never a signal), exactly one line on
 *                                stderr naming the file and the problem, and a run time under a
 *                                generous 10 s (the figure is printed; the goal is 2 s);
 *   /hardening/bad-input/api/ID  calls the loader behind the command (ecg_record_load,
 *                                ecg_ptbxl_labels_for_record_path, ecg_model_file_load,
 *                                ecg_run_store_open + ecg_run_store_list_runs) and asserts NULL
 *                                with an ECG_ERROR naming the file and the problem.
 * Leaks on these error paths are checked by running the suite under -Db_sanitize=address.
 */
#include <string.h>
#include <sys/wait.h>

#include "ecg-error.h"
#include "io/ecg-ptbxl.h"
#include "io/ecg-record.h"
#include "nn/ecg-model-file.h"
#include "store/ecg-run-store.h"
#include "test-util.h"

typedef struct
{
  char *id;
  char *command; /* info, beats, evaluate, runs */
  char *path;
  char *api;     /* record, record-checked, labels, model, store */
  char *names;   /* the message must contain these... */
  char *problem; /* ...and these */
} BadCase;

/* What main() found before the tests run; read-only afterwards. */
typedef struct
{
  char *ecgwb;
  char *valid_data;   /* a folder with a valid record, for `evaluate --data` */
  char *valid_record;
  char *setup_error;  /* why the corpus could not be made, or NULL */
  GPtrArray *cases;   /* BadCase */
} Corpus;

static void
bad_case_free (gpointer data)
{
  BadCase *c = data;
  g_free (c->id);
  g_free (c->command);
  g_free (c->path);
  g_free (c->api);
  g_free (c->names);
  g_free (c->problem);
  g_free (c);
}

/* Runs make-corpus.py and reads its manifest into `corpus`; sets corpus->setup_error on
 * failure. */
static void
make_corpus (Corpus *corpus)
{
  const char *ecgwb = g_getenv ("ECGWB_PATH");
  const char *dir = g_getenv ("ECG_BAD_INPUT_DIR");
  const char *python = g_getenv ("ECG_PYTHON3");
  const char *root = g_getenv ("ECGWB_SOURCE_ROOT");
  corpus->cases = g_ptr_array_new_with_free_func (bad_case_free);
  if (ecgwb == NULL || dir == NULL || python == NULL || root == NULL)
    {
      corpus->setup_error = g_strdup ("run through meson: ECGWB_PATH, ECG_BAD_INPUT_DIR, "
                                      "ECG_PYTHON3 and ECGWB_SOURCE_ROOT must be set");
      return;
    }
  corpus->ecgwb = g_strdup (ecgwb);
  g_autofree char *script = g_build_filename (root, "tests", "bad-input", "make-corpus.py", NULL);
  const char *argv[] = { python, script, "--ecgwb", ecgwb, "--out", dir, "--source", root, NULL };
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      corpus->setup_error = g_strdup_printf ("make-corpus.py failed: %s %s", error->message,
                                             err != NULL ? err : "");
      return;
    }

  g_autofree char *manifest = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, manifest, &error))
    {
      corpus->setup_error = g_strdup_printf ("%s: %s", manifest, error->message);
      return;
    }
  JsonObject *root_object = json_node_get_object (json_parser_get_root (parser));
  JsonObject *valid = json_object_get_object_member (root_object, "valid");
  corpus->valid_data = g_strdup (json_object_get_string_member (valid, "data"));
  corpus->valid_record = g_strdup (json_object_get_string_member (valid, "record"));
  JsonArray *cases = json_object_get_array_member (root_object, "cases");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *o = json_array_get_object_element (cases, i);
      BadCase *c = g_new0 (BadCase, 1);
      c->id = g_strdup (json_object_get_string_member (o, "id"));
      c->command = g_strdup (json_object_get_string_member (o, "command"));
      c->path = g_strdup (json_object_get_string_member (o, "path"));
      c->api = g_strdup (json_object_get_string_member (o, "api"));
      c->names = g_strdup (json_object_get_string_member (o, "names"));
      c->problem = g_strdup (json_object_get_string_member (o, "problem"));
      g_ptr_array_add (corpus->cases, c);
    }
}

static Corpus corpus;

/* The corpus was made and holds the minimum of 40 cases. */
static void
test_corpus (void)
{
  if (corpus.setup_error != NULL)
    g_error ("%s", corpus.setup_error);
  g_assert_cmpuint (corpus.cases->len, >=, 40);
  g_test_message ("%u bad-input cases", corpus.cases->len);
}

static void
assert_names_file_and_problem (const char *message, const BadCase *c)
{
  if (strstr (message, c->names) == NULL || strstr (message, c->problem) == NULL)
    g_error ("%s: the message \"%s\" does not name '%s' and '%s'", c->id, message, c->names,
             c->problem);
}

static void
test_cli (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, corpus.ecgwb);
  if (strcmp (c->command, "evaluate") == 0)
    g_strv_builder_addv (builder, (const char *[]){ "evaluate", "--model", c->path, "--data",
                                                    corpus.valid_data, "--records",
                                                    corpus.valid_record, NULL });
  else if (strcmp (c->command, "runs") == 0)
    g_strv_builder_addv (builder, (const char *[]){ "runs", "list", "--store", c->path, NULL });
  else
    g_strv_builder_addv (builder, (const char *[]){ c->command, c->path, NULL });
  g_auto (GStrv) argv = g_strv_builder_end (builder);

  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                               &error));
  double seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_test_message ("%s: ecgwb %s took %.3f s", c->id, c->command, seconds);

  if (WIFSIGNALED (status))
    g_error ("%s: ecgwb %s died of signal %d; stderr: %s", c->id, c->command, WTERMSIG (status),
             err);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) != 1)
    g_error ("%s: ecgwb %s exited with %d, not 1; stderr: %s", c->id, c->command,
             WEXITSTATUS (status), err);
  /* One line: the message, ended by the one newline. */
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_autofree char *prefix = g_strdup_printf ("ecgwb %s: ", c->command);
  g_assert_true (g_str_has_prefix (err, prefix));
  assert_names_file_and_problem (err, c);
  g_assert_cmpfloat (seconds, <, 10.0);
}

static void
test_api (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr (GError) error = NULL;
  if (strcmp (c->api, "record") == 0 || strcmp (c->api, "record-checked") == 0)
    {
      /* `ecgwb info` reports a bad checksum instead of failing; `beats` fails on it. */
      EcgRecordLoadFlags flags = strcmp (c->api, "record") == 0 ? ECG_RECORD_ALLOW_BAD_CHECKSUM
                                                                : ECG_RECORD_LOAD_DEFAULT;
      g_autoptr (EcgRecord) record = ecg_record_load (c->path, flags, &error);
      g_assert_null (record);
    }
  else if (strcmp (c->api, "labels") == 0)
    {
      g_auto (GStrv) labels = ecg_ptbxl_labels_for_record_path (c->path, &error);
      g_assert_null (labels);
    }
  else if (strcmp (c->api, "model") == 0)
    {
      g_autoptr (EcgModelFile) file = ecg_model_file_load (c->path, &error);
      g_assert_null (file);
    }
  else if (strcmp (c->api, "store") == 0)
    {
      g_autoptr (EcgRunStore) store = ecg_run_store_open (c->path, FALSE, &error);
      if (store != NULL)
        {
          g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, &error);
          g_assert_null (runs);
        }
    }
  else
    g_error ("%s: unknown api '%s' in the manifest", c->id, c->api);
  g_assert_nonnull (error);
  g_assert_true (error->domain == ECG_ERROR);
  assert_names_file_and_problem (error->message, c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  make_corpus (&corpus);
  g_test_add_func ("/hardening/bad-input/corpus", test_corpus);
  for (guint i = 0; i < corpus.cases->len; i++)
    {
      const BadCase *c = g_ptr_array_index (corpus.cases, i);
      g_autofree char *cli = g_strdup_printf ("/hardening/bad-input/cli/%s", c->id);
      g_autofree char *api = g_strdup_printf ("/hardening/bad-input/api/%s", c->id);
      g_test_add_data_func (cli, c, test_cli);
      g_test_add_data_func (api, c, test_api);
    }
  int status = g_test_run ();
  g_ptr_array_unref (corpus.cases);
  g_free (corpus.ecgwb);
  g_free (corpus.valid_data);
  g_free (corpus.valid_record);
  g_free (corpus.setup_error);
  return status;
}
