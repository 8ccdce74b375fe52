/* ecgwb-reproduce.c — `ecgwb reproduce seed-tables`: the compression paper's Tables IV, V, VI
 * and VIII as runs of a store (engine/jobs/ecg-reproduce.h), printed as tables or JSON. */
#include "ecgwb-command.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "jobs/ecg-reproduce.h"
#include "train/ecg-data.h"

/* ---- progress on stderr ------------------------------------------------------------------- */

typedef struct
{
  gint64 last_report_us;
} ProgressState;

static void
print_progress (const EcgReproduceProgress *p, gpointer data)
{
  ProgressState *state = data;
  const EcgReproduceUnit *u = p->current;
  g_autofree char *label = g_strdup_printf ("[%2d/%d] %s %s seed %d", p->unit, p->n_units, u->tag,
                                            u->arch->name, u->seed);
  if (g_strcmp0 (p->event, "progress") != 0)
    {
      if (g_strcmp0 (p->event, "reuse") == 0)
        g_printerr ("%s: finished run %" G_GINT64_FORMAT " reused\n", label, u->run);
      else if (g_strcmp0 (p->event, "resume") == 0)
        g_printerr ("%s: resuming run %" G_GINT64_FORMAT "\n", label, u->run);
      else if (g_strcmp0 (p->event, "start") == 0)
        g_printerr ("%s: starting a %s run\n", label, ecg_run_kind_to_string (u->kind));
      else if (g_strcmp0 (p->event, "done") == 0)
        g_printerr ("%s: run %" G_GINT64_FORMAT " finished\n", label, u->run);
      else
        g_printerr ("%s: %s: %s\n", label, g_strcmp0 (p->event, "skip") == 0 ? "skipped"
                                                                             : "FAILED",
                    u->error ? u->error : "");
      return;
    }
  /* At most one progress line per two seconds. */
  gint64 now = g_get_monotonic_time ();
  if (now - state->last_report_us < 2 * G_USEC_PER_SEC)
    return;
  state->last_report_us = now;
  const EcgJobProgress *j = p->job;
  g_autoptr (GString) line = g_string_new (NULL);
  g_string_append_printf (line, "%s [%3.0f%% of all]", label, 100 * p->fraction);
  if (u->kind == ECG_RUN_KIND_PRUNE)
    g_string_append_printf (line, " step %d/%d", j->step, j->n_steps);
  g_string_append_printf (line, " %s", j->stage);
  if (j->epoch > 0)
    g_string_append_printf (line, " epoch %d/%d batch %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT
                            ", loss %.4f", j->epoch, j->n_epochs, j->batch, j->n_batches,
                            j->loss);
  g_printerr ("%s\n", line->str);
}

/* ---- the job in a thread, signals on the main loop ---------------------------------------- */

static gboolean
cancel_on_signal (gpointer cancellable)
{
  g_printerr ("ecgwb reproduce: stopping after the current batch...\n");
  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  EcgReproducePlan *plan;
  GCancellable *cancellable;
  GMainLoop *loop;
  ProgressState progress;
  gboolean ok;
  GError *error;
} ReproduceCommand;

static gpointer
job_thread (gpointer data)
{
  ReproduceCommand *cmd = data;
  cmd->ok = ecg_reproduce_run (cmd->plan, print_progress, &cmd->progress, cmd->cancellable,
                               &cmd->error);
  g_main_loop_quit (cmd->loop);
  return NULL;
}

/* ---- plain-text tables -------------------------------------------------------------------- */

