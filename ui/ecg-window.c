/* ecg-window.c — the main window: a folder's records in the sidebar, the selected record on
 * ECG paper. The folder is enumerated by GtkDirectoryList and records are read by
 * ecg-record-loader in a worker thread, so nothing here waits on disk. */
#include "ecg-window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ecg-application.h"
#include "ecg-config.h"
#include "ecg-record-loader.h"

G_DEFINE_FINAL_TYPE (EcgWindow, ecg_window, GTK_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  RECORD_BEATS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a load needs to know when it returns: whether it is still wanted, and its name. */
typedef struct
{
  GCancellable *cancellable;
  char *record_name;
} LoadContext;

static void
load_context_free (LoadContext *context)
{
  g_object_unref (context->cancellable);
  g_free (context->record_name);
  g_free (context);
}

/* "100.hea" → "100". Returns an owned string. */
static char *
record_name_from_info (GFileInfo *info)
{
  const char *file_name = g_file_info_get_name (info);
  return g_strndup (file_name, strlen (file_name) - strlen (".hea"));
}

static gboolean
is_record_header (gpointer item, gpointer user_data)
{
  GFileInfo *info = item;
  const char *file_name = g_file_info_get_name (info);
  return g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && file_name[0] != '.'
         && strlen (file_name) > strlen (".hea") && g_str_has_suffix (file_name, ".hea");
}

/* Natural order, as a file manager sorts: "2" before "10". */
static int
compare_record_headers (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const char *name_a = g_file_info_get_name ((GFileInfo *) a);
  const char *name_b = g_file_info_get_name ((GFileInfo *) b);
  g_autofree char *key_a = g_utf8_collate_key_for_filename (name_a, -1);
  g_autofree char *key_b = g_utf8_collate_key_for_filename (name_b, -1);
  return strcmp (key_a, key_b);
}

/* The record of a listed header, as a path without ".hea". GtkDirectoryList stores each
 * entry's GFile in "standard::file": a PTB-XL record lives in a subfolder of the opened
 * folder, so its own parent names its folder. Returns an owned string, or NULL for a file
 * that is not on this computer. */
static char *
record_path_from_info (EcgWindow *self, GFileInfo *info)
{
  g_autofree char *name = record_name_from_info (info);
  GObject *file = g_file_info_get_attribute_object (info, "standard::file");
  g_autoptr (GFile) parent = G_IS_FILE (file) ? g_file_get_parent (G_FILE (file)) : NULL;
  GFile *folder = parent != NULL ? parent : self->folder;
  g_autofree char *folder_path = folder != NULL ? g_file_get_path (folder) : NULL;
  return folder_path != NULL ? g_build_filename (folder_path, name, NULL) : NULL;
}

/* Whether the folder, or in a PTB-XL tree its records folder or any subfolder, is still being
 * read. */
static gboolean
listing_is_loading (EcgWindow *self)
{
  if (gtk_directory_list_is_loading (self->directory_list))
    return TRUE;
  if (self->ptbxl_records_dir == NULL)
    return FALSE;
  if (gtk_directory_list_is_loading (self->ptbxl_records_dir))
    return TRUE;
  GListModel *subfolders = G_LIST_MODEL (self->ptbxl_subfolders);
  guint n = g_list_model_get_n_items (subfolders);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkDirectoryList) list = g_list_model_get_item (subfolders, i);
      if (gtk_directory_list_is_loading (list))
        return TRUE;
    }
  return FALSE;
}

/* The first error met reading the folder or its PTB-XL subfolders, or NULL. */
static const GError *
listing_error (EcgWindow *self)
{
  const GError *error = gtk_directory_list_get_error (self->directory_list);
  if (error != NULL || self->ptbxl_records_dir == NULL)
    return error;
  error = gtk_directory_list_get_error (self->ptbxl_records_dir);
  GListModel *subfolders = G_LIST_MODEL (self->ptbxl_subfolders);
  guint n = g_list_model_get_n_items (subfolders);
  for (guint i = 0; error == NULL && i < n; i++)
    {
      g_autoptr (GtkDirectoryList) list = g_list_model_get_item (subfolders, i);
      error = gtk_directory_list_get_error (list);
    }
  return error;
}

/* ---- messages and states ----------------------------------------------------------------- */

