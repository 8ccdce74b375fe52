/* ecg-multilabel-view.c — PTB-XL error analysis: worker-thread predictions of two folds,
 * per-class curves (Cairo), threshold sliders and the misclassified records.
 *
 * The worker (GTask, own GCancellable; a newer request cancels the older, whose result is then
 * dropped) loads the model file and the labelled records of the threshold fold and the test
 * fold, normalises them with the model's NORM statistics and runs ecg_predict(). On the main
 * thread the view keeps both folds' scores and labels; every figure is recomputed from them
 * with engine/measure (ecg-curves, the same tie handling as ecg-metrics), so the table's AUROC
 * is ecg_auroc() of the test fold. Curves are drawn with Cairo on the main thread. */
#include "ecg-multilabel-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ecg-chart-export.h"
#include "ecg-error.h"
#include "measure/ecg-curves.h"
#include "nn/ecg-model-file.h"
#include "train/ecg-data.h"
#include "train/ecg-trainer.h"
#include "io/ecg-ptbxl.h"

/* Scores and labels of one fold: [n][n_classes], names and (optional) paths per record. */
typedef struct
{
  gsize n;
  float *scores;
  guint8 *labels;
  char **names; /* n + NULL */
  char **paths; /* n + NULL, or NULL */
} Split;

static void
split_clear (Split *split)
{
  g_clear_pointer (&split->scores, g_free);
  g_clear_pointer (&split->labels, g_free);
  g_clear_pointer (&split->names, g_strfreev);
  g_clear_pointer (&split->paths, g_strfreev);
  split->n = 0;
}

struct _EcgMultilabelView
{
  GtkWidget parent_instance;

  char *model_path;
  char *data_dir;
  int test_fold;
  int threshold_fold;
  char *message;

  GCancellable *cancellable; /* of the running prediction */
  gboolean busy;

  /* The predictions shown */
  int n_classes;
  char **classes;
  Split val;
  Split test;
  EcgClassCurve **curves;  /* n_classes, test fold */
  double *chosen;          /* n_classes: thresholds chosen on the threshold fold */
  double *thresholds;      /* n_classes: current */
  EcgClassMetrics *at_threshold; /* n_classes, test fold */
  GtkLabel **cells;        /* n_classes × ECG_MULTILABEL_N_COLUMNS (threshold: value label) */
  GtkScale **scales;       /* n_classes */
  GPtrArray *grid_widgets; /* widgets added to class_grid below its header */
  GArray *misclassified;   /* gsize test record indices, in list order */
  gboolean updating;       /* while sliders are set programmatically in bulk */

  /* Template children */
  GtkLabel *model_label;
  GtkLabel *data_label;
  GtkSpinButton *fold_spin;
  GtkSpinner *spinner;
  GtkButton *cancel_button;
  GtkLabel *status_label;
  GtkDrawingArea *roc_area;
  GtkDrawingArea *pr_area;
  GtkGrid *class_grid;
  GtkLabel *misclassified_label;
  GtkListBox *record_list;
};

G_DEFINE_FINAL_TYPE (EcgMultilabelView, ecg_multilabel_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_MODEL_PATH,
  PROP_DATA_DIR,
  PROP_TEST_FOLD,
  PROP_THRESHOLD_FOLD,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  RECORD_ACTIVATED,
  PREDICTIONS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Distinct in light and dark themes (GNOME palette, mid tones). */
static const double class_colours[][3] = {
  { 0.21, 0.52, 0.89 }, { 0.90, 0.38, 0.00 }, { 0.15, 0.64, 0.41 },
  { 0.75, 0.11, 0.16 }, { 0.57, 0.25, 0.67 }, { 0.60, 0.48, 0.00 },
};

/* ---- state -------------------------------------------------------------------------------- */

static void
set_message (EcgMultilabelView *self, const char *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  if (message != NULL)
    gtk_label_set_text (self->status_label, message);
}

static void
set_busy (EcgMultilabelView *self, gboolean busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "multilabel.cancel", busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
clear_predictions (EcgMultilabelView *self)
{
  if (self->grid_widgets != NULL)
    {
      for (guint i = 0; i < self->grid_widgets->len; i++)
        gtk_grid_remove (self->class_grid, g_ptr_array_index (self->grid_widgets, i));
      g_ptr_array_set_size (self->grid_widgets, 0);
    }
  if (self->record_list != NULL)
    for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->record_list)))
                         != NULL;)
      gtk_list_box_remove (self->record_list, row);
  if (self->curves != NULL)
    for (int c = 0; c < self->n_classes; c++)
      ecg_class_curve_free (self->curves[c]);
  g_clear_pointer (&self->curves, g_free);
  g_clear_pointer (&self->chosen, g_free);
  g_clear_pointer (&self->thresholds, g_free);
  g_clear_pointer (&self->at_threshold, g_free);
  g_clear_pointer (&self->cells, g_free);
  g_clear_pointer (&self->scales, g_free);
  g_clear_pointer (&self->classes, g_strfreev);
  if (self->misclassified != NULL)
    g_array_set_size (self->misclassified, 0);
  split_clear (&self->val);
  split_clear (&self->test);
  self->n_classes = 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "multilabel.export-roc", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "multilabel.export-pr", FALSE);
  if (self->misclassified_label != NULL)
    gtk_label_set_text (self->misclassified_label, _("Misclassified records"));
  if (self->roc_area != NULL)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self->roc_area));
      gtk_widget_queue_draw (GTK_WIDGET (self->pr_area));
    }
}

/* "0.873", or an em dash for an undefined figure. */
static char *
format_figure (double value)
{
  return isnan (value) ? g_strdup ("—") : g_strdup_printf ("%.3f", value);
}

static void
set_cell (EcgMultilabelView *self, int klass, EcgMultilabelColumn column, double value)
{
  g_autofree char *text = format_figure (value);
  gtk_label_set_text (self->cells[klass * ECG_MULTILABEL_N_COLUMNS + column], text);
}

