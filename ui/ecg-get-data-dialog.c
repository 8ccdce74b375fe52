/* ecg-get-data-dialog.c — the Get Data dialog: dataset, destination, progress, cancel, errors.
 * The download itself is ecg_download_folder_async(): a GTask worker thread whose progress
 * arrives here, in the main context, coalesced. */
#include "ecg-get-data-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ecg-config.h"
#include "ecg-error.h"
#include "fetch/ecg-download.h"

/* What the dialog offers. The folder name under the data folder is the id. */
typedef struct
{
  const char *id;
  const char *settings_key; /* its base URL */
  const char *name;
  const char *description;
  const char *const *exclude;
} Dataset;

/* The 500 Hz copies of PTB-XL are five times the size of the 100 Hz ones the workbench uses. */
static const char *const ptbxl_exclude[] = { "records500/", NULL };

static const Dataset datasets[] = {
  {
    .id = "mitdb",
    .settings_key = "mitdb-url",
    .name = N_("MIT-BIH Arrhythmia Database"),
    .description = N_("48 half-hour two-lead records at 360 Hz with reference beat annotations, "
                      "about 100 MB. Open Data Commons Attribution License 1.0: cite Moody and "
                      "Mark (2001) and Goldberger et al. (2000)."),
  },
  {
    .id = "ptb-xl",
    .settings_key = "ptbxl-url",
    .name = N_("PTB-XL, 100 Hz records"),
    .description = N_("21,799 ten-second twelve-lead records at 100 Hz with diagnostic "
                      "statements, about 0.55 GB (the 500 Hz copies are left out). Creative "
                      "Commons Attribution 4.0: cite Wagner et al. (2020) and Goldberger et al. "
                      "(2000)."),
    .exclude = ptbxl_exclude,
  },
};

struct _EcgGetDataDialog
{
  GtkWindow parent_instance;

  GSettings *settings;
  guint dataset; /* index into datasets[] */
  GFile *destination;
  GtkFileChooserNative *chooser;
  GCancellable *cancellable; /* of the running download */
  gboolean running;
  gboolean closed; /* closing or disposed: late progress and results are dropped */
  char *message;

  /* Template children */
  GtkDropDown *dataset_dropdown;
  GtkLabel *description_label;
  GtkLabel *source_label;
  GtkLabel *destination_label;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkButton *download_button;
  GtkButton *cancel_button;
};