static void
show_message (EcgWindow *self, GtkMessageType type, const char *text)
{
  gtk_label_set_text (self->info_label, text);
  gtk_info_bar_set_message_type (self->info_bar, type);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

static void
hide_message (EcgWindow *self)
{
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static void
on_info_bar_response (GtkInfoBar *info_bar, int response, EcgWindow *self)
{
  hide_message (self);
}

const char *
ecg_window_get_message (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  if (!gtk_info_bar_get_revealed (self->info_bar))
    return NULL;
  return gtk_label_get_text (self->info_label);
}

static void
set_loading (EcgWindow *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

gboolean
ecg_window_get_loading (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), FALSE);
  return self->loading;
}

static void
show_empty_state (EcgWindow *self, const char *title, const char *description)
{
  ecg_waveform_view_set_record (self->waveform_view, NULL);
  ecg_error_browser_set_record_path (self->error_browser, NULL);
  gtk_label_set_text (self->empty_title, title);
  gtk_label_set_text (self->empty_description, description);
  gtk_label_set_text (self->record_info_label, "");
  gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

/* "30:05" or "1:02:03". Returns an owned string. */
static char *
format_duration (double seconds)
{
  gint64 total = (gint64) floor (seconds + 0.5);
  if (total >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", total / 3600,
                            (int) (total / 60 % 60), (int) (total % 60));
  return g_strdup_printf ("%d:%02d", (int) (total / 60), (int) (total % 60));
}

static void
update_record_info (EcgWindow *self, const EcgRecord *record)
{
  g_autofree char *duration = format_duration (record->n_samples / record->fs);
  g_autofree char *leads
    = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d lead", "%d leads", record->n_leads),
                       record->n_leads);
  g_autofree char *beats = NULL;
  if (record->annotations != NULL)
    {
      gsize n_beats = ecg_annotation_list_count_beats (record->annotations);
      beats = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu annotated beat",
                                            "%zu annotated beats", n_beats),
                               n_beats);
    }
  else
    beats = g_strdup (_("no annotations"));

  /* Translators: sampling rate · leads · duration · beats, e.g.
   * "360 Hz · 2 leads · 30:06 · 2274 annotated beats". */
  g_autofree char *text = g_strdup_printf (_("%g Hz · %s · %s · %s"), record->fs, leads,
                                           duration, beats);
  gtk_label_set_text (self->record_info_label, text);
}

/* ---- loading a record -------------------------------------------------------------------- */

/* "N 334 · S 15 · V 16": N always, the other AAMI classes when present. Returns an owned
 * string. */
static char *
format_beat_counts (const guint counts[ECG_RECORD_LOADER_N_CLASSES])
{
  static const char *const class_names[ECG_RECORD_LOADER_N_CLASSES] = { "N", "S", "V", "F", "Q" };
  GString *text = g_string_new (NULL);
  for (int k = 0; k < ECG_RECORD_LOADER_N_CLASSES; k++)
    if (k == 0 || counts[k] > 0)
      g_string_append_printf (text, "%s%s %u", text->len > 0 ? " · " : "", class_names[k],
                              counts[k]);
  return g_string_free (text, FALSE);
}

static void
record_loaded (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (source_object);
  LoadContext *context = user_data;
  g_autoptr (GError) error = NULL;

  EcgRecord *record = ecg_record_loader_load_finish (result, &error);
  /* A newer selection (or closing the window) superseded this load. */
  if (g_cancellable_is_cancelled (context->cancellable))
    {
      g_clear_pointer (&record, ecg_record_free);
      load_context_free (context);
      return;
    }
  g_clear_object (&self->load_cancellable);
  set_loading (self, FALSE);

  if (record == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not open record “%s”: %s"),
                                               context->record_name, error->message);
      show_message (self, GTK_MESSAGE_ERROR, text);
      show_empty_state (self, _("Record Not Opened"),
                        _("The record could not be read; the message above says why."));
      load_context_free (context);
      return;
    }

  GString *bad_leads = g_string_new (NULL);
  for (int i = 0; i < record->n_leads; i++)
    if (record->leads[i].checksum_state == ECG_CHECKSUM_BAD)
      g_string_append_printf (bad_leads, "%s%s", bad_leads->len > 0 ? ", " : "",
                              record->leads[i].name);
  if (bad_leads->len > 0)
    {
      g_autofree char *text
        = g_strdup_printf (_("The checksum of %s in record “%s” does not match its header: "
                             "the signal file may be damaged."),
                           bad_leads->str, record->name);
      show_message (self, GTK_MESSAGE_WARNING, text);
    }
  g_string_free (bad_leads, TRUE);

  guint counts[ECG_RECORD_LOADER_N_CLASSES];
  if (ecg_record_loader_get_beat_counts (result, counts))
    {
      g_hash_table_replace (self->record_beats, g_strdup (record->path),
                            format_beat_counts (counts));
      g_signal_emit (self, signals[RECORD_BEATS_CHANGED], 0);
    }

  update_record_info (self, record);
  ecg_waveform_view_set_record (self->waveform_view, record);
  ecg_error_browser_set_record_path (self->error_browser, record->path);
  gtk_stack_set_visible_child_name (self->content_stack, "waveform");
  load_context_free (context);
}

