/* test-compression-panel.c — EcgCompressionPanel builds the pruning settings from its widgets,
 * explains them, and runs, cancels and resumes real (tiny) pruning jobs on the bundled demo
 * records and model, which the runs view then lists from the store; class-aware pruning reaches
 * the run's config, and the INT8 switch adds a quantise run whose figures the panel shows. */
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "ecg-application.h"
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
  GtkWindow *window;
  EcgCompressionPanel *panel;
  guint run_changed;      /* "run-changed" emissions */
  gint64 last_changed_run;
  gint64 max_changed_run;
} Fixture;

static void
on_run_changed (EcgCompressionPanel *panel, gint64 run_id, Fixture *f)
{
  f->run_changed++;
  f->last_changed_run = run_id;
  f->max_changed_run = MAX (f->max_changed_run, run_id);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = ecg_test_tmpdir_new ();
  f->store_path = g_build_filename (f->dir, "runs.db", NULL);
  f->window = GTK_WINDOW (gtk_window_new ());
  f->panel = ECG_COMPRESSION_PANEL (ecg_compression_panel_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->panel));
  gtk_window_set_default_size (f->window, 1100, 760);
  gtk_window_present (f->window);
  g_signal_connect (f->panel, "run-changed", G_CALLBACK (on_run_changed), f);
}

static gboolean
panel_idle (gpointer data)
{
  return !ecg_compression_panel_get_running (ECG_COMPRESSION_PANEL (data));
}

typedef gboolean (*Condition) (gpointer data);

static void
spin_until (Condition condition, gpointer data, double seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting until %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  /* A job still running is cancelled by the panel; wait for it to let go of the store. */
  if (ecg_compression_panel_get_running (f->panel))
    {
      gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.cancel", NULL);
      spin_until (panel_idle, f->panel, 60, "the job ends");
    }
  /* A read of the run still in flight keeps the panel alive past the window (its GTask holds
   * it) and may yet emit "run-changed": not into this fixture, which is about to go. */
  g_signal_handlers_disconnect_by_data (f->panel, f);
  gtk_window_destroy (f->window);
  ecg_test_tmpdir_free (f->dir);
  g_free (f->store_path);
}

static GtkWidget *
child (Fixture *f, const char *name)
{
  GtkWidget *widget = GTK_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (f->panel), ECG_TYPE_COMPRESSION_PANEL, name));
  g_assert_nonnull (widget);
  return widget;
}

static void
set_text (Fixture *f, const char *name, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (f, name)), text);
}

static void
set_spin (Fixture *f, const char *name, double value)
{
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, name)), value);
}

static void
set_range (Fixture *f, const char *name, double value)
{
  gtk_range_set_value (GTK_RANGE (child (f, name)), value);
}

/* The demo model and records exist in the source tree (they are part of the repository). */
static gboolean
have_demo (void)
{
  g_autoptr (GFile) model = ecg_application_get_demo_model ();
  g_autoptr (GFile) demo = ecg_application_get_demo_folder ();
  if (g_file_query_exists (model, NULL) && g_file_query_exists (demo, NULL))
    return TRUE;
  g_test_skip ("the demo model or records are not there");
  return FALSE;
}

/* ---- settings ------------------------------------------------------------------------------ */

/* A fresh panel: the demo model, folder and record lists, ecg_prune_config_new()'s settings
 * and the run store in the user's data folder. */