/* The class names set in row `sample` of `labels` (or of scores >= thresholds when `scores` is
 * given), joined by ", "; "none" for the empty set. */
static char *
label_set_text (EcgMultilabelView *self, const Split *split, gsize sample, gboolean predicted)
{
  GString *text = g_string_new (NULL);
  for (int c = 0; c < self->n_classes; c++)
    {
      gsize at = sample * (gsize)self->n_classes + (gsize)c;
      gboolean set = predicted ? split->scores[at] >= self->thresholds[c]
                               : split->labels[at] != 0;
      if (!set)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, self->classes[c]);
    }
  if (text->len == 0)
    /* Translators: an empty label set of a PTB-XL record (no superclass). */
    g_string_append (text, C_("labels", "none"));
  return g_string_free (text, FALSE);
}

static GtkWidget *
make_row_label (const char *text, int width_chars)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_width_chars (GTK_LABEL (label), width_chars);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

static void
update_misclassified (EcgMultilabelView *self)
{
  for (GtkWidget *row; (row = gtk_widget_get_first_child (GTK_WIDGET (self->record_list)))
                       != NULL;)
    gtk_list_box_remove (self->record_list, row);
  g_array_set_size (self->misclassified, 0);

  for (gsize i = 0; i < self->test.n; i++)
    {
      if (!ecg_multi_label_is_mismatch (self->test.scores, self->test.labels, i,
                                        self->n_classes, self->thresholds))
        continue;
      g_array_append_val (self->misclassified, i);
      g_autofree char *reference = label_set_text (self, &self->test, i, FALSE);
      g_autofree char *predicted = label_set_text (self, &self->test, i, TRUE);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      gtk_box_append (GTK_BOX (box), make_row_label (self->test.names[i], 10));
      gtk_box_append (GTK_BOX (box), make_row_label (reference, 22));
      gtk_box_append (GTK_BOX (box), make_row_label (predicted, 22));
      gtk_list_box_append (self->record_list, box);
    }

  gsize n = self->misclassified->len;
  g_autofree char *text
    = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu of %lu test records misclassified",
                                    "%lu of %lu test records misclassified", n),
                       (unsigned long)n, (unsigned long)self->test.n);
  gtk_label_set_text (self->misclassified_label, text);
}

static void
update_class (EcgMultilabelView *self, int c)
{
  EcgClassMetrics *m = &self->at_threshold[c];
  ecg_class_metrics_at_threshold (self->test.scores, self->test.labels, self->test.n,
                                  self->n_classes, c, self->thresholds[c], m);
  set_cell (self, c, ECG_MULTILABEL_COLUMN_THRESHOLD, self->thresholds[c]);
  set_cell (self, c, ECG_MULTILABEL_COLUMN_F1, m->f1);
  set_cell (self, c, ECG_MULTILABEL_COLUMN_SENSITIVITY, m->sensitivity);
  set_cell (self, c, ECG_MULTILABEL_COLUMN_PPV, m->ppv);
}

static void
threshold_changed (GtkRange *range, EcgMultilabelView *self)
{
  int c = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (range), "class"));
  if (self->thresholds == NULL || c >= self->n_classes)
    return;
  self->thresholds[c] = gtk_range_get_value (range);
  update_class (self, c);
  if (self->updating)
    return;
  update_misclassified (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->roc_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->pr_area));
}

static void
attach (EcgMultilabelView *self, GtkWidget *widget, int column, int row)
{
  gtk_grid_attach (self->class_grid, widget, column, row, 1, 1);
  g_ptr_array_add (self->grid_widgets, widget);
}

/* Builds curves, thresholds and the table from self->val and self->test. */
static gboolean
show_predictions (EcgMultilabelView *self, GError **error)
{
  int n = self->n_classes;
  self->curves = g_new0 (EcgClassCurve *, n);
  self->chosen = g_new (double, n);
  self->thresholds = g_new (double, n);
  self->at_threshold = g_new0 (EcgClassMetrics, n);
  self->cells = g_new0 (GtkLabel *, (gsize)n * ECG_MULTILABEL_N_COLUMNS);
  self->scales = g_new0 (GtkScale *, n);

  for (int c = 0; c < n; c++)
    {
      g_autoptr (EcgClassCurve) val_curve
        = ecg_class_curve_new (self->val.scores, self->val.labels, self->val.n, n, c, error);
      if (val_curve == NULL)
        return FALSE;
      self->curves[c] = ecg_class_curve_new (self->test.scores, self->test.labels, self->test.n,
                                             n, c, error);
      if (self->curves[c] == NULL)
        return FALSE;
      /* A class without positives in the threshold fold has no F1 to maximise: 0.5. */
      double t = ecg_class_curve_choose_threshold (val_curve, ECG_THRESHOLD_MAX_F1, NULL);
      self->chosen[c] = isnan (t) ? ECG_MULTI_LABEL_THRESHOLD : t;
      self->thresholds[c] = self->chosen[c];
    }

  for (int c = 0; c < n; c++)
    {
      int row = c + 1;
      for (int col = 0; col < ECG_MULTILABEL_N_COLUMNS; col++)
        {
          GtkWidget *label = gtk_label_new (NULL);
          gtk_label_set_xalign (GTK_LABEL (label), col == 0 ? 0.0f : 1.0f);
          gtk_widget_add_css_class (label, col == 0 ? "heading" : "numeric");
          self->cells[c * ECG_MULTILABEL_N_COLUMNS + col] = GTK_LABEL (label);
          /* The slider sits between the threshold's value and F1. */
          attach (self, label, col <= ECG_MULTILABEL_COLUMN_THRESHOLD ? col : col + 1, row);
        }
      gtk_label_set_text (self->cells[c * ECG_MULTILABEL_N_COLUMNS], self->classes[c]);

      set_cell (self, c, ECG_MULTILABEL_COLUMN_AUROC, ecg_class_curve_roc_area (self->curves[c]));
      set_cell (self, c, ECG_MULTILABEL_COLUMN_AUPRC, ecg_class_curve_pr_area (self->curves[c]));
      EcgClassMetrics at_half;
      ecg_class_metrics_at_threshold (self->test.scores, self->test.labels, self->test.n, n, c,
                                      ECG_MULTI_LABEL_THRESHOLD, &at_half);
      set_cell (self, c, ECG_MULTILABEL_COLUMN_F1_AT_0_5, at_half.f1);

      GtkWidget *scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0.0, 1.0, 0.01);
      gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
      gtk_widget_set_size_request (scale, 160, -1);
      gtk_widget_set_hexpand (scale, TRUE);
      gtk_range_set_value (GTK_RANGE (scale), self->thresholds[c]);
      g_autofree char *accessible
        /* Translators: accessible name of a class's threshold slider, e.g. "Threshold of MI". */
        = g_strdup_printf (_("Threshold of %s"), self->classes[c]);
      gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);
      gtk_widget_set_tooltip_text (scale, accessible);
      g_object_set_data (G_OBJECT (scale), "class", GINT_TO_POINTER (c));
      g_signal_connect (scale, "value-changed", G_CALLBACK (threshold_changed), self);
      self->scales[c] = GTK_SCALE (scale);
      attach (self, scale, ECG_MULTILABEL_COLUMN_THRESHOLD + 1, row);
      update_class (self, c);
    }

  update_misclassified (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->roc_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->pr_area));
  g_signal_emit (self, signals[PREDICTIONS_CHANGED], 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "multilabel.export-roc", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "multilabel.export-pr", TRUE);
  return TRUE;
}