static void
load_selected_record (EcgWindow *self)
{
  self->load_idle_id = 0;

  /* A record named on the command line wins over the first one: wait for the folder. */
  if (self->pending_record_name != NULL && listing_is_loading (self))
    return;

  GFileInfo *info = gtk_single_selection_get_selected_item (self->selection);
  if (info == NULL || self->folder == NULL)
    return;

  g_autofree char *record_name = record_name_from_info (info);
  g_autofree char *record_path = record_path_from_info (self, info);
  gtk_label_set_text (self->title_label, record_name);
  gtk_window_set_title (GTK_WINDOW (self), record_name);
  hide_message (self);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);

  if (record_path == NULL)
    {
      show_message (self, GTK_MESSAGE_ERROR, _("Only folders on this computer can be opened."));
      return;
    }

  self->load_cancellable = g_cancellable_new ();
  LoadContext *context = g_new0 (LoadContext, 1);
  context->cancellable = g_object_ref (self->load_cancellable);
  context->record_name = g_strdup (record_name);

  set_loading (self, TRUE);
  if (ecg_waveform_view_get_record (self->waveform_view) == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "loading");

  ecg_record_loader_load_async (G_OBJECT (self), record_path, ECG_RECORD_ALLOW_BAD_CHECKSUM,
                                self->load_cancellable, record_loaded, context);
}

static gboolean
load_selected_record_idle (gpointer user_data)
{
  load_selected_record (ECG_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

/* Selections arrive in bursts while the folder is read: load once they settle. */
static void
schedule_load (EcgWindow *self)
{
  if (self->load_idle_id == 0)
    self->load_idle_id = g_idle_add (load_selected_record_idle, self);
}

static void
on_selected_item_changed (GtkSingleSelection *selection, GParamSpec *pspec, EcgWindow *self)
{
  schedule_load (self);
}

/* ---- the folder -------------------------------------------------------------------------- */

static void
select_pending_record (EcgWindow *self)
{
  if (self->pending_record_name == NULL)
    return;

  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GFileInfo) info = g_list_model_get_item (model, i);
      g_autofree char *name = record_name_from_info (info);
      if (g_str_equal (name, self->pending_record_name))
        {
          g_clear_pointer (&self->pending_record_name, g_free);
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->record_list), "list.scroll-to-item", "u",
                                      i);
          schedule_load (self);
          return;
        }
    }
}

/* Called whenever the folder's listing changes or finishes. */
static void
update_folder_state (EcgWindow *self)
{
  gboolean listing = listing_is_loading (self);
  const GError *error = listing_error (self);
  guint n_records = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  g_autofree char *folder_name
    = self->folder != NULL ? g_file_get_parse_name (self->folder) : g_strdup ("");

  select_pending_record (self);

  if (listing)
    {
      if (n_records == 0)
        {
          set_loading (self, TRUE);
          gtk_stack_set_visible_child_name (self->content_stack, "loading");
        }
      return;
    }

  if (self->load_cancellable == NULL)
    set_loading (self, FALSE);

  if (error != NULL)
    {
      g_autofree char *text
        = g_strdup_printf (_("Could not read folder “%s”: %s"), folder_name, error->message);
      show_message (self, GTK_MESSAGE_ERROR, text);
      gtk_label_set_text (self->title_label, "");
      show_empty_state (self, _("Folder Not Readable"), text);
      return;
    }

  if (self->pending_record_name != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("There is no record “%s” in “%s”."),
                                               self->pending_record_name, folder_name);
      g_clear_pointer (&self->pending_record_name, g_free);
      show_message (self, GTK_MESSAGE_WARNING, text);
      schedule_load (self);
    }

  if (n_records == 0)
    {
      g_autofree char *text
        = g_strdup_printf (_("“%s” has no WFDB records (.hea files)."), folder_name);
      gtk_label_set_text (self->title_label, "");
      show_empty_state (self, _("No Records"), text);
    }
}

static gboolean
update_folder_state_idle (gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  self->folder_idle_id = 0;
  update_folder_state (self);
  return G_SOURCE_REMOVE;
}

/* Listing changes are handled once the list view has seen them too: changing the selection
 * from inside an items-changed emission confuses the views that have not yet received it. */
static void
schedule_folder_update (EcgWindow *self)
{
  if (self->folder_idle_id == 0)
    self->folder_idle_id = g_idle_add (update_folder_state_idle, self);
}

