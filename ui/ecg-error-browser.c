/* ecg-error-browser.c — misclassified (or changed) beats of one record: worker-thread
 * classification, filtered list, confusion grid, next/previous, comparison, CSV export.
 *
 * The list is a GListStore of EcgBeatItem (the errors, or the beats the second model changed)
 * behind a GtkCustomFilter (reference / predicted class) and a single selection; selecting a
 * row selects and centres the beat in the waveform view. Every classification runs in a GTask
 * worker with its own GCancellable; a newer request cancels the older, whose result is then
 * dropped. */
#include "ecg-error-browser.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ecg-beat-item.h"
#include "ecg-error.h"

struct _EcgErrorBrowser
{
  GtkWidget parent_instance;

  EcgWaveformView *view; /* weak */
  char *model_path;
  char *compare_model_path;
  char *record_path;
  char *message;

  EcgRecordPredictions *predictions;
  EcgRecordPredictions *compare;
  EcgConfusion *confusion;
  GHashTable *record_errors; /* record path → errors, for model_path */

  GCancellable *cancellable; /* of the running classification */
  gboolean busy;
  guint pulse_id;
  gboolean show_changed;
  int filter_reference;
  int filter_predicted;

  GListStore *beats; /* EcgBeatItem */
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;

  /* Template children */
  GtkLabel *model_label;
  GtkLabel *compare_label;
  GtkLabel *status_label;
  GtkProgressBar *progress_bar;
  GtkButton *cancel_button;
  GtkToggleButton *errors_toggle;
  GtkToggleButton *changed_toggle;
  GtkDropDown *reference_dropdown;
  GtkDropDown *predicted_dropdown;
  GtkStack *list_stack;
  GtkLabel *empty_label;
  GtkColumnView *column_view;
  GtkColumnViewColumn *time_column;
  GtkColumnViewColumn *reference_column;
  GtkColumnViewColumn *predicted_column;
  GtkColumnViewColumn *score_column;
  GtkColumnViewColumn *other_column;
  GtkColumnViewColumn *record_column;
  GtkGrid *confusion_grid;
};

G_DEFINE_FINAL_TYPE (EcgErrorBrowser, ecg_error_browser, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_WAVEFORM_VIEW,
  PROP_MODEL_PATH,
  PROP_COMPARE_MODEL_PATH,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  PREDICTIONS_CHANGED,
  RECORD_ERRORS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void classify (EcgErrorBrowser *self);

/* ---- state shown -------------------------------------------------------------------------- */

static void
update_actions (EcgErrorBrowser *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  gtk_widget_action_set_enabled (widget, "errors.next", n > 0);
  gtk_widget_action_set_enabled (widget, "errors.previous", n > 0);
  gtk_widget_action_set_enabled (widget, "errors.export", n > 0 && !self->busy);
  gtk_widget_action_set_enabled (widget, "errors.cancel", self->busy);
  gtk_widget_action_set_enabled (widget, "errors.clear-comparison",
                                 self->compare_model_path != NULL);
}

static gboolean
pulse (gpointer user_data)
{
  EcgErrorBrowser *self = user_data;
  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_busy (EcgErrorBrowser *self, gboolean busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  if (busy && self->pulse_id == 0)
    self->pulse_id = g_timeout_add (100, pulse, self);
  else if (!busy)
    {
      g_clear_handle_id (&self->pulse_id, g_source_remove);
      /* A bar left in pulse mode keeps animating even while hidden: the window would redraw
       * at the frame rate for ever. A fraction ends the pulse mode. */
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_message (EcgErrorBrowser *self, const char *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  if (message != NULL)
    {
      gtk_label_set_text (self->status_label, message);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), message);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), NULL);
    }
}

static void
update_model_labels (EcgErrorBrowser *self)
{
  g_autofree char *model = self->model_path ? g_path_get_basename (self->model_path)
                                            : g_strdup (_("none"));
  gtk_label_set_text (self->model_label, model);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_label), self->model_path);
  if (self->compare_model_path == NULL)
    {
      gtk_label_set_text (self->compare_label, "");
      return;
    }
  g_autofree char *other = g_path_get_basename (self->compare_model_path);
  g_autofree char *text = NULL;
  if (self->compare != NULL && self->predictions != NULL)
    {
      g_autoptr (GArray) changed = ecg_record_predictions_compare (self->predictions,
                                                                   self->compare, NULL);
      guint n = changed != NULL ? changed->len : 0;
      /* Translators: how many beats the second model predicts differently, and its file,
       * e.g. "12 beats changed by pruned.ecgm". */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u beat changed by %s",
                                           "%u beats changed by %s", n),
                              n, other);
    }
  else
    text = g_strdup (other);
  gtk_label_set_text (self->compare_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_label), self->compare_model_path);
}

