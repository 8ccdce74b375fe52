/* ecg-runs-view.c — the runs of a store, their comparison figure, rename, delete and resume.
 *
 * The list is a GListStore of EcgRunItem behind the column view's sorter and a multi-selection.
 * A refresh reads every run with its steps in a worker thread and replaces the items, keeping
 * the selection by run id; rename, notes and delete are worker-thread edits followed by a
 * refresh. Re-run and compare settings only read the runs already loaded. */
#include "ecg-runs-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ecg-error.h"
#include "ecg-run-item.h"
#include "plot/ecg-plot-spec.h"
#include "store/ecg-run-store.h"

struct _EcgRunsView
{
  GtkWidget parent_instance;

  char *store_path;
  gboolean busy;
  gboolean loading;
  GCancellable *refresh_cancellable;
  GCancellable *edit_cancellable; /* cancelled on dispose only: edits always finish */

  GListStore *runs;            /* EcgRunItem */
  GtkSortListModel *sorted;
  GtkMultiSelection *selection;

  /* Template children */
  GtkButton *resume_button;
  GtkButton *rerun_button;
  GtkMenuButton *rename_button;
  GtkMenuButton *notes_button;
  GtkPopover *notes_popover;
  GtkTextView *notes_view;
  GtkMenuButton *compare_button;
  GtkPopover *compare_popover;
  GtkLabel *compare_label;
  GtkGrid *compare_grid;
  GtkPopover *rename_popover;
  GtkEntry *rename_entry;
  GtkSpinner *spinner;
  GtkLabel *store_label;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkStack *list_stack;
  GtkLabel *empty_description;
  GtkColumnView *column_view;
  GtkColumnViewColumn *id_column;
  GtkColumnViewColumn *kind_column;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *settings_column;
  GtkColumnViewColumn *sparsity_column;
  GtkColumnViewColumn *steps_column;
  GtkColumnViewColumn *f1_column;
  GtkColumnViewColumn *created_column;
  GtkDropDown *plot_kind_dropdown;
  GtkLabel *energy_label;
  GtkDropDown *energy_dropdown;
  GtkLabel *selection_label;
  EcgPlotView *plot_view;
};

