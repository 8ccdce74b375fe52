/* ecg-compression-panel.c — the settings of a pruning run and the job that runs it.
 *
 * A job is a PanelJob handed to ecg_job_run_async(): the worker runs the engine's pruning job
 * on its own copy of the settings, the main context receives progress and the end. The panel
 * is reached from the job through a weak reference, so closing the window while a job runs
 * only cancels it. Per-step figures are read back from the store (a GTask) whenever the
 * reported step advances, i.e. after each commit. */
#include "ecg-compression-panel.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ecg-application.h"
#include "ecg-error.h"
#include "jobs/ecg-quantise-job.h"
#include "store/ecg-run-store.h"

#define DEMO_TRAIN_RECORDS "demo1,demo3"
#define DEMO_VAL_RECORDS "demo2"
#define DEMO_TEST_RECORDS "demo2"

typedef struct _PanelJob PanelJob;

struct _EcgCompressionPanel
{
  GtkWidget parent_instance;

  char *model_path;
  char *data_dir;

  /* The job: `job` is the running one (borrowed; it lives until its GTask ends). */
  PanelJob *job;
  GCancellable *job_cancellable;
  gint64 run_id;
  int shown_step;               /* step of the last progress report, -1 before */
  char *job_store_path;         /* the store the job writes */
  GCancellable *read_cancellable; /* the read of the run's steps in flight */
  gboolean job_ended;           /* the next read is the final one: then notify */
  char *end_summary;            /* "finished" / "cancelled" / error text for the notification */
  gboolean end_ok;
  gint64 quantise_run_id;         /* the INT8 comparison of the last job, 0 = none */

  /* Template children */
  GtkWidget *settings_box;
  GtkLabel *model_label;
  GtkLabel *data_label;
  GtkButton *model_button;
  GtkButton *data_button;
  GtkEntry *train_entry;
  GtkEntry *val_entry;
  GtkEntry *test_entry;
  GtkDropDown *method_dropdown;
  GtkScale *alpha_scale;
  GtkSwitch *structured_switch;
  GtkSwitch *class_aware_switch;
  GtkScale *class_aware_scale;
  GtkSwitch *int8_switch;
  GtkScale *sparsity_scale;
  GtkScale *beta_scale;
  GtkSpinButton *steps_spin;
  GtkSpinButton *epochs_spin;
  GtkSwitch *kd_switch;
  GtkSpinButton *temperature_spin;
  GtkScale *kd_weight_scale;
  GtkEntry *store_entry;
  GtkSpinButton *seed_spin;
  GtkSpinButton *batch_spin;
  GtkSpinButton *lr_spin;
  GtkSpinButton *latency_spin;
  GtkSpinButton *threads_spin;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;
  GtkLabel *int8_label;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  EcgProgressChart *chart;
};

G_DEFINE_FINAL_TYPE (EcgCompressionPanel, ecg_compression_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_MODEL_PATH,
  PROP_DATA_DIR,
  PROP_STORE_PATH,
  PROP_RUNNING,
  PROP_RUN_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  RUN_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the job, shared with the worker thread ------------------------------------------------ */

struct _PanelJob
{
  /* Read by the worker only. */
  EcgPruneConfig *config; /* a new run; NULL for a resume */
  char *store_path;
  int resume_threads;
  gboolean int8;          /* quantise the final model after the last step */
  EcgJobProgressFunc progress; /* ecg_job_run_async's relay into the main context */
  gpointer progress_data;
  /* Written by the worker (ecg_prune_job_run sets it once the run exists); read by the main
   * thread only after the job has ended (the GTask orders the two). */
  gint64 run_id;
  gboolean pruned;          /* the pruning part ended well (the INT8 part may follow) */
  JsonObject *int8_summary; /* ecg_quantise_job_run's summary, or NULL */
  /* run_id as the main thread may read it while the job runs. */
  GMutex lock;
  gint64 published_run_id;
  /* Main thread only. */
  GWeakRef panel;
  GApplication *application; /* held while the job runs, so that it can end cleanly */
};

static PanelJob *
panel_job_new (EcgCompressionPanel *panel)
{
  PanelJob *job = g_new0 (PanelJob, 1);
  g_mutex_init (&job->lock);
  g_weak_ref_init (&job->panel, panel);
  return job;
}

/* Called when the job's GTask is finalised, which may be on the worker thread. */
static void
panel_job_free (gpointer data)
{
  PanelJob *job = data;
  g_clear_pointer (&job->config, ecg_prune_config_free);
  g_clear_pointer (&job->int8_summary, json_object_unref);
  g_free (job->store_path);
  g_mutex_clear (&job->lock);
  g_weak_ref_clear (&job->panel);
  g_assert (job->application == NULL);
  g_free (job);
}

/* Worker thread: publish the run id, then pass the report on to the main context. */
static void
panel_job_relay_progress (const EcgJobProgress *progress, gpointer data)
{
  PanelJob *job = data;
  g_mutex_lock (&job->lock);
  job->published_run_id = job->run_id;
  g_mutex_unlock (&job->lock);
  job->progress (progress, job->progress_data);
}

/* Worker thread: the quantise job's reports under the one stage "int8", so that the main thread
 * tells them from the pruning steps (their step numbers restart at 0). */
static void
panel_job_relay_int8_progress (const EcgJobProgress *progress, gpointer data)
{
  PanelJob *job = data;
  EcgJobProgress copy = *progress;
  copy.stage = "int8";
  job->progress (&copy, job->progress_data);
}

/* A string member of the run's config, or NULL when absent, null or not a string. */
static const char *
config_string (JsonObject *config, const char *member)
{
  JsonNode *node = json_object_get_member (config, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Worker thread: the final step's model of the run goes to
 * <store folder>/models/prune-run-<id>-step-<K>.ecgm, and the quantise job turns it into
 * prune-run-<id>-int8.ecgm, comparing the two on the run's test records (its calibration uses
 * the run's validation records, like the pruning's own choices) as a quantise run of the same
 * store. */
static gboolean
panel_job_quantise (PanelJob *job, GCancellable *cancellable, GError **error)
{
  g_autoptr (EcgRunStore) store = ecg_run_store_open (job->store_path, FALSE, error);
  if (store == NULL)
    return FALSE;
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, job->run_id, error);
  int last_step = -1;
  if (run == NULL || !ecg_run_store_get_last_step (store, job->run_id, &last_step, error))
    return FALSE;
  g_autoptr (GBytes) model = ecg_run_store_load_model (store, job->run_id, last_step, error);
  if (model == NULL)
    return FALSE;
  /* The quantise job opens the store itself. */
  g_clear_pointer (&store, ecg_run_store_close);

  g_autofree char *store_folder = g_path_get_dirname (job->store_path);
  g_autofree char *folder = g_build_filename (store_folder, "models", NULL);
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: cannot create the folder: %s", folder,
                   g_strerror (saved_errno));
      return FALSE;
    }
  g_autofree char *fp32_name = g_strdup_printf ("prune-run-%lld-step-%d.ecgm",
                                                (long long) job->run_id, last_step);
  g_autofree char *int8_name = g_strdup_printf ("prune-run-%lld-int8.ecgm",
                                                (long long) job->run_id);
  g_autoptr (EcgQuantiseConfig) q = ecg_quantise_config_new ();
  q->model_path = g_build_filename (folder, fp32_name, NULL);
  q->out_path = g_build_filename (folder, int8_name, NULL);
  gsize size = 0;
  const char *bytes = g_bytes_get_data (model, &size);
  if (!g_file_set_contents (q->model_path, bytes, (gssize) size, error))
    return FALSE;

  JsonObject *config = run->config;
  q->data_dir = g_strdup (config_string (config, "data"));
  q->calibration_records = g_strdup (config_string (config, "val_records"));
  q->test_records = g_strdup (config_string (config, "test_records"));
  q->calibration_folds = g_strdup (config_string (config, "val_folds"));
  q->test_folds = g_strdup (config_string (config, "test_folds"));
  q->store_path = g_strdup (job->store_path);
  if (json_object_has_member (config, "threads"))
    q->threads = MAX (1, (int) json_object_get_int_member (config, "threads"));
  if (json_object_has_member (config, "latency_repeats"))
    q->latency_repeats = MAX (1, (int) json_object_get_int_member (config, "latency_repeats"));
  if (q->data_dir == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: run %lld has no data folder in its settings", job->store_path,
                   (long long) job->run_id);
      return FALSE;
    }
  return ecg_quantise_job_run (q, &job->int8_summary, panel_job_relay_int8_progress, job,
                               cancellable, error);
}