static void
update_status (EcgErrorBrowser *self)
{
  const EcgRecordPredictions *p = self->predictions;
  if (self->busy || self->message != NULL)
    return;
  g_autofree char *text = NULL;
  if (p == NULL)
    text = g_strdup ("");
  else if (p->detected)
    /* Translators: a record without reference annotations, e.g. "No reference annotations:
     * 365 beats found by the QRS detector". */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "No reference annotations: %zu beat found by the QRS "
                                         "detector",
                                         "No reference annotations: %zu beats found by the QRS "
                                         "detector",
                                         p->n_beats),
                            p->n_beats);
  else
    {
      gsize errors = ecg_record_predictions_count_errors (p);
      /* Translators: e.g. "3 of 453 beats misclassified". */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu of %zu beat misclassified",
                                           "%zu of %zu beats misclassified", p->n_beats),
                              errors, p->n_beats);
    }
  gtk_label_set_text (self->status_label, text);
}

static void
update_empty_state (EcgErrorBrowser *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  const EcgRecordPredictions *p = self->predictions;
  const char *text;
  if (n > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }
  if (self->busy)
    text = _("Classifying the beats…");
  else if (p == NULL)
    text = self->record_path == NULL ? _("No record is shown.")
                                     : _("The record has not been classified.");
  else if (self->show_changed)
    text = _("No beat of the list: the second model predicts these beats as the first does.");
  else if (p->detected)
    text = _("This record has no reference annotations: the predictions cannot be checked.");
  else if (self->filter_reference >= 0 || self->filter_predicted >= 0)
    text = _("No misclassified beat of these classes.");
  else
    text = _("No misclassified beat in this record.");
  gtk_label_set_text (self->empty_label, text);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

/* ---- the list ----------------------------------------------------------------------------- */

static gboolean
filter_beat (gpointer item, gpointer user_data)
{
  EcgErrorBrowser *self = user_data;
  EcgBeatItem *beat = item;
  return (self->filter_reference < 0
          || ecg_beat_item_get_reference (beat) == self->filter_reference)
         && (self->filter_predicted < 0
             || ecg_beat_item_get_predicted (beat) == self->filter_predicted);
}

static void
rebuild_list (EcgErrorBrowser *self)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  const EcgRecordPredictions *p = self->predictions;
  if (p != NULL && self->show_changed && self->compare != NULL)
    {
      g_autoptr (GArray) changed = ecg_record_predictions_compare (p, self->compare, NULL);
      for (guint k = 0; changed != NULL && k < changed->len; k++)
        g_ptr_array_add (items, ecg_beat_item_new (p, self->compare,
                                                   g_array_index (changed, guint, k)));
    }
  else if (p != NULL && !self->show_changed)
    for (gsize i = 0; i < p->n_beats; i++)
      if (ecg_record_predictions_is_error (p, i))
        g_ptr_array_add (items, ecg_beat_item_new (p, self->compare, (guint) i));

  g_list_store_splice (self->beats, 0, g_list_model_get_n_items (G_LIST_MODEL (self->beats)),
                       items->pdata, items->len);
  gtk_column_view_column_set_visible (self->other_column, self->compare != NULL);
  update_empty_state (self);
  update_actions (self);
}

static void
on_filtered_changed (GListModel *model, guint position, guint removed, guint added,
                     EcgErrorBrowser *self)
{
  update_empty_state (self);
  update_actions (self);
}

static GtkListView *
inner_list_view (EcgErrorBrowser *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return GTK_LIST_VIEW (child);
  return NULL;
}

static void
select_position (EcgErrorBrowser *self, guint position)
{
  gtk_single_selection_set_selected (self->selection, position);
  GtkListView *list = inner_list_view (self);
  if (list != NULL)
    gtk_widget_activate_action (GTK_WIDGET (list), "list.scroll-to-item", "u", position);
}

static void
on_selected_changed (GtkSingleSelection *selection, GParamSpec *pspec, EcgErrorBrowser *self)
{
  EcgBeatItem *item = gtk_single_selection_get_selected_item (selection);
  if (item != NULL && self->view != NULL)
    ecg_waveform_view_select_beat (self->view, (int) ecg_beat_item_get_beat (item));
}

gboolean
ecg_error_browser_next (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), FALSE);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint position = gtk_single_selection_get_selected (self->selection);
  guint next = position == GTK_INVALID_LIST_POSITION ? 0 : position + 1;
  if (next >= n)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }
  select_position (self, next);
  return TRUE;
}

gboolean
ecg_error_browser_previous (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), FALSE);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint position = gtk_single_selection_get_selected (self->selection);
  if (n == 0 || position == 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }
  select_position (self, position == GTK_INVALID_LIST_POSITION ? n - 1 : position - 1);
  return TRUE;
}