G_DEFINE_FINAL_TYPE (EcgRunsView, ecg_runs_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE_PATH,
  PROP_BUSY,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  RESUME_RUN,
  RERUN_RUN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The figures of the plot dropdown, in its order. */
static const EcgPlotKind plot_kinds[] = {
  ECG_PLOT_F1_VS_SPARSITY,    ECG_PLOT_ENERGY_VS_SPARSITY, ECG_PLOT_F1_VS_ENERGY,
  ECG_PLOT_ACCURACY_VS_SPARSITY, ECG_PLOT_LOSS_CURVES,
};
/* The energy figures of the energy dropdown, in its order. */
static const EcgPlotEnergy plot_energies[] = {
  ECG_PLOT_ENERGY_OP_MODEL_45NM,
  ECG_PLOT_ENERGY_TF_FLOPS,
  ECG_PLOT_ENERGY_PROXY,
  ECG_PLOT_ENERGY_MEASURED,
};

/* ---- messages ------------------------------------------------------------------------------ */

static void
show_error (EcgRunsView *self, const char *text)
{
  gtk_label_set_text (self->info_label, text);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

static void
hide_error (EcgRunsView *self)
{
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static void
on_info_bar_response (GtkInfoBar *info_bar, int response, EcgRunsView *self)
{
  hide_error (self);
}

const char *
ecg_runs_view_get_message (EcgRunsView *self)
{
  g_return_val_if_fail (ECG_IS_RUNS_VIEW (self), NULL);
  if (!gtk_info_bar_get_revealed (self->info_bar))
    return NULL;
  return gtk_label_get_text (self->info_label);
}

/* ---- the selection ------------------------------------------------------------------------- */

/* The selected items in display order (references). */
static GPtrArray *
selected_items (EcgRunsView *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    if (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), i))
      g_ptr_array_add (items, g_list_model_get_item (model, i));
  return items;
}

static void
update_actions (EcgRunsView *self)
{
  g_autoptr (GPtrArray) items = selected_items (self);
  gboolean any_running = FALSE;
  for (guint i = 0; i < items->len; i++)
    if (ecg_run_item_get_status (g_ptr_array_index (items, i)) == ECG_RUN_STATUS_RUNNING)
      any_running = TRUE;
  gboolean one = items->len == 1;
  gboolean resumable = one && !self->busy && ecg_run_item_can_resume (g_ptr_array_index (items, 0));
  gboolean rerunnable
    = one && !self->busy
      && ecg_run_item_get_run (g_ptr_array_index (items, 0))->kind == ECG_RUN_KIND_PRUNE;

  GtkWidget *widget = GTK_WIDGET (self);
  gtk_widget_action_set_enabled (widget, "runs.refresh", self->store_path != NULL);
  gtk_widget_action_set_enabled (widget, "runs.resume", resumable);
  gtk_widget_action_set_enabled (widget, "runs.rename", one);
  gtk_widget_action_set_enabled (widget, "runs.apply-rename", one);
  gtk_widget_action_set_enabled (widget, "runs.rerun", rerunnable);
  gtk_widget_action_set_enabled (widget, "runs.notes", one);
  gtk_widget_action_set_enabled (widget, "runs.apply-notes", one);
  gtk_widget_action_set_enabled (widget, "runs.compare-settings", items->len >= 2);
  gtk_widget_action_set_enabled (widget, "runs.delete", items->len > 0 && !any_running);
  /* A menu button is not actionable: follow the actions by hand. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->rename_button), one);
  gtk_widget_set_sensitive (GTK_WIDGET (self->notes_button), one);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), items->len >= 2);
}

static void
update_plot (EcgRunsView *self)
{
  g_autoptr (GPtrArray) items = selected_items (self);
  guint kind_index = gtk_drop_down_get_selected (self->plot_kind_dropdown);
  guint energy_index = gtk_drop_down_get_selected (self->energy_dropdown);
  EcgPlotKind kind = plot_kinds[MIN (kind_index, G_N_ELEMENTS (plot_kinds) - 1)];
  EcgPlotEnergy energy = plot_energies[MIN (energy_index, G_N_ELEMENTS (plot_energies) - 1)];
  gboolean energy_axis = kind == ECG_PLOT_ENERGY_VS_SPARSITY || kind == ECG_PLOT_F1_VS_ENERGY;
  gtk_widget_set_sensitive (GTK_WIDGET (self->energy_dropdown), energy_axis);
  gtk_widget_set_sensitive (GTK_WIDGET (self->energy_label), energy_axis);

  if (items->len == 0)
    {
      ecg_plot_view_set_spec (self->plot_view, NULL);
      gtk_label_set_text (self->selection_label, "");
      return;
    }
  /* The spec only reads the runs while it is built. */
  g_autoptr (GPtrArray) runs = g_ptr_array_new ();
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (runs, (gpointer) ecg_run_item_get_run (g_ptr_array_index (items, i)));
  ecg_plot_view_set_spec (self->plot_view, ecg_plot_spec_build (kind, energy, runs));

  g_autofree char *text
    = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run selected", "%u runs selected",
                                    items->len),
                       items->len);
  gtk_label_set_text (self->selection_label, text);
}

static void on_compare_popover_show (GtkPopover *popover, EcgRunsView *self);

static void
on_selection_changed (GtkSelectionModel *model, guint position, guint n_items,
                      EcgRunsView *self)
{
  update_actions (self);
  update_plot (self);
  /* An open comparison follows the selection. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->compare_popover)))
    on_compare_popover_show (self->compare_popover, self);
}

static void
on_plot_choice_changed (GtkDropDown *dropdown, GParamSpec *pspec, EcgRunsView *self)
{
  update_plot (self);
}

GtkSelectionModel *
ecg_runs_view_get_selection (EcgRunsView *self)
{
  g_return_val_if_fail (ECG_IS_RUNS_VIEW (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

EcgPlotView *
ecg_runs_view_get_plot_view (EcgRunsView *self)
{
  g_return_val_if_fail (ECG_IS_RUNS_VIEW (self), NULL);
  return self->plot_view;
}

/* ---- refreshing ---------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *runs;   /* EcgRun with steps */
  gboolean missing;  /* no store file yet */
} RefreshResult;