/* Worker thread: the EcgJobFunc. */
static gboolean
panel_job_run (gpointer job_data, EcgJobProgressFunc progress, gpointer progress_data,
               GCancellable *cancellable, GError **error)
{
  PanelJob *job = job_data;
  job->progress = progress;
  job->progress_data = progress_data;

  /* The default store lives in a folder that may not exist yet. */
  g_autofree char *folder = g_path_get_dirname (job->store_path);
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: cannot create the folder: %s", folder,
                   g_strerror (saved_errno));
      return FALSE;
    }
  gboolean ok = job->config != NULL
                  ? ecg_prune_job_run (job->config, &job->run_id, panel_job_relay_progress, job,
                                       cancellable, error)
                  : ecg_prune_job_resume (job->store_path, job->run_id, job->resume_threads,
                                          panel_job_relay_progress, job, cancellable, error);
  if (!ok)
    return FALSE;
  job->pruned = TRUE;
  if (!job->int8)
    return TRUE;
  if (!panel_job_quantise (job, cancellable, error))
    {
      g_prefix_error (error, "INT8: ");
      return FALSE;
    }
  return TRUE;
}

/* ---- reading a run back from the store ----------------------------------------------------- */

typedef struct
{
  char *store_path;
  gint64 run_id;
} ReadRequest;

static void
read_request_free (ReadRequest *request)
{
  g_free (request->store_path);
  g_free (request);
}

static void
read_run_thread (GTask *task, gpointer source_object, gpointer task_data,
                 GCancellable *cancellable)
{
  ReadRequest *request = task_data;
  GError *error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (request->store_path, FALSE, &error);
  EcgRun *run = store != NULL ? ecg_run_store_get_run (store, request->run_id, &error) : NULL;
  if (run == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, run, (GDestroyNotify) ecg_run_free);
}

/* ---- messages ------------------------------------------------------------------------------ */

static void
show_error (EcgCompressionPanel *self, const char *text)
{
  gtk_label_set_text (self->info_label, text);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

static void
hide_error (EcgCompressionPanel *self)
{
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static void
on_info_bar_response (GtkInfoBar *info_bar, int response, EcgCompressionPanel *self)
{
  hide_error (self);
}

const char *
ecg_compression_panel_get_message (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), NULL);
  if (!gtk_info_bar_get_revealed (self->info_bar))
    return NULL;
  return gtk_label_get_text (self->info_label);
}

const char *
ecg_compression_panel_get_status (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), NULL);
  return gtk_label_get_text (self->status_label);
}

EcgProgressChart *
ecg_compression_panel_get_chart (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), NULL);
  return self->chart;
}

/* A desktop notification when the application is registered (not in tests of the bare
 * widget). */
static void
send_notification (EcgCompressionPanel *self, const char *title, const char *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *application
    = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  if (application == NULL || !g_application_get_is_registered (G_APPLICATION (application))
      || g_application_get_is_remote (G_APPLICATION (application)))
    return;
  g_autoptr (GNotification) notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  g_application_send_notification (G_APPLICATION (application), "compression-job", notification);
}

/* ---- settings ------------------------------------------------------------------------------ */

char *
ecg_compression_panel_default_store_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "ecg-workbench", "runs.db", NULL);
}

static gboolean
is_demo_folder (const char *path)
{
  if (path == NULL)
    return FALSE;
  g_autoptr (GFile) demo = ecg_application_get_demo_folder ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  return g_file_equal (demo, file);
}

