/* ecg-model-card-dialog.c — a model's card in a window.
 *
 * The card's figures come from engine/measure/ecg-model-card (read in a worker thread); this
 * file only lays them out and adds the caveats that follow from what the card lacks. */
#include "ecg-model-card-dialog.h"

#include <glib/gi18n.h>
#include <math.h>

struct _EcgModelCardDialog
{
  GtkWindow parent_instance;

  EcgModelCard *card;
  GCancellable *cancellable;
  gboolean loading;

  /* Template children */
  GtkLabel *title_label;
  GtkLabel *description_label;
  GtkSpinner *spinner;
  GtkStack *stack;
  GtkLabel *error_label;
  GtkLabel *arch_label;
  GtkLabel *input_label;
  GtkLabel *classes_label;
  GtkLabel *params_label;
  GtkLabel *sparsity_label;
  GtkLabel *macs_label;
  GtkLabel *tf_flops_label;
  GtkLabel *file_label;
  GtkLabel *writer_label;
  GtkLabel *data_dir_label;
  GtkLabel *train_label;
  GtkLabel *validation_label;
  GtkLabel *test_label;
  GtkLabel *protocol_label;
  GtkLabel *training_label;
  GtkGrid *metrics_grid;
  GtkLabel *metrics_source_label;
  GtkLabel *limits_label;
};

G_DEFINE_FINAL_TYPE (EcgModelCardDialog, ecg_model_card_dialog, GTK_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- HEAD provenance, read defensively: the info object is free-form ---------------------- */

static const char *
info_string (JsonObject *info, const char *name)
{
  JsonNode *node = json_object_get_member (info, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
info_number (JsonObject *info, const char *name, double *value)
{
  JsonNode *node = json_object_get_member (info, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

static gboolean
info_boolean (JsonObject *info, const char *name, gboolean *value)
{
  JsonNode *node = json_object_get_member (info, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

static void
separate (GString *text)
{
  if (text->len > 0)
    g_string_append (text, ", ");
}

/* "epochs 11 of 12 (best 7), batch 128, …": the training settings the file records. Owned by
 * the caller; empty when there are none. */
static char *
training_text (JsonObject *info)
{
  GString *text = g_string_new (NULL);
  double value, of, best;
  gboolean flag;
  if (info_number (info, "epochs_run", &value) && info_number (info, "epochs", &of))
    {
      separate (text);
      /* Translators: epochs trained, of the maximum. */
      g_string_append_printf (text, _("%.0f of %.0f epochs"), value, of);
      if (info_number (info, "best_epoch", &best))
        /* Translators: the epoch validation chose. */
        g_string_append_printf (text, _(" (epoch %.0f kept)"), best);
    }
  if (info_number (info, "batch", &value))
    {
      separate (text);
      g_string_append_printf (text, _("batch %.0f"), value);
    }
  if (info_number (info, "lr", &value))
    {
      separate (text);
      g_string_append_printf (text, _("learning rate %.3g"), value);
    }
  if (info_number (info, "weight_decay", &value))
    {
      separate (text);
      g_string_append_printf (text, _("weight decay %.3g"), value);
    }
  if (info_boolean (info, "class_weights", &flag))
    {
      separate (text);
      g_string_append (text, flag ? _("class weights") : _("no class weights"));
    }
  if (info_boolean (info, "balanced_sampling", &flag) && flag)
    {
      separate (text);
      g_string_append (text, _("balanced sampling"));
    }
  if (info_number (info, "seed", &value))
    {
      separate (text);
      g_string_append_printf (text, _("seed %.0f"), value);
    }
  if (info_number (info, "threads", &value))
    {
      separate (text);
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%.0f thread", "%.0f threads",
                                                 (gulong) value),
                              value);
    }
  if (info_number (info, "train_seconds", &value))
    {
      separate (text);
      g_string_append_printf (text, _("%.0f s of training"), value);
    }
  return g_string_free (text, FALSE);
}

/* A count with the locale's digit grouping ("9,232,768"), outside _(): xgettext cannot see
 * through G_GINT64_FORMAT. Owned by the caller. */
static char *
format_count (gint64 n)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

/* ---- laying out the card ------------------------------------------------------------------- */

static void
set_text (GtkLabel *label, const char *text, const char *missing)
{
  gtk_label_set_text (label, text != NULL && *text != '\0' ? text : missing);
}

static void
add_metric_row (EcgModelCardDialog *self, int row, const char *name, double value,
                double lower, double upper)
{
  GtkWidget *name_label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0.0);
  gtk_widget_set_hexpand (name_label, TRUE);
  g_autofree char *value_text = g_strdup_printf ("%.4g", value);
  GtkWidget *value_label = gtk_label_new (value_text);
  gtk_label_set_xalign (GTK_LABEL (value_label), 1.0);
  gtk_widget_add_css_class (value_label, "numeric");
  g_autofree char *interval = NULL;
  if (isfinite (lower) && isfinite (upper))
    /* Translators: a 95 % confidence interval. */
    interval = g_strdup_printf (_("95 %% CI [%.4g, %.4g]"), lower, upper);
  GtkWidget *interval_label = gtk_label_new (interval != NULL ? interval : "");
  gtk_label_set_xalign (GTK_LABEL (interval_label), 0.0);
  gtk_widget_add_css_class (interval_label, "dim-label");
  gtk_grid_attach (self->metrics_grid, name_label, 0, row, 1, 1);
  gtk_grid_attach (self->metrics_grid, value_label, 1, row, 1, 1);
  gtk_grid_attach (self->metrics_grid, interval_label, 2, row, 1, 1);
}

static void
clear_metrics (EcgModelCardDialog *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->metrics_grid))) != NULL)
    gtk_grid_remove (self->metrics_grid, child);
}