static void
refresh_result_free (RefreshResult *result)
{
  g_clear_pointer (&result->runs, g_ptr_array_unref);
  g_free (result);
}

static void
refresh_thread (GTask *task, gpointer source_object, gpointer task_data,
                GCancellable *cancellable)
{
  const char *path = task_data;
  RefreshResult *result = g_new0 (RefreshResult, 1);
  result->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) ecg_run_free);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      result->missing = TRUE;
      g_task_return_pointer (task, result, (GDestroyNotify) refresh_result_free);
      return;
    }

  GError *error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, FALSE, &error);
  g_autoptr (GArray) interrupted = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  if (store != NULL)
    interrupted = ecg_run_store_mark_interrupted (store, ECG_RUN_STORE_STALE_SECONDS, &error);
  if (interrupted != NULL)
    listed = ecg_run_store_list_runs (store, &error);
  if (listed == NULL)
    {
      refresh_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < listed->len; i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      const EcgRun *summary = g_ptr_array_index (listed, i);
      g_autoptr (GError) run_error = NULL;
      EcgRun *run = ecg_run_store_get_run (store, summary->id, &run_error);
      /* A run deleted by another program since the list was read is simply left out. */
      if (run != NULL)
        g_ptr_array_add (result->runs, run);
      else if (!g_error_matches (run_error, ECG_ERROR, ECG_ERROR_NOT_FOUND))
        {
          refresh_result_free (result);
          g_task_return_error (task, g_steal_pointer (&run_error));
          return;
        }
    }
  g_task_return_pointer (task, result, (GDestroyNotify) refresh_result_free);
}

static void
set_loading (EcgRunsView *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

gboolean
ecg_runs_view_get_loading (EcgRunsView *self)
{
  g_return_val_if_fail (ECG_IS_RUNS_VIEW (self), FALSE);
  return self->loading;
}

static void
show_empty (EcgRunsView *self)
{
  g_autofree char *display = self->store_path ? g_filename_display_name (self->store_path)
                                              : g_strdup ("");
  g_autofree char *text = g_strdup_printf (_("Runs appear here once a job has written to the "
                                             "store %s. Start one on the Compress page, or with "
                                             "ecgwb prune --store."),
                                           display);
  gtk_label_set_text (self->empty_description, text);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

static void
refreshed (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgRunsView *self = ECG_RUNS_VIEW (source_object);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr (GError) error = NULL;
  RefreshResult *refresh = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_pointer (&refresh, refresh_result_free);
      return;
    }
  g_clear_object (&self->refresh_cancellable);
  set_loading (self, FALSE);

  if (refresh == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not read the run store: %s"),
                                               error->message);
      show_error (self, text);
      return;
    }

  /* Keep the selection across the replacement, by run id. */
  g_autoptr (GHashTable) selected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                           NULL);
  {
    g_autoptr (GPtrArray) items = selected_items (self);
    for (guint i = 0; i < items->len; i++)
      {
        gint64 *id = g_new (gint64, 1);
        *id = ecg_run_item_get_id (g_ptr_array_index (items, i));
        g_hash_table_add (selected, id);
      }
  }

  /* The items take the runs over. */
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < refresh->runs->len; i++)
    g_ptr_array_add (items, ecg_run_item_new (g_ptr_array_index (refresh->runs, i)));
  g_ptr_array_set_free_func (refresh->runs, NULL);
  refresh_result_free (refresh);

  g_list_store_splice (self->runs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->runs)),
                       items->pdata, items->len);

  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n && g_hash_table_size (selected) > 0; i++)
    {
      g_autoptr (EcgRunItem) item = g_list_model_get_item (model, i);
      gint64 id = ecg_run_item_get_id (item);
      if (g_hash_table_contains (selected, &id))
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, FALSE);
    }

  if (n == 0)
    show_empty (self);
  else
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  update_actions (self);
  update_plot (self);
}

void
ecg_runs_view_refresh (EcgRunsView *self)
{
  g_return_if_fail (ECG_IS_RUNS_VIEW (self));

  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  if (self->store_path == NULL)
    return;

  self->refresh_cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  GTask *task = g_task_new (self, self->refresh_cancellable, refreshed, NULL);
  g_task_set_source_tag (task, ecg_runs_view_refresh);
  g_task_set_task_data (task, g_strdup (self->store_path), g_free);
  g_task_run_in_thread (task, refresh_thread);
  g_object_unref (task);
}