static void
test_config_defaults (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) config = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_no_error (error);

  g_autoptr (GFile) model = ecg_application_get_demo_model ();
  g_autoptr (GFile) demo = ecg_application_get_demo_folder ();
  g_autofree char *model_path = g_file_get_path (model);
  g_autofree char *demo_path = g_file_get_path (demo);
  g_assert_true (g_str_has_suffix (model_path, "/models/CNN1D_3Class-demo.ecgm"));
  g_assert_cmpstr (config->model_path, ==, model_path);
  g_assert_cmpstr (config->data_dir, ==, demo_path);
  g_assert_cmpstr (config->train_records, ==, "demo1,demo3");
  g_assert_cmpstr (config->val_records, ==, "demo2");
  g_assert_cmpstr (config->test_records, ==, "demo2");
  g_autofree char *store = g_build_filename (g_get_user_data_dir (), "ecg-workbench", "runs.db",
                                             NULL);
  g_assert_cmpstr (config->store_path, ==, store);

  g_assert_cmpint (config->method, ==, ECG_IMPORTANCE_ENERGY);
  g_assert_cmpfloat (config->alpha, ==, 0.5);
  g_assert_cmpfloat (config->beta, ==, 0.0);
  g_assert_cmpfloat (config->target_sparsity, ==, 0.5);
  g_assert_cmpint (config->steps, ==, 5);
  g_assert_cmpint (config->finetune_epochs, ==, 2);
  g_assert_false (config->kd);
  g_assert_false (config->structured);
  g_assert_cmpfloat (config->temperature, ==, 4.0);
  g_assert_cmpfloat (config->kd_weight, ==, 0.5);
  g_assert_cmpint (config->batch_size, ==, 128);
  g_assert_cmpfloat (config->learning_rate, ==, 3e-4);
  g_assert_cmpuint (config->seed, ==, 1);
  g_assert_cmpint (config->latency_repeats, ==, 200);
  g_assert_cmpint (config->threads, ==, 1);

  /* Another folder means the protocol's own splits: the demo's lists go. */
  ecg_compression_panel_set_data_dir (f->panel, f->dir);
  g_autoptr (EcgPruneConfig) other = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_no_error (error);
  g_assert_null (other->train_records);
  g_assert_null (other->val_records);
  g_assert_null (other->test_records);
}

/* Every widget reaches its field of EcgPruneConfig. */
static void
test_config_from_widgets (Fixture *f, gconstpointer data)
{
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "method_dropdown")), 1);
  set_range (f, "alpha_scale", 0.3);
  set_range (f, "beta_scale", 2.5);
  set_range (f, "sparsity_scale", 70);
  set_spin (f, "steps_spin", 4);
  set_spin (f, "epochs_spin", 3);
  gtk_switch_set_active (GTK_SWITCH (child (f, "kd_switch")), TRUE);
  set_spin (f, "temperature_spin", 2.5);
  set_range (f, "kd_weight_scale", 0.25);
  gtk_switch_set_active (GTK_SWITCH (child (f, "structured_switch")), TRUE);
  set_text (f, "train_entry", "  101,106 ");
  set_text (f, "val_entry", "");
  set_text (f, "test_entry", "DS2");
  set_spin (f, "seed_spin", 42);
  set_spin (f, "batch_spin", 64);
  set_spin (f, "lr_spin", 0.001);
  set_spin (f, "latency_spin", 7);
  ecg_compression_panel_set_store_path (f->panel, f->store_path);
  ecg_compression_panel_set_model_path (f->panel, "/models/m.ecgm");
  /* Typed into a spin button without Enter: still taken. */
  gtk_editable_set_text (GTK_EDITABLE (child (f, "threads_spin")), "1");
  gtk_editable_set_text (GTK_EDITABLE (child (f, "steps_spin")), "9");

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) config = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->method, ==, ECG_IMPORTANCE_L1);
  g_assert_cmpfloat (config->alpha, ==, 0.3);
  g_assert_cmpfloat (config->beta, ==, 2.5);
  g_assert_cmpfloat (config->target_sparsity, ==, 0.7);
  g_assert_cmpint (config->steps, ==, 9);
  g_assert_cmpint (config->finetune_epochs, ==, 3);
  g_assert_true (config->kd);
  g_assert_cmpfloat (config->temperature, ==, 2.5);
  g_assert_cmpfloat (config->kd_weight, ==, 0.25);
  g_assert_true (config->structured);
  g_assert_cmpstr (config->train_records, ==, "101,106");
  g_assert_null (config->val_records);
  g_assert_cmpstr (config->test_records, ==, "DS2");
  g_assert_cmpuint (config->seed, ==, 42);
  g_assert_cmpint (config->batch_size, ==, 64);
  g_assert_cmpfloat (config->learning_rate, ==, 0.001);
  g_assert_cmpint (config->latency_repeats, ==, 7);
  g_assert_cmpint (config->threads, ==, 1);
  g_assert_cmpstr (config->store_path, ==, f->store_path);
  g_assert_cmpstr (config->model_path, ==, "/models/m.ecgm");

  /* Alpha means nothing to L1: its slider is off until energy-aware is chosen again. */
  g_assert_false (gtk_widget_get_sensitive (child (f, "alpha_scale")));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "method_dropdown")), 0);
  g_assert_true (gtk_widget_get_sensitive (child (f, "alpha_scale")));
  /* T and a follow the distillation switch. */
  g_assert_true (gtk_widget_get_sensitive (child (f, "temperature_spin")));
  gtk_switch_set_active (GTK_SWITCH (child (f, "kd_switch")), FALSE);
  g_assert_false (gtk_widget_get_sensitive (child (f, "temperature_spin")));
  g_assert_false (gtk_widget_get_sensitive (child (f, "kd_weight_scale")));

  /* Reset brings the defaults back. */
  gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.reset", NULL);
  g_autoptr (EcgPruneConfig) reset = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reset->steps, ==, 5);
  g_assert_cmpfloat (reset->target_sparsity, ==, 0.5);
  g_assert_cmpstr (reset->train_records, ==, "demo1,demo3");
}