static void
update_status (EcgMultilabelView *self)
{
  g_autofree char *text = NULL;
  if (self->n_classes > 0)
    /* Translators: e.g. "Test fold 10: 66 records; thresholds chosen on fold 9 (81 records)". */
    text = g_strdup_printf (_("Test fold %d: %lu records; thresholds chosen on fold %d "
                              "(%lu records) for the best F1"),
                            self->test_fold, (unsigned long)self->test.n, self->threshold_fold,
                            (unsigned long)self->val.n);
  else if (self->model_path == NULL || self->data_dir == NULL)
    text = g_strdup (_("Open a multi-label (PTB-XL) model and a PTB-XL folder."));
  else
    text = g_strdup ("");
  gtk_label_set_text (self->status_label, text);
}

/* ---- worker ------------------------------------------------------------------------------- */

typedef struct
{
  char *model_path;
  char *data_dir;
  int folds[2]; /* threshold fold, test fold */
} PredictRequest;

static void
predict_request_free (PredictRequest *request)
{
  g_free (request->model_path);
  g_free (request->data_dir);
  g_free (request);
}

typedef struct
{
  char **classes;
  int n_classes;
  Split splits[2]; /* threshold fold, test fold */
} PredictResult;

static void
predict_result_free (PredictResult *result)
{
  if (result == NULL)
    return;
  g_strfreev (result->classes);
  split_clear (&result->splits[0]);
  split_clear (&result->splits[1]);
  g_free (result);
}

/* Predicts the labelled records of `fold` into `split`. */
static gboolean
predict_fold (const EcgModelFile *file, const EcgPtbxlDatabase *database, const char *dir,
              int fold, Split *split, GCancellable *cancellable, GError **error)
{
  EcgModel *model = file->model;
  g_autoptr (EcgExamples) examples = ecg_data_load_ptbxl (dir, &fold, 1, cancellable, error);
  if (examples == NULL)
    return FALSE;
  if (examples->channels != model->input_channels || examples->length != model->input_length
      || examples->n_classes != model->n_outputs || model->rr_features != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "model %s takes %d × %d inputs with %d outputs; PTB-XL fold %d gives "
                   "%d × %d inputs with %d classes",
                   model->arch, model->input_channels, model->input_length, model->n_outputs,
                   fold, examples->channels, examples->length, examples->n_classes);
      return FALSE;
    }
  ecg_examples_apply_normalisation (examples, file->norm);
  int threads = CLAMP ((int)g_get_num_processors (), 1, 4);
  g_autofree float *scores = ecg_predict (model, examples, threads, cancellable, error);
  if (scores == NULL)
    return FALSE;

  gsize n = examples->n, n_values = n * (gsize)model->n_outputs;
  split->n = n;
  split->scores = g_steal_pointer (&scores);
  split->labels = g_new (guint8, MAX (n_values, 1));
  for (gsize i = 0; i < n_values; i++)
    split->labels[i] = examples->targets[i] != 0.0f;
  split->names = g_new0 (char *, n + 1);
  split->paths = g_new0 (char *, n + 1);
  for (gsize i = 0; i < n; i++)
    {
      const char *name = examples->record_names[examples->record_of[i]];
      split->names[i] = g_strdup (name);
      /* Record names are "%05d_lr" of the ecg_id (ecg_data_load_ptbxl). */
      const EcgPtbxlRecord *row
        = ecg_ptbxl_database_lookup (database, (int)g_ascii_strtoll (name, NULL, 10));
      split->paths[i] = row != NULL ? ecg_ptbxl_database_record_path (database, row)
                                    : g_strdup ("");
    }
  return TRUE;
}

