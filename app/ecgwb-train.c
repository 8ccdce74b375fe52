/* ecgwb-train.c — `ecgwb train`: train a zoo architecture and write its model file. */
#include "ecgwb-command.h"

#include <math.h>
#include <stdio.h>

#include "ecg-config.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"
#include "train/ecg-data.h"
#include "train/ecg-trainer.h"

typedef struct
{
  gint64 last_report_us;
} ProgressState;

static void
print_progress (const EcgTrainProgress *p, gpointer data)
{
  ProgressState *state = data;
  if (p->epoch_done)
    {
      if (isfinite (p->val_score))
        g_printerr ("epoch %d/%d: loss %.4f, validation %.4f\n", p->epoch, p->n_epochs,
                    p->epoch_loss, p->val_score);
      else
        g_printerr ("epoch %d/%d: loss %.4f\n", p->epoch, p->n_epochs, p->epoch_loss);
      return;
    }
  /* At most one batch line per two seconds. */
  gint64 now = g_get_monotonic_time ();
  if (now - state->last_report_us > 2 * G_USEC_PER_SEC)
    {
      state->last_report_us = now;
      g_printerr ("epoch %d/%d: batch %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT ", loss %.4f\n",
                  p->epoch, p->n_epochs, p->batch, p->n_batches, p->epoch_loss);
    }
}

/* Loads train or validation examples according to the dataset kind. */
static EcgExamples *
load_examples (const char *data_dir, const EcgArchInfo *arch, gboolean rr,
               const char *records, const char *folds, GError **error)
{
  if (arch->dataset == ECG_DATASET_PTBXL)
    {
      if (!ecg_data_dir_is_ptbxl (data_dir))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "%s needs a PTB-XL folder (with ptbxl_database.csv); %s is not one",
                       arch->name, data_dir);
          return NULL;
        }
      int n_folds = 0;
      g_autofree int *fold_list = ecg_data_parse_folds (folds, &n_folds, error);
      if (fold_list == NULL)
        return NULL;
      return ecg_data_load_ptbxl (data_dir, fold_list, n_folds, NULL, error);
    }
  g_auto (GStrv) names = ecg_data_parse_record_list (records, error);
  if (names == NULL)
    return NULL;
  EcgDataSpec spec = { arch->dataset, arch->input_length, arch->samples_before,
                       arch->class_map, rr };
  return ecg_data_load_records (data_dir, (const char *const *) names, &spec, NULL, error);
}

static void
report_counts (const char *what, const EcgExamples *e, const EcgArchInfo *arch)
{
  g_autofree gsize *counts = g_new0 (gsize, e->n_classes);
  ecg_examples_class_counts (e, counts);
  g_autoptr (GString) text = g_string_new (NULL);
  for (int c = 0; c < e->n_classes; c++)
    g_string_append_printf (text, " %s %" G_GSIZE_FORMAT, arch->classes[c], counts[c]);
  g_printerr ("%s: %" G_GSIZE_FORMAT " examples (%s)\n", what, e->n, text->str + 1);
}