static char *
cell_text (JsonObject *row, JsonObject *column)
{
  const char *key = json_object_get_string_member (column, "key");
  const char *type = json_object_get_string_member (column, "type");
  int decimals = (int) json_object_get_int_member (column, "decimals");
  JsonNode *node = json_object_get_member (row, key);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (strcmp (type, "text") == 0)
    return g_strdup (json_node_get_string (node));
  if (strcmp (type, "int") == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  JsonObject *stat = json_node_get_object (node);
  JsonNode *mean = json_object_get_member (stat, "mean");
  JsonNode *sd = json_object_get_member (stat, "sd");
  if (JSON_NODE_HOLDS_NULL (mean))
    return g_strdup ("—");
  if (JSON_NODE_HOLDS_NULL (sd))
    return g_strdup_printf ("%.*f", decimals, json_node_get_double (mean));
  return g_strdup_printf ("%.*f ± %.*f", decimals, json_node_get_double (mean), decimals,
                          json_node_get_double (sd));
}

/* Appends `text` padded to `width` characters (UTF-8 aware), right-aligned for numbers. */
static void
append_padded (GString *line, const char *text, int width, gboolean right)
{
  int pad = width - (int) g_utf8_strlen (text, -1);
  if (right)
    for (int i = 0; i < pad; i++)
      g_string_append_c (line, ' ');
  g_string_append (line, text);
  if (!right)
    for (int i = 0; i < pad; i++)
      g_string_append_c (line, ' ');
}

/* `text` wrapped at `width` columns, each line indented by two spaces. */
static void
print_wrapped (const char *text, int width)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr (GString) line = g_string_new ("  ");
  for (char **w = words; *w != NULL; w++)
    {
      if (**w == '\0')
        continue;
      if (line->len > 2 && (int) g_utf8_strlen (line->str, -1) + 1
                             + (int) g_utf8_strlen (*w, -1) > width)
        {
          printf ("%s\n", line->str);
          g_string_assign (line, "  ");
        }
      if (line->len > 2)
        g_string_append_c (line, ' ');
      g_string_append (line, *w);
    }
  if (line->len > 2)
    printf ("%s\n", line->str);
}

static void
print_table (JsonObject *table)
{
  JsonArray *columns = json_object_get_array_member (table, "columns");
  JsonArray *rows = json_object_get_array_member (table, "rows");
  guint n_columns = json_array_get_length (columns), n_rows = json_array_get_length (rows);
  g_autofree int *widths = g_new0 (int, n_columns);
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  for (guint c = 0; c < n_columns; c++)
    {
      JsonObject *column = json_array_get_object_element (columns, c);
      widths[c] = (int) g_utf8_strlen (json_object_get_string_member (column, "label"), -1);
    }
  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_columns; c++)
      {
        char *text = cell_text (json_array_get_object_element (rows, r),
                                json_array_get_object_element (columns, c));
        widths[c] = MAX (widths[c], (int) g_utf8_strlen (text, -1));
        g_ptr_array_add (cells, text);
      }
  printf ("%s\n", json_object_get_string_member (table, "title"));
  g_autoptr (GString) line = g_string_new (NULL);
  for (guint c = 0; c < n_columns; c++)
    {
      JsonObject *column = json_array_get_object_element (columns, c);
      g_string_append (line, "  ");
      append_padded (line, json_object_get_string_member (column, "label"), widths[c],
                     strcmp (json_object_get_string_member (column, "type"), "text") != 0);
    }
  printf ("%s\n", g_strchomp (line->str));
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_truncate (line, 0);
      for (guint c = 0; c < n_columns; c++)
        {
          JsonObject *column = json_array_get_object_element (columns, c);
          g_string_append (line, "  ");
          append_padded (line, g_ptr_array_index (cells, r * n_columns + c), widths[c],
                         strcmp (json_object_get_string_member (column, "type"), "text") != 0);
        }
      printf ("%s\n", g_strchomp (line->str));
    }
  print_wrapped (json_object_get_string_member (table, "caption"), 100);
  printf ("\n");
}

static void
print_tables (JsonNode *root)
{
  JsonObject *o = json_node_get_object (root);
  JsonArray *tables = json_object_get_array_member (o, "tables");
  for (guint i = 0; i < json_array_get_length (tables); i++)
    print_table (json_array_get_object_element (tables, i));
  JsonObject *units = json_object_get_object_member (o, "units");
  printf ("Runs in %s: %" G_GINT64_FORMAT " reused, %" G_GINT64_FORMAT " resumed, %"
          G_GINT64_FORMAT " started, %" G_GINT64_FORMAT " failed, %" G_GINT64_FORMAT
          " skipped (tagged \"reproduce\" in their config; see ecgwb runs list).\n",
          json_object_get_string_member (o, "store"),
          json_object_get_int_member (units, "reused"),
          json_object_get_int_member (units, "resumed"),
          json_object_get_int_member (units, "started"),
          json_object_get_int_member (units, "failed"),
          json_object_get_int_member (units, "skipped"));
}