G_DEFINE_FINAL_TYPE (EcgGetDataDialog, ecg_get_data_dialog, GTK_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum
{
  FOLDER_READY,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* "/home/ana/.local/share/x" → "~/.local/share/x", for labels. Returns an owned string. */
static char *
display_path (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    return g_file_get_parse_name (file);
  const char *home = g_get_home_dir ();
  gsize home_length = strlen (home);
  if (home_length > 1 && g_str_has_prefix (path, home) && path[home_length] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + home_length, NULL);
  return g_filename_display_name (path);
}

static void
show_message (EcgGetDataDialog *self, GtkMessageType type, const char *text)
{
  g_free (self->message);
  self->message = g_strdup (text);
  gtk_label_set_text (self->info_label, text);
  gtk_info_bar_set_message_type (self->info_bar, type);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

static void
hide_message (EcgGetDataDialog *self)
{
  g_clear_pointer (&self->message, g_free);
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static void
on_info_bar_response (GtkInfoBar *info_bar, int response, EcgGetDataDialog *self)
{
  hide_message (self);
}

static void
update_actions (EcgGetDataDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "get-data.download", !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "get-data.choose-folder", !self->running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->dataset_dropdown), !self->running);
  gtk_button_set_label (self->cancel_button, self->running ? _("_Cancel") : _("_Close"));
}

static void
set_running (EcgGetDataDialog *self, gboolean running)
{
  if (self->running == running)
    return;
  self->running = running;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
update_source (EcgGetDataDialog *self)
{
  g_autofree char *url
    = g_settings_get_string (self->settings, datasets[self->dataset].settings_key);
  gtk_label_set_text (self->source_label, url);
}

static void
update_destination (EcgGetDataDialog *self)
{
  g_autofree char *text = display_path (self->destination);
  gtk_label_set_text (self->destination_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->destination_label), text);
}

/* A new dataset: its description, source and default folder; the last run's traces go. */
static void
select_dataset (EcgGetDataDialog *self, guint index)
{
  self->dataset = index;
  const Dataset *dataset = &datasets[index];
  gtk_label_set_text (self->description_label, _(dataset->description));
  update_source (self);

  g_autofree char *folder
    = g_build_filename (g_get_user_data_dir (), "ecg-workbench", dataset->id, NULL);
  g_clear_object (&self->destination);
  self->destination = g_file_new_for_path (folder);
  update_destination (self);

  hide_message (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_label_set_text (self->status_label, "");
  gtk_button_set_label (self->download_button, _("_Download"));
}

static void
on_dataset_selected (GtkDropDown *dropdown, GParamSpec *pspec, EcgGetDataDialog *self)
{
  guint index = gtk_drop_down_get_selected (dropdown);
  if (index < G_N_ELEMENTS (datasets) && index != self->dataset)
    select_dataset (self, index);
}

static void
on_settings_changed (GSettings *settings, const char *key, EcgGetDataDialog *self)
{
  if (g_str_equal (key, datasets[self->dataset].settings_key))
    update_source (self);
}

/* ---- the download ------------------------------------------------------------------------ */

static void
on_progress (const EcgDownloadProgress *progress, gpointer user_data)
{
  EcgGetDataDialog *self = ECG_GET_DATA_DIALOG (user_data);
  if (self->closed)
    return;

  gtk_progress_bar_set_fraction (self->progress_bar, progress->fraction);
  g_autofree char *received = g_format_size (progress->bytes_received);
  /* Translators: progress of a download, e.g. "12 of 144 files · 3.2 MB received". */
  g_autofree char *text
    = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u file · %s received",
                                    "%u of %u files · %s received", progress->n_files),
                       progress->n_done, progress->n_files, received);
  gtk_progress_bar_set_text (self->progress_bar, text);

  if (progress->file == NULL)
    gtk_label_set_text (self->status_label, "");
  else if (progress->file_size > 0)
    {
      g_autofree char *done = g_format_size (progress->file_bytes);
      g_autofree char *size = g_format_size (progress->file_size);
      /* Translators: the file being received, e.g. "100.dat: 1.2 MB of 2.0 MB". */
      g_autofree char *status = g_strdup_printf (_("%s: %s of %s"), progress->file, done, size);
      gtk_label_set_text (self->status_label, status);
    }
  else
    gtk_label_set_text (self->status_label, progress->file);
}

static void
download_done (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgGetDataDialog *self = ECG_GET_DATA_DIALOG (source_object);
  g_autoptr (GError) error = NULL;
  EcgDownloadSummary summary = { 0 };
  gboolean ok = ecg_download_folder_finish (result, &summary, &error);

  g_clear_object (&self->cancellable);
  if (self->closed)
    return;
  set_running (self, FALSE);

  if (ok)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      /* The window opens the folder; the dialog's work is done. */
      g_autoptr (GFile) folder = g_object_ref (self->destination);
      g_signal_emit (self, signals[FOLDER_READY], 0, folder);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  gtk_button_set_label (self->download_button, _("_Resume"));
  if (g_error_matches (error, ECG_ERROR, ECG_ERROR_CANCELLED))
    {
      show_message (self, GTK_MESSAGE_INFO,
                    _("Download cancelled. The files received so far are kept: Resume "
                      "continues where it stopped."));
      return;
    }
  /* Translators: %s is the engine's message, naming the files that failed and why. */
  g_autofree char *text = g_strdup_printf (_("Download incomplete — %s"), error->message);
  show_message (self, GTK_MESSAGE_ERROR, text);
}

static void
start_download (EcgGetDataDialog *self)
{
  if (self->running)
    return;
  g_autofree char *destination = g_file_get_path (self->destination);
  if (destination == NULL)
    {
      show_message (self, GTK_MESSAGE_ERROR,
                    _("Choose a folder on this computer for the downloaded files."));
      return;
    }

  const Dataset *dataset = &datasets[self->dataset];
  g_autofree char *url = g_settings_get_string (self->settings, dataset->settings_key);
  hide_message (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Reading the file list…"));
  gtk_label_set_text (self->status_label, "");
  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);
  ecg_download_folder_async (G_OBJECT (self), url, destination, dataset->exclude, on_progress,
                             self, self->cancellable, download_done, NULL);
}

/* ---- actions ----------------------------------------------------------------------------- */

static void
action_download (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_download (ECG_GET_DATA_DIALOG (widget));
}

static void
action_cancel (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgGetDataDialog *self = ECG_GET_DATA_DIALOG (widget);
  if (self->running)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
folder_chosen (GtkNativeDialog *chooser, int response, EcgGetDataDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (folder != NULL)
        ecg_get_data_dialog_set_destination (self, folder);
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
action_choose_folder (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgGetDataDialog *self = ECG_GET_DATA_DIALOG (widget);
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Download Into"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_autoptr (GFile) parent = g_file_get_parent (self->destination);
  if (parent != NULL && g_file_query_exists (parent, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
  g_signal_connect (self->chooser, "response", G_CALLBACK (folder_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- public ------------------------------------------------------------------------------ */

void
ecg_get_data_dialog_set_dataset (EcgGetDataDialog *self, const char *id)
{
  g_return_if_fail (ECG_IS_GET_DATA_DIALOG (self));
  g_return_if_fail (id != NULL);
  if (self->running)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (datasets); i++)
    if (g_str_equal (datasets[i].id, id))
      {
        /* The drop-down's notify selects it (and nothing happens if it was selected). */
        gtk_drop_down_set_selected (self->dataset_dropdown, i);
        return;
      }
  g_warning ("No dataset “%s”", id);
}

const char *
ecg_get_data_dialog_get_dataset (EcgGetDataDialog *self)
{
  g_return_val_if_fail (ECG_IS_GET_DATA_DIALOG (self), NULL);
  return datasets[self->dataset].id;
}

void
ecg_get_data_dialog_set_destination (EcgGetDataDialog *self, GFile *folder)
{
  g_return_if_fail (ECG_IS_GET_DATA_DIALOG (self));
  g_return_if_fail (G_IS_FILE (folder));
  if (self->running)
    return;
  g_set_object (&self->destination, folder);
  update_destination (self);
  hide_message (self);
  gtk_button_set_label (self->download_button, _("_Download"));
}

GFile *
ecg_get_data_dialog_get_destination (EcgGetDataDialog *self)
{
  g_return_val_if_fail (ECG_IS_GET_DATA_DIALOG (self), NULL);
  return self->destination;
}

gboolean
ecg_get_data_dialog_get_running (EcgGetDataDialog *self)
{
  g_return_val_if_fail (ECG_IS_GET_DATA_DIALOG (self), FALSE);
  return self->running;
}

const char *
ecg_get_data_dialog_get_message (EcgGetDataDialog *self)
{
  g_return_val_if_fail (ECG_IS_GET_DATA_DIALOG (self), NULL);
  return self->message;
}

EcgGetDataDialog *
ecg_get_data_dialog_new (GtkWindow *parent)
{
  return g_object_new (ECG_TYPE_GET_DATA_DIALOG, "transient-for", parent, NULL);
}

/* ---- GObject ----------------------------------------------------------------------------- */

/* Closing stops the download: the worker notices at its next block and its result is dropped. */
static gboolean
ecg_get_data_dialog_close_request (GtkWindow *window)
{
  EcgGetDataDialog *self = ECG_GET_DATA_DIALOG (window);
  self->closed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (ecg_get_data_dialog_parent_class)->close_request (window);
}

static void
ecg_get_data_dialog_dispose (GObject *object)
{
  EcgGetDataDialog *self = ECG_GET_DATA_DIALOG (object);

  self->closed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->dataset_dropdown != NULL)
    g_signal_handlers_disconnect_by_data (self->dataset_dropdown, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ECG_TYPE_GET_DATA_DIALOG);
  g_clear_object (&self->settings);
  g_clear_object (&self->destination);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (ecg_get_data_dialog_parent_class)->dispose (object);
}

static void
ecg_get_data_dialog_get_property (GObject *object, guint prop_id, GValue *value,
                                  GParamSpec *pspec)
{
  EcgGetDataDialog *self = ECG_GET_DATA_DIALOG (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_get_data_dialog_class_init (EcgGetDataDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ecg_get_data_dialog_dispose;
  object_class->get_property = ecg_get_data_dialog_get_property;
  window_class->close_request = ecg_get_data_dialog_close_request;

  properties[PROP_RUNNING]
    = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FOLDER_READY] = g_signal_new ("folder-ready", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ecgworkbench/Workbench/ui/"
                                               "ecg-get-data-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, dataset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, description_label);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, source_label);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, destination_label);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, info_bar);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, info_label);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, download_button);
  gtk_widget_class_bind_template_child (widget_class, EcgGetDataDialog, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_info_bar_response);

  gtk_widget_class_install_action (widget_class, "get-data.download", NULL, action_download);
  gtk_widget_class_install_action (widget_class, "get-data.cancel", NULL, action_cancel);
  gtk_widget_class_install_action (widget_class, "get-data.choose-folder", NULL,
                                   action_choose_folder);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "get-data.cancel", NULL);
}

static void
ecg_get_data_dialog_init (EcgGetDataDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (ECG_APP_ID);
  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);

  const char *names[G_N_ELEMENTS (datasets) + 1] = { NULL };
  for (guint i = 0; i < G_N_ELEMENTS (datasets); i++)
    names[i] = _(datasets[i].name);
  g_autoptr (GtkStringList) model = gtk_string_list_new (names);
  gtk_drop_down_set_model (self->dataset_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->dataset_dropdown, 0);
  select_dataset (self, 0);
  g_signal_connect (self->dataset_dropdown, "notify::selected",
                    G_CALLBACK (on_dataset_selected), self);
  update_actions (self);
}