int
ecg_error_browser_get_selected_beat (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), -1);
  EcgBeatItem *item = gtk_single_selection_get_selected_item (self->selection);
  return item != NULL ? (int) ecg_beat_item_get_beat (item) : -1;
}

/* Enter or a double click on a row pops up the beat's scores over the trace. */
static void
on_row_activated (GtkColumnView *view, guint position, EcgErrorBrowser *self)
{
  g_autoptr (EcgBeatItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
  if (item != NULL && self->view != NULL)
    ecg_waveform_view_show_beat_scores (self->view, ecg_beat_item_get_beat (item));
}

/* A beat clicked on the trace is selected in the list when it is listed. */
static void
on_beat_activated (EcgWaveformView *view, guint beat, EcgErrorBrowser *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (EcgBeatItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);
      if (ecg_beat_item_get_beat (item) == beat)
        {
          /* Without moving the view: the beat is already where the user clicked. */
          g_signal_handlers_block_by_func (self->selection, on_selected_changed, self);
          gtk_single_selection_set_selected (self->selection, i);
          g_signal_handlers_unblock_by_func (self->selection, on_selected_changed, self);
          return;
        }
    }
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

/* ---- cells -------------------------------------------------------------------------------- */

typedef enum
{
  COLUMN_TIME,
  COLUMN_REFERENCE,
  COLUMN_PREDICTED,
  COLUMN_SCORE,
  COLUMN_OTHER,
  COLUMN_RECORD,
} Column;

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);
  gboolean numeric = column == COLUMN_TIME || column == COLUMN_SCORE;
  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  EcgBeatItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char *text = NULL;

  switch (column)
    {
    case COLUMN_TIME:
      {
        double seconds = ecg_beat_item_get_seconds (item);
        int minutes = (int) (seconds / 60.0);
        text = g_strdup_printf ("%d:%06.3f", minutes, seconds - 60.0 * minutes);
      }
      break;
    case COLUMN_REFERENCE:
      text = g_strdup (ecg_beat_item_get_reference_name (item));
      break;
    case COLUMN_PREDICTED:
      text = g_strdup (ecg_beat_item_get_predicted_name (item));
      break;
    case COLUMN_SCORE:
      text = ecg_beat_item_get_predicted (item) >= 0
               ? g_strdup_printf (_("%.1f %%"), 100.0 * ecg_beat_item_get_top_score (item))
               : g_strdup ("—");
      break;
    case COLUMN_OTHER:
      text = g_strdup (ecg_beat_item_get_other_predicted_name (item));
      break;
    case COLUMN_RECORD:
      text = g_strdup (ecg_beat_item_get_record_name (item));
      break;
    }
  gtk_label_set_text (label, text);
}

static void
set_up_column (GtkColumnViewColumn *view_column, Column column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  gtk_column_view_column_set_factory (view_column, factory);
  g_object_unref (factory);
}

/* ---- filters and the confusion grid ------------------------------------------------------- */

static void
set_class_choices (GtkDropDown *dropdown, const EcgRecordPredictions *p)
{
  GtkStringList *choices = gtk_string_list_new (NULL);
  gtk_string_list_append (choices, _("Any"));
  for (int c = 0; p != NULL && c < p->n_classes; c++)
    gtk_string_list_append (choices, p->classes[c]);
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (choices));
  g_object_unref (choices);
}

/* Whether the dropdowns already list the classes of `p`. */
static gboolean
same_class_choices (GtkDropDown *dropdown, const EcgRecordPredictions *p)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);
  if (model == NULL || p == NULL
      || g_list_model_get_n_items (model) != (guint) p->n_classes + 1)
    return FALSE;
  for (int c = 0; c < p->n_classes; c++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), (guint) c + 1),
                   p->classes[c])
        != 0)
      return FALSE;
  return TRUE;
}

static void
on_filter_dropdown_changed (GtkDropDown *dropdown, GParamSpec *pspec, EcgErrorBrowser *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  int value = selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected - 1;
  if (dropdown == self->reference_dropdown)
    self->filter_reference = value;
  else
    self->filter_predicted = value;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

void
ecg_error_browser_set_filter (EcgErrorBrowser *self, int reference, int predicted)
{
  g_return_if_fail (ECG_IS_ERROR_BROWSER (self));
  gtk_drop_down_set_selected (self->reference_dropdown, (guint) MAX (reference, -1) + 1);
  gtk_drop_down_set_selected (self->predicted_dropdown, (guint) MAX (predicted, -1) + 1);
}

static void
on_confusion_cell_clicked (GtkButton *button, EcgErrorBrowser *self)
{
  int reference = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "reference"));
  int predicted = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "predicted"));
  ecg_error_browser_set_show_changed (self, FALSE);
  ecg_error_browser_set_filter (self, reference, predicted);
  ecg_error_browser_next (self);
}