/* ---- editing the store --------------------------------------------------------------------- */

typedef enum
{
  EDIT_RENAME,
  EDIT_NOTES,
  EDIT_DELETE,
} EditKind;

typedef struct
{
  char *store_path;
  GArray *ids;   /* gint64 */
  EditKind kind;
  char *text;    /* the new name or notes */
} StoreEdit;

static void
store_edit_free (StoreEdit *edit)
{
  g_free (edit->store_path);
  g_array_unref (edit->ids);
  g_free (edit->text);
  g_free (edit);
}

static void
edit_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  StoreEdit *edit = task_data;
  GError *error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (edit->store_path, FALSE, &error);
  for (guint i = 0; store != NULL && i < edit->ids->len; i++)
    {
      gint64 id = g_array_index (edit->ids, gint64, i);
      gboolean ok = edit->kind == EDIT_RENAME  ? ecg_run_store_rename (store, id, edit->text, &error)
                    : edit->kind == EDIT_NOTES ? ecg_run_store_set_notes (store, id, edit->text,
                                                                          &error)
                                               : ecg_run_store_delete_run (store, id, &error);
      if (!ok)
        break;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
edited (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgRunsView *self = ECG_RUNS_VIEW (source_object);
  g_autoptr (GError) error = NULL;
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = g_strdup_printf (_("The store was not changed: %s"),
                                               error->message);
      show_error (self, text);
    }
  ecg_runs_view_refresh (self);
}

static void
edit_store (EcgRunsView *self, GArray *ids, EditKind kind, const char *text)
{
  StoreEdit *edit = g_new0 (StoreEdit, 1);
  edit->store_path = g_strdup (self->store_path);
  edit->ids = g_array_ref (ids);
  edit->kind = kind;
  edit->text = g_strdup (text);
  GTask *task = g_task_new (self, self->edit_cancellable, edited, NULL);
  g_task_set_source_tag (task, edit_store);
  g_task_set_task_data (task, edit, (GDestroyNotify) store_edit_free);
  g_task_run_in_thread (task, edit_thread);
  g_object_unref (task);
}

static GArray *
selected_ids (EcgRunsView *self)
{
  g_autoptr (GPtrArray) items = selected_items (self);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < items->len; i++)
    {
      gint64 id = ecg_run_item_get_id (g_ptr_array_index (items, i));
      g_array_append_val (ids, id);
    }
  return ids;
}

/* ---- actions ------------------------------------------------------------------------------- */

static void
refresh_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  hide_error (self);
  ecg_runs_view_refresh (self);
}

static void
resume_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  g_autoptr (GPtrArray) items = selected_items (self);
  if (items->len != 1 || self->busy || !ecg_run_item_can_resume (g_ptr_array_index (items, 0)))
    return;
  g_signal_emit (self, signals[RESUME_RUN], 0, ecg_run_item_get_id (g_ptr_array_index (items, 0)));
}

static void
rename_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  gtk_menu_button_popup (self->rename_button);
}

static void
on_rename_popover_show (GtkPopover *popover, EcgRunsView *self)
{
  g_autoptr (GPtrArray) items = selected_items (self);
  const char *name = items->len == 1 ? ecg_run_item_get_run (g_ptr_array_index (items, 0))->name
                                     : "";
  gtk_editable_set_text (GTK_EDITABLE (self->rename_entry), name);
  gtk_widget_grab_focus (GTK_WIDGET (self->rename_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->rename_entry), 0, -1);
}

static void
apply_rename_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  g_autoptr (GArray) ids = selected_ids (self);
  gtk_popover_popdown (self->rename_popover);
  if (ids->len != 1)
    return;
  g_autofree char *name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->rename_entry)));
  g_strstrip (name);
  edit_store (self, ids, EDIT_RENAME, name);
}

static void
on_rename_entry_activate (GtkEntry *entry, EcgRunsView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "runs.apply-rename", NULL);
}

static void
notes_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  gtk_menu_button_popup (self->notes_button);
}