static void
predict_in_thread (GTask *task, gpointer source_object, gpointer task_data,
                   GCancellable *cancellable)
{
  (void)source_object;
  PredictRequest *request = task_data;
  GError *error = NULL;

  g_autoptr (EcgModelFile) file = ecg_model_file_load (request->model_path, &error);
  if (file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!file->model->multi_label)
    {
      g_task_return_new_error (task, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                               "%s: a single-label beat model (%s); this view needs a "
                               "multi-label PTB-XL model",
                               request->model_path, file->model->arch);
      return;
    }
  g_autoptr (EcgPtbxlDatabase) database = ecg_ptbxl_database_load (request->data_dir, &error);
  if (database == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  PredictResult *result = g_new0 (PredictResult, 1);
  result->n_classes = file->model->n_outputs;
  result->classes = g_strdupv (file->classes);
  for (int s = 0; s < 2; s++)
    if (!predict_fold (file, database, request->data_dir, request->folds[s],
                       &result->splits[s], cancellable, &error))
      {
        predict_result_free (result);
        g_task_return_error (task, error);
        return;
      }
  g_task_return_pointer (task, result, (GDestroyNotify)predict_result_free);
}

static void
predicted (GObject *source_object, GAsyncResult *async_result, gpointer user_data)
{
  EcgMultilabelView *self = ECG_MULTILABEL_VIEW (source_object);
  g_autoptr (GCancellable) cancellable = user_data;
  g_autoptr (GError) error = NULL;
  PredictResult *result = g_task_propagate_pointer (G_TASK (async_result), &error);

  if (cancellable != self->cancellable)
    {
      /* Superseded by a newer request, which is running. */
      predict_result_free (result);
      return;
    }
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);

  if (g_cancellable_is_cancelled (cancellable))
    {
      predict_result_free (result);
      gtk_label_set_text (self->status_label, _("Prediction cancelled."));
      return;
    }
  if (result == NULL)
    {
      g_autofree char *text
        = g_strdup_printf (_("Could not predict the PTB-XL records: %s"), error->message);
      set_message (self, text);
      return;
    }

  clear_predictions (self);
  self->n_classes = result->n_classes;
  self->classes = g_steal_pointer (&result->classes);
  self->val = result->splits[0];
  self->test = result->splits[1];
  memset (result->splits, 0, sizeof result->splits);
  predict_result_free (result);
  g_autoptr (GError) show_error = NULL;
  if (!show_predictions (self, &show_error))
    {
      g_autofree char *text
        = g_strdup_printf (_("Could not predict the PTB-XL records: %s"), show_error->message);
      clear_predictions (self);
      set_message (self, text);
      return;
    }
  update_status (self);
}

static void
predict (EcgMultilabelView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_message (self, NULL);

  if (self->model_path == NULL || self->data_dir == NULL)
    {
      set_busy (self, FALSE);
      update_status (self);
      return;
    }
  if (self->test_fold == self->threshold_fold)
    {
      set_busy (self, FALSE);
      clear_predictions (self);
      g_autofree char *text = g_strdup_printf (
        _("The thresholds cannot be chosen on the test fold (%d): pick another test fold."),
        self->test_fold);
      set_message (self, text);
      return;
    }

  PredictRequest *request = g_new0 (PredictRequest, 1);
  request->model_path = g_strdup (self->model_path);
  request->data_dir = g_strdup (self->data_dir);
  request->folds[0] = self->threshold_fold;
  request->folds[1] = self->test_fold;

  self->cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, predicted,
                                       g_object_ref (self->cancellable));
  g_task_set_source_tag (task, predict);
  g_task_set_name (task, "[ecg-workbench] predict PTB-XL folds");
  g_task_set_task_data (task, request, (GDestroyNotify)predict_request_free);
  g_task_run_in_thread (task, predict_in_thread);

  /* Translators: shown while the worker predicts, e.g. "Predicting folds 9 and 10…". */
  g_autofree char *text = g_strdup_printf (_("Predicting folds %d and %d…"),
                                           self->threshold_fold, self->test_fold);
  gtk_label_set_text (self->status_label, text);
  set_busy (self, TRUE);
}

/* ---- drawing ------------------------------------------------------------------------------ */

typedef struct
{
  double x, y, width, height; /* the unit square's box in widget pixels */
} PlotBox;

static void
plot_to_widget (const PlotBox *box, double u, double v, double *x, double *y)
{
  *x = box->x + u * box->width;
  *y = box->y + (1.0 - v) * box->height;
}

static void
draw_text (GtkWidget *widget, cairo_t *cr, const char *text, double x, double y, double align_x,
           double align_y)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;
  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, x - align_x * width, y - align_y * height);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* Axes, grid at quarters, axis titles; returns the plotting box. */
static PlotBox
draw_frame (GtkWidget *widget, cairo_t *cr, int width, int height, const char *x_title,
            const char *y_title, const GdkRGBA *fg)
{
  PlotBox box = { 48.0, 10.0, MAX (width - 58.0, 10.0), MAX (height - 52.0, 10.0) };
  cairo_set_line_width (cr, 1.0);
  for (int q = 0; q <= 4; q++)
    {
      double x, y;
      plot_to_widget (&box, q / 4.0, q / 4.0, &x, &y);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.15);
      cairo_move_to (cr, round (x) + 0.5, box.y);
      cairo_line_to (cr, round (x) + 0.5, box.y + box.height);
      cairo_move_to (cr, box.x, round (y) + 0.5);
      cairo_line_to (cr, box.x + box.width, round (y) + 0.5);
      cairo_stroke (cr);
      gdk_cairo_set_source_rgba (cr, fg);
      g_autofree char *tick = g_strdup_printf ("%.2g", q / 4.0);
      draw_text (widget, cr, tick, x, box.y + box.height + 2.0, 0.5, 0.0);
      draw_text (widget, cr, tick, box.x - 4.0, y, 1.0, 0.5);
    }
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_rectangle (cr, box.x + 0.5, box.y + 0.5, box.width, box.height);
  cairo_stroke (cr);
  draw_text (widget, cr, x_title, box.x + box.width / 2.0, height - 2.0, 0.5, 1.0);
  cairo_save (cr);
  cairo_translate (cr, 2.0, box.y + box.height / 2.0);
  cairo_rotate (cr, -G_PI / 2.0);
  draw_text (widget, cr, y_title, 0.0, 0.0, 0.5, 0.0);
  cairo_restore (cr);
  return box;
}