static GtkWidget *
grid_label (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "numeric");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_size_request (label, 44, -1);
  return label;
}

/* Rows are the reference, columns the prediction: a header row and column of class names,
 * then the counts. The diagonal (right) cells are labels; the others are flat buttons that
 * filter the list to their pair, marked "confusion-error" when not zero. */
static void
rebuild_confusion_grid (EcgErrorBrowser *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->confusion_grid))) != NULL)
    gtk_grid_remove (self->confusion_grid, child);
  const EcgConfusion *m = self->confusion;
  const EcgRecordPredictions *p = self->predictions;
  if (m == NULL || p == NULL)
    return;

  for (int c = 0; c < m->n_classes; c++)
    {
      gtk_grid_attach (self->confusion_grid, grid_label (p->classes[c], "heading"), c + 1, 0,
                       1, 1);
      gtk_grid_attach (self->confusion_grid, grid_label (p->classes[c], "heading"), 0, c + 1,
                       1, 1);
    }
  for (int r = 0; r < m->n_classes; r++)
    for (int c = 0; c < m->n_classes; c++)
      {
        gint64 count = ecg_confusion_get (m, r, c);
        g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, count);
        GtkWidget *cell;
        if (r == c)
          cell = grid_label (text, "confusion-right");
        else
          {
            cell = gtk_button_new_with_label (text);
            gtk_widget_add_css_class (cell, "flat");
            gtk_widget_add_css_class (cell, "numeric");
            if (count > 0)
              gtk_widget_add_css_class (cell, "confusion-error");
            /* Translators: a confusion-matrix cell's tooltip, e.g. "Reference S, predicted N:
             * list these beats". */
            g_autofree char *tip = g_strdup_printf (_("Reference %s, predicted %s: list these "
                                                      "beats"),
                                                    p->classes[r], p->classes[c]);
            gtk_widget_set_tooltip_text (cell, tip);
            g_object_set_data (G_OBJECT (cell), "reference", GINT_TO_POINTER (r));
            g_object_set_data (G_OBJECT (cell), "predicted", GINT_TO_POINTER (c));
            g_signal_connect_object (cell, "clicked", G_CALLBACK (on_confusion_cell_clicked),
                                     self, 0);
          }
        gtk_widget_set_name (cell, "confusion-cell");
        gtk_grid_attach (self->confusion_grid, cell, c + 1, r + 1, 1, 1);
      }
}

/* ---- new predictions ---------------------------------------------------------------------- */

static void
show_predictions (EcgErrorBrowser *self)
{
  g_clear_pointer (&self->confusion, ecg_confusion_free);
  if (self->predictions != NULL)
    self->confusion = ecg_record_predictions_confusion (self->predictions);
  if (!same_class_choices (self->reference_dropdown, self->predictions))
    {
      set_class_choices (self->reference_dropdown, self->predictions);
      set_class_choices (self->predicted_dropdown, self->predictions);
    }
  if (self->compare == NULL && self->show_changed)
    ecg_error_browser_set_show_changed (self, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->changed_toggle), self->compare != NULL);

  rebuild_list (self);
  rebuild_confusion_grid (self);
  update_model_labels (self);
  update_status (self);
  if (self->view != NULL)
    ecg_waveform_view_set_predictions (self->view, self->predictions);
  g_signal_emit (self, signals[PREDICTIONS_CHANGED], 0);
}

static void
clear_predictions (EcgErrorBrowser *self)
{
  g_clear_pointer (&self->predictions, ecg_record_predictions_free);
  g_clear_pointer (&self->compare, ecg_record_predictions_free);
  show_predictions (self);
}

/* ---- classification in a worker thread ---------------------------------------------------- */

typedef struct
{
  char *model_path;
  char *compare_model_path;
  char *record_path;
} ClassifyRequest;

typedef struct
{
  EcgRecordPredictions *predictions;
  EcgRecordPredictions *compare;
} ClassifyResult;

static void
classify_request_free (ClassifyRequest *request)
{
  g_free (request->model_path);
  g_free (request->compare_model_path);
  g_free (request->record_path);
  g_free (request);
}

static void
classify_result_free (ClassifyResult *result)
{
  ecg_record_predictions_free (result->predictions);
  ecg_record_predictions_free (result->compare);
  g_free (result);
}

static EcgRecordPredictions *
classify_with (const char *model_path, const EcgRecord *record, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (EcgModelFile) file = ecg_model_file_load (model_path, error);
  if (file == NULL)
    return NULL;
  /* One thread: jobs run one at a time on this two-core machine (DESIGN.md §9). */
  return ecg_record_predictions_compute (file, record, 1, cancellable, error);
}

/* Runs in a worker thread: reads the record and the model files itself and touches no
 * widget. */