static void
show_metrics (EcgModelCardDialog *self, const EcgModelCard *card)
{
  clear_metrics (self);
  int row = 0;
  double value;
  /* The validation score chose the epoch: shown, and named for what it is. */
  if (info_number (card->info, "val_macro_f1", &value))
    add_metric_row (self, row++, _("Validation macro-F1 (chose the epoch)"), value, NAN, NAN);
  if (info_number (card->info, "val_macro_auroc", &value))
    add_metric_row (self, row++, _("Validation macro AUROC (chose the epoch)"), value, NAN, NAN);
  for (guint i = 0; i < card->metrics->len; i++)
    {
      const EcgCardMetric *metric = g_ptr_array_index (card->metrics, i);
      add_metric_row (self, row++, metric->name, metric->value, metric->ci_lower,
                      metric->ci_upper);
    }
  if (row == 0)
    {
      GtkWidget *none = gtk_label_new (_("No metrics are recorded for this model."));
      gtk_label_set_xalign (GTK_LABEL (none), 0.0);
      gtk_widget_add_css_class (none, "dim-label");
      gtk_grid_attach (self->metrics_grid, none, 0, 0, 3, 1);
    }
  set_text (self->metrics_source_label, card->metrics_source, "");
  gtk_widget_set_visible (GTK_WIDGET (self->metrics_source_label), card->metrics_source != NULL);
}

/* The research-use notice, the caveats that follow from the card, then the side file's. */
static void
show_limits (EcgModelCardDialog *self, const EcgModelCard *card)
{
  g_autoptr (GPtrArray) limits = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (limits, g_strdup (_("Research use only — not a medical device: never use "
                                       "it to diagnose or treat anyone.")));
  double seed;
  if (card->model_path == NULL)
    g_ptr_array_add (limits, g_strdup (_("An untrained architecture: it has no data, protocol "
                                         "or metrics, only its size and cost.")));
  else if (card->card_path == NULL)
    {
      g_autofree char *side = ecg_model_card_side_path (card->model_path);
      g_autofree char *side_name = g_path_get_basename (side);
      g_ptr_array_add (limits,
                       g_strdup_printf (_("No test-set figures are recorded for this model "
                                          "(there is no %s beside it)."),
                                        side_name));
      if (info_number (card->info, "seed", &seed))
        g_ptr_array_add (limits,
                         g_strdup_printf (_("A single training run (seed %.0f): seed-to-seed "
                                            "variation is not known."),
                                          seed));
    }
  double sparsity = ecg_model_card_sparsity (card);
  if (card->model_path != NULL && sparsity > 0.0)
    g_ptr_array_add (limits,
                     g_strdup_printf (_("Pruned (%.1f %% of the prunable weights are zero): the "
                                        "data and training settings above are those of the "
                                        "dense model it was pruned from."),
                                      100.0 * sparsity));
  if (card->int8)
    g_ptr_array_add (limits, g_strdup (_("The file holds an INT8 version: the parameters and "
                                         "MACs above count the fp32 graph it was quantised "
                                         "from.")));
  for (guint i = 0; card->limits[i] != NULL; i++)
    g_ptr_array_add (limits, g_strdup (card->limits[i]));

  GString *text = g_string_new (NULL);
  for (guint i = 0; i < limits->len; i++)
    g_string_append_printf (text, "%s• %s", i > 0 ? "\n" : "",
                            (const char *) g_ptr_array_index (limits, i));
  gtk_label_set_text (self->limits_label, text->str);
  g_string_free (text, TRUE);
}