static void
get_foreground (GtkWidget *widget, GdkRGBA *fg)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
draw_marker (cairo_t *cr, double x, double y, const double *rgb)
{
  cairo_arc (cr, x, y, 4.5, 0.0, 2.0 * G_PI);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

/* The ROC (`roc`) or PR curves over `width` × `height`, text and axes in `fg`, laid out with
 * `widget`'s Pango context: shared by the drawing areas and the exports. */
static void
draw_chart (EcgMultilabelView *self, GtkWidget *widget, gboolean roc, cairo_t *cr, int width,
            int height, GdkRGBA fg)
{
  PlotBox box = draw_frame (widget, cr, width, height,
                            roc ? _("1 − specificity") : _("Recall (sensitivity)"),
                            roc ? _("Sensitivity") : _("Precision (PPV)"), &fg);
  if (roc)
    {
      double dashes[] = { 4.0, 4.0 };
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.4);
      cairo_set_dash (cr, dashes, 2, 0.0);
      cairo_move_to (cr, box.x, box.y + box.height);
      cairo_line_to (cr, box.x + box.width, box.y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0.0);
    }

  for (int c = 0; c < self->n_classes; c++)
    {
      const EcgClassCurve *curve = self->curves[c];
      const double *rgb = class_colours[c % G_N_ELEMENTS (class_colours)];
      if (curve->positives == 0 || (roc && curve->negatives == 0))
        continue;
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_set_line_width (cr, 2.0);
      for (gsize k = roc ? 0 : 1; k < curve->n_points; k++)
        {
          double u = roc ? ecg_class_curve_fpr (curve, k) : ecg_class_curve_tpr (curve, k);
          double v = roc ? ecg_class_curve_tpr (curve, k) : ecg_class_curve_precision (curve, k);
          double x, y;
          plot_to_widget (&box, u, v, &x, &y);
          if (k == (roc ? 0u : 1u))
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);

      /* The operating point of the current threshold. */
      const EcgClassMetrics *m = &self->at_threshold[c];
      double u = roc ? (double)m->false_positives / (double)curve->negatives : m->sensitivity;
      double v = roc ? m->sensitivity : m->ppv;
      if (!isnan (u) && !isnan (v))
        {
          double x, y;
          plot_to_widget (&box, u, v, &x, &y);
          draw_marker (cr, x, y, rgb);
        }

      /* Legend, bottom right (ROC) or top right (PR). */
      double legend_y = roc ? box.y + box.height - 6.0 - (self->n_classes - c) * 16.0
                            : box.y + 6.0 + c * 16.0;
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle (cr, box.x + box.width - 70.0, legend_y + 4.0, 12.0, 8.0);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      draw_text (widget, cr, self->classes[c], box.x + box.width - 54.0, legend_y, 0.0, 0.0);
    }
}

static void
draw_curves (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  EcgMultilabelView *self = user_data;
  GdkRGBA fg;
  get_foreground (GTK_WIDGET (area), &fg);
  draw_chart (self, GTK_WIDGET (area), area == self->roc_area, cr, width, height, fg);
}

/* ---- export ------------------------------------------------------------------------------- */

#define EXPORT_WIDTH 640
#define EXPORT_HEIGHT 520

typedef struct
{
  EcgMultilabelView *self;
  gboolean roc;
} ExportDraw;

/* The same drawing in black on the white page. */
static void
draw_for_export (cairo_t *cr, int width, int height, gpointer user_data)
{
  const ExportDraw *what = user_data;
  GtkWidget *area = GTK_WIDGET (what->roc ? what->self->roc_area : what->self->pr_area);
  draw_chart (what->self, area, what->roc, cr, width, height, (GdkRGBA) { 0.0, 0.0, 0.0, 1.0 });
}

/* A figure of the CSV: empty when undefined, "inf" for the first point's threshold. */
static void
append_csv_number (GString *csv, double value)
{
  g_string_append_c (csv, ',');
  if (isnan (value))
    return;
  if (isinf (value))
    {
      g_string_append (csv, value > 0 ? "inf" : "-inf");
      return;
    }
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (csv, g_ascii_dtostr (buffer, sizeof buffer, value));
}

static GBytes *
export_bytes (EcgMultilabelView *self, EcgMultilabelChart chart, const char *path,
              GError **error)
{
  EcgPlotFormat format;
  if (!ecg_plot_format_from_path (path, &format))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: unknown export format (use .png, .svg, .pdf or .csv)", path);
      return NULL;
    }
  if (self->curves == NULL || self->n_classes == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s: there are no curves to export",
                   path);
      return NULL;
    }
  if (format == ECG_PLOT_FORMAT_CSV)
    {
      /* Class names are PTB-XL superclass codes (letters only): no quoting needed. */
      GString *csv = g_string_new ("class,threshold,fpr,tpr,precision\n");
      for (int c = 0; c < self->n_classes; c++)
        {
          const EcgClassCurve *curve = self->curves[c];
          for (gsize k = 0; k < curve->n_points; k++)
            {
              g_string_append (csv, self->classes[c]);
              append_csv_number (csv, curve->points[k].threshold);
              append_csv_number (csv, ecg_class_curve_fpr (curve, k));
              append_csv_number (csv, ecg_class_curve_tpr (curve, k));
              append_csv_number (csv, ecg_class_curve_precision (curve, k));
              g_string_append_c (csv, '\n');
            }
        }
      return g_string_free_to_bytes (csv);
    }
  ExportDraw what = { self, chart == ECG_MULTILABEL_CHART_ROC };
  return ecg_chart_render_bytes (format, EXPORT_WIDTH, EXPORT_HEIGHT, draw_for_export, &what,
                                 error);
}

void
ecg_multilabel_view_export_async (EcgMultilabelView *self, EcgMultilabelChart chart,
                                  const char *path, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ECG_IS_MULTILABEL_VIEW (self));
  g_return_if_fail (path != NULL);
  GError *error = NULL;
  GBytes *bytes = export_bytes (self, chart, path, &error);
  ecg_chart_export_save_async (G_OBJECT (self), bytes, error, path, cancellable, callback,
                               user_data);
  g_clear_pointer (&bytes, g_bytes_unref);
}

gboolean
ecg_multilabel_view_export_finish (EcgMultilabelView *self, GAsyncResult *result,
                                   GError **error)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), FALSE);
  return ecg_chart_export_save_finish (result, error);
}