static void
classify_in_thread (GTask *task, gpointer source_object, gpointer task_data,
                    GCancellable *cancellable)
{
  const ClassifyRequest *request = task_data;
  GError *error = NULL;
  g_autoptr (EcgRecord) record
    = ecg_record_load (request->record_path, ECG_RECORD_ALLOW_BAD_CHECKSUM, &error);
  if (record == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ClassifyResult *result = g_new0 (ClassifyResult, 1);
  result->predictions = classify_with (request->model_path, record, cancellable, &error);
  if (result->predictions != NULL && request->compare_model_path != NULL)
    result->compare = classify_with (request->compare_model_path, record, cancellable, &error);
  if (error != NULL)
    {
      classify_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) classify_result_free);
}

static void
classified (GObject *source_object, GAsyncResult *async_result, gpointer user_data)
{
  EcgErrorBrowser *self = ECG_ERROR_BROWSER (source_object);
  g_autoptr (GCancellable) cancellable = user_data;
  g_autoptr (GError) error = NULL;
  ClassifyResult *result = g_task_propagate_pointer (G_TASK (async_result), &error);

  if (cancellable != self->cancellable)
    {
      /* Superseded by a newer request, which is running. */
      g_clear_pointer (&result, classify_result_free);
      return;
    }
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_pointer (&result, classify_result_free);
      gtk_label_set_text (self->status_label, _("Classification cancelled."));
      update_empty_state (self);
      return;
    }
  if (result == NULL)
    {
      g_autofree char *text
        = g_strdup_printf (_("Could not classify the beats: %s"), error->message);
      set_message (self, text);
      clear_predictions (self);
      return;
    }

  g_clear_pointer (&self->predictions, ecg_record_predictions_free);
  g_clear_pointer (&self->compare, ecg_record_predictions_free);
  self->predictions = g_steal_pointer (&result->predictions);
  self->compare = g_steal_pointer (&result->compare);
  classify_result_free (result);

  if (!self->predictions->detected)
    {
      g_hash_table_insert (self->record_errors, g_strdup (self->record_path),
                           GSIZE_TO_POINTER (ecg_record_predictions_count_errors (
                             self->predictions)));
      g_signal_emit (self, signals[RECORD_ERRORS_CHANGED], 0);
    }
  show_predictions (self);
}

static void
classify (EcgErrorBrowser *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_message (self, NULL);
  clear_predictions (self);

  if (self->record_path == NULL || self->model_path == NULL)
    {
      set_busy (self, FALSE);
      update_status (self);
      update_empty_state (self);
      return;
    }

  ClassifyRequest *request = g_new0 (ClassifyRequest, 1);
  request->model_path = g_strdup (self->model_path);
  request->compare_model_path = g_strdup (self->compare_model_path);
  request->record_path = g_strdup (self->record_path);

  self->cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, classified,
                                       g_object_ref (self->cancellable));
  g_task_set_source_tag (task, classify);
  g_task_set_name (task, "[ecg-workbench] classify beats");
  g_task_set_task_data (task, request, (GDestroyNotify) classify_request_free);
  g_task_run_in_thread (task, classify_in_thread);

  g_autofree char *name = g_path_get_basename (self->record_path);
  /* Translators: shown while the worker classifies, e.g. "Classifying the beats of 208…". */
  g_autofree char *text = g_strdup_printf (_("Classifying the beats of %s…"), name);
  gtk_label_set_text (self->status_label, text);
  set_busy (self, TRUE);
  update_empty_state (self);
}