static void
show_card (EcgModelCardDialog *self, const EcgModelCard *card)
{
  gtk_label_set_text (self->title_label, card->title);
  gtk_window_set_title (GTK_WINDOW (self), card->title);
  set_text (self->description_label, card->description, "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), card->description != NULL);

  /* Translators: an architecture and its RR-feature input, e.g. "CNN1D_3Class + 6 RR
   * features". */
  g_autofree char *arch
    = card->rr_features > 0 ? g_strdup_printf (_("%s + %d RR features"), card->arch,
                                               card->rr_features)
                            : g_strdup (card->arch);
  gtk_label_set_text (self->arch_label, arch);
  /* Translators: the input shape, leads × samples. */
  g_autofree char *input = g_strdup_printf (_("%d × %d samples"), card->input_channels,
                                            card->input_length);
  gtk_label_set_text (self->input_label, input);
  g_autofree char *classes = g_strjoinv (" ", card->classes);
  g_autofree char *classes_text
    = card->multi_label ? g_strdup_printf (_("%s (multi-label)"), classes)
      : card->class_map != NULL ? g_strdup_printf (_("%s (class map %s)"), classes,
                                                   card->class_map)
                                : g_strdup (classes);
  gtk_label_set_text (self->classes_label, classes_text);
  /* Translators: parameter counts: all, and those neither masked nor zero. */
  g_autofree char *n_params = format_count (card->params);
  g_autofree char *n_nonzero = format_count (card->nonzero_params);
  g_autofree char *params = g_strdup_printf (_("%s (%s non-zero)"), n_params, n_nonzero);
  gtk_label_set_text (self->params_label, params);
  /* Translators: the share of prunable weights removed. */
  g_autofree char *n_prunable = format_count (card->prunable_params);
  g_autofree char *sparsity = g_strdup_printf (_("%.1f %% of %s prunable weights"),
                                               100.0 * ecg_model_card_sparsity (card),
                                               n_prunable);
  gtk_label_set_text (self->sparsity_label, sparsity);
  g_autofree char *macs = format_count (card->macs);
  gtk_label_set_text (self->macs_label, macs);
  g_autofree char *tf = format_count (card->tf_flops);
  gtk_label_set_text (self->tf_flops_label, tf);

  g_autofree char *file = NULL;
  if (card->model_path != NULL)
    {
      g_autofree char *display = g_filename_display_name (card->model_path);
      g_autofree char *bytes = format_count (card->file_bytes);
      /* Translators: a file and its size in bytes; the last %s is ", with INT8" or empty. */
      file = g_strdup_printf (_("%s (%s bytes%s)"), display, bytes,
                              card->int8 ? _(", with INT8") : "");
    }
  set_text (self->file_label, file, _("none (built from the model zoo)"));
  set_text (self->writer_label, card->writer, _("unknown"));

  const char *unrecorded = _("not recorded");
  set_text (self->data_dir_label, info_string (card->info, "data"), unrecorded);
  const char *train = card->train_data;
  if (train == NULL)
    train = info_string (card->info, "train_records");
  if (train == NULL)
    train = info_string (card->info, "train_folds");
  g_autofree char *train_text = NULL;
  double examples;
  if (train != NULL && info_number (card->info, "train_examples", &examples))
    /* Translators: the training data and its number of examples (beats or records). */
    train_text = g_strdup_printf (_("%s — %'.0f examples"), train, examples);
  set_text (self->train_label, train_text != NULL ? train_text : train, unrecorded);
  const char *validation = card->validation_data;
  if (validation == NULL)
    validation = info_string (card->info, "val_records");
  if (validation == NULL)
    validation = info_string (card->info, "val_folds");
  set_text (self->validation_label, validation, unrecorded);
  set_text (self->test_label, card->test_data, unrecorded);
  set_text (self->protocol_label, card->protocol, unrecorded);
  g_autofree char *training = training_text (card->info);
  set_text (self->training_label, training, unrecorded);

  show_metrics (self, card);
  show_limits (self, card);
  gtk_stack_set_visible_child_name (self->stack, "card");
}

/* ---- reading ------------------------------------------------------------------------------- */

typedef struct
{
  char *path;
  char *arch;
} CardRequest;

static void
card_request_free (CardRequest *request)
{
  g_free (request->path);
  g_free (request->arch);
  g_free (request);
}

static void
read_card_thread (GTask *task, gpointer source_object, gpointer task_data,
                  GCancellable *cancellable)
{
  CardRequest *request = task_data;
  GError *error = NULL;
  EcgModelCard *card = request->path != NULL
                         ? ecg_model_card_new_for_file (request->path, &error)
                         : ecg_model_card_new_for_arch (request->arch, FALSE, &error);
  if (card == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, card, (GDestroyNotify) ecg_model_card_free);
}

static void
set_loading (EcgModelCardDialog *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
card_read (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgModelCardDialog *self = ECG_MODEL_CARD_DIALOG (source_object);
  g_autoptr (GError) error = NULL;
  EcgModelCard *card = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      g_clear_pointer (&card, ecg_model_card_free);
      return;
    }
  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);
  g_clear_pointer (&self->card, ecg_model_card_free);
  self->card = card;
  if (card == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The model card could not be read: %s"),
                                               error->message);
      gtk_label_set_text (self->error_label, text);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  show_card (self, card);
}