static void
on_records_changed (GListModel *model, guint position, guint removed, guint added,
                    EcgWindow *self)
{
  schedule_folder_update (self);
}

static void
on_listing_changed (GtkDirectoryList *directory_list, GParamSpec *pspec, EcgWindow *self)
{
  schedule_folder_update (self);
}

/* Natural order of two entries of a GPtrArray of names. */
static int
compare_folder_names (gconstpointer a, gconstpointer b)
{
  g_autofree char *key_a = g_utf8_collate_key_for_filename (*(char *const *) a, -1);
  g_autofree char *key_b = g_utf8_collate_key_for_filename (*(char *const *) b, -1);
  return strcmp (key_a, key_b);
}

/* Once every subfolder of a PTB-XL tree has been read, their records are listed at once. */
static void
on_ptbxl_subfolder_loading (GtkDirectoryList *list, GParamSpec *pspec, EcgWindow *self)
{
  GListModel *subfolders = G_LIST_MODEL (self->ptbxl_subfolders);
  guint n = g_list_model_get_n_items (subfolders);
  if (!listing_is_loading (self) && n > 0
      && g_list_model_get_n_items (G_LIST_MODEL (self->ptbxl_listed)) == 0)
    {
      g_autoptr (GPtrArray) lists = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (lists, g_list_model_get_item (subfolders, i));
      g_list_store_splice (self->ptbxl_listed, 0, 0, lists->pdata, lists->len);
    }
  schedule_folder_update (self);
}

/* The records folder of a PTB-XL tree has been read: list each of its subfolders ("00000",
 * "01000", …), in natural order, through its own directory list. */
static void
on_ptbxl_records_dir_loading (GtkDirectoryList *records_dir, GParamSpec *pspec, EcgWindow *self)
{
  if (gtk_directory_list_is_loading (records_dir)
      || g_list_model_get_n_items (G_LIST_MODEL (self->ptbxl_subfolders)) > 0)
    {
      schedule_folder_update (self);
      return;
    }

  GListModel *entries = G_LIST_MODEL (records_dir);
  guint n = g_list_model_get_n_items (entries);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GFileInfo) info = g_list_model_get_item (entries, i);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY
          && g_file_info_get_name (info)[0] != '.')
        g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
    }
  g_ptr_array_sort (names, compare_folder_names);

  GFile *records_file = gtk_directory_list_get_file (records_dir);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr (GFile) subfolder = g_file_get_child (records_file, names->pdata[i]);
      g_autoptr (GtkDirectoryList) list
        = gtk_directory_list_new ("standard::name,standard::type", subfolder);
      g_signal_connect (list, "notify::loading", G_CALLBACK (on_ptbxl_subfolder_loading), self);
      g_signal_connect (list, "notify::error", G_CALLBACK (on_listing_changed), self);
      g_list_store_append (self->ptbxl_subfolders, list);
    }
  schedule_folder_update (self);
}

/* Stops following a PTB-XL tree's listings; they still feed the record list. */
static void
disconnect_ptbxl_tree (EcgWindow *self)
{
  if (self->ptbxl_records_dir != NULL)
    g_signal_handlers_disconnect_by_data (self->ptbxl_records_dir, self);
  g_clear_object (&self->ptbxl_records_dir);
  GListModel *subfolders = G_LIST_MODEL (self->ptbxl_subfolders);
  guint n = g_list_model_get_n_items (subfolders);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkDirectoryList) list = g_list_model_get_item (subfolders, i);
      g_signal_handlers_disconnect_by_data (list, self);
    }
}

/* Back to listing the opened folder itself. */
static void
clear_ptbxl_tree (EcgWindow *self)
{
  if (self->ptbxl_records_dir == NULL)
    return;
  disconnect_ptbxl_tree (self);
  g_list_store_remove_all (self->ptbxl_subfolders);
  g_list_store_remove_all (self->ptbxl_listed);
  gtk_filter_list_model_set_model (self->headers, G_LIST_MODEL (self->directory_list));
}

/* The folder has been read: a PTB-XL tree (ptbxl_database.csv and records100/ or records500/)
 * lists the records of its records folder's subfolders instead, at 100 Hz when it has them.
 * Decided from the listing alone, so the UI thread never waits on the disk. */