void
ecg_error_browser_cancel (EcgErrorBrowser *self)
{
  g_return_if_fail (ECG_IS_ERROR_BROWSER (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* ---- export ------------------------------------------------------------------------------- */

typedef struct
{
  EcgRecordPredictions *predictions;
  EcgRecordPredictions *compare;
  GArray *beats; /* guint */
  char *path;
} ExportRequest;

static void
export_request_free (ExportRequest *request)
{
  ecg_record_predictions_free (request->predictions);
  ecg_record_predictions_free (request->compare);
  g_array_unref (request->beats);
  g_free (request->path);
  g_free (request);
}

static void
export_in_thread (GTask *task, gpointer source_object, gpointer task_data,
                  GCancellable *cancellable)
{
  const ExportRequest *request = task_data;
  GError *error = NULL;
  if (!ecg_record_predictions_write_csv (request->predictions, request->compare,
                                         (const guint *) (void *) request->beats->data,
                                         request->beats->len, request->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, request->beats->len);
}

void
ecg_error_browser_export_async (EcgErrorBrowser *self, const char *path,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (ECG_IS_ERROR_BROWSER (self));
  g_return_if_fail (path != NULL);

  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ecg_error_browser_export_async);
  g_task_set_name (task, "[ecg-workbench] export beats");
  if (self->predictions == NULL)
    {
      g_task_return_new_error (task, ECG_ERROR, ECG_ERROR_INVALID,
                               "%s: there are no predictions to export", path);
      return;
    }
  ExportRequest *request = g_new0 (ExportRequest, 1);
  request->predictions = ecg_record_predictions_copy (self->predictions);
  request->compare = self->compare ? ecg_record_predictions_copy (self->compare) : NULL;
  request->path = g_strdup (path);
  request->beats = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (EcgBeatItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);
      guint beat = ecg_beat_item_get_beat (item);
      g_array_append_val (request->beats, beat);
    }
  g_task_set_task_data (task, request, (GDestroyNotify) export_request_free);
  g_task_run_in_thread (task, export_in_thread);
}

gssize
ecg_error_browser_export_finish (EcgErrorBrowser *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static void
exported (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgErrorBrowser *self = ECG_ERROR_BROWSER (source_object);
  g_autofree char *path = user_data;
  g_autoptr (GError) error = NULL;
  gssize n = ecg_error_browser_export_finish (self, result, &error);
  if (n < 0)
    {
      g_autofree char *text = g_strdup_printf (_("Could not export the beats: %s"),
                                               error->message);
      set_message (self, text);
      return;
    }
  set_message (self, NULL);
  g_autofree char *display = g_filename_display_basename (path);
  /* Translators: e.g. "12 beats saved to 208-errors.csv". */
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zd beat saved to %s",
                                                        "%zd beats saved to %s", n),
                                           n, display);
  gtk_label_set_text (self->status_label, text);
}

/* ---- file choosers ------------------------------------------------------------------------ */

typedef enum
{
  CHOOSE_MODEL,
  CHOOSE_COMPARE_MODEL,
  CHOOSE_EXPORT,
} Choice;

static void
file_chosen (GtkNativeDialog *dialog, int response, EcgErrorBrowser *self)
{
  Choice choice = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "choice"));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path == NULL)
        set_message (self, _("Only files on this computer can be used."));
      else if (choice == CHOOSE_MODEL)
        ecg_error_browser_set_model_path (self, path);
      else if (choice == CHOOSE_COMPARE_MODEL)
        ecg_error_browser_set_compare_model_path (self, path);
      else
        ecg_error_browser_export_async (self, path, NULL, exported, g_strdup (path));
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_file (EcgErrorBrowser *self, Choice choice)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
  const char *title = choice == CHOOSE_MODEL           ? _("Open Model")
                      : choice == CHOOSE_COMPARE_MODEL ? _("Compare With Model")
                                                       : _("Export Beats as CSV");
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    title, parent,
    choice == CHOOSE_EXPORT ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
    choice == CHOOSE_EXPORT ? _("_Save") : _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);

  GtkFileFilter *filter = gtk_file_filter_new ();
  if (choice == CHOOSE_EXPORT)
    {
      gtk_file_filter_set_name (filter, _("CSV files"));
      gtk_file_filter_add_pattern (filter, "*.csv");
      const char *record = self->predictions ? self->predictions->record_name : "beats";
      g_autofree char *name = g_strdup_printf ("%s-%s.csv", record,
                                               self->show_changed ? "changed" : "errors");
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
    }
  else
    {
      gtk_file_filter_set_name (filter, _("Model files (.ecgm)"));
      gtk_file_filter_add_pattern (filter, "*.ecgm");
      if (self->model_path != NULL)
        {
          g_autoptr (GFile) current = g_file_new_for_path (self->model_path);
          g_autoptr (GFile) folder = g_file_get_parent (current);
          if (folder != NULL)
            gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
        }
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  g_object_set_data (G_OBJECT (dialog), "choice", GINT_TO_POINTER (choice));
  g_signal_connect (dialog, "response", G_CALLBACK (file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- actions ------------------------------------------------------------------------------ */

static void
action_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgErrorBrowser *self = ECG_ERROR_BROWSER (widget);
  if (g_str_equal (action_name, "errors.next"))
    ecg_error_browser_next (self);
  else if (g_str_equal (action_name, "errors.previous"))
    ecg_error_browser_previous (self);
  else if (g_str_equal (action_name, "errors.open-model"))
    choose_file (self, CHOOSE_MODEL);
  else if (g_str_equal (action_name, "errors.compare-model"))
    choose_file (self, CHOOSE_COMPARE_MODEL);
  else if (g_str_equal (action_name, "errors.clear-comparison"))
    ecg_error_browser_set_compare_model_path (self, NULL);
  else if (g_str_equal (action_name, "errors.export"))
    choose_file (self, CHOOSE_EXPORT);
  else if (g_str_equal (action_name, "errors.cancel"))
    ecg_error_browser_cancel (self);
}

static void
on_mode_toggled (GtkToggleButton *button, EcgErrorBrowser *self)
{
  if (gtk_toggle_button_get_active (button))
    ecg_error_browser_set_show_changed (self, button == self->changed_toggle);
}

/* ---- public ------------------------------------------------------------------------------- */

void
ecg_error_browser_set_show_changed (EcgErrorBrowser *self, gboolean show_changed)
{
  g_return_if_fail (ECG_IS_ERROR_BROWSER (self));
  show_changed = show_changed && self->compare != NULL;
  if (show_changed == self->show_changed)
    return;
  self->show_changed = show_changed;
  gtk_toggle_button_set_active (show_changed ? self->changed_toggle : self->errors_toggle,
                                TRUE);
  rebuild_list (self);
}

GListModel *
ecg_error_browser_get_beats (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

const EcgConfusion *
ecg_error_browser_get_confusion (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return self->confusion;
}

const EcgRecordPredictions *
ecg_error_browser_get_predictions (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return self->predictions;
}

const EcgRecordPredictions *
ecg_error_browser_get_compare_predictions (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return self->compare;
}

gboolean
ecg_error_browser_get_busy (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), FALSE);
  return self->busy;
}

const char *
ecg_error_browser_get_message (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return self->message;
}

GHashTable *
ecg_error_browser_get_record_errors (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return self->record_errors;
}

void
ecg_error_browser_set_record_path (EcgErrorBrowser *self, const char *record_path)
{
  g_return_if_fail (ECG_IS_ERROR_BROWSER (self));
  g_free (self->record_path);
  self->record_path = g_strdup (record_path);
  classify (self);
}

void
ecg_error_browser_set_model_path (EcgErrorBrowser *self, const char *path)
{
  g_return_if_fail (ECG_IS_ERROR_BROWSER (self));
  if (g_strcmp0 (self->model_path, path) == 0)
    return;
  g_free (self->model_path);
  self->model_path = g_strdup (path);
  g_hash_table_remove_all (self->record_errors);
  g_signal_emit (self, signals[RECORD_ERRORS_CHANGED], 0);
  update_model_labels (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_PATH]);
  classify (self);
}

