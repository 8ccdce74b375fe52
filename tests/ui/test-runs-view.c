/* test-runs-view.c — EcgRunsView lists a store's runs with their final figures, marks dead runs
 * interrupted and offers them for resume, plots the selected runs, renames and deletes (after
 * confirmation), edits notes, offers pruning runs for re-run (their settings reach the
 * compression panel) and compares the settings of several runs. The store is written directly
 * through the engine with known figures. */
#include <gtk/gtk.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "ecg-compression-panel.h"
#include "ecg-error.h"
#include "ecg-run-item.h"
#include "ecg-runs-view.h"
#include "store/ecg-run-store.h"
#include "test-util.h"

typedef struct
{
  char *dir;
  char *store_path;
  gint64 finished;    /* energy-aware, steps 0..2, finished */
  gint64 interrupted; /* L1, step 0, running with a stale heartbeat */
  gint64 trained;     /* a training run without steps */
  GtkWindow *window;
  EcgRunsView *view;
  gint64 resume_requested;
  gint64 rerun_requested;
  JsonObject *rerun_config;
} Fixture;

/* Step `step` of a run: sparsity 0.4 step, macro-F1 0.9 - 0.05 step, 45 nm energy
 * (100 - 30 step) µJ, train loss 1 / (epoch + step). */
static EcgStepRecord *
make_step (int step)
{
  EcgStepRecord *record = ecg_step_record_new (step);
  record->sparsity = 0.4 * step;
  record->macro_f1 = 0.9 - 0.05 * step;
  record->accuracy = 0.95 - 0.01 * step;
  record->energy_op_model_45nm_j = (100.0 - 30.0 * step) * 1e-6;
  ecg_step_record_add_curve_point (record, "train_loss", 1, 1.0 / (1 + step));
  return record;
}

static gint64
add_run (EcgRunStore *store, EcgRunKind kind, const char *method, int n_steps, gboolean finish)
{
  g_autoptr (JsonObject) config = json_object_new ();
  if (kind == ECG_RUN_KIND_PRUNE)
    {
      json_object_set_string_member (config, "method", method);
      json_object_set_double_member (config, "alpha", 0.5);
      json_object_set_double_member (config, "beta", 2);
      json_object_set_double_member (config, "target_sparsity", 0.8);
      json_object_set_int_member (config, "steps", 2);
      json_object_set_int_member (config, "finetune_epochs", 1);
    }
  else
    json_object_set_string_member (config, "arch", "CNN1D_3Class");
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, kind);
  spec.config = config;
  g_autoptr (GError) error = NULL;
  gint64 id = ecg_run_store_create_run (store, &spec, &error);
  g_assert_no_error (error);
  g_assert_true (ecg_run_store_mark_started (store, id, &error));
  for (int step = 0; step < n_steps; step++)
    {
      g_autoptr (EcgStepRecord) record = make_step (step);
      g_assert_true (ecg_run_store_commit_step (store, id, record, &error));
    }
  if (finish)
    g_assert_true (ecg_run_store_finish (store, id, ECG_RUN_STATUS_FINISHED, NULL, &error));
  g_assert_no_error (error);
  return id;
}

/* The run's heartbeat is ten minutes old: its job is taken for dead (ECG_RUN_STORE_STALE_SECONDS
 * is two minutes). */
static void
make_stale (const char *path, gint64 run)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) old = g_date_time_add_minutes (now, -10);
  g_autofree char *heartbeat = g_date_time_format (old, "%Y-%m-%dT%H:%M:%S.%fZ");
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE runs SET heartbeat = ?1 WHERE id = ?2", -1,
                                       &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, heartbeat, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, run);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
on_resume_run (EcgRunsView *view, gint64 run_id, Fixture *f)
{
  f->resume_requested = run_id;
}

static gboolean
view_settled (Fixture *f)
{
  return !ecg_runs_view_get_loading (f->view);
}