static void
on_folder_loading (GtkDirectoryList *directory_list, GParamSpec *pspec, EcgWindow *self)
{
  if (!gtk_directory_list_is_loading (directory_list) && self->ptbxl_records_dir == NULL
      && self->folder != NULL)
    {
      gboolean has_database = FALSE, has_100 = FALSE, has_500 = FALSE;
      GListModel *entries = G_LIST_MODEL (directory_list);
      guint n = g_list_model_get_n_items (entries);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (GFileInfo) info = g_list_model_get_item (entries, i);
          const char *name = g_file_info_get_name (info);
          GFileType type = g_file_info_get_file_type (info);
          if (type == G_FILE_TYPE_REGULAR && g_str_equal (name, "ptbxl_database.csv"))
            has_database = TRUE;
          else if (type == G_FILE_TYPE_DIRECTORY && g_str_equal (name, "records100"))
            has_100 = TRUE;
          else if (type == G_FILE_TYPE_DIRECTORY && g_str_equal (name, "records500"))
            has_500 = TRUE;
        }
      if (has_database && (has_100 || has_500))
        {
          g_autoptr (GFile) records_file
            = g_file_get_child (self->folder, has_100 ? "records100" : "records500");
          self->ptbxl_records_dir
            = gtk_directory_list_new ("standard::name,standard::type", records_file);
          g_signal_connect (self->ptbxl_records_dir, "notify::loading",
                            G_CALLBACK (on_ptbxl_records_dir_loading), self);
          g_signal_connect (self->ptbxl_records_dir, "notify::error",
                            G_CALLBACK (on_listing_changed), self);
          gtk_filter_list_model_set_model (self->headers, G_LIST_MODEL (self->ptbxl_records));
        }
    }
  schedule_folder_update (self);
}

void
ecg_window_open_folder (EcgWindow *self, GFile *folder, const char *record_name)
{
  g_return_if_fail (ECG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  /* The directory list keeps its listing when given the same folder again. */
  if (self->folder == NULL || !g_file_equal (self->folder, folder))
    clear_ptbxl_tree (self);
  g_set_object (&self->folder, folder);
  g_free (self->pending_record_name);
  self->pending_record_name = g_strdup (record_name);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  hide_message (self);
  ecg_waveform_view_set_record (self->waveform_view, NULL);
  ecg_error_browser_set_record_path (self->error_browser, NULL);
  gtk_label_set_text (self->record_info_label, "");

  g_autofree char *path = g_file_get_path (folder);
  g_autofree char *display
    = path != NULL ? _ecg_window_display_path (path) : g_file_get_parse_name (folder);
  gtk_label_set_text (self->subtitle_label, display);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), TRUE);

  gtk_directory_list_set_file (self->directory_list, folder);
  _ecg_window_remember_folder (self, folder);
  schedule_folder_update (self);
}

void
ecg_window_open_file (EcgWindow *self, GFile *file)
{
  g_return_if_fail (ECG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* Decided by the name alone, so that a drop never waits on the disk. */
  static const char *const record_suffixes[] = { ".hea", ".dat", ".atr" };
  g_autofree char *base_name = g_file_get_basename (file);
  g_autoptr (GFile) parent = g_file_get_parent (file);
  for (gsize i = 0; base_name != NULL && parent != NULL && i < G_N_ELEMENTS (record_suffixes);
       i++)
    if (g_str_has_suffix (base_name, record_suffixes[i])
        && strlen (base_name) > strlen (record_suffixes[i]))
      {
        g_autofree char *record_name
          = g_strndup (base_name, strlen (base_name) - strlen (record_suffixes[i]));
        ecg_window_open_folder (self, parent, record_name);
        return;
      }
  ecg_window_open_folder (self, file, NULL);
}

/* A folder or a record's file dropped on the window (from a file manager): the first one
 * is opened. */
static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, EcgWindow *self)
{
  GFile *file = NULL;
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);
      file = files != NULL ? files->data : NULL;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);
  if (file == NULL)
    return FALSE;
  ecg_window_open_file (self, file);
  ecg_window_show_page (self, "records");
  return TRUE;
}

GFile *
ecg_window_get_folder (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  return self->folder;
}

GListModel *
ecg_window_get_records (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

EcgWaveformView *
ecg_window_get_waveform_view (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  return self->waveform_view;
}

EcgCompressionPanel *
ecg_window_get_compression_panel (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  return self->compression_panel;
}

EcgRunsView *
ecg_window_get_runs_view (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  return self->runs_view;
}

EcgErrorBrowser *
ecg_window_get_error_browser (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  return self->error_browser;
}

EcgEnergyView *
ecg_window_get_energy_view (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  return self->energy_view;
}

void
ecg_window_show_page (EcgWindow *self, const char *page)
{
  g_return_if_fail (ECG_IS_WINDOW (self));
  g_return_if_fail (page != NULL);
  gtk_stack_set_visible_child_name (self->page_stack, page);
}

const char *
ecg_window_get_page (EcgWindow *self)
{
  g_return_val_if_fail (ECG_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->page_stack);
}

/* ---- the Compress and Runs pages --------------------------------------------------------- */

/* A PTB-XL record picked in the misclassified list: show it on the paper. */
static void
on_multilabel_record_activated (EcgMultilabelView *view, const char *name, const char *path,
                                EcgWindow *self)
{
  if (path == NULL)
    return;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) folder = g_file_get_parent (file);
  g_autofree char *record = g_file_get_basename (file);
  ecg_window_open_folder (self, folder, record);
  ecg_window_show_page (self, "records");
}