const char *
ecg_error_browser_get_model_path (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return self->model_path;
}

void
ecg_error_browser_set_compare_model_path (EcgErrorBrowser *self, const char *path)
{
  g_return_if_fail (ECG_IS_ERROR_BROWSER (self));
  if (g_strcmp0 (self->compare_model_path, path) == 0)
    return;
  g_free (self->compare_model_path);
  self->compare_model_path = g_strdup (path);
  update_model_labels (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARE_MODEL_PATH]);
  if (path == NULL)
    {
      /* Nothing to compute: the first model's predictions stay. */
      g_clear_pointer (&self->compare, ecg_record_predictions_free);
      show_predictions (self);
      return;
    }
  classify (self);
}

const char *
ecg_error_browser_get_compare_model_path (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return self->compare_model_path;
}

void
ecg_error_browser_set_waveform_view (EcgErrorBrowser *self, EcgWaveformView *view)
{
  g_return_if_fail (ECG_IS_ERROR_BROWSER (self));
  g_return_if_fail (view == NULL || ECG_IS_WAVEFORM_VIEW (view));
  if (self->view == view)
    return;
  if (self->view != NULL)
    g_signal_handlers_disconnect_by_data (self->view, self);
  g_set_weak_pointer (&self->view, view);
  if (view != NULL)
    {
      g_signal_connect (view, "beat-activated", G_CALLBACK (on_beat_activated), self);
      ecg_waveform_view_set_predictions (view, self->predictions);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAVEFORM_VIEW]);
}

EcgWaveformView *
ecg_error_browser_get_waveform_view (EcgErrorBrowser *self)
{
  g_return_val_if_fail (ECG_IS_ERROR_BROWSER (self), NULL);
  return self->view;
}