static void
spin_until (gboolean (*condition) (Fixture *f), Fixture *f, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!condition (f))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting until %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = ecg_test_tmpdir_new ();
  f->store_path = g_build_filename (f->dir, "runs.db", NULL);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (EcgRunStore) store = ecg_run_store_open (f->store_path, TRUE, &error);
    g_assert_no_error (error);
    f->finished = add_run (store, ECG_RUN_KIND_PRUNE, "energy", 3, TRUE);
    f->interrupted = add_run (store, ECG_RUN_KIND_PRUNE, "l1", 1, FALSE);
    f->trained = add_run (store, ECG_RUN_KIND_TRAIN, NULL, 0, TRUE);
  }
  make_stale (f->store_path, f->interrupted);

  f->window = GTK_WINDOW (gtk_window_new ());
  f->view = ECG_RUNS_VIEW (ecg_runs_view_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_set_default_size (f->window, 1000, 700);
  gtk_window_present (f->window);
  g_signal_connect (f->view, "resume-run", G_CALLBACK (on_resume_run), f);
  ecg_runs_view_set_store_path (f->view, f->store_path);
  spin_until (view_settled, f, "the store is read");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  g_clear_pointer (&f->rerun_config, json_object_unref);
  ecg_test_tmpdir_free (f->dir);
  g_free (f->store_path);
}

static GListModel *
runs (Fixture *f)
{
  return G_LIST_MODEL (ecg_runs_view_get_selection (f->view));
}

static EcgRunItem *
item_at (Fixture *f, guint position)
{
  EcgRunItem *item = g_list_model_get_item (runs (f), position);
  g_assert_nonnull (item);
  g_object_unref (item); /* the model keeps it */
  return item;
}

/* The position of run `id` in the view. */
static guint
position_of (Fixture *f, gint64 id)
{
  guint n = g_list_model_get_n_items (runs (f));
  for (guint i = 0; i < n; i++)
    if (ecg_run_item_get_id (item_at (f, i)) == id)
      return i;
  g_error ("run %lld is not listed", (long long) id);
}

static GtkWidget *
child (Fixture *f, const char *name)
{
  GtkWidget *widget = GTK_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (f->view), ECG_TYPE_RUNS_VIEW, name));
  g_assert_nonnull (widget);
  return widget;
}

/* Newest first, each with the figures of its last step; the dead run is now interrupted, in the
 * store too. */
static void
test_list_runs (Fixture *f, gconstpointer data)
{
  g_assert_null (ecg_runs_view_get_message (f->view));
  g_assert_cmpuint (g_list_model_get_n_items (runs (f)), ==, 3);
  g_assert_cmpint (ecg_run_item_get_id (item_at (f, 0)), ==, f->trained);
  g_assert_cmpint (ecg_run_item_get_id (item_at (f, 1)), ==, f->interrupted);
  g_assert_cmpint (ecg_run_item_get_id (item_at (f, 2)), ==, f->finished);

  EcgRunItem *finished = item_at (f, 2);
  g_assert_cmpint (ecg_run_item_get_status (finished), ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpint (ecg_run_item_get_run (finished)->n_steps, ==, 3);
  g_assert_cmpfloat (ecg_run_item_get_sparsity (finished), ==, 0.4 * 2);
  g_assert_cmpfloat (ecg_run_item_get_macro_f1 (finished), ==, 0.9 - 0.05 * 2);
  g_assert_cmpstr (ecg_run_item_get_settings (finished), ==,
                   "Energy-aware α 0.5 β 2 · 80 % in 2 steps · 1 epoch per step");
  g_assert_cmpstr (ecg_run_item_get_settings (item_at (f, 1)), ==,
                   "L1 β 2 · 80 % in 2 steps · 1 epoch per step");

  EcgRunItem *trained = item_at (f, 0);
  g_assert_true (isnan (ecg_run_item_get_macro_f1 (trained)));
  g_assert_cmpstr (ecg_run_item_get_settings (trained), ==, "CNN1D_3Class");

  g_assert_cmpint (ecg_run_item_get_status (item_at (f, 1)), ==, ECG_RUN_STATUS_INTERRUPTED);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (f->store_path, FALSE, &error);
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, f->interrupted, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->status, ==, ECG_RUN_STATUS_INTERRUPTED);
}