/* Without a store the settings are refused by name, and Run shows why instead of starting. */
static void
test_config_invalid (Fixture *f, gconstpointer data)
{
  ecg_compression_panel_set_store_path (f->panel, "  ");
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) config = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_null (config);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "run store"));

  g_assert_null (ecg_compression_panel_get_message (f->panel));
  gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.run", NULL);
  g_assert_false (ecg_compression_panel_get_running (f->panel));
  const char *message = ecg_compression_panel_get_message (f->panel);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "run store"));
}

/* Each control has a help popover; alpha's gives the importance formula and why it uses 1 − E. */
static void
test_help_popovers (Fixture *f, gconstpointer data)
{
  static const char *const helps[] = { "model",       "data",        "train",
                                       "val",         "test",        "method",
                                       "alpha",       "structured",  "class_aware",
                                       "class_aware_weight", "sparsity", "beta",
                                       "steps",       "epochs",      "kd",
                                       "temperature", "kd_weight",   "store",
                                       "int8" };
  for (gsize i = 0; i < G_N_ELEMENTS (helps); i++)
    {
      g_autofree char *popover_name = g_strdup_printf ("%s_help", helps[i]);
      g_autofree char *label_name = g_strdup_printf ("%s_help_label", helps[i]);
      g_assert_true (GTK_IS_POPOVER (child (f, popover_name)));
      g_assert_cmpuint (strlen (gtk_label_get_text (GTK_LABEL (child (f, label_name)))), >, 40);
    }
  const char *alpha = gtk_label_get_text (GTK_LABEL (child (f, "alpha_help_label")));
  g_assert_nonnull (strstr (alpha, "I = α·|w|/max|w| + (1 − α)·(1 − El/max E)"));
  g_assert_nonnull (strstr (alpha, "+El/max E"));
  g_assert_nonnull (strstr (alpha, "protects them"));
  /* Class-aware: the blend, the saliency and its class weights (markup removed). */
  const char *class_aware = gtk_label_get_text (GTK_LABEL (child (f, "class_aware_help_label")));
  g_assert_nonnull (strstr (class_aware, "I′ = (1 − g)·I/max I + g·S/max S"));
  g_assert_nonnull (strstr (class_aware, "S = Σc λc |w·∂Lc/∂w|,  λc ∝ 1/nc"));
  g_assert_nonnull (strstr (class_aware, "Structured"));
  const char *int8 = gtk_label_get_text (GTK_LABEL (child (f, "int8_help_label")));
  g_assert_nonnull (strstr (int8, "quantise run"));
}