static void
show_path (GtkLabel *label, GtkWidget *button, const char *path, const char *none)
{
  if (path == NULL)
    {
      gtk_label_set_text (label, none);
      gtk_widget_set_tooltip_text (button, NULL);
      return;
    }
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *display = g_filename_display_name (name);
  g_autofree char *full = g_filename_display_name (path);
  gtk_label_set_text (label, display);
  gtk_widget_set_tooltip_text (button, full);
}

void
ecg_compression_panel_set_model_path (EcgCompressionPanel *self, const char *path)
{
  g_return_if_fail (ECG_IS_COMPRESSION_PANEL (self));
  if (g_strcmp0 (self->model_path, path) == 0)
    return;
  g_free (self->model_path);
  self->model_path = g_strdup (path);
  show_path (self->model_label, GTK_WIDGET (self->model_button), path, _("(none)"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_PATH]);
}

const char *
ecg_compression_panel_get_model_path (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), NULL);
  return self->model_path;
}

void
ecg_compression_panel_set_data_dir (EcgCompressionPanel *self, const char *path)
{
  g_return_if_fail (ECG_IS_COMPRESSION_PANEL (self));
  if (g_strcmp0 (self->data_dir, path) == 0)
    return;
  g_free (self->data_dir);
  self->data_dir = g_strdup (path);
  show_path (self->data_label, GTK_WIDGET (self->data_button), path, _("(none)"));

  /* The demo has its own three records; elsewhere the protocol's splits apply. */
  gboolean demo = is_demo_folder (path);
  gtk_editable_set_text (GTK_EDITABLE (self->train_entry), demo ? DEMO_TRAIN_RECORDS : "");
  gtk_editable_set_text (GTK_EDITABLE (self->val_entry), demo ? DEMO_VAL_RECORDS : "");
  gtk_editable_set_text (GTK_EDITABLE (self->test_entry), demo ? DEMO_TEST_RECORDS : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_DIR]);
}

const char *
ecg_compression_panel_get_data_dir (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), NULL);
  return self->data_dir;
}

void
ecg_compression_panel_set_store_path (EcgCompressionPanel *self, const char *path)
{
  g_return_if_fail (ECG_IS_COMPRESSION_PANEL (self));
  gtk_editable_set_text (GTK_EDITABLE (self->store_entry), path ? path : "");
}

const char *
ecg_compression_panel_get_store_path (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->store_entry));
}

static void
on_store_text_changed (GtkEditable *editable, GParamSpec *pspec, EcgCompressionPanel *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_PATH]);
}

/* A record list entry: trimmed text, or NULL (the protocol's default) when empty. */
static char *
record_list (GtkEntry *entry)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  g_strstrip (text);
  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

EcgPruneConfig *
ecg_compression_panel_build_config (EcgCompressionPanel *self, GError **error)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), NULL);

  /* Text typed into a spin button counts even before Enter. */
  GtkSpinButton *spins[] = { self->steps_spin, self->epochs_spin, self->temperature_spin,
                             self->seed_spin, self->batch_spin, self->lr_spin,
                             self->latency_spin, self->threads_spin };
  for (gsize i = 0; i < G_N_ELEMENTS (spins); i++)
    gtk_spin_button_update (spins[i]);

  g_autoptr (EcgPruneConfig) config = ecg_prune_config_new ();
  config->model_path = g_strdup (self->model_path);
  config->data_dir = g_strdup (self->data_dir);
  config->method = gtk_drop_down_get_selected (self->method_dropdown) == 1 ? ECG_IMPORTANCE_L1
                                                                          : ECG_IMPORTANCE_ENERGY;
  config->alpha = gtk_range_get_value (GTK_RANGE (self->alpha_scale));
  config->beta = gtk_range_get_value (GTK_RANGE (self->beta_scale));
  config->target_sparsity = gtk_range_get_value (GTK_RANGE (self->sparsity_scale)) / 100.0;
  config->steps = gtk_spin_button_get_value_as_int (self->steps_spin);
  config->finetune_epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->structured = gtk_switch_get_active (self->structured_switch);
  /* The class-aware saliency is per weight: it has no meaning for whole channels. */
  config->class_aware = gtk_switch_get_active (self->class_aware_switch) && !config->structured;
  config->class_aware_weight = gtk_range_get_value (GTK_RANGE (self->class_aware_scale));
  config->kd = gtk_switch_get_active (self->kd_switch);
  config->temperature = gtk_spin_button_get_value (self->temperature_spin);
  config->kd_weight = gtk_range_get_value (GTK_RANGE (self->kd_weight_scale));
  config->train_records = record_list (self->train_entry);
  config->val_records = record_list (self->val_entry);
  config->test_records = record_list (self->test_entry);
  config->seed = (guint64) gtk_spin_button_get_value_as_int (self->seed_spin);
  config->batch_size = gtk_spin_button_get_value_as_int (self->batch_spin);
  config->learning_rate = gtk_spin_button_get_value (self->lr_spin);
  config->latency_repeats = gtk_spin_button_get_value_as_int (self->latency_spin);
  config->threads = gtk_spin_button_get_value_as_int (self->threads_spin);
  g_autofree char *store = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->store_entry)));
  g_strstrip (store);
  config->store_path = *store != '\0' ? g_steal_pointer (&store) : NULL;

  if (!ecg_prune_config_validate (config, error))
    return NULL;
  return g_steal_pointer (&config);
}