/* The zoom buttons belong to the ECG paper. */
static void
on_page_changed (GtkStack *stack, GParamSpec *pspec, EcgWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->zoom_box),
                          g_strcmp0 (gtk_stack_get_visible_child_name (stack), "records") == 0);
}

/* A job created its run, committed a step or ended: the runs list follows. */
static void
on_run_changed (EcgCompressionPanel *panel, gint64 run_id, EcgWindow *self)
{
  ecg_runs_view_refresh (self->runs_view);
}

/* Resume runs in the compression panel, where its progress, chart and Cancel are. */
static void
on_resume_run (EcgRunsView *view, gint64 run_id, EcgWindow *self)
{
  const char *store_path = ecg_runs_view_get_store_path (view);
  if (store_path == NULL || ecg_compression_panel_get_running (self->compression_panel))
    return;
  ecg_compression_panel_resume_run (self->compression_panel, store_path, run_id);
  gtk_stack_set_visible_child_name (self->page_stack, "compress");
}

/* Re-run loads a run's settings into the compression panel, where they can be changed first. */
static void
on_rerun_run (EcgRunsView *view, gint64 run_id, JsonObject *config, EcgWindow *self)
{
  if (ecg_compression_panel_get_running (self->compression_panel))
    return;
  ecg_compression_panel_load_settings (self->compression_panel, config);
  gtk_stack_set_visible_child_name (self->page_stack, "compress");
}

/* ---- sidebar rows ------------------------------------------------------------------------ */

/* The current model's errors in the record of a row's `errors_label` (its "record-path"), once
 * the record has been classified. */
static void
update_row_errors (EcgErrorBrowser *browser, GtkLabel *errors_label)
{
  const char *path = g_object_get_data (G_OBJECT (errors_label), "record-path");
  gpointer errors;
  g_autofree char *text = NULL;
  if (path != NULL
      && g_hash_table_lookup_extended (ecg_error_browser_get_record_errors (browser), path, NULL,
                                       &errors))
    /* Translators: the current model's misclassified beats in a record, in the sidebar. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu error", "%zu errors",
                                         GPOINTER_TO_SIZE (errors)),
                            GPOINTER_TO_SIZE (errors));
  gtk_label_set_text (errors_label, text != NULL ? text : "");
}

/* The reference beats per class of the record of a row's `beats_label` (its "record-path"),
 * once the record has been read. */
static void
update_row_beats (GtkLabel *beats_label, EcgWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (beats_label), "record-path");
  const char *text = path != NULL ? g_hash_table_lookup (self->record_beats, path) : NULL;
  gtk_label_set_text (beats_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (beats_label), text != NULL);
}

static void
setup_record_row (GtkSignalListItemFactory *factory, GtkListItem *list_item,
                  gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (names, TRUE);
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  GtkWidget *beats = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (beats), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (beats), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (beats, "dim-label");
  gtk_widget_add_css_class (beats, "numeric");
  gtk_widget_add_css_class (beats, "caption");
  gtk_widget_set_visible (beats, FALSE);
  gtk_box_append (GTK_BOX (names), label);
  gtk_box_append (GTK_BOX (names), beats);
  g_signal_connect_object (self, "record-beats-changed", G_CALLBACK (update_row_beats), beats,
                           G_CONNECT_SWAPPED);
  GtkWidget *errors = gtk_label_new (NULL);
  gtk_widget_add_css_class (errors, "dim-label");
  gtk_widget_add_css_class (errors, "numeric");
  gtk_widget_add_css_class (errors, "caption");
  gtk_box_append (GTK_BOX (box), names);
  gtk_box_append (GTK_BOX (box), errors);
  g_signal_connect_object (self->error_browser, "record-errors-changed",
                           G_CALLBACK (update_row_errors), errors, 0);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_record_row (GtkSignalListItemFactory *factory, GtkListItem *list_item,
                 gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  GFileInfo *info = gtk_list_item_get_item (list_item);
  g_autofree char *name = record_name_from_info (info);
  g_autofree char *path = record_path_from_info (self, info);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *errors = gtk_widget_get_last_child (box);
  GtkWidget *names = gtk_widget_get_first_child (box);
  GtkWidget *beats = gtk_widget_get_last_child (names);
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (names)), name);
  g_object_set_data_full (G_OBJECT (errors), "record-path", g_strdup (path), g_free);
  g_object_set_data_full (G_OBJECT (beats), "record-path", g_steal_pointer (&path), g_free);
  update_row_errors (self->error_browser, GTK_LABEL (errors));
  update_row_beats (GTK_LABEL (beats), self);
}