/* Class-aware is off with g = 0.5 by default; on, it reaches the config with its g; it is
 * insensitive (and off in the config) while Structured is on, and g follows its switch. */
static void
test_class_aware_settings (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) defaults = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_no_error (error);
  g_assert_false (defaults->class_aware);
  g_assert_cmpfloat (defaults->class_aware_weight, ==, 0.5);
  g_assert_false (ecg_compression_panel_get_int8 (f->panel));
  g_assert_true (gtk_widget_get_sensitive (child (f, "class_aware_switch")));
  g_assert_false (gtk_widget_get_sensitive (child (f, "class_aware_scale")));

  gtk_switch_set_active (GTK_SWITCH (child (f, "class_aware_switch")), TRUE);
  g_assert_true (gtk_widget_get_sensitive (child (f, "class_aware_scale")));
  set_range (f, "class_aware_scale", 0.3);
  g_autoptr (EcgPruneConfig) on = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_no_error (error);
  g_assert_true (on->class_aware);
  g_assert_cmpfloat (on->class_aware_weight, ==, 0.3);

  gtk_switch_set_active (GTK_SWITCH (child (f, "structured_switch")), TRUE);
  g_assert_false (gtk_widget_get_sensitive (child (f, "class_aware_switch")));
  g_assert_false (gtk_widget_get_sensitive (child (f, "class_aware_scale")));
  g_autoptr (EcgPruneConfig) structured = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_no_error (error);
  g_assert_true (structured->structured);
  g_assert_false (structured->class_aware);
  gtk_switch_set_active (GTK_SWITCH (child (f, "structured_switch")), FALSE);
  g_assert_true (gtk_widget_get_sensitive (child (f, "class_aware_scale")));

  gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.reset", NULL);
  g_autoptr (EcgPruneConfig) reset = ecg_compression_panel_build_config (f->panel, &error);
  g_assert_no_error (error);
  g_assert_false (reset->class_aware);
  g_assert_cmpfloat (reset->class_aware_weight, ==, 0.5);
}

/* ---- jobs ---------------------------------------------------------------------------------- */

static void
set_tiny_job (Fixture *f, int steps, int epochs)
{
  ecg_compression_panel_set_store_path (f->panel, f->store_path);
  set_range (f, "sparsity_scale", 50);
  set_spin (f, "steps_spin", steps);
  set_spin (f, "epochs_spin", epochs);
  set_spin (f, "latency_spin", 3);
}

static EcgRun *
read_run (const char *store_path, gint64 run_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (store_path, FALSE, &error);
  g_assert_no_error (error);
  EcgRun *run = ecg_run_store_get_run (store, run_id, &error);
  g_assert_no_error (error);
  return run;
}

static gboolean
chart_has_two_steps (gpointer data)
{
  return ecg_progress_chart_get_n_step_points (data) == 2;
}

typedef struct
{
  EcgRunsView *view;
  guint n_items;
} ListWait;

static gboolean
view_lists (gpointer data)
{
  ListWait *wait = data;
  return !ecg_runs_view_get_loading (wait->view)
         && g_list_model_get_n_items (G_LIST_MODEL (ecg_runs_view_get_selection (wait->view)))
              == wait->n_items;
}

/* K = 1, F = 1 on the demo: the job runs in a worker while the main loop turns, reports its run,
 * ends finished with steps 0 and 1 in the store, the chart shows both steps and some loss, and a
 * runs view of the store lists the run with its two steps and final macro-F1. */