int
ecgwb_command_train (int argc, char **argv)
{
  g_autofree char *arch_name = NULL, *data_dir = NULL, *out = NULL;
  g_autofree char *train_records = NULL, *val_records = NULL;
  g_autofree char *train_folds = NULL, *val_folds = NULL;
  gboolean rr = FALSE, json = FALSE, balanced = FALSE, no_class_weights = FALSE;
  EcgTrainOptions o;
  ecg_train_options_init (&o);
  gint64 seed = 1;
  double lr = o.learning_rate, weight_decay = o.weight_decay;
  GOptionEntry entries[] = {
    { "arch", 0, 0, G_OPTION_ARG_STRING, &arch_name, "Architecture (see ecgwb models)", "NAME" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Database folder (MIT-BIH, PTB-XL or "
      "any annotated WFDB records)", "DIR" },
    { "rr-features", 0, 0, G_OPTION_ARG_NONE, &rr, "Give the model the six RR features", NULL },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o.epochs, "Epochs (20)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &o.batch_size, "Batch size (128)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Learning rate, cosine-annealed (0.001)", "LR" },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &weight_decay, "AdamW weight decay (1e-4)",
      "WD" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &o.patience, "Stop after N epochs without "
      "validation gain (5; 0 = never)", "N" },
    { "balanced-sampling", 0, 0, G_OPTION_ARG_NONE, &balanced, "Draw batches with equal class "
      "probability instead of weighting the loss", NULL },
    { "no-class-weights", 0, 0, G_OPTION_ARG_NONE, &no_class_weights, "Plain (unweighted) "
      "loss", NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed: same seed and threads, same model (1)",
      "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "Worker threads (1)", "N" },
    { "train-records", 0, 0, G_OPTION_ARG_STRING, &train_records, "Training records: a list "
      "(101,106,...) or DS1, DS1-train (default)", "LIST" },
    { "val-records", 0, 0, G_OPTION_ARG_STRING, &val_records, "Validation records (default "
      "DS1-val = 201,209,223); 'none' for no validation", "LIST" },
    { "train-folds", 0, 0, G_OPTION_ARG_STRING, &train_folds, "PTB-XL training folds (1-8)",
      "FOLDS" },
    { "val-folds", 0, 0, G_OPTION_ARG_STRING, &val_folds, "PTB-XL validation folds (9)",
      "FOLDS" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Model file to write (.ecgm)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON summary on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("train", NULL, "Trains an architecture on a database and writes "
                            "the model with its normalisation and provenance. Validation "
                            "chooses the epoch; test records are never used.", entries, &argc,
                            &argv))
    return ECGWB_EXIT_USAGE;
  if (arch_name == NULL || data_dir == NULL || out == NULL || argc != 1)
    return ecgwb_usage_error ("train", "--arch, --data and --out are required");
  if (o.epochs < 1 || o.batch_size < 1 || o.threads < 1 || o.threads > 64 || lr <= 0
      || weight_decay < 0 || o.patience < 0)
    return ecgwb_usage_error ("train", "epochs, batch and threads must be positive, lr > 0");

  g_autoptr (GError) error = NULL;
  const EcgArchInfo *arch = ecg_zoo_find (arch_name, &error);
  if (arch == NULL)
    return ecgwb_usage_error ("train", "%s", error->message);
  if (rr && !arch->supports_rr)
    return ecgwb_usage_error ("train", "%s takes no RR features", arch->name);
  o.learning_rate = (float) lr;
  o.weight_decay = (float) weight_decay;
  o.seed = (guint64) seed;
  o.balanced_sampling = balanced;
  o.class_weights = !no_class_weights;

  const char *train_list = train_records ? train_records : "DS1-train";
  const char *val_list = val_records ? val_records : "DS1-val";
  const char *train_fold_list = train_folds ? train_folds : "1-8";
  const char *val_fold_list = val_folds ? val_folds : "9";
  gboolean no_validation = g_strcmp0 (val_list, "none") == 0
                           || g_strcmp0 (val_fold_list, "none") == 0;

  g_autoptr (EcgExamples) train = load_examples (data_dir, arch, rr, train_list,
                                                 train_fold_list, &error);
  if (train == NULL)
    return ecgwb_fail ("train", error);
  g_autoptr (EcgExamples) val = NULL;
  if (!no_validation)
    {
      val = load_examples (data_dir, arch, rr, val_list, val_fold_list, &error);
      if (val == NULL)
        return ecgwb_fail ("train", error);
    }
  g_autoptr (EcgNormalisation) norm = ecg_examples_fit_normalisation (train);
  ecg_examples_apply_normalisation (train, norm);
  if (val != NULL)
    ecg_examples_apply_normalisation (val, norm);
  report_counts ("training", train, arch);
  if (val != NULL)
    report_counts ("validation", val, arch);

  g_autoptr (EcgModel) model = ecg_zoo_build (arch->name, rr, (guint64) seed, &error);
  if (model == NULL)
    return ecgwb_fail ("train", error);
  ProgressState progress_state = { 0 };
  o.progress = print_progress;
  o.progress_data = &progress_state;
  EcgTrainResult result = { 0 };
  gint64 started = g_get_monotonic_time ();
  if (!ecg_train (model, train, val, &o, &result, &error))
    {
      ecg_train_result_clear (&result);
      return ecgwb_fail ("train", error);
    }
  double seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;

  /* Provenance: enough to retrain the same model. */
  g_autoptr (JsonObject) info = json_object_new ();
  json_object_set_string_member (info, "program", "ecgwb " ECG_VERSION " (" ECG_GIT_HASH ")");
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  json_object_set_string_member (info, "created", created);
  json_object_set_string_member (info, "data", data_dir);
  if (arch->dataset == ECG_DATASET_PTBXL)
    {
      json_object_set_string_member (info, "train_folds", train_fold_list);
      json_object_set_string_member (info, "val_folds", no_validation ? "none" : val_fold_list);
    }
  else
    {
      json_object_set_string_member (info, "train_records", train_list);
      json_object_set_string_member (info, "val_records", no_validation ? "none" : val_list);
    }
  json_object_set_int_member (info, "train_examples", (gint64) train->n);
  json_object_set_int_member (info, "epochs", o.epochs);
  json_object_set_int_member (info, "epochs_run", result.epochs_run);
  json_object_set_int_member (info, "best_epoch", result.best_epoch);
  json_object_set_int_member (info, "batch", o.batch_size);
  json_object_set_double_member (info, "lr", lr);
  json_object_set_double_member (info, "weight_decay", weight_decay);
  json_object_set_boolean_member (info, "balanced_sampling", balanced);
  json_object_set_boolean_member (info, "class_weights", o.class_weights);
  json_object_set_int_member (info, "seed", seed);
  json_object_set_int_member (info, "threads", o.threads);
  if (isfinite (result.best_val_score))
    json_object_set_double_member (info, arch->multi_label ? "val_macro_auroc" : "val_macro_f1",
                                   result.best_val_score);
  json_object_set_double_member (info, "train_seconds", seconds);

  /* NULL: the zoo's class names (arch->classes is not NULL-terminated, which the writer needs). */
  if (!ecg_model_file_save (model, norm, NULL, arch->class_map, arch->samples_before, info, out,
                            &error))
    {
      ecg_train_result_clear (&result);
      return ecgwb_fail ("train", error);
    }
  g_printerr ("wrote %s (%d epochs in %.0f s, best epoch %d)\n", out, result.epochs_run,
              seconds, result.best_epoch);
  if (json)
    {
      json_object_set_string_member (info, "model", out);
      json_object_set_string_member (info, "arch", arch->name);
      JsonArray *losses = json_array_new ();
      for (guint i = 0; i < result.epoch_loss->len; i++)
        json_array_add_double_element (losses, g_array_index (result.epoch_loss, double, i));
      json_object_set_array_member (info, "epoch_loss", losses);
      JsonArray *scores = json_array_new ();
      for (guint i = 0; i < result.val_scores->len; i++)
        json_array_add_double_element (scores, g_array_index (result.val_scores, double, i));
      json_object_set_array_member (info, "val_scores", scores);
      g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (root, info);
      ecgwb_print_json (root, FALSE);
    }
  ecg_train_result_clear (&result);
  return ECGWB_EXIT_OK;
}