/* Members of a run's config JSON that have the expected type (anything else is left alone). */
static gboolean
json_number (JsonObject *o, const char *member, double *value)
{
  JsonNode *node = json_object_get_member (o, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

static gboolean
json_boolean (JsonObject *o, const char *member, gboolean *value)
{
  JsonNode *node = json_object_get_member (o, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

static void
load_spin (GtkSpinButton *spin, JsonObject *o, const char *member)
{
  double value;
  if (json_number (o, member, &value))
    gtk_spin_button_set_value (spin, value);
}

static void
load_range (GtkScale *scale, JsonObject *o, const char *member, double factor)
{
  double value;
  if (json_number (o, member, &value))
    gtk_range_set_value (GTK_RANGE (scale), factor * value);
}

static void
load_switch (GtkSwitch *widget, JsonObject *o, const char *member)
{
  gboolean value;
  if (json_boolean (o, member, &value))
    gtk_switch_set_active (widget, value);
}

static void
load_records (GtkEntry *entry, JsonObject *o, const char *member)
{
  if (!json_object_has_member (o, member))
    return;
  const char *text = config_string (o, member);
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
}

void
ecg_compression_panel_load_settings (EcgCompressionPanel *self, JsonObject *config)
{
  g_return_if_fail (ECG_IS_COMPRESSION_PANEL (self));
  g_return_if_fail (config != NULL);
  if (self->job != NULL)
    return;

  const char *model = config_string (config, "model");
  if (model != NULL)
    ecg_compression_panel_set_model_path (self, model);
  /* The folder first: choosing it refills the record lists, which the run's own then replace. */
  const char *data = config_string (config, "data");
  if (data != NULL)
    ecg_compression_panel_set_data_dir (self, data);
  load_records (self->train_entry, config, "train_records");
  load_records (self->val_entry, config, "val_records");
  load_records (self->test_entry, config, "test_records");

  const char *method = config_string (config, "method");
  if (method != NULL)
    gtk_drop_down_set_selected (self->method_dropdown, g_str_equal (method, "l1") ? 1 : 0);
  load_range (self->alpha_scale, config, "alpha", 1.0);
  load_range (self->beta_scale, config, "beta", 1.0);
  load_range (self->sparsity_scale, config, "target_sparsity", 100.0);
  load_spin (self->steps_spin, config, "steps");
  load_spin (self->epochs_spin, config, "finetune_epochs");
  load_switch (self->structured_switch, config, "structured");
  load_switch (self->class_aware_switch, config, "class_aware");
  load_range (self->class_aware_scale, config, "class_aware_weight", 1.0);
  load_switch (self->kd_switch, config, "kd");
  load_spin (self->temperature_spin, config, "temperature");
  load_range (self->kd_weight_scale, config, "kd_weight", 1.0);
  load_spin (self->seed_spin, config, "seed");
  load_spin (self->batch_spin, config, "batch");
  load_spin (self->lr_spin, config, "lr");
  load_spin (self->latency_spin, config, "latency_repeats");
  load_spin (self->threads_spin, config, "threads");
  hide_error (self);
}

void
ecg_compression_panel_set_int8 (EcgCompressionPanel *self, gboolean int8)
{
  g_return_if_fail (ECG_IS_COMPRESSION_PANEL (self));
  gtk_switch_set_active (self->int8_switch, int8);
}

gboolean
ecg_compression_panel_get_int8 (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), FALSE);
  return gtk_switch_get_active (self->int8_switch);
}

gint64
ecg_compression_panel_get_quantise_run_id (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), 0);
  return self->quantise_run_id;
}

const char *
ecg_compression_panel_get_int8_figures (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->int8_label)))
    return NULL;
  return gtk_label_get_text (self->int8_label);
}

static void
set_defaults (EcgCompressionPanel *self)
{
  g_autoptr (EcgPruneConfig) defaults = ecg_prune_config_new ();
  g_autoptr (GFile) model = ecg_application_get_demo_model ();
  g_autoptr (GFile) demo = ecg_application_get_demo_folder ();
  g_autofree char *model_path = g_file_get_path (model);
  g_autofree char *demo_path = g_file_get_path (demo);
  g_autofree char *store_path = ecg_compression_panel_default_store_path ();

  ecg_compression_panel_set_model_path (self, model_path);
  /* Forget the folder first so that the demo's record lists are filled in again. */
  g_clear_pointer (&self->data_dir, g_free);
  ecg_compression_panel_set_data_dir (self, demo_path);
  ecg_compression_panel_set_store_path (self, store_path);

  gtk_drop_down_set_selected (self->method_dropdown,
                              defaults->method == ECG_IMPORTANCE_L1 ? 1 : 0);
  gtk_range_set_value (GTK_RANGE (self->alpha_scale), defaults->alpha);
  gtk_range_set_value (GTK_RANGE (self->beta_scale), defaults->beta);
  gtk_range_set_value (GTK_RANGE (self->sparsity_scale), defaults->target_sparsity * 100.0);
  gtk_spin_button_set_value (self->steps_spin, defaults->steps);
  gtk_spin_button_set_value (self->epochs_spin, defaults->finetune_epochs);
  gtk_switch_set_active (self->structured_switch, defaults->structured);
  gtk_switch_set_active (self->class_aware_switch, defaults->class_aware);
  gtk_range_set_value (GTK_RANGE (self->class_aware_scale), defaults->class_aware_weight);
  gtk_switch_set_active (self->int8_switch, FALSE);
  gtk_switch_set_active (self->kd_switch, defaults->kd);
  gtk_spin_button_set_value (self->temperature_spin, defaults->temperature);
  gtk_range_set_value (GTK_RANGE (self->kd_weight_scale), defaults->kd_weight);
  gtk_spin_button_set_value (self->seed_spin, (double) defaults->seed);
  gtk_spin_button_set_value (self->batch_spin, defaults->batch_size);
  gtk_spin_button_set_value (self->lr_spin, defaults->learning_rate);
  gtk_spin_button_set_value (self->latency_spin, defaults->latency_repeats);
  gtk_spin_button_set_value (self->threads_spin, defaults->threads);
}

/* Alpha only matters to the energy-aware importance. */
static void
on_method_changed (GtkDropDown *dropdown, GParamSpec *pspec, EcgCompressionPanel *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->alpha_scale),
                            gtk_drop_down_get_selected (dropdown) == 0);
}