static void
exported (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *path = user_data;
  g_autoptr (GError) error = NULL;
  if (!ecg_multilabel_view_export_finish (ECG_MULTILABEL_VIEW (source_object), result, &error))
    ecg_chart_export_report (GTK_WIDGET (source_object), path, error);
}

static void
export_roc_chosen (GtkWidget *widget, const char *path)
{
  ecg_multilabel_view_export_async (ECG_MULTILABEL_VIEW (widget), ECG_MULTILABEL_CHART_ROC, path,
                                    NULL, exported, g_strdup (path));
}

static void
export_pr_chosen (GtkWidget *widget, const char *path)
{
  ecg_multilabel_view_export_async (ECG_MULTILABEL_VIEW (widget), ECG_MULTILABEL_CHART_PR, path,
                                    NULL, exported, g_strdup (path));
}

/* ---- file choosers and actions ------------------------------------------------------------ */

static void
file_chosen (GtkNativeDialog *dialog, int response, EcgMultilabelView *self)
{
  gboolean folder = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "folder"));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path == NULL)
        set_message (self, _("Only files on this computer can be used."));
      else if (folder)
        ecg_multilabel_view_set_data_dir (self, path);
      else
        ecg_multilabel_view_set_model_path (self, path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_file (EcgMultilabelView *self, gboolean folder)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    folder ? _("Open PTB-XL Folder") : _("Open Multi-Label Model"), parent,
    folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
    _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (!folder)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("Model files (.ecgm)"));
      gtk_file_filter_add_pattern (filter, "*.ecgm");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
    }
  const char *current = folder ? self->data_dir : self->model_path;
  if (current != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_path (current);
      g_autoptr (GFile) parent_folder = g_file_get_parent (file);
      if (parent_folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), parent_folder, NULL);
    }
  g_object_set_data (G_OBJECT (dialog), "folder", GINT_TO_POINTER (folder));
  g_signal_connect (dialog, "response", G_CALLBACK (file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  (void)parameter;
  EcgMultilabelView *self = ECG_MULTILABEL_VIEW (widget);
  if (g_str_equal (action_name, "multilabel.open-model"))
    choose_file (self, FALSE);
  else if (g_str_equal (action_name, "multilabel.open-data"))
    choose_file (self, TRUE);
  else if (g_str_equal (action_name, "multilabel.cancel"))
    ecg_multilabel_view_cancel (self);
  else if (g_str_equal (action_name, "multilabel.reset-thresholds"))
    ecg_multilabel_view_reset_thresholds (self);
  else if (g_str_equal (action_name, "multilabel.export-roc"))
    ecg_chart_export_choose_file (widget, _("Export ROC Curves"), "roc-curves.png",
                                  export_roc_chosen);
  else if (g_str_equal (action_name, "multilabel.export-pr"))
    ecg_chart_export_choose_file (widget, _("Export Precision-Recall Curves"), "pr-curves.png",
                                  export_pr_chosen);
}

static void
row_activated (GtkListBox *list, GtkListBoxRow *row, EcgMultilabelView *self)
{
  (void)list;
  int index = gtk_list_box_row_get_index (row);
  if (index < 0 || (guint)index >= self->misclassified->len)
    return;
  gsize i = g_array_index (self->misclassified, gsize, index);
  const char *path = self->test.paths != NULL && *self->test.paths[i] != '\0'
                       ? self->test.paths[i]
                       : NULL;
  g_signal_emit (self, signals[RECORD_ACTIVATED], 0, self->test.names[i], path);
}

static void
fold_changed (GtkSpinButton *spin, EcgMultilabelView *self)
{
  ecg_multilabel_view_set_test_fold (self, gtk_spin_button_get_value_as_int (spin));
}

/* ---- public API --------------------------------------------------------------------------- */

/* g_set_str() is GLib 2.76; the UI targets 2.74. TRUE when *str changed. */
static gboolean
replace_string (char **str, const char *value)
{
  if (g_strcmp0 (*str, value) == 0)
    return FALSE;
  g_free (*str);
  *str = g_strdup (value);
  return TRUE;
}

EcgMultilabelView *
ecg_multilabel_view_new (void)
{
  return g_object_new (ECG_TYPE_MULTILABEL_VIEW, NULL);
}

void
ecg_multilabel_view_set_model_path (EcgMultilabelView *self, const char *path)
{
  g_return_if_fail (ECG_IS_MULTILABEL_VIEW (self));
  if (!replace_string (&self->model_path, path))
    return;
  g_autofree char *name = path != NULL ? g_path_get_basename (path) : NULL;
  gtk_label_set_text (self->model_label, name != NULL ? name : _("none"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_label), path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_PATH]);
  predict (self);
}

const char *
ecg_multilabel_view_get_model_path (EcgMultilabelView *self)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), NULL);
  return self->model_path;
}

void
ecg_multilabel_view_set_data_dir (EcgMultilabelView *self, const char *dir)
{
  g_return_if_fail (ECG_IS_MULTILABEL_VIEW (self));
  if (!replace_string (&self->data_dir, dir))
    return;
  g_autofree char *name = dir != NULL ? g_path_get_basename (dir) : NULL;
  gtk_label_set_text (self->data_label, name != NULL ? name : _("none"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_label), dir);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_DIR]);
  predict (self);
}

const char *
ecg_multilabel_view_get_data_dir (EcgMultilabelView *self)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), NULL);
  return self->data_dir;
}

void
ecg_multilabel_view_set_test_fold (EcgMultilabelView *self, int fold)
{
  g_return_if_fail (ECG_IS_MULTILABEL_VIEW (self));
  g_return_if_fail (fold >= 1 && fold <= 10);
  if (self->test_fold == fold)
    return;
  self->test_fold = fold;
  gtk_spin_button_set_value (self->fold_spin, fold);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEST_FOLD]);
  predict (self);
}

int
ecg_multilabel_view_get_test_fold (EcgMultilabelView *self)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), 0);
  return self->test_fold;
}