/* Resume is offered for the interrupted pruning run alone, and not while a job runs. */
static void
test_resume_offered (Fixture *f, gconstpointer data)
{
  GtkSelectionModel *selection = ecg_runs_view_get_selection (f->view);
  GtkWidget *resume = child (f, "resume_button");
  g_assert_false (gtk_widget_get_sensitive (resume));

  gtk_selection_model_select_item (selection, position_of (f, f->finished), TRUE);
  g_assert_false (gtk_widget_get_sensitive (resume));
  gtk_selection_model_select_item (selection, position_of (f, f->trained), TRUE);
  g_assert_false (gtk_widget_get_sensitive (resume));
  gtk_selection_model_select_item (selection, position_of (f, f->interrupted), TRUE);
  g_assert_true (gtk_widget_get_sensitive (resume));

  ecg_runs_view_set_busy (f->view, TRUE);
  g_assert_false (gtk_widget_get_sensitive (resume));
  ecg_runs_view_set_busy (f->view, FALSE);
  g_assert_true (gtk_widget_get_sensitive (resume));

  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.resume", NULL);
  g_assert_cmpint (f->resume_requested, ==, f->interrupted);
}

/* The selected runs make the figure, one series per run; the figure follows the dropdown. */
static void
test_plot_selection (Fixture *f, gconstpointer data)
{
  EcgPlotView *plot = ecg_runs_view_get_plot_view (f->view);
  g_assert_null (ecg_plot_view_get_spec (plot));

  GtkSelectionModel *selection = ecg_runs_view_get_selection (f->view);
  gtk_selection_model_select_item (selection, position_of (f, f->finished), FALSE);
  gtk_selection_model_select_item (selection, position_of (f, f->interrupted), FALSE);
  const EcgPlotSpec *spec = ecg_plot_view_get_spec (plot);
  g_assert_nonnull (spec);
  g_assert_cmpint (spec->kind, ==, ECG_PLOT_F1_VS_SPARSITY);
  g_assert_cmpuint (spec->series->len, ==, 2);
  /* Display order: the interrupted run (newer) first. */
  const EcgPlotSeries *first = g_ptr_array_index (spec->series, 0);
  const EcgPlotSeries *second = g_ptr_array_index (spec->series, 1);
  g_assert_cmpint (first->run, ==, f->interrupted);
  g_assert_cmpuint (first->points->len, ==, 1);
  g_assert_cmpint (second->run, ==, f->finished);
  g_assert_cmpuint (second->points->len, ==, 3);
  const EcgPlotPoint *p = &g_array_index (second->points, EcgPlotPoint, 2);
  g_assert_cmpfloat_with_epsilon (p->x, 80.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (p->y, 0.8, 1e-12);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "plot_kind_dropdown")), 1);
  spec = ecg_plot_view_get_spec (plot);
  g_assert_cmpint (spec->kind, ==, ECG_PLOT_ENERGY_VS_SPARSITY);
  g_assert_cmpint (spec->energy, ==, ECG_PLOT_ENERGY_OP_MODEL_45NM);
  second = g_ptr_array_index (spec->series, 1);
  p = &g_array_index (second->points, EcgPlotPoint, 2);
  g_assert_cmpfloat_with_epsilon (p->y, 40.0, 1e-9); /* µJ */

  gtk_selection_model_unselect_all (selection);
  g_assert_null (ecg_plot_view_get_spec (plot));
}

static gboolean
finished_renamed (Fixture *f)
{
  return !ecg_runs_view_get_loading (f->view)
         && g_str_equal (ecg_run_item_get_run (item_at (f, position_of (f, f->finished)))->name,
                         "baseline");
}

/* Rename through the popover's entry: the store and the list get the new name. */
static void
test_rename (Fixture *f, gconstpointer data)
{
  gtk_selection_model_select_item (ecg_runs_view_get_selection (f->view),
                                   position_of (f, f->finished), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.rename", NULL);
  gtk_editable_set_text (GTK_EDITABLE (child (f, "rename_entry")), "  baseline ");
  g_signal_emit_by_name (child (f, "rename_entry"), "activate");
  spin_until (finished_renamed, f, "the run is renamed");

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (f->store_path, FALSE, &error);
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, f->finished, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->name, ==, "baseline");
  /* The selection survived the refresh. */
  g_assert_true (gtk_selection_model_is_selected (ecg_runs_view_get_selection (f->view),
                                                  position_of (f, f->finished)));
}

static GtkDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* owned by GTK */
  guint n = g_list_model_get_n_items (toplevels);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (GTK_IS_MESSAGE_DIALOG (window))
        return GTK_DIALOG (window);
    }
  return NULL;
}

static gboolean
two_listed (Fixture *f)
{
  return !ecg_runs_view_get_loading (f->view) && g_list_model_get_n_items (runs (f)) == 2;
}

/* Delete asks first: Cancel keeps the run, Delete removes it from the store and the list. */
static void
test_delete_confirmed (Fixture *f, gconstpointer data)
{
  gtk_selection_model_select_item (ecg_runs_view_get_selection (f->view),
                                   position_of (f, f->trained), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.delete", NULL);
  GtkDialog *dialog = find_dialog ();
  g_assert_nonnull (dialog);
  gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
  g_assert_null (find_dialog ());
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (runs (f)), ==, 3);

  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.delete", NULL);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  spin_until (two_listed, f, "the run is gone from the list");

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (f->store_path, FALSE, &error);
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, f->trained, &error);
  g_assert_null (run);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
}

/* A store that does not exist yet is an empty list with an explanation, not an error, and is
 * not created by looking at it. */
static void
test_missing_store (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "none", "runs.db", NULL);
  ecg_runs_view_set_store_path (f->view, missing);
  spin_until (view_settled, f, "the store is looked for");
  g_assert_cmpuint (g_list_model_get_n_items (runs (f)), ==, 0);
  g_assert_null (ecg_runs_view_get_message (f->view));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (f, "list_stack"))), ==,
                   "empty");
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static gboolean
finished_has_notes (Fixture *f)
{
  return !ecg_runs_view_get_loading (f->view)
         && g_str_equal (ecg_run_item_get_run (item_at (f, position_of (f, f->finished)))->notes,
                         "Baseline for the α sweep.\nRe-check on DS2 — größer?");
}

static char *
notes_text (Fixture *f)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (f, "notes_view")));
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Notes typed into the popover reach the store (as ecg_run_store_get_run reads them back) and
 * the list, and the popover shows them again; notes are for one run at a time. */
static void
test_notes (Fixture *f, gconstpointer data)
{
  const char *notes = "Baseline for the α sweep.\nRe-check on DS2 — größer?";
  GtkSelectionModel *selection = ecg_runs_view_get_selection (f->view);
  g_assert_false (gtk_widget_get_sensitive (child (f, "notes_button")));
  gtk_selection_model_select_item (selection, position_of (f, f->finished), TRUE);
  g_assert_true (gtk_widget_get_sensitive (child (f, "notes_button")));

  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.notes", NULL);
  g_autofree char *before = notes_text (f);
  g_assert_cmpstr (before, ==, "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (f, "notes_view"))),
                            notes, -1);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.apply-notes", NULL);
  spin_until (finished_has_notes, f, "the notes are saved");

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (f->store_path, FALSE, &error);
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, f->finished, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->notes, ==, notes);
  /* The other runs keep theirs (none). */
  g_autoptr (EcgRun) other = ecg_run_store_get_run (store, f->interrupted, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other->notes, ==, "");

  /* Opened again, the popover shows the stored notes. */
  gtk_popover_popdown (GTK_POPOVER (child (f, "notes_popover")));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (f, "notes_view"))),
                            "", -1);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.notes", NULL);
  g_autofree char *after = notes_text (f);
  g_assert_cmpstr (after, ==, notes);

  gtk_selection_model_select_item (selection, position_of (f, f->interrupted), FALSE);
  g_assert_false (gtk_widget_get_sensitive (child (f, "notes_button")));
}

/* A pruning run made from `config` (ecg_prune_config_to_json, as the job writes it). */
static gint64
add_config_run (Fixture *f, const EcgPruneConfig *config)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (f->store_path, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (JsonObject) json = ecg_prune_config_to_json (config);
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_PRUNE);
  spec.config = json;
  gint64 id = ecg_run_store_create_run (store, &spec, &error);
  g_assert_no_error (error);
  return id;
}

static gboolean
five_listed (Fixture *f)
{
  return !ecg_runs_view_get_loading (f->view) && g_list_model_get_n_items (runs (f)) == 5;
}