/* Class-aware pruning is unstructured only, and g only matters when it is on. */
static void
on_class_aware_changed (GtkSwitch *widget, GParamSpec *pspec, EcgCompressionPanel *self)
{
  gboolean structured = gtk_switch_get_active (self->structured_switch);
  gtk_widget_set_sensitive (GTK_WIDGET (self->class_aware_switch), !structured);
  gtk_widget_set_sensitive (GTK_WIDGET (self->class_aware_scale),
                            !structured && gtk_switch_get_active (self->class_aware_switch));
}

/* Before any job the chart's axes follow K and F. */
static void
on_schedule_changed (GtkSpinButton *spin, EcgCompressionPanel *self)
{
  if (self->job != NULL || ecg_progress_chart_get_n_loss_points (self->chart) > 0
      || ecg_progress_chart_get_n_step_points (self->chart) > 0)
    return;
  ecg_progress_chart_set_shape (self->chart, gtk_spin_button_get_value_as_int (self->steps_spin),
                                gtk_spin_button_get_value_as_int (self->epochs_spin));
}

static char *
format_percent (GtkScale *scale, double value, gpointer user_data)
{
  /* Translators: a percentage on a slider, e.g. "50 %". */
  return g_strdup_printf (_("%.0f %%"), value);
}

/* ---- the job's life ------------------------------------------------------------------------ */

static void
set_running (EcgCompressionPanel *self, gboolean running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compression.run", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compression.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compression.reset", !running);
  gtk_widget_set_sensitive (self->settings_box, !running);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
ecg_compression_panel_get_running (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), FALSE);
  return self->job != NULL;
}

gint64
ecg_compression_panel_get_run_id (EcgCompressionPanel *self)
{
  g_return_val_if_fail (ECG_IS_COMPRESSION_PANEL (self), 0);
  return self->run_id;
}

static void
set_run_id (EcgCompressionPanel *self, gint64 run_id)
{
  if (self->run_id == run_id)
    return;
  self->run_id = run_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN_ID]);
}

/* The notification, once the last read of the run has come back (or failed). */
static void
notify_end (EcgCompressionPanel *self, const EcgRun *run)
{
  if (!self->job_ended)
    return;
  self->job_ended = FALSE;

  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  if (self->end_ok)
    {
      title = g_strdup_printf (_("Pruning run #%lld finished"), (long long) self->run_id);
      if (run != NULL && run->steps != NULL && run->steps->len > 0)
        {
          const EcgStepRecord *last = g_ptr_array_index (run->steps, run->steps->len - 1);
          body = g_strdup_printf (_("Macro-F1 %.3f at %.1f %% sparsity after %d steps."),
                                  last->macro_f1, 100.0 * last->sparsity, last->step);
        }
    }
  else
    {
      title = self->run_id > 0
                ? g_strdup_printf (_("Pruning run #%lld stopped"), (long long) self->run_id)
                : g_strdup (_("Pruning did not start"));
      body = g_strdup (self->end_summary);
    }
  send_notification (self, title, body);
}

static void
run_read (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgCompressionPanel *self = ECG_COMPRESSION_PANEL (source_object);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRun) run = g_task_propagate_pointer (G_TASK (result), &error);

  /* A newer read replaced this one, or the panel went away. */
  if (g_cancellable_is_cancelled (cancellable))
    return;
  g_clear_object (&self->read_cancellable);

  /* A failed read (the store busy for longer than its timeout) only delays the chart: the
   * next step's read brings every step again. */
  if (run != NULL)
    ecg_progress_chart_set_steps (self->chart, run);
  else
    g_debug ("Could not read run %lld back from the store: %s", (long long) self->run_id,
             error->message);
  if (self->run_id > 0)
    g_signal_emit (self, signals[RUN_CHANGED], 0, self->run_id);
  notify_end (self, run);
}

/* Reads the job's run back from its store in a worker thread (its steps go to the chart). */
static void
read_run (EcgCompressionPanel *self)
{
  if (self->run_id <= 0 || self->job_store_path == NULL)
    {
      notify_end (self, NULL);
      return;
    }
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();

  ReadRequest *request = g_new0 (ReadRequest, 1);
  request->store_path = g_strdup (self->job_store_path);
  request->run_id = self->run_id;
  GTask *task = g_task_new (self, self->read_cancellable, run_read, NULL);
  g_task_set_source_tag (task, read_run);
  g_task_set_task_data (task, request, (GDestroyNotify) read_request_free);
  g_task_run_in_thread (task, read_run_thread);
  g_object_unref (task);
}