void
ecg_multilabel_view_set_threshold_fold (EcgMultilabelView *self, int fold)
{
  g_return_if_fail (ECG_IS_MULTILABEL_VIEW (self));
  g_return_if_fail (fold >= 1 && fold <= 10);
  if (self->threshold_fold == fold)
    return;
  self->threshold_fold = fold;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD_FOLD]);
  predict (self);
}

int
ecg_multilabel_view_get_threshold_fold (EcgMultilabelView *self)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), 0);
  return self->threshold_fold;
}

static gboolean
copy_split (Split *split, int n_classes, const float *scores, const guint8 *labels, gsize n,
            const char *const *names, const char *const *paths, const char *what,
            GError **error)
{
  gsize n_values = n * (gsize)n_classes;
  for (gsize i = 0; i < n_values; i++)
    if (isnan (scores[i]))
      {
        g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                     "%s predictions: score of record %" G_GSIZE_FORMAT ", class %d is NaN",
                     what, i / (gsize)n_classes, (int)(i % (gsize)n_classes));
        return FALSE;
      }
  split->n = n;
  split->scores = g_memdup2 (scores, MAX (n_values, 1) * sizeof (float));
  split->labels = g_memdup2 (labels, MAX (n_values, 1));
  split->names = g_new0 (char *, n + 1);
  for (gsize i = 0; i < n; i++)
    split->names[i] = names != NULL ? g_strdup (names[i])
                                    : g_strdup_printf ("%" G_GSIZE_FORMAT, i + 1);
  if (paths != NULL)
    {
      split->paths = g_new0 (char *, n + 1);
      for (gsize i = 0; i < n; i++)
        split->paths[i] = g_strdup (paths[i] != NULL ? paths[i] : "");
    }
  return TRUE;
}

gboolean
ecg_multilabel_view_set_predictions (EcgMultilabelView *self, const char *const *classes,
                                     int n_classes, const float *val_scores,
                                     const guint8 *val_labels, gsize n_val,
                                     const float *test_scores, const guint8 *test_labels,
                                     const char *const *test_names,
                                     const char *const *test_paths, gsize n_test,
                                     GError **error)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), FALSE);
  g_return_val_if_fail (classes != NULL && n_classes > 0, FALSE);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  set_message (self, NULL);
  clear_predictions (self);

  Split val = { 0 }, test = { 0 };
  if (!copy_split (&val, n_classes, val_scores, val_labels, n_val, NULL, NULL, "threshold fold",
                   error)
      || !copy_split (&test, n_classes, test_scores, test_labels, n_test, test_names,
                      test_paths, "test fold", error))
    {
      split_clear (&val);
      split_clear (&test);
      return FALSE;
    }
  self->n_classes = n_classes;
  self->classes = g_new0 (char *, n_classes + 1);
  for (int c = 0; c < n_classes; c++)
    self->classes[c] = g_strdup (classes[c]);
  self->val = val;
  self->test = test;
  if (!show_predictions (self, error))
    {
      clear_predictions (self);
      return FALSE;
    }
  update_status (self);
  return TRUE;
}

gboolean
ecg_multilabel_view_get_busy (EcgMultilabelView *self)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), FALSE);
  return self->busy;
}

void
ecg_multilabel_view_cancel (EcgMultilabelView *self)
{
  g_return_if_fail (ECG_IS_MULTILABEL_VIEW (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

const char *
ecg_multilabel_view_get_message (EcgMultilabelView *self)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), NULL);
  return self->message;
}

int
ecg_multilabel_view_get_n_classes (EcgMultilabelView *self)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), 0);
  return self->n_classes;
}

double
ecg_multilabel_view_get_auroc (EcgMultilabelView *self, int klass)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), NAN);
  g_return_val_if_fail (klass >= 0 && klass < self->n_classes, NAN);
  return ecg_class_curve_roc_area (self->curves[klass]);
}

double
ecg_multilabel_view_get_auprc (EcgMultilabelView *self, int klass)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), NAN);
  g_return_val_if_fail (klass >= 0 && klass < self->n_classes, NAN);
  return ecg_class_curve_pr_area (self->curves[klass]);
}

double
ecg_multilabel_view_get_threshold (EcgMultilabelView *self, int klass)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), NAN);
  g_return_val_if_fail (klass >= 0 && klass < self->n_classes, NAN);
  return self->thresholds[klass];
}

void
ecg_multilabel_view_set_threshold (EcgMultilabelView *self, int klass, double threshold)
{
  g_return_if_fail (ECG_IS_MULTILABEL_VIEW (self));
  g_return_if_fail (klass >= 0 && klass < self->n_classes);
  gtk_range_set_value (GTK_RANGE (self->scales[klass]), threshold);
}

void
ecg_multilabel_view_reset_thresholds (EcgMultilabelView *self)
{
  g_return_if_fail (ECG_IS_MULTILABEL_VIEW (self));
  if (self->n_classes == 0)
    return;
  self->updating = TRUE;
  for (int c = 0; c < self->n_classes; c++)
    gtk_range_set_value (GTK_RANGE (self->scales[c]), self->chosen[c]);
  self->updating = FALSE;
  update_misclassified (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->roc_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->pr_area));
}

const char *
ecg_multilabel_view_get_cell_text (EcgMultilabelView *self, int klass,
                                   EcgMultilabelColumn column)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), NULL);
  g_return_val_if_fail (klass >= 0 && klass < self->n_classes, NULL);
  g_return_val_if_fail (column >= 0 && column < ECG_MULTILABEL_N_COLUMNS, NULL);
  return gtk_label_get_text (self->cells[klass * ECG_MULTILABEL_N_COLUMNS + column]);
}

gsize
ecg_multilabel_view_get_n_misclassified (EcgMultilabelView *self)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), 0);
  return self->misclassified->len;
}