static void
on_notes_popover_show (GtkPopover *popover, EcgRunsView *self)
{
  g_autoptr (GPtrArray) items = selected_items (self);
  const char *notes = items->len == 1
                        ? ecg_run_item_get_run (g_ptr_array_index (items, 0))->notes
                        : "";
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), notes, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->notes_view));
}

static void
apply_notes_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  g_autoptr (GArray) ids = selected_ids (self);
  gtk_popover_popdown (self->notes_popover);
  if (ids->len != 1)
    return;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_autofree char *notes = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  edit_store (self, ids, EDIT_NOTES, notes);
}

static void
rerun_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  g_autoptr (GPtrArray) items = selected_items (self);
  if (items->len != 1 || self->busy)
    return;
  const EcgRun *run = ecg_run_item_get_run (g_ptr_array_index (items, 0));
  if (run->kind != ECG_RUN_KIND_PRUNE)
    return;
  g_signal_emit (self, signals[RERUN_RUN], 0, run->id, run->config);
}

/* A setting's value as the comparison shows it: strings bare, numbers shortest, "—" when the
 * run has no such setting. Owned by the caller. */
static char *
setting_text (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("—");
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);
      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    }
  return json_to_string (node, FALSE);
}

/* g_ptr_array_sort() passes pointers to the elements. */
static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

char **
ecg_runs_view_differing_settings (GPtrArray *runs)
{
  g_return_val_if_fail (runs != NULL, NULL);
  /* Every member of any run's config, once. */
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  for (guint i = 0; i < runs->len; i++)
    {
      const EcgRun *run = g_ptr_array_index (runs, i);
      g_autoptr (GList) members = json_object_get_members (run->config);
      for (GList *l = members; l != NULL; l = l->next)
        if (g_hash_table_add (seen, l->data))
          g_ptr_array_add (keys, l->data);
    }
  g_ptr_array_sort (keys, compare_keys);

  GPtrArray *differing = g_ptr_array_new ();
  for (guint k = 0; k < keys->len; k++)
    {
      const char *key = g_ptr_array_index (keys, k);
      const EcgRun *first = g_ptr_array_index (runs, 0);
      JsonNode *reference = json_object_get_member (first->config, key);
      gboolean same = TRUE;
      for (guint i = 1; i < runs->len && same; i++)
        {
          const EcgRun *run = g_ptr_array_index (runs, i);
          JsonNode *node = json_object_get_member (run->config, key);
          same = (node == NULL) == (reference == NULL)
                 && (node == NULL || json_node_equal (node, reference));
        }
      if (!same)
        g_ptr_array_add (differing, g_strdup (key));
    }
  g_ptr_array_add (differing, NULL);
  return (char **) g_ptr_array_free (differing, FALSE);
}

static GtkWidget *
compare_cell (const char *text, gboolean heading)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_add_css_class (label, heading ? "heading" : "numeric");
  return label;
}

/* The grid: a heading row ("Setting", then one column per run), then one row per differing
 * setting with each run's value. */
static void
on_compare_popover_show (GtkPopover *popover, EcgRunsView *self)
{
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->compare_grid)))
                         != NULL;)
    gtk_grid_remove (self->compare_grid, child);

  g_autoptr (GPtrArray) items = selected_items (self);
  if (items->len < 2)
    {
      gtk_label_set_text (self->compare_label, _("Select two or more runs to compare."));
      return;
    }
  g_autoptr (GPtrArray) runs = g_ptr_array_new ();
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (runs, (gpointer) ecg_run_item_get_run (g_ptr_array_index (items, i)));
  g_auto (GStrv) keys = ecg_runs_view_differing_settings (runs);
  guint n_keys = g_strv_length (keys);
  if (n_keys == 0)
    {
      gtk_label_set_text (self->compare_label,
                          _("The selected runs have the same settings."));
      return;
    }
  g_autofree char *summary
    = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "%u setting differs between the %u selected runs:",
                                    "%u settings differ between the %u selected runs:", n_keys),
                       n_keys, runs->len);
  gtk_label_set_text (self->compare_label, summary);

  gtk_grid_attach (self->compare_grid, compare_cell (_("Setting"), TRUE), 0, 0, 1, 1);
  for (guint i = 0; i < runs->len; i++)
    {
      const EcgRun *run = g_ptr_array_index (runs, i);
      g_autofree char *title = *run->name != '\0'
                                 ? g_strdup_printf (_("Run #%lld (%s)"), (long long) run->id,
                                                    run->name)
                                 : g_strdup_printf (_("Run #%lld"), (long long) run->id);
      gtk_grid_attach (self->compare_grid, compare_cell (title, TRUE), (int) i + 1, 0, 1, 1);
    }
  for (guint k = 0; k < n_keys; k++)
    {
      gtk_grid_attach (self->compare_grid, compare_cell (keys[k], FALSE), 0, (int) k + 1, 1, 1);
      for (guint i = 0; i < runs->len; i++)
        {
          const EcgRun *run = g_ptr_array_index (runs, i);
          g_autofree char *value = setting_text (json_object_get_member (run->config, keys[k]));
          gtk_grid_attach (self->compare_grid, compare_cell (value, FALSE), (int) i + 1,
                           (int) k + 1, 1, 1);
        }
    }
}