static EcgPruneConfig *
sweep_config (double alpha)
{
  EcgPruneConfig *config = ecg_prune_config_new ();
  config->model_path = g_strdup ("/models/dense.ecgm");
  config->data_dir = g_strdup ("/data/mitdb");
  config->alpha = alpha;
  config->beta = 1.5;
  config->target_sparsity = 0.7;
  config->steps = 3;
  config->finetune_epochs = 1;
  config->train_records = g_strdup ("101,106");
  config->val_records = g_strdup ("108");
  config->test_records = g_strdup ("100");
  config->class_aware = TRUE;
  config->class_aware_weight = 0.25;
  config->latency_repeats = 9;
  return config;
}

/* Two runs made with alpha 0.3 and 0.7 and every other setting equal differ in "alpha" alone;
 * the popover lists exactly that row, with each run's value under its own heading. The
 * fixture's energy-aware and L1 runs differ in "method" alone. */
static void
test_compare_settings (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPruneConfig) low = sweep_config (0.3);
  g_autoptr (EcgPruneConfig) high = sweep_config (0.7);
  gint64 low_id = add_config_run (f, low);
  gint64 high_id = add_config_run (f, high);
  ecg_runs_view_refresh (f->view);
  spin_until (five_listed, f, "the new runs are listed");

  GtkSelectionModel *selection = ecg_runs_view_get_selection (f->view);
  gtk_selection_model_select_item (selection, position_of (f, low_id), TRUE);
  g_assert_false (gtk_widget_get_sensitive (child (f, "compare_button")));
  gtk_selection_model_select_item (selection, position_of (f, high_id), FALSE);
  g_assert_true (gtk_widget_get_sensitive (child (f, "compare_button")));

  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.compare-settings", NULL);
  g_assert_true (gtk_widget_get_visible (child (f, "compare_popover")));
  GtkGrid *grid = GTK_GRID (child (f, "compare_grid"));
#define CELL(column, row) gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, column, row)))
  g_assert_cmpstr (CELL (0, 0), ==, "Setting");
  /* Newest first, as listed. */
  g_autofree char *high_title = g_strdup_printf ("Run #%lld", (long long) high_id);
  g_autofree char *low_title = g_strdup_printf ("Run #%lld", (long long) low_id);
  g_assert_cmpstr (CELL (1, 0), ==, high_title);
  g_assert_cmpstr (CELL (2, 0), ==, low_title);
  g_assert_cmpstr (CELL (0, 1), ==, "alpha");
  g_assert_cmpstr (CELL (1, 1), ==, "0.7");
  g_assert_cmpstr (CELL (2, 1), ==, "0.3");
  g_assert_null (gtk_grid_get_child_at (grid, 0, 2));
  g_assert_null (gtk_grid_get_child_at (grid, 3, 0));
#undef CELL
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "compare_label"))), ==,
                   "1 setting differs between the 2 selected runs:");
  gtk_popover_popdown (GTK_POPOVER (child (f, "compare_popover")));

  /* The same, without the widgets; and the fixture's two pruning runs. */
  g_autoptr (GPtrArray) pair = g_ptr_array_new ();
  g_ptr_array_add (pair, (gpointer) ecg_run_item_get_run (item_at (f, position_of (f, low_id))));
  g_ptr_array_add (pair, (gpointer) ecg_run_item_get_run (item_at (f, position_of (f, high_id))));
  g_auto (GStrv) keys = ecg_runs_view_differing_settings (pair);
  g_assert_cmpuint (g_strv_length (keys), ==, 1);
  g_assert_cmpstr (keys[0], ==, "alpha");
  g_ptr_array_set_size (pair, 0);
  g_ptr_array_add (pair,
                   (gpointer) ecg_run_item_get_run (item_at (f, position_of (f, f->finished))));
  g_ptr_array_add (pair,
                   (gpointer) ecg_run_item_get_run (item_at (f, position_of (f, f->interrupted))));
  g_auto (GStrv) methods = ecg_runs_view_differing_settings (pair);
  g_assert_cmpuint (g_strv_length (methods), ==, 1);
  g_assert_cmpstr (methods[0], ==, "method");
  /* A run compared with itself differs in nothing. */
  g_ptr_array_set_size (pair, 1);
  g_ptr_array_add (pair,
                   (gpointer) ecg_run_item_get_run (item_at (f, position_of (f, f->finished))));
  g_auto (GStrv) none = ecg_runs_view_differing_settings (pair);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