/* ---- the command -------------------------------------------------------------------------- */

/* With no --ptbxl: DIR/mitdb + DIR/ptbxl for a folder holding both, else a PTB-XL folder
 * named ptbxl beside DIR. */
static void
find_folders (char **data_dir, char **ptbxl_dir)
{
  g_autofree char *mitdb = g_build_filename (*data_dir, "mitdb", NULL);
  g_autofree char *inside = g_build_filename (*data_dir, "ptbxl", NULL);
  if (g_file_test (mitdb, G_FILE_TEST_IS_DIR))
    {
      g_free (*data_dir);
      *data_dir = g_steal_pointer (&mitdb);
      if (*ptbxl_dir == NULL && ecg_data_dir_is_ptbxl (inside))
        *ptbxl_dir = g_steal_pointer (&inside);
      return;
    }
  if (*ptbxl_dir != NULL)
    return;
  g_autofree char *absolute = g_canonicalize_filename (*data_dir, NULL);
  g_autofree char *parent = g_path_get_dirname (absolute);
  g_autofree char *beside = g_build_filename (parent, "ptbxl", NULL);
  if (ecg_data_dir_is_ptbxl (beside))
    *ptbxl_dir = g_steal_pointer (&beside);
}

int
ecgwb_command_reproduce (int argc, char **argv)
{
  EcgReproduceOptions o;
  ecg_reproduce_options_init (&o);
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &o.data_dir, "MIT-BIH folder, or a folder holding "
      "mitdb/ and ptbxl/", "DIR" },
    { "ptbxl", 0, 0, G_OPTION_ARG_FILENAME, &o.ptbxl_dir, "PTB-XL folder (default: DIR/ptbxl "
      "or a ptbxl folder beside DIR; 'none' = leave the PTB-XL rows empty)", "DIR" },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &o.store_path, "Run store (SQLite)", "DB" },
    { "models-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.models_dir, "Where the dense models go "
      "(default: DB-models beside the store); keep it between invocations", "DIR" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &o.quick, "CI budget: 1 seed, 1 epoch, 2 steps, a few "
      "hundred examples — checks every table's path, reproduces nothing", NULL },
    { "seeds", 0, 0, G_OPTION_ARG_INT, &o.n_seeds, "Seeds 1..N (3; quick 1)", "N" },
    { "lstm-beats", 0, 0, G_OPTION_ARG_INT, &o.lstm_beats, "Train CNN_LSTM_Attn and BiLSTM_ECG "
      "on a random subset of N beats (10000; quick 50; 0 = all)", "N" },
    { "rr-features", 0, 0, G_OPTION_ARG_NONE, &o.rr_features, "Give the MIT-BIH models the six "
      "RR features (the paper's models had none)", NULL },
    { "train-records", 0, 0, G_OPTION_ARG_STRING, &o.train_records, "MIT-BIH training "
      "records (DS1-train)", "LIST" },
    { "val-records", 0, 0, G_OPTION_ARG_STRING, &o.val_records, "Validation records "
      "(DS1-val)", "LIST" },
    { "test-records", 0, 0, G_OPTION_ARG_STRING, &o.test_records, "Test records (DS2)",
      "LIST" },
    { "train-folds", 0, 0, G_OPTION_ARG_STRING, &o.train_folds, "PTB-XL (1-8)", "FOLDS" },
    { "val-folds", 0, 0, G_OPTION_ARG_STRING, &o.val_folds, "PTB-XL (9)", "FOLDS" },
    { "test-folds", 0, 0, G_OPTION_ARG_STRING, &o.test_folds, "PTB-XL (10)", "FOLDS" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "Worker threads per job (1)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the tables as one JSON object", NULL },
    { NULL },
  };
  gboolean parsed = ecgwb_parse_options (
      "reproduce", "seed-tables",
      "Reproduces the compression paper's Tables IV (global L1 on each model), V (energy-aware "
      "ResNet1D_Attn, 5 linear steps to 40 %), VI (the same for ConvTransformer on PTB-XL) and "
      "VIII (dense vs L1 + KD vs energy-aware) with mean ± sd over seeds. Every run is an "
      "ordinary run of the store, tagged \"reproduce\" in its config; the dense models it lacks "
      "are trained first. Stopped (Ctrl-C) or killed, it resumes where it stopped when run "
      "again: finished runs are reused, unfinished ones resumed. The full budget is long "
      "(hours: BiLSTM_ECG alone costs 20-35 min an epoch on all of DS1).",
      entries, &argc, &argv);
  if (!parsed)
    {
      ecg_reproduce_options_clear (&o);
      return ECGWB_EXIT_USAGE;
    }
  int code = ECGWB_EXIT_OK;
  if (argc != 2 || strcmp (argv[1], "seed-tables") != 0)
    code = ecgwb_usage_error ("reproduce", "expected 'seed-tables'");
  else if (o.data_dir == NULL || o.store_path == NULL)
    code = ecgwb_usage_error ("reproduce", "--data and --store are required");
  if (code != ECGWB_EXIT_OK)
    {
      ecg_reproduce_options_clear (&o);
      return code;
    }
  /* 'none' stands in for a given folder while the MIT-BIH folder is looked for. */
  find_folders (&o.data_dir, &o.ptbxl_dir);
  if (g_strcmp0 (o.ptbxl_dir, "none") == 0)
    g_clear_pointer (&o.ptbxl_dir, g_free);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgReproducePlan) plan = ecg_reproduce_plan_new (&o, &error);
  ecg_reproduce_options_clear (&o);
  if (plan == NULL)
    return ecgwb_usage_error ("reproduce", "%s", error->message);
  g_printerr ("ecgwb reproduce: %s budget, %d seed%s, %u runs; MIT-BIH %s, PTB-XL %s; store "
              "%s, dense models in %s\n", plan->budget.name, plan->budget.n_seeds,
              plan->budget.n_seeds == 1 ? "" : "s", plan->units->len, plan->options.data_dir,
              plan->options.ptbxl_dir ? plan->options.ptbxl_dir : "(none)",
              plan->options.store_path, plan->options.models_dir);

  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  ReproduceCommand cmd = { plan, cancellable, loop, { 0 }, FALSE, NULL };
  guint sigint = g_unix_signal_add (SIGINT, cancel_on_signal, cancellable);
  guint sigterm = g_unix_signal_add (SIGTERM, cancel_on_signal, cancellable);
  GThread *thread = g_thread_new ("reproduce", job_thread, &cmd);
  g_main_loop_run (loop);
  g_thread_join (thread);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (!cmd.ok)
    {
      code = ecgwb_fail ("reproduce", cmd.error);
      if (code == ECGWB_EXIT_CANCELLED)
        g_printerr ("ecgwb reproduce: cancelled; the committed steps are in %s and the next "
                    "invocation resumes from them\n", plan->options.store_path);
      g_error_free (cmd.error);
      return code;
    }

  g_autoptr (JsonNode) tables = ecg_reproduce_tables (plan, &error);
  if (tables == NULL)
    return ecgwb_fail ("reproduce", error);
  if (json)
    ecgwb_print_json (tables, FALSE);
  else
    print_tables (tables);
  int failed = ecg_reproduce_count (plan, ECG_REPRODUCE_FAILED)
               + ecg_reproduce_count (plan, ECG_REPRODUCE_SKIPPED);
  if (failed > 0)
    {
      g_printerr ("ecgwb reproduce: %d run%s failed or skipped; their rows hold fewer seeds\n",
                  failed, failed == 1 ? "" : "s");
      return ECGWB_EXIT_JOB_FAILED;
    }
  return ECGWB_EXIT_OK;
}