/* ---- misclassified beats ----------------------------------------------------------------- */

static void
open_model_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  ecg_window_show_page (self, "records");
  gtk_widget_activate_action (GTK_WIDGET (self->error_browser), "errors.open-model", NULL);
}

static void
error_step_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  if (g_str_equal (g_action_get_name (G_ACTION (action)), "next-error"))
    ecg_error_browser_next (self->error_browser);
  else
    ecg_error_browser_previous (self->error_browser);
}

static const GActionEntry error_actions[] = {
  { .name = "open-model", .activate = open_model_activated },
  { .name = "next-error", .activate = error_step_activated },
  { .name = "previous-error", .activate = error_step_activated },
};

/* The browser classifies the record shown with the demo model until another is opened. N / P
 * and Ctrl+. / Ctrl+, step through its list wherever the focus is on the Records page (the
 * paper, the sidebar, the list); a text field still gets its letters first. */
static void
errors_init (EcgWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), error_actions,
                                   G_N_ELEMENTS (error_actions), self);
  ecg_error_browser_set_waveform_view (self->error_browser, self->waveform_view);
  g_autoptr (GFile) model = ecg_application_get_demo_model ();
  g_autofree char *model_path = g_file_get_path (model);
  ecg_error_browser_set_model_path (self->error_browser, model_path);

  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (self->error_browser), GTK_TYPE_PANED);
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (
    GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("n|<Control>period"),
                      gtk_named_action_new ("win.next-error")));
  gtk_shortcut_controller_add_shortcut (
    GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("p|<Control>comma"),
                      gtk_named_action_new ("win.previous-error")));
  gtk_widget_add_controller (page != NULL ? page : GTK_WIDGET (self), shortcuts);
}

/* ---- window ------------------------------------------------------------------------------ */

static void
update_zoom_label (EcgWaveformView *view, GParamSpec *pspec, EcgWindow *self)
{
  /* Translators: the paper speed, e.g. "25 mm/s". */
  g_autofree char *text
    = g_strdup_printf (_("%g mm/s"), ecg_waveform_view_get_paper_speed (view));
  gtk_button_set_label (self->zoom_button, text);
}

static gboolean
ecg_window_close_request (GtkWindow *window)
{
  EcgWindow *self = ECG_WINDOW (window);
  gboolean maximized = gtk_window_is_maximized (window);

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      int width, height;
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);

  return GTK_WINDOW_CLASS (ecg_window_parent_class)->close_request (window);
}

static void
ecg_window_dispose (GObject *object)
{
  EcgWindow *self = ECG_WINDOW (object);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->load_idle_id, g_source_remove);
  g_clear_handle_id (&self->folder_idle_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), ECG_TYPE_WINDOW);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->directory_list != NULL)
    g_signal_handlers_disconnect_by_data (self->directory_list, self);
  /* Not switched back to the folder's listing: the list view is gone already. */
  if (self->ptbxl_subfolders != NULL)
    disconnect_ptbxl_tree (self);
  g_clear_object (&self->selection);
  self->headers = NULL;
  g_clear_object (&self->ptbxl_records);
  g_clear_object (&self->ptbxl_subfolders);
  g_clear_object (&self->ptbxl_listed);
  g_clear_object (&self->directory_list);
  g_clear_object (&self->folder);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->pending_record_name, g_free);
  g_clear_pointer (&self->record_beats, g_hash_table_unref);

  G_OBJECT_CLASS (ecg_window_parent_class)->dispose (object);
}