static void
on_job_progress (const EcgJobProgress *progress, gpointer data)
{
  PanelJob *job = data;
  g_autoptr (EcgCompressionPanel) self = g_weak_ref_get (&job->panel);
  if (self == NULL || self->job != job)
    return;

  g_mutex_lock (&job->lock);
  gint64 run_id = job->published_run_id;
  g_mutex_unlock (&job->lock);
  gboolean new_run = run_id > 0 && run_id != self->run_id;
  if (run_id > 0)
    set_run_id (self, run_id);

  /* The INT8 part after the last step: its own bar, no step of the pruning run. */
  if (g_strcmp0 (progress->stage, "int8") == 0)
    {
      double fraction = CLAMP (progress->fraction, 0.0, 1.0);
      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      g_autofree char *int8_text = g_strdup_printf (_("INT8 · %.0f %%"), 100.0 * fraction);
      gtk_progress_bar_set_text (self->progress_bar, int8_text);
      g_autofree char *int8_status
        = g_strdup_printf (_("Run #%lld: quantising the final model to INT8 and comparing it "
                             "with fp32"),
                           (long long) self->run_id);
      gtk_label_set_text (self->status_label, int8_status);
      return;
    }

  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (progress->fraction, 0.0, 1.0));
  g_autofree char *bar_text
    = g_strdup_printf (_("Step %d of %d · %.0f %%"), progress->step, progress->n_steps,
                       100.0 * CLAMP (progress->fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (self->progress_bar, bar_text);

  long long run = (long long) self->run_id;
  g_autofree char *status = NULL;
  if (g_strcmp0 (progress->stage, "fine-tune") == 0)
    {
      if (isfinite (progress->loss))
        status = g_strdup_printf (_("Run #%lld, step %d: fine-tuning, epoch %d of %d, batch %zu "
                                    "of %zu, loss %.4f"),
                                  run, progress->step, progress->epoch, progress->n_epochs,
                                  progress->batch, progress->n_batches, progress->loss);
      else
        status = g_strdup_printf (_("Run #%lld, step %d: fine-tuning, epoch %d of %d"), run,
                                  progress->step, progress->epoch, progress->n_epochs);
      /* x: this step's fine-tuning spans [(step - 1) F, step F]. */
      if (progress->n_epochs > 0 && progress->n_batches > 0 && isfinite (progress->loss))
        {
          double x = (double) (progress->step - 1) * progress->n_epochs + (progress->epoch - 1)
                     + (double) progress->batch / (double) progress->n_batches;
          ecg_progress_chart_set_shape (self->chart, progress->n_steps, progress->n_epochs);
          ecg_progress_chart_add_loss (self->chart, x, progress->loss);
        }
    }
  else if (g_strcmp0 (progress->stage, "prune") == 0)
    status = g_strdup_printf (_("Run #%lld, step %d: pruning"), run, progress->step);
  else if (g_strcmp0 (progress->stage, "evaluate") == 0 && progress->step == 0)
    status = g_strdup_printf (_("Run #%lld, step 0: measuring the dense model"), run);
  else if (g_strcmp0 (progress->stage, "evaluate") == 0)
    status = g_strdup_printf (_("Run #%lld, step %d: measuring"), run, progress->step);
  else
    status = g_strdup_printf (_("Run #%lld, step %d: %s"), run, progress->step, progress->stage);
  gtk_label_set_text (self->status_label, status);

  /* A report for a later step means the earlier ones are committed. */
  if (progress->step != self->shown_step)
    {
      gboolean committed = self->shown_step >= 0 && progress->step > self->shown_step;
      self->shown_step = progress->step;
      if (committed || new_run)
        read_run (self);
    }
}

/* The fp32 and INT8 figures of the quantise job's summary, under the progress bar. */
static void
show_int8_figures (EcgCompressionPanel *self, JsonObject *summary)
{
  JsonNode *run = json_object_get_member (summary, "run");
  self->quantise_run_id = run != NULL && JSON_NODE_HOLDS_VALUE (run) ? json_node_get_int (run)
                                                                      : 0;
  g_autofree char *text = NULL;
  if (json_object_has_member (summary, "fp32") && json_object_has_member (summary, "int8"))
    {
      JsonObject *f = json_object_get_object_member (summary, "fp32");
      JsonObject *q = json_object_get_object_member (summary, "int8");
      g_autofree char *fp32_line
        = g_strdup_printf (_("fp32: macro-F1 %.3f, latency %.3f ms"),
                           json_object_get_double_member (f, "macro_f1"),
                           json_object_get_double_member (f, "latency_ms"));
      g_autofree char *int8_line
        = g_strdup_printf (_("INT8: macro-F1 %.3f, latency %.3f ms"),
                           json_object_get_double_member (q, "macro_f1"),
                           json_object_get_double_member (q, "latency_ms"));
      g_autofree char *heading
        = g_strdup_printf (_("INT8 comparison (quantise run #%lld):"),
                           (long long) self->quantise_run_id);
      text = g_strjoin ("\n", heading, fp32_line, int8_line, NULL);
    }
  else
    text = g_strdup_printf (_("INT8 model written to %s; there were no test records to compare "
                              "it on."),
                            json_object_get_string_member (summary, "out"));
  gtk_label_set_text (self->int8_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->int8_label), TRUE);
}

static void
on_job_done (GObject *source_object, GAsyncResult *result, gpointer data)
{
  PanelJob *job = data;
  g_autoptr (GError) error = NULL;
  gboolean ok = ecg_job_run_finish (result, &error);
  if (job->application != NULL)
    {
      g_application_release (job->application);
      g_clear_object (&job->application);
    }
  g_autoptr (EcgCompressionPanel) self = g_weak_ref_get (&job->panel);
  if (self == NULL || self->job != job)
    return;

  self->job = NULL;
  g_clear_object (&self->job_cancellable);
  if (job->run_id > 0)
    set_run_id (self, job->run_id);
  set_running (self, FALSE);

  gboolean cancelled = error != NULL && (g_error_matches (error, ECG_ERROR, ECG_ERROR_CANCELLED)
                                         || g_error_matches (error, G_IO_ERROR,
                                                             G_IO_ERROR_CANCELLED));
  g_autofree char *status = NULL;
  if (ok && job->int8_summary != NULL)
    show_int8_figures (self, job->int8_summary);
  if (ok)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_progress_bar_set_text (self->progress_bar, _("Finished"));
      status = g_strdup_printf (_("Run #%lld finished: every step is in the store."),
                                (long long) self->run_id);
    }
  else if (job->pruned)
    {
      /* The pruning run is complete; only its INT8 comparison did not come about. */
      gtk_progress_bar_set_text (self->progress_bar, cancelled ? _("Cancelled") : _("Failed"));
      if (!cancelled)
        {
          g_autofree char *text = g_strdup_printf (_("The INT8 quantisation failed: %s"),
                                                   error->message);
          show_error (self, text);
        }
      status = g_strdup_printf (_("Run #%lld finished: every step is in the store; the INT8 "
                                  "comparison was not made."),
                                (long long) self->run_id);
    }
  else if (cancelled)
    {
      gtk_progress_bar_set_text (self->progress_bar, _("Cancelled"));
      status = self->run_id > 0
                 ? g_strdup_printf (_("Run #%lld cancelled; its committed steps stay in the "
                                      "store and it can be resumed."),
                                    (long long) self->run_id)
                 : g_strdup (_("Cancelled before the run started."));
    }
  else
    {
      gtk_progress_bar_set_text (self->progress_bar, _("Failed"));
      g_autofree char *text = g_strdup_printf (_("The pruning job failed: %s"), error->message);
      show_error (self, text);
      status = g_strdup (_("Failed; the message above says why."));
    }
  gtk_label_set_text (self->status_label, status);

  /* The last read brings the final steps to the chart, then the notification goes out. */
  self->job_ended = TRUE;
  self->end_ok = ok || job->pruned;
  g_free (self->end_summary);
  self->end_summary = g_strdup (ok ? NULL : cancelled ? _("Cancelled.") : error->message);
  read_run (self);
  if (self->quantise_run_id > 0)
    g_signal_emit (self, signals[RUN_CHANGED], 0, self->quantise_run_id);
}