static void
compare_settings_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  gtk_menu_button_popup (self->compare_button);
}

static void
delete_response (GtkDialog *dialog, int response, EcgRunsView *self)
{
  GArray *ids = g_object_get_data (G_OBJECT (dialog), "run-ids");
  if (response == GTK_RESPONSE_ACCEPT && ids != NULL && ids->len > 0)
    edit_store (self, ids, EDIT_DELETE, NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
delete_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgRunsView *self = ECG_RUNS_VIEW (widget);
  g_autoptr (GArray) ids = selected_ids (self);
  if (ids->len == 0)
    return;

  g_autofree char *question
    = ids->len == 1 ? g_strdup_printf (_("Delete run #%lld?"),
                                       (long long) g_array_index (ids, gint64, 0))
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u run?",
                                                    "Delete %u runs?", ids->len),
                                       ids->len);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s",
                                              question);
  gtk_message_dialog_format_secondary_text (
    GTK_MESSAGE_DIALOG (dialog), "%s",
    _("Its steps, curves, models and predictions are removed from the store. This cannot be "
      "undone."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  GtkWidget *delete_button = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Delete"),
                                                    GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (delete_button, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_object_set_data_full (G_OBJECT (dialog), "run-ids", g_array_ref (ids),
                          (GDestroyNotify) g_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- cells --------------------------------------------------------------------------------- */

typedef enum
{
  COLUMN_ID,
  COLUMN_KIND,
  COLUMN_STATUS,
  COLUMN_NAME,
  COLUMN_SETTINGS,
  COLUMN_SPARSITY,
  COLUMN_STEPS,
  COLUMN_F1,
  COLUMN_CREATED,
} Column;

/* "2024-11-24T01:11:38.123Z" in local time as "2024-11-24 02:11". Owned by the caller. */
static char *
format_created (const char *iso)
{
  if (iso == NULL)
    return g_strdup ("");
  g_autoptr (GDateTime) utc = g_date_time_new_from_iso8601 (iso, NULL);
  if (utc == NULL)
    return g_strdup (iso);
  g_autoptr (GDateTime) local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);
  gboolean numeric = column == COLUMN_ID || column == COLUMN_SPARSITY || column == COLUMN_STEPS
                     || column == COLUMN_F1;
  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (numeric || column == COLUMN_CREATED)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  EcgRunItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  const EcgRun *run = ecg_run_item_get_run (item);
  g_autofree char *text = NULL;

  switch (column)
    {
    case COLUMN_ID:
      text = g_strdup_printf ("%lld", (long long) run->id);
      break;
    case COLUMN_KIND:
      text = g_strdup (ecg_run_kind_to_string (run->kind));
      break;
    case COLUMN_STATUS:
      {
        const char *status = ecg_run_status_to_string (run->status);
        g_autofree char *status_class = g_strconcat ("run-status-", status, NULL);
        const char *classes[] = { "run-status", status_class, NULL };
        gtk_widget_set_css_classes (GTK_WIDGET (label), classes);
        gtk_widget_set_tooltip_text (GTK_WIDGET (label), run->error);
        text = g_strdup (status);
      }
      break;
    case COLUMN_NAME:
      text = g_strdup (run->name);
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), *run->notes != '\0' ? run->notes : NULL);
      break;
    case COLUMN_SETTINGS:
      text = g_strdup (ecg_run_item_get_settings (item));
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), text);
      break;
    case COLUMN_SPARSITY:
      {
        double sparsity = ecg_run_item_get_sparsity (item);
        text = isfinite (sparsity) ? g_strdup_printf (_("%.1f %%"), 100.0 * sparsity)
                                   : g_strdup ("—");
      }
      break;
    case COLUMN_STEPS:
      text = g_strdup_printf ("%d", run->n_steps);
      break;
    case COLUMN_F1:
      {
        double f1 = ecg_run_item_get_macro_f1 (item);
        text = isfinite (f1) ? g_strdup_printf ("%.3f", f1) : g_strdup ("—");
      }
      break;
    case COLUMN_CREATED:
      text = format_created (run->created);
      break;
    }
  gtk_label_set_text (label, text);
}