EcgErrorBrowser *
ecg_error_browser_new (void)
{
  return g_object_new (ECG_TYPE_ERROR_BROWSER, NULL);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
ecg_error_browser_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  EcgErrorBrowser *self = ECG_ERROR_BROWSER (object);

  switch (prop_id)
    {
    case PROP_WAVEFORM_VIEW:
      g_value_set_object (value, self->view);
      break;
    case PROP_MODEL_PATH:
      g_value_set_string (value, self->model_path);
      break;
    case PROP_COMPARE_MODEL_PATH:
      g_value_set_string (value, self->compare_model_path);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_error_browser_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  EcgErrorBrowser *self = ECG_ERROR_BROWSER (object);

  switch (prop_id)
    {
    case PROP_WAVEFORM_VIEW:
      ecg_error_browser_set_waveform_view (self, g_value_get_object (value));
      break;
    case PROP_MODEL_PATH:
      ecg_error_browser_set_model_path (self, g_value_get_string (value));
      break;
    case PROP_COMPARE_MODEL_PATH:
      ecg_error_browser_set_compare_model_path (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_error_browser_dispose (GObject *object)
{
  EcgErrorBrowser *self = ECG_ERROR_BROWSER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->view != NULL)
    g_signal_handlers_disconnect_by_data (self->view, self);
  g_clear_weak_pointer (&self->view);

  gtk_widget_dispose_template (GTK_WIDGET (self), ECG_TYPE_ERROR_BROWSER);
  /* Children that the template does not bind are unparented here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_data (self->filtered, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->beats);
  g_clear_pointer (&self->predictions, ecg_record_predictions_free);
  g_clear_pointer (&self->compare, ecg_record_predictions_free);
  g_clear_pointer (&self->confusion, ecg_confusion_free);
  g_clear_pointer (&self->record_errors, g_hash_table_unref);

  G_OBJECT_CLASS (ecg_error_browser_parent_class)->dispose (object);
}

/* Taken out of its window (closing it): no classification should run for nobody. */
static void
ecg_error_browser_unroot (GtkWidget *widget)
{
  ecg_error_browser_cancel (ECG_ERROR_BROWSER (widget));
  GTK_WIDGET_CLASS (ecg_error_browser_parent_class)->unroot (widget);
}

static void
ecg_error_browser_finalize (GObject *object)
{
  EcgErrorBrowser *self = ECG_ERROR_BROWSER (object);
  g_free (self->model_path);
  g_free (self->compare_model_path);
  g_free (self->record_path);
  g_free (self->message);
  G_OBJECT_CLASS (ecg_error_browser_parent_class)->finalize (object);
}

static void
ecg_error_browser_class_init (EcgErrorBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ecg_error_browser_dispose;
  object_class->finalize = ecg_error_browser_finalize;
  object_class->get_property = ecg_error_browser_get_property;
  object_class->set_property = ecg_error_browser_set_property;
  widget_class->unroot = ecg_error_browser_unroot;

  properties[PROP_WAVEFORM_VIEW]
    = g_param_spec_object ("waveform-view", NULL, NULL, ECG_TYPE_WAVEFORM_VIEW,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL_PATH]
    = g_param_spec_string ("model-path", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPARE_MODEL_PATH]
    = g_param_spec_string ("compare-model-path", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY]
    = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PREDICTIONS_CHANGED]
    = g_signal_new ("predictions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                    NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[RECORD_ERRORS_CHANGED]
    = g_signal_new ("record-errors-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ecgworkbench/Workbench/ui/"
                                               "ecg-error-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, model_label);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, compare_label);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, status_label);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, errors_toggle);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, changed_toggle);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, reference_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, predicted_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, list_stack);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, empty_label);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, column_view);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, time_column);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, reference_column);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, predicted_column);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, score_column);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, other_column);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, record_column);
  gtk_widget_class_bind_template_child (widget_class, EcgErrorBrowser, confusion_grid);

  static const char *const action_names[] = {
    "errors.next",   "errors.previous",         "errors.open-model", "errors.compare-model",
    "errors.export", "errors.clear-comparison", "errors.cancel",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (action_names); i++)
    gtk_widget_class_install_action (widget_class, action_names[i], NULL, action_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, 0, "errors.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK,
                                       "errors.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "errors.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "errors.previous", NULL);

  gtk_widget_class_set_css_name (widget_class, "errorbrowser");
}

static void
ecg_error_browser_init (EcgErrorBrowser *self)
{
  self->filter_reference = -1;
  self->filter_predicted = -1;
  self->record_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->beats = g_list_store_new (ECG_TYPE_BEAT_ITEM);
  self->filter = gtk_custom_filter_new (filter_beat, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->beats)),
                                              GTK_FILTER (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (on_selected_changed),
                    self);
  g_signal_connect (self->filtered, "items-changed", G_CALLBACK (on_filtered_changed), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->column_view, "activate", G_CALLBACK (on_row_activated), self);

  set_up_column (self->time_column, COLUMN_TIME);
  set_up_column (self->reference_column, COLUMN_REFERENCE);
  set_up_column (self->predicted_column, COLUMN_PREDICTED);
  set_up_column (self->score_column, COLUMN_SCORE);
  set_up_column (self->other_column, COLUMN_OTHER);
  set_up_column (self->record_column, COLUMN_RECORD);

  set_class_choices (self->reference_dropdown, NULL);
  set_class_choices (self->predicted_dropdown, NULL);
  g_signal_connect (self->reference_dropdown, "notify::selected",
                    G_CALLBACK (on_filter_dropdown_changed), self);
  g_signal_connect (self->predicted_dropdown, "notify::selected",
                    G_CALLBACK (on_filter_dropdown_changed), self);
  g_signal_connect (self->errors_toggle, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect (self->changed_toggle, "toggled", G_CALLBACK (on_mode_toggled), self);

  update_model_labels (self);
  update_empty_state (self);
  update_actions (self);
}