static void
start_job (EcgCompressionPanel *self, PanelJob *job, int n_steps, int epochs_per_step)
{
  hide_error (self);
  g_free (self->job_store_path);
  self->job_store_path = g_strdup (job->store_path);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);
  self->job_ended = FALSE;
  self->shown_step = -1;
  self->quantise_run_id = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->int8_label), FALSE);
  job->int8 = gtk_switch_get_active (self->int8_switch);
  self->job = job;
  self->job_cancellable = g_cancellable_new ();
  set_run_id (self, job->config == NULL ? job->run_id : 0);

  ecg_progress_chart_reset (self->chart, n_steps, epochs_per_step);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting"));
  gtk_label_set_text (self->status_label, _("Loading the model and the records…"));
  set_running (self, TRUE);

  /* Closing the last window cancels the job (dispose); the application stays until the job
   * has stopped and marked its run cancelled. */
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *application
    = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  if (application != NULL)
    {
      job->application = G_APPLICATION (g_object_ref (application));
      g_application_hold (job->application);
    }
  ecg_job_run_async (panel_job_run, job, panel_job_free, on_job_progress, job,
                     self->job_cancellable, on_job_done, job);
}

static void
run_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgCompressionPanel *self = ECG_COMPRESSION_PANEL (widget);
  if (self->job != NULL)
    return;

  g_autoptr (GError) error = NULL;
  EcgPruneConfig *config = ecg_compression_panel_build_config (self, &error);
  if (config == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Check the settings: %s"), error->message);
      show_error (self, text);
      return;
    }
  PanelJob *job = panel_job_new (self);
  job->config = config;
  job->store_path = g_strdup (config->store_path);
  start_job (self, job, config->steps, config->finetune_epochs);
}

void
ecg_compression_panel_resume_run (EcgCompressionPanel *self, const char *store_path,
                                  gint64 run_id)
{
  g_return_if_fail (ECG_IS_COMPRESSION_PANEL (self));
  g_return_if_fail (store_path != NULL && run_id > 0);
  if (self->job != NULL)
    return;

  PanelJob *job = panel_job_new (self);
  job->store_path = g_strdup (store_path);
  job->run_id = run_id;
  job->published_run_id = run_id;
  job->resume_threads = gtk_spin_button_get_value_as_int (self->threads_spin);
  /* K and F come with the first progress report; until then the axes are generic. */
  start_job (self, job, 0, 0);
  g_autofree char *status
    = g_strdup_printf (_("Resuming run #%lld after its last committed step…"),
                       (long long) run_id);
  gtk_label_set_text (self->status_label, status);
}

static void
cancel_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgCompressionPanel *self = ECG_COMPRESSION_PANEL (widget);
  if (self->job_cancellable == NULL)
    return;
  g_cancellable_cancel (self->job_cancellable);
  gtk_label_set_text (self->status_label, _("Cancelling after the current batch…"));
}

static void
reset_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  set_defaults (ECG_COMPRESSION_PANEL (widget));
}

/* ---- file choosers ------------------------------------------------------------------------- */

typedef enum
{
  CHOOSE_MODEL,
  CHOOSE_DATA,
  CHOOSE_STORE,
} ChooseWhat;