static void
start_read (EcgModelCardDialog *self, const char *path, const char *arch)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->card, ecg_model_card_free);
  self->cancellable = g_cancellable_new ();

  CardRequest *request = g_new0 (CardRequest, 1);
  request->path = g_strdup (path);
  request->arch = g_strdup (arch);
  g_autofree char *base = path != NULL ? g_path_get_basename (path) : g_strdup (arch);
  gtk_label_set_text (self->title_label, base);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  set_loading (self, TRUE);

  g_autoptr (GTask) task = g_task_new (self, self->cancellable, card_read, NULL);
  g_task_set_source_tag (task, start_read);
  g_task_set_task_data (task, request, (GDestroyNotify) card_request_free);
  g_task_run_in_thread (task, read_card_thread);
}

void
ecg_model_card_dialog_show_model_file (EcgModelCardDialog *self, const char *path)
{
  g_return_if_fail (ECG_IS_MODEL_CARD_DIALOG (self));
  g_return_if_fail (path != NULL);
  start_read (self, path, NULL);
}

void
ecg_model_card_dialog_show_architecture (EcgModelCardDialog *self, const char *arch)
{
  g_return_if_fail (ECG_IS_MODEL_CARD_DIALOG (self));
  g_return_if_fail (arch != NULL);
  start_read (self, NULL, arch);
}

gboolean
ecg_model_card_dialog_get_loading (EcgModelCardDialog *self)
{
  g_return_val_if_fail (ECG_IS_MODEL_CARD_DIALOG (self), FALSE);
  return self->loading;
}

const EcgModelCard *
ecg_model_card_dialog_get_card (EcgModelCardDialog *self)
{
  g_return_val_if_fail (ECG_IS_MODEL_CARD_DIALOG (self), NULL);
  return self->card;
}

const char *
ecg_model_card_dialog_get_message (EcgModelCardDialog *self)
{
  g_return_val_if_fail (ECG_IS_MODEL_CARD_DIALOG (self), NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") != 0)
    return NULL;
  return gtk_label_get_text (self->error_label);
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
ecg_model_card_dialog_get_property (GObject *object, guint prop_id, GValue *value,
                                    GParamSpec *pspec)
{
  EcgModelCardDialog *self = ECG_MODEL_CARD_DIALOG (object);

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
ecg_model_card_dialog_dispose (GObject *object)
{
  EcgModelCardDialog *self = ECG_MODEL_CARD_DIALOG (object);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ECG_TYPE_MODEL_CARD_DIALOG);
  G_OBJECT_CLASS (ecg_model_card_dialog_parent_class)->dispose (object);
}

static void
ecg_model_card_dialog_finalize (GObject *object)
{
  EcgModelCardDialog *self = ECG_MODEL_CARD_DIALOG (object);
  g_clear_pointer (&self->card, ecg_model_card_free);
  G_OBJECT_CLASS (ecg_model_card_dialog_parent_class)->finalize (object);
}

static void
ecg_model_card_dialog_class_init (EcgModelCardDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ecg_model_card_dialog_dispose;
  object_class->finalize = ecg_model_card_dialog_finalize;
  object_class->get_property = ecg_model_card_dialog_get_property;

  properties[PROP_LOADING]
    = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ecgworkbench/Workbench/ui/"
                                               "ecg-model-card-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, title_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, description_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, arch_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, input_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, classes_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, params_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, sparsity_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, macs_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, tf_flops_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, file_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, writer_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, data_dir_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, train_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, validation_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, test_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, protocol_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, training_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, metrics_grid);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, metrics_source_label);
  gtk_widget_class_bind_template_child (widget_class, EcgModelCardDialog, limits_label);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ecg_model_card_dialog_init (EcgModelCardDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

EcgModelCardDialog *
ecg_model_card_dialog_new (GtkWindow *parent)
{
  return g_object_new (ECG_TYPE_MODEL_CARD_DIALOG, "transient-for", parent,
                       "destroy-with-parent", TRUE, NULL);
}