static void
on_rerun_run (EcgRunsView *view, gint64 run_id, JsonObject *config, Fixture *f)
{
  f->rerun_requested = run_id;
  g_clear_pointer (&f->rerun_config, json_object_unref);
  f->rerun_config = json_object_ref (config);
}

/* Re-run is offered for one pruning run (not a training run, not while a job runs); it hands
 * the run's config over, and a compression panel loaded from it (as the window does) builds
 * the run's alpha, beta, sparsity, K and the rest again, keeping its own store. */
static void
test_rerun (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPruneConfig) config = sweep_config (0.3);
  config->method = ECG_IMPORTANCE_ENERGY;
  gint64 id = add_config_run (f, config);
  ecg_runs_view_refresh (f->view);
  spin_until (view_settled, f, "the new run is listed");
  g_signal_connect (f->view, "rerun-run", G_CALLBACK (on_rerun_run), f);

  GtkSelectionModel *selection = ecg_runs_view_get_selection (f->view);
  GtkWidget *rerun = child (f, "rerun_button");
  g_assert_false (gtk_widget_get_sensitive (rerun));
  gtk_selection_model_select_item (selection, position_of (f, f->trained), TRUE);
  g_assert_false (gtk_widget_get_sensitive (rerun));
  gtk_selection_model_select_item (selection, position_of (f, id), TRUE);
  g_assert_true (gtk_widget_get_sensitive (rerun));
  ecg_runs_view_set_busy (f->view, TRUE);
  g_assert_false (gtk_widget_get_sensitive (rerun));
  ecg_runs_view_set_busy (f->view, FALSE);

  gtk_widget_activate_action (GTK_WIDGET (f->view), "runs.rerun", NULL);
  g_assert_cmpint (f->rerun_requested, ==, id);
  g_assert_nonnull (f->rerun_config);

  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  EcgCompressionPanel *panel = ECG_COMPRESSION_PANEL (ecg_compression_panel_new ());
  gtk_window_set_child (window, GTK_WIDGET (panel));
  ecg_compression_panel_set_store_path (panel, f->store_path);
  ecg_compression_panel_load_settings (panel, f->rerun_config);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) loaded = ecg_compression_panel_build_config (panel, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (loaded->alpha, 0.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (loaded->beta, 1.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (loaded->target_sparsity, 0.7, 1e-12);
  g_assert_cmpint (loaded->steps, ==, 3);
  g_assert_cmpint (loaded->finetune_epochs, ==, 1);
  g_assert_cmpint (loaded->method, ==, ECG_IMPORTANCE_ENERGY);
  g_assert_true (loaded->class_aware);
  g_assert_cmpfloat_with_epsilon (loaded->class_aware_weight, 0.25, 1e-12);
  g_assert_cmpint (loaded->latency_repeats, ==, 9);
  g_assert_cmpstr (loaded->model_path, ==, "/models/dense.ecgm");
  g_assert_cmpstr (loaded->data_dir, ==, "/data/mitdb");
  g_assert_cmpstr (loaded->train_records, ==, "101,106");
  g_assert_cmpstr (loaded->val_records, ==, "108");
  g_assert_cmpstr (loaded->test_records, ==, "100");
  g_assert_cmpstr (loaded->store_path, ==, f->store_path);
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/runs-view/list/runs", test_list_runs);
  ADD ("/ui/runs-view/resume/offered", test_resume_offered);
  ADD ("/ui/runs-view/plot/selection", test_plot_selection);
  ADD ("/ui/runs-view/edit/rename", test_rename);
  ADD ("/ui/runs-view/edit/delete-confirmed", test_delete_confirmed);
  ADD ("/ui/runs-view/missing-store", test_missing_store);
  ADD ("/ui/runs-view/edit/notes", test_notes);
  ADD ("/ui/runs-view/compare-settings", test_compare_settings);
  ADD ("/ui/runs-view/rerun", test_rerun);
#undef ADD

  return g_test_run ();
}