static void
set_up_column (GtkColumnViewColumn *view_column, Column column, GtkSorter *sorter)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  gtk_column_view_column_set_factory (view_column, factory);
  g_object_unref (factory);
  gtk_column_view_column_set_sorter (view_column, sorter);
  g_object_unref (sorter);
}

static GtkSorter *
numeric_sorter (const char *property)
{
  return GTK_SORTER (
    gtk_numeric_sorter_new (gtk_property_expression_new (ECG_TYPE_RUN_ITEM, NULL, property)));
}

static GtkSorter *
string_sorter (const char *property)
{
  return GTK_SORTER (
    gtk_string_sorter_new (gtk_property_expression_new (ECG_TYPE_RUN_ITEM, NULL, property)));
}

/* ---- GObject ------------------------------------------------------------------------------- */

void
ecg_runs_view_set_store_path (EcgRunsView *self, const char *path)
{
  g_return_if_fail (ECG_IS_RUNS_VIEW (self));
  if (path != NULL && *path == '\0')
    path = NULL;
  if (g_strcmp0 (self->store_path, path) == 0)
    return;
  g_free (self->store_path);
  self->store_path = g_strdup (path);

  g_autofree char *display = path ? g_filename_display_name (path) : g_strdup ("");
  gtk_label_set_text (self->store_label, display);
  g_list_store_remove_all (self->runs);
  hide_error (self);
  show_empty (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_PATH]);
  ecg_runs_view_refresh (self);
}

const char *
ecg_runs_view_get_store_path (EcgRunsView *self)
{
  g_return_val_if_fail (ECG_IS_RUNS_VIEW (self), NULL);
  return self->store_path;
}