static void
file_chosen (GtkNativeDialog *dialog, int response, EcgCompressionPanel *self)
{
  ChooseWhat what = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "choose-what"));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path == NULL)
        show_error (self, _("Only files on this computer can be used."));
      else if (what == CHOOSE_MODEL)
        ecg_compression_panel_set_model_path (self, path);
      else if (what == CHOOSE_DATA)
        ecg_compression_panel_set_data_dir (self, path);
      else
        ecg_compression_panel_set_store_path (self, path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgCompressionPanel *self = ECG_COMPRESSION_PANEL (widget);
  ChooseWhat what = g_str_equal (action_name, "compression.choose-model")  ? CHOOSE_MODEL
                    : g_str_equal (action_name, "compression.choose-data") ? CHOOSE_DATA
                                                                           : CHOOSE_STORE;
  static const char *const titles[] = { N_("Choose a Dense Model"), N_("Choose the Data Folder"),
                                        N_("Choose a Run Store") };
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    _(titles[what]), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
    what == CHOOSE_DATA ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN,
    _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "choose-what", GINT_TO_POINTER (what));

  const char *current = what == CHOOSE_MODEL  ? self->model_path
                        : what == CHOOSE_DATA ? self->data_dir
                                              : ecg_compression_panel_get_store_path (self);
  if (what == CHOOSE_MODEL)
    {
      g_autoptr (GtkFileFilter) models = gtk_file_filter_new ();
      gtk_file_filter_set_name (models, _("Model files (.ecgm)"));
      gtk_file_filter_add_suffix (models, "ecgm");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), models);
    }
  if (current != NULL && *current != '\0')
    {
      g_autoptr (GFile) file = g_file_new_for_path (current);
      if (what == CHOOSE_DATA)
        gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL);
      else
        {
          g_autoptr (GFile) parent = g_file_get_parent (file);
          if (parent != NULL)
            gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), parent, NULL);
        }
    }
  g_signal_connect (dialog, "response", G_CALLBACK (file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
ecg_compression_panel_dispose (GObject *object)
{
  EcgCompressionPanel *self = ECG_COMPRESSION_PANEL (object);

  /* A running job stops at its next batch; its run is then marked cancelled. */
  if (self->job_cancellable != NULL)
    g_cancellable_cancel (self->job_cancellable);
  g_clear_object (&self->job_cancellable);
  self->job = NULL;
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), ECG_TYPE_COMPRESSION_PANEL);
  /* Children that the template does not bind are unparented here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ecg_compression_panel_parent_class)->dispose (object);
}

static void
ecg_compression_panel_finalize (GObject *object)
{
  EcgCompressionPanel *self = ECG_COMPRESSION_PANEL (object);
  g_free (self->model_path);
  g_free (self->data_dir);
  g_free (self->job_store_path);
  g_free (self->end_summary);
  G_OBJECT_CLASS (ecg_compression_panel_parent_class)->finalize (object);
}

static void
ecg_compression_panel_get_property (GObject *object, guint prop_id, GValue *value,
                                    GParamSpec *pspec)
{
  EcgCompressionPanel *self = ECG_COMPRESSION_PANEL (object);

  switch (prop_id)
    {
    case PROP_MODEL_PATH:
      g_value_set_string (value, self->model_path);
      break;
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_STORE_PATH:
      g_value_set_string (value, ecg_compression_panel_get_store_path (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->job != NULL);
      break;
    case PROP_RUN_ID:
      g_value_set_int64 (value, self->run_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_compression_panel_set_property (GObject *object, guint prop_id, const GValue *value,
                                    GParamSpec *pspec)
{
  EcgCompressionPanel *self = ECG_COMPRESSION_PANEL (object);

  switch (prop_id)
    {
    case PROP_MODEL_PATH:
      ecg_compression_panel_set_model_path (self, g_value_get_string (value));
      break;
    case PROP_DATA_DIR:
      ecg_compression_panel_set_data_dir (self, g_value_get_string (value));
      break;
    case PROP_STORE_PATH:
      ecg_compression_panel_set_store_path (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_compression_panel_class_init (EcgCompressionPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ecg_compression_panel_dispose;
  object_class->finalize = ecg_compression_panel_finalize;
  object_class->get_property = ecg_compression_panel_get_property;
  object_class->set_property = ecg_compression_panel_set_property;

  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  properties[PROP_MODEL_PATH] = g_param_spec_string ("model-path", NULL, NULL, NULL, rw);
  properties[PROP_DATA_DIR] = g_param_spec_string ("data-dir", NULL, NULL, NULL, rw);
  properties[PROP_STORE_PATH] = g_param_spec_string ("store-path", NULL, NULL, NULL, rw);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_RUN_ID] = g_param_spec_int64 ("run-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RUN_CHANGED] = g_signal_new ("run-changed", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                       G_TYPE_INT64);

  g_type_ensure (ECG_TYPE_PROGRESS_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ecgworkbench/Workbench/ui/"
                                               "ecg-compression-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, settings_box);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, model_label);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, data_label);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, model_button);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, data_button);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, train_entry);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, val_entry);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, test_entry);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, alpha_scale);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, structured_switch);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, class_aware_switch);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, class_aware_scale);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, int8_switch);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, sparsity_scale);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, beta_scale);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, steps_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, kd_switch);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, temperature_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, kd_weight_scale);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, store_entry);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, latency_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, threads_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, int8_label);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, info_bar);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, info_label);
  gtk_widget_class_bind_template_child (widget_class, EcgCompressionPanel, chart);
  gtk_widget_class_bind_template_callback (widget_class, on_info_bar_response);
  /* The help popovers and their texts need no field, but are reachable by name
   * (gtk_widget_get_template_child) for tests and tools. */
  static const char *const helps[] = { "model",       "data",        "train",
                                       "val",         "test",        "method",
                                       "alpha",       "structured",  "class_aware",
                                       "class_aware_weight", "sparsity", "beta",
                                       "steps",       "epochs",      "kd",
                                       "temperature", "kd_weight",   "store",
                                       "int8" };
  for (gsize i = 0; i < G_N_ELEMENTS (helps); i++)
    {
      g_autofree char *popover = g_strconcat (helps[i], "_help", NULL);
      g_autofree char *label = g_strconcat (helps[i], "_help_label", NULL);
      gtk_widget_class_bind_template_child_full (widget_class, popover, FALSE, 0);
      gtk_widget_class_bind_template_child_full (widget_class, label, FALSE, 0);
    }

  gtk_widget_class_install_action (widget_class, "compression.run", NULL, run_activated);
  gtk_widget_class_install_action (widget_class, "compression.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "compression.reset", NULL, reset_activated);
  gtk_widget_class_install_action (widget_class, "compression.choose-model", NULL,
                                   choose_activated);
  gtk_widget_class_install_action (widget_class, "compression.choose-data", NULL,
                                   choose_activated);
  gtk_widget_class_install_action (widget_class, "compression.choose-store", NULL,
                                   choose_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "compression.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "compression.run", NULL);

  gtk_widget_class_set_css_name (widget_class, "compressionpanel");
}

static void
ecg_compression_panel_init (EcgCompressionPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->shown_step = -1;
  gtk_scale_set_format_value_func (self->sparsity_scale, format_percent, NULL, NULL);
  gtk_spin_button_set_range (self->threads_spin, 1, MAX (1, g_get_num_processors ()));
  g_signal_connect (self->method_dropdown, "notify::selected", G_CALLBACK (on_method_changed),
                    self);
  g_signal_connect (self->store_entry, "notify::text", G_CALLBACK (on_store_text_changed), self);
  g_signal_connect (self->structured_switch, "notify::active",
                    G_CALLBACK (on_class_aware_changed), self);
  g_signal_connect (self->class_aware_switch, "notify::active",
                    G_CALLBACK (on_class_aware_changed), self);
  g_signal_connect (self->steps_spin, "value-changed", G_CALLBACK (on_schedule_changed), self);
  g_signal_connect (self->epochs_spin, "value-changed", G_CALLBACK (on_schedule_changed), self);

  set_defaults (self);
  on_class_aware_changed (self->class_aware_switch, NULL, self);
  set_running (self, FALSE);
  on_schedule_changed (self->steps_spin, self);
}

GtkWidget *
ecg_compression_panel_new (void)
{
  return g_object_new (ECG_TYPE_COMPRESSION_PANEL, NULL);
}