static void
test_job_finishes (Fixture *f, gconstpointer data)
{
  if (!have_demo ())
    return;
  set_tiny_job (f, 1, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.run", NULL);
  g_assert_true (ecg_compression_panel_get_running (f->panel));
  spin_until (panel_idle, f->panel, 120, "the job ends");
  g_assert_null (ecg_compression_panel_get_message (f->panel));

  gint64 run_id = ecg_compression_panel_get_run_id (f->panel);
  g_assert_cmpint (run_id, ==, 1);
  EcgProgressChart *chart = ecg_compression_panel_get_chart (f->panel);
  spin_until (chart_has_two_steps, chart, 30, "the chart shows both steps");
  g_assert_cmpuint (ecg_progress_chart_get_n_loss_points (chart), >, 0);
  g_assert_cmpuint (f->run_changed, >, 0);
  g_assert_cmpint (f->last_changed_run, ==, run_id);
  g_assert_nonnull (strstr (ecg_compression_panel_get_status (f->panel), "finished"));

  g_autoptr (EcgRun) run = read_run (f->store_path, run_id);
  g_assert_cmpint (run->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpuint (run->steps->len, ==, 2);
  const EcgStepRecord *last = g_ptr_array_index (run->steps, 1);
  g_assert_cmpint (last->step, ==, 1);
  /* One step to 50 %: the budget is exact up to one weight in 186994. */
  g_assert_cmpfloat_with_epsilon (last->sparsity, 0.5, 1e-4);
  g_assert_cmpint (json_object_get_int_member (run->config, "latency_repeats"), ==, 3);

  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  EcgRunsView *view = ECG_RUNS_VIEW (ecg_runs_view_new ());
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  ecg_runs_view_set_store_path (view, f->store_path);
  ListWait wait = { view, 1 };
  spin_until (view_lists, &wait, 30, "the runs view lists the run");
  g_autoptr (EcgRunItem) item
    = g_list_model_get_item (G_LIST_MODEL (ecg_runs_view_get_selection (view)), 0);
  g_assert_cmpint (ecg_run_item_get_id (item), ==, run_id);
  g_assert_cmpint (ecg_run_item_get_status (item), ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpint (ecg_run_item_get_run (item)->n_steps, ==, 2);
  g_assert_cmpfloat (ecg_run_item_get_macro_f1 (item), ==, last->macro_f1);
  g_assert_cmpfloat (ecg_run_item_get_sparsity (item), ==, last->sparsity);
  g_assert_null (ecg_runs_view_get_message (view));
  gtk_window_destroy (window);
}

static gboolean
has_run (gpointer data)
{
  return ecg_compression_panel_get_run_id (ECG_COMPRESSION_PANEL (data)) > 0;
}

static void
resume_requested (EcgRunsView *view, gint64 run_id, Fixture *f)
{
  ecg_compression_panel_resume_run (f->panel, ecg_runs_view_get_store_path (view), run_id);
}

/* Cancel stops the job (status cancelled, not an error); the runs view offers the cancelled
 * run for resume, and resuming it through the view runs it to the end: steps 0..K. */
static void
test_job_cancel_and_resume (Fixture *f, gconstpointer data)
{
  if (!have_demo ())
    return;
  set_tiny_job (f, 2, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.run", NULL);
  spin_until (has_run, f->panel, 60, "the job has created its run");
  gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.cancel", NULL);
  spin_until (panel_idle, f->panel, 60, "the job ends");
  g_assert_null (ecg_compression_panel_get_message (f->panel));
  g_assert_nonnull (strstr (ecg_compression_panel_get_status (f->panel), "cancelled"));

  gint64 run_id = ecg_compression_panel_get_run_id (f->panel);
  g_autoptr (EcgRun) cancelled = read_run (f->store_path, run_id);
  g_assert_cmpint (cancelled->status, ==, ECG_RUN_STATUS_CANCELLED);
  g_assert_cmpuint (cancelled->steps->len, <, 3);

  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  EcgRunsView *view = ECG_RUNS_VIEW (ecg_runs_view_new ());
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);
  g_signal_connect (view, "resume-run", G_CALLBACK (resume_requested), f);
  ecg_runs_view_set_store_path (view, f->store_path);
  ListWait wait = { view, 1 };
  spin_until (view_lists, &wait, 30, "the runs view lists the run");
  GtkWidget *resume_button = GTK_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (view), ECG_TYPE_RUNS_VIEW, "resume_button"));
  g_assert_false (gtk_widget_get_sensitive (resume_button));
  gtk_selection_model_select_item (ecg_runs_view_get_selection (view), 0, TRUE);
  g_assert_true (gtk_widget_get_sensitive (resume_button));

  gtk_widget_activate_action (GTK_WIDGET (view), "runs.resume", NULL);
  g_assert_true (ecg_compression_panel_get_running (f->panel));
  spin_until (panel_idle, f->panel, 120, "the resumed job ends");
  g_assert_null (ecg_compression_panel_get_message (f->panel));
  g_assert_cmpint (ecg_compression_panel_get_run_id (f->panel), ==, run_id);

  g_autoptr (EcgRun) resumed = read_run (f->store_path, run_id);
  g_assert_cmpint (resumed->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpuint (resumed->steps->len, ==, 3);
  for (guint i = 0; i < resumed->steps->len; i++)
    g_assert_cmpint (((EcgStepRecord *) g_ptr_array_index (resumed->steps, i))->step, ==, i);
  gtk_window_destroy (window);
}

/* With the class-aware switch on and g = 0.25, the run the job creates has class_aware true and
 * class_aware_weight 0.25 in its stored config (and class_aware in the params the store copies
 * from it, found by ecg_run_store_find_runs). */
static void
test_job_class_aware (Fixture *f, gconstpointer data)
{
  if (!have_demo ())
    return;
  set_tiny_job (f, 1, 1);
  gtk_switch_set_active (GTK_SWITCH (child (f, "class_aware_switch")), TRUE);
  set_range (f, "class_aware_scale", 0.25);
  gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.run", NULL);
  spin_until (panel_idle, f->panel, 120, "the job ends");
  g_assert_null (ecg_compression_panel_get_message (f->panel));

  gint64 run_id = ecg_compression_panel_get_run_id (f->panel);
  g_assert_cmpint (run_id, >, 0);
  g_autoptr (EcgRun) run = read_run (f->store_path, run_id);
  g_assert_cmpint (run->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_true (json_object_get_boolean_member (run->config, "class_aware"));
  g_assert_cmpfloat (json_object_get_double_member (run->config, "class_aware_weight"), ==, 0.25);
  /* INT8 was off: no quantise run. */
  g_assert_cmpint (ecg_compression_panel_get_quantise_run_id (f->panel), ==, 0);
  g_assert_null (ecg_compression_panel_get_int8_figures (f->panel));

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (f->store_path, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (JsonObject) subset = json_object_new ();
  json_object_set_boolean_member (subset, "class_aware", TRUE);
  g_autoptr (GArray) found = ecg_run_store_find_runs (store, ECG_RUN_KIND_PRUNE, subset, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (g_array_index (found, gint64, 0), ==, run_id);
}

/* With INT8 on, the same job quantises the final step's model after the pruning: the store then
 * holds the finished prune run and a finished quantise run (step 0 = fp32, step 1 = INT8)
 * whose model is the prune run's last stored model, byte for byte; the fp32 figures equal the
 * prune run's own last step (same model, same test records), and the panel shows exactly the
 * quantise run's macro-F1 and latency figures. */
static void
test_job_int8 (Fixture *f, gconstpointer data)
{
  if (!have_demo ())
    return;
  set_tiny_job (f, 1, 1);
  ecg_compression_panel_set_int8 (f->panel, TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (child (f, "int8_switch"))));
  gtk_widget_activate_action (GTK_WIDGET (f->panel), "compression.run", NULL);
  spin_until (panel_idle, f->panel, 120, "the job ends");
  g_assert_null (ecg_compression_panel_get_message (f->panel));
  g_assert_nonnull (strstr (ecg_compression_panel_get_status (f->panel), "finished"));

  gint64 prune_id = ecg_compression_panel_get_run_id (f->panel);
  gint64 quantise_id = ecg_compression_panel_get_quantise_run_id (f->panel);
  g_assert_cmpint (prune_id, ==, 1);
  g_assert_cmpint (quantise_id, ==, 2);
  g_autoptr (EcgRun) prune = read_run (f->store_path, prune_id);
  g_autoptr (EcgRun) quantise = read_run (f->store_path, quantise_id);
  g_assert_cmpint (prune->kind, ==, ECG_RUN_KIND_PRUNE);
  g_assert_cmpint (prune->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpint (quantise->kind, ==, ECG_RUN_KIND_QUANTISE);
  g_assert_cmpint (quantise->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpuint (quantise->steps->len, ==, 2);

  /* The quantised model is the prune run's step 1, written beside the store. */
  g_autofree char *fp32_path = g_build_filename (f->dir, "models", "prune-run-1-step-1.ecgm",
                                                 NULL);
  g_autofree char *int8_path = g_build_filename (f->dir, "models", "prune-run-1-int8.ecgm",
                                                 NULL);
  g_assert_cmpstr (quantise->parent_model, ==, fp32_path);
  g_assert_true (g_file_test (int8_path, G_FILE_TEST_IS_REGULAR));
  g_autoptr (GError) error = NULL;
  g_autofree char *written = NULL;
  gsize written_size = 0;
  g_assert_true (g_file_get_contents (fp32_path, &written, &written_size, &error));
  {
    g_autoptr (EcgRunStore) store = ecg_run_store_open (f->store_path, FALSE, &error);
    g_assert_no_error (error);
    g_autoptr (GBytes) stored = ecg_run_store_load_model (store, prune_id, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (written, written_size, g_bytes_get_data (stored, NULL),
                     g_bytes_get_size (stored));
  }

  const EcgStepRecord *pruned = g_ptr_array_index (prune->steps, 1);
  const EcgStepRecord *fp32 = g_ptr_array_index (quantise->steps, 0);
  const EcgStepRecord *int8 = g_ptr_array_index (quantise->steps, 1);
  g_assert_cmpfloat_with_epsilon (fp32->macro_f1, pruned->macro_f1, 1e-12);
  g_assert_true (isfinite (int8->macro_f1) && int8->macro_f1 >= 0 && int8->macro_f1 <= 1);
  g_assert_true (isfinite (int8->latency_ms) && int8->latency_ms > 0);

  g_autofree char *expected
    = g_strdup_printf ("INT8 comparison (quantise run #2):\n"
                       "fp32: macro-F1 %.3f, latency %.3f ms\n"
                       "INT8: macro-F1 %.3f, latency %.3f ms",
                       fp32->macro_f1, fp32->latency_ms, int8->macro_f1, int8->latency_ms);
  g_assert_cmpstr (ecg_compression_panel_get_int8_figures (f->panel), ==, expected);
  /* The quantise run was announced too, so that the runs view shows it. */
  g_assert_cmpint (f->max_changed_run, ==, quantise_id);
}

int
main (int argc, char *argv[])
{
  /* The default run store lives in the user's data folder: keep the tests out of the real
   * one. */
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/compression-panel/config/defaults", test_config_defaults);
  ADD ("/ui/compression-panel/config/from-widgets", test_config_from_widgets);
  ADD ("/ui/compression-panel/config/invalid", test_config_invalid);
  ADD ("/ui/compression-panel/help/popovers", test_help_popovers);
  ADD ("/ui/compression-panel/job/finishes", test_job_finishes);
  ADD ("/ui/compression-panel/job/cancel-and-resume", test_job_cancel_and_resume);
  ADD ("/ui/compression-panel/config/class-aware", test_class_aware_settings);
  ADD ("/ui/compression-panel/job/class-aware", test_job_class_aware);
  ADD ("/ui/compression-panel/job/int8", test_job_int8);
#undef ADD

  return g_test_run ();
}