void
ecg_runs_view_set_busy (EcgRunsView *self, gboolean busy)
{
  g_return_if_fail (ECG_IS_RUNS_VIEW (self));
  busy = !!busy;
  if (self->busy == busy)
    return;
  self->busy = busy;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
ecg_runs_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EcgRunsView *self = ECG_RUNS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE_PATH:
      g_value_set_string (value, self->store_path);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_runs_view_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  EcgRunsView *self = ECG_RUNS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE_PATH:
      ecg_runs_view_set_store_path (self, g_value_get_string (value));
      break;
    case PROP_BUSY:
      ecg_runs_view_set_busy (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_runs_view_dispose (GObject *object)
{
  EcgRunsView *self = ECG_RUNS_VIEW (object);

  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  if (self->edit_cancellable != NULL)
    g_cancellable_cancel (self->edit_cancellable);
  g_clear_object (&self->edit_cancellable);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), ECG_TYPE_RUNS_VIEW);
  /* Children that the template does not bind are unparented here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->runs);
  G_OBJECT_CLASS (ecg_runs_view_parent_class)->dispose (object);
}

static void
ecg_runs_view_finalize (GObject *object)
{
  EcgRunsView *self = ECG_RUNS_VIEW (object);
  g_free (self->store_path);
  G_OBJECT_CLASS (ecg_runs_view_parent_class)->finalize (object);
}

static void
ecg_runs_view_class_init (EcgRunsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ecg_runs_view_dispose;
  object_class->finalize = ecg_runs_view_finalize;
  object_class->get_property = ecg_runs_view_get_property;
  object_class->set_property = ecg_runs_view_set_property;

  properties[PROP_STORE_PATH]
    = g_param_spec_string ("store-path", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY]
    = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RESUME_RUN] = g_signal_new ("resume-run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[RERUN_RUN] = g_signal_new ("rerun-run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64,
                                     JSON_TYPE_OBJECT);

  g_type_ensure (ECG_TYPE_PLOT_VIEW);
  g_type_ensure (ECG_TYPE_RUN_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ecgworkbench/Workbench/ui/"
                                               "ecg-runs-view.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, resume_button);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, rerun_button);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, rename_button);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, notes_button);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, notes_popover);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, notes_view);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, compare_button);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, compare_popover);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, compare_label);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, compare_grid);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, rename_popover);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, rename_entry);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, store_label);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, info_bar);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, info_label);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, empty_description);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, id_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, kind_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, status_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, name_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, settings_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, sparsity_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, steps_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, f1_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, created_column);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, plot_kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, energy_label);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, energy_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, selection_label);
  gtk_widget_class_bind_template_child (widget_class, EcgRunsView, plot_view);
  gtk_widget_class_bind_template_callback (widget_class, on_info_bar_response);
  gtk_widget_class_bind_template_callback (widget_class, on_rename_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_rename_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_notes_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_popover_show);

  gtk_widget_class_install_action (widget_class, "runs.refresh", NULL, refresh_activated);
  gtk_widget_class_install_action (widget_class, "runs.resume", NULL, resume_activated);
  gtk_widget_class_install_action (widget_class, "runs.rename", NULL, rename_activated);
  gtk_widget_class_install_action (widget_class, "runs.apply-rename", NULL,
                                   apply_rename_activated);
  gtk_widget_class_install_action (widget_class, "runs.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "runs.rerun", NULL, rerun_activated);
  gtk_widget_class_install_action (widget_class, "runs.notes", NULL, notes_activated);
  gtk_widget_class_install_action (widget_class, "runs.apply-notes", NULL,
                                   apply_notes_activated);
  gtk_widget_class_install_action (widget_class, "runs.compare-settings", NULL,
                                   compare_settings_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "runs.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "runs.refresh",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "runs.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "runs.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "runs.delete", NULL);

  gtk_widget_class_set_css_name (widget_class, "runsview");
}

static void
ecg_runs_view_init (EcgRunsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->edit_cancellable = g_cancellable_new ();
  self->runs = g_list_store_new (ECG_TYPE_RUN_ITEM);

  set_up_column (self->id_column, COLUMN_ID, numeric_sorter ("id"));
  set_up_column (self->kind_column, COLUMN_KIND, string_sorter ("kind"));
  set_up_column (self->status_column, COLUMN_STATUS, string_sorter ("status"));
  set_up_column (self->name_column, COLUMN_NAME, string_sorter ("name"));
  set_up_column (self->settings_column, COLUMN_SETTINGS, string_sorter ("settings"));
  set_up_column (self->sparsity_column, COLUMN_SPARSITY, numeric_sorter ("sparsity"));
  set_up_column (self->steps_column, COLUMN_STEPS, numeric_sorter ("n-steps"));
  set_up_column (self->f1_column, COLUMN_F1, numeric_sorter ("macro-f1"));
  set_up_column (self->created_column, COLUMN_CREATED, string_sorter ("created"));

  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->runs)),
                                          g_object_ref (sorter));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  /* Newest first. */
  gtk_column_view_sort_by_column (self->column_view, self->id_column, GTK_SORT_DESCENDING);
  g_signal_connect (self->selection, "selection-changed", G_CALLBACK (on_selection_changed),
                    self);
  g_signal_connect (self->plot_kind_dropdown, "notify::selected",
                    G_CALLBACK (on_plot_choice_changed), self);
  g_signal_connect (self->energy_dropdown, "notify::selected",
                    G_CALLBACK (on_plot_choice_changed), self);

  show_empty (self);
  update_actions (self);
  update_plot (self);
}

GtkWidget *
ecg_runs_view_new (void)
{
  return g_object_new (ECG_TYPE_RUNS_VIEW, NULL);
}