gboolean
ecg_multilabel_view_activate_row (EcgMultilabelView *self, gsize row)
{
  g_return_val_if_fail (ECG_IS_MULTILABEL_VIEW (self), FALSE);
  if (row >= self->misclassified->len)
    return FALSE;
  GtkListBoxRow *list_row = gtk_list_box_get_row_at_index (self->record_list, (int)row);
  if (list_row == NULL)
    return FALSE;
  g_signal_emit_by_name (self->record_list, "row-activated", list_row);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
ecg_multilabel_view_get_property (GObject *object, guint prop_id, GValue *value,
                                  GParamSpec *pspec)
{
  EcgMultilabelView *self = ECG_MULTILABEL_VIEW (object);
  switch (prop_id)
    {
    case PROP_MODEL_PATH:
      g_value_set_string (value, self->model_path);
      break;
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_TEST_FOLD:
      g_value_set_int (value, self->test_fold);
      break;
    case PROP_THRESHOLD_FOLD:
      g_value_set_int (value, self->threshold_fold);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_multilabel_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                  GParamSpec *pspec)
{
  EcgMultilabelView *self = ECG_MULTILABEL_VIEW (object);
  switch (prop_id)
    {
    case PROP_MODEL_PATH:
      ecg_multilabel_view_set_model_path (self, g_value_get_string (value));
      break;
    case PROP_DATA_DIR:
      ecg_multilabel_view_set_data_dir (self, g_value_get_string (value));
      break;
    case PROP_TEST_FOLD:
      ecg_multilabel_view_set_test_fold (self, g_value_get_int (value));
      break;
    case PROP_THRESHOLD_FOLD:
      ecg_multilabel_view_set_threshold_fold (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_multilabel_view_dispose (GObject *object)
{
  EcgMultilabelView *self = ECG_MULTILABEL_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_predictions (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), ECG_TYPE_MULTILABEL_VIEW);
  self->record_list = NULL;
  self->roc_area = NULL;
  self->pr_area = NULL;
  self->misclassified_label = NULL;
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ecg_multilabel_view_parent_class)->dispose (object);
}

/* Taken out of its window (closing it): no prediction should run for nobody. */
static void
ecg_multilabel_view_unroot (GtkWidget *widget)
{
  ecg_multilabel_view_cancel (ECG_MULTILABEL_VIEW (widget));
  GTK_WIDGET_CLASS (ecg_multilabel_view_parent_class)->unroot (widget);
}

static void
ecg_multilabel_view_finalize (GObject *object)
{
  EcgMultilabelView *self = ECG_MULTILABEL_VIEW (object);
  g_free (self->model_path);
  g_free (self->data_dir);
  g_free (self->message);
  g_clear_pointer (&self->grid_widgets, g_ptr_array_unref);
  g_clear_pointer (&self->misclassified, g_array_unref);
  G_OBJECT_CLASS (ecg_multilabel_view_parent_class)->finalize (object);
}

static void
ecg_multilabel_view_class_init (EcgMultilabelViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ecg_multilabel_view_dispose;
  object_class->finalize = ecg_multilabel_view_finalize;
  object_class->get_property = ecg_multilabel_view_get_property;
  object_class->set_property = ecg_multilabel_view_set_property;
  widget_class->unroot = ecg_multilabel_view_unroot;

  properties[PROP_MODEL_PATH]
    = g_param_spec_string ("model-path", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATA_DIR]
    = g_param_spec_string ("data-dir", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEST_FOLD]
    = g_param_spec_int ("test-fold", NULL, NULL, 1, 10, 10,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THRESHOLD_FOLD]
    = g_param_spec_int ("threshold-fold", NULL, NULL, 1, 10, 9,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY]
    = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (record name, record path or NULL) of an activated misclassified record. */
  signals[RECORD_ACTIVATED]
    = g_signal_new ("record-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[PREDICTIONS_CHANGED]
    = g_signal_new ("predictions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ecgworkbench/Workbench/ui/"
                                               "ecg-multilabel-view.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, model_label);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, data_label);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, fold_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, spinner);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, status_label);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, roc_area);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, pr_area);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, class_grid);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, misclassified_label);
  gtk_widget_class_bind_template_child (widget_class, EcgMultilabelView, record_list);

  static const char *const action_names[] = {
    "multilabel.open-model",
    "multilabel.open-data",
    "multilabel.cancel",
    "multilabel.reset-thresholds",
    "multilabel.export-roc",
    "multilabel.export-pr",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (action_names); i++)
    gtk_widget_class_install_action (widget_class, action_names[i], NULL, action_activated);
}

static void
ecg_multilabel_view_init (EcgMultilabelView *self)
{
  self->test_fold = 10;
  self->threshold_fold = 9;
  self->grid_widgets = g_ptr_array_new ();
  self->misclassified = g_array_new (FALSE, FALSE, sizeof (gsize));
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Nothing to export before predictions are shown. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "multilabel.export-roc", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "multilabel.export-pr", FALSE);

  gtk_spin_button_set_value (self->fold_spin, self->test_fold);
  g_signal_connect (self->fold_spin, "value-changed", G_CALLBACK (fold_changed), self);
  g_signal_connect (self->record_list, "row-activated", G_CALLBACK (row_activated), self);
  gtk_drawing_area_set_draw_func (self->roc_area, draw_curves, self, NULL);
  gtk_drawing_area_set_draw_func (self->pr_area, draw_curves, self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "multilabel.cancel", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);

  const char *headers[ECG_MULTILABEL_N_COLUMNS + 1] = {
    _("Class"), _("AUROC"), _("AUPRC"), _("Threshold"), "",
    _("F1"), _("Sensitivity"), _("PPV"), _("F1 at 0.5"),
  };
  for (int col = 0; col < ECG_MULTILABEL_N_COLUMNS + 1; col++)
    {
      GtkWidget *label = gtk_label_new (headers[col]);
      gtk_label_set_xalign (GTK_LABEL (label), col == 0 ? 0.0f : 1.0f);
      gtk_widget_add_css_class (label, "heading");
      gtk_grid_attach (self->class_grid, label, col, 0, 1, 1);
    }
  gtk_widget_set_tooltip_text (
    gtk_grid_get_child_at (self->class_grid, ECG_MULTILABEL_COLUMN_THRESHOLD, 0),
    _("Chosen on the threshold fold for the best F1; drag the slider to change it"));
  update_status (self);
}