static void
ecg_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EcgWindow *self = ECG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_window_class_init (EcgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ecg_window_dispose;
  object_class->get_property = ecg_window_get_property;
  window_class->close_request = ecg_window_close_request;

  properties[PROP_LOADING]
    = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A record's beats per class became known: the sidebar rows follow. */
  signals[RECORD_BEATS_CHANGED]
    = g_signal_new ("record-beats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (ECG_TYPE_WAVEFORM_VIEW);
  g_type_ensure (ECG_TYPE_COMPRESSION_PANEL);
  g_type_ensure (ECG_TYPE_RUNS_VIEW);
  g_type_ensure (ECG_TYPE_ERROR_BROWSER);
  g_type_ensure (ECG_TYPE_ENERGY_VIEW);
  g_type_ensure (ECG_TYPE_MULTILABEL_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ecgworkbench/Workbench/ui/"
                                               "ecg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, record_list);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, info_bar);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, info_label);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, empty_title);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, empty_description);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, waveform_view);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, record_info_label);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, page_stack);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, zoom_box);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, compression_panel);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, runs_view);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, error_browser);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, energy_view);
  gtk_widget_class_bind_template_child (widget_class, EcgWindow, multilabel_view);
  gtk_widget_class_bind_template_callback (widget_class, on_info_bar_response);

  _ecg_window_class_actions_init (widget_class);
}

static void
ecg_window_init (EcgWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (ECG_APP_ID);
  self->record_beats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* The folder's records: every regular *.hea file, in natural name order. In a PTB-XL tree
   * the filter's source becomes the flattened listings of the records folder's subfolders. */
  self->directory_list = gtk_directory_list_new ("standard::name,standard::type", NULL);
  gtk_directory_list_set_monitored (self->directory_list, TRUE);
  self->ptbxl_subfolders = g_list_store_new (GTK_TYPE_DIRECTORY_LIST);
  self->ptbxl_listed = g_list_store_new (GTK_TYPE_DIRECTORY_LIST);
  self->ptbxl_records
    = gtk_flatten_list_model_new (G_LIST_MODEL (g_object_ref (self->ptbxl_listed)));
  GtkFilter *filter = GTK_FILTER (gtk_custom_filter_new (is_record_header, NULL, NULL));
  GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_record_headers, NULL, NULL));
  self->headers
    = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->directory_list)), filter);
  GtkSortListModel *sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->headers), sorter);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item",
                    G_CALLBACK (on_selected_item_changed), self);
  g_signal_connect (self->selection, "items-changed", G_CALLBACK (on_records_changed), self);
  g_signal_connect (self->directory_list, "notify::loading", G_CALLBACK (on_folder_loading),
                    self);
  g_signal_connect (self->directory_list, "notify::error", G_CALLBACK (on_listing_changed),
                    self);

  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_record_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_record_row), self);
  gtk_list_view_set_factory (self->record_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->record_list, GTK_SELECTION_MODEL (self->selection));

  /* Paper calibration and style come from the settings. */
  g_settings_bind (self->settings, "screen-dpi", self->waveform_view, "screen-dpi",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "dark-grid", self->waveform_view, "dark-paper",
                   G_SETTINGS_BIND_GET);
  /* The display filters and the lead layout, changed from the paper's menu, are remembered. */
  g_settings_bind (self->settings, "display-remove-baseline", self->waveform_view,
                   "remove-baseline", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "display-mains-notch", self->waveform_view, "mains-notch",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "lead-layout", self->waveform_view, "lead-layout",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect (self->waveform_view, "notify::paper-speed", G_CALLBACK (update_zoom_label),
                    self);
  update_zoom_label (self->waveform_view, NULL, self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* The runs view shows the store the panel writes, and offers no resume while a job runs. */
  g_object_bind_property (self->compression_panel, "store-path", self->runs_view, "store-path",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->compression_panel, "running", self->runs_view, "busy",
                          G_BINDING_SYNC_CREATE);
  /* The Energy page shows the model being compressed unless another is picked there. */
  g_object_bind_property (self->compression_panel, "model-path", self->energy_view,
                          "model-path", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->compression_panel, "run-changed", G_CALLBACK (on_run_changed),
                           self, 0);
  g_signal_connect_object (self->runs_view, "resume-run", G_CALLBACK (on_resume_run), self, 0);
  g_signal_connect_object (self->runs_view, "rerun-run", G_CALLBACK (on_rerun_run), self, 0);
  g_signal_connect_object (self->multilabel_view, "record-activated",
                           G_CALLBACK (on_multilabel_record_activated), self, 0);
  g_signal_connect_object (self->page_stack, "notify::visible-child-name",
                           G_CALLBACK (on_page_changed), self, 0);
  on_page_changed (self->page_stack, NULL, self);

  GtkDropTarget *drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop_target, (GType[]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (drop_target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  show_empty_state (self, _("No Records"), _("Open a folder of WFDB records (.hea files)."));
  _ecg_window_actions_init (self);
  errors_init (self);
}

EcgWindow *
ecg_window_new (GtkApplication *application)
{
  return g_object_new (ECG_TYPE_WINDOW, "application", application, NULL);
}
