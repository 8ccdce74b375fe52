/* ecgwb-train.c — `ecgwb train`: train a zoo architecture and write its model file. */
#include "ecgwb-command.h"

#include <math.h>
#include <stdio.h>

#include "jobs/ecg-train-job.h"
#include "nn/ecg-zoo.h"

typedef struct
{
  gint64 last_report_us;
} ProgressState;

static void
print_progress (const EcgJobProgress *p, gpointer data)
{
  ProgressState *state = data;
  if (g_strcmp0 (p->stage, "validated") == 0)
    {
      if (isfinite (p->val_score))
        g_printerr ("epoch %d/%d: loss %.4f, validation %.4f\n", p->epoch, p->n_epochs,
                    p->loss, p->val_score);
      else
        g_printerr ("epoch %d/%d: loss %.4f\n", p->epoch, p->n_epochs, p->loss);
      return;
    }
  /* At most one batch line per two seconds. */
  gint64 now = g_get_monotonic_time ();
  if (now - state->last_report_us > 2 * G_USEC_PER_SEC)
    {
      state->last_report_us = now;
      g_printerr ("epoch %d/%d: batch %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT ", loss %.4f\n",
                  p->epoch, p->n_epochs, p->batch, p->n_batches, p->loss);
    }
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
  g_autoptr (EcgTrainConfig) c = ecg_train_config_new ();
  gboolean json = FALSE, no_class_weights = FALSE;
  gint64 seed = 1, max_train = 0;
  GOptionEntry entries[] = {
    { "arch", 0, 0, G_OPTION_ARG_STRING, &c->arch, "Architecture (see ecgwb models)", "NAME" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &c->data_dir, "Database folder (MIT-BIH, PTB-XL or "
      "any annotated WFDB records)", "DIR" },
    { "rr-features", 0, 0, G_OPTION_ARG_NONE, &c->rr_features, "Give the model the six RR "
      "features", NULL },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &c->epochs, "Epochs (20)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &c->batch_size, "Batch size (128)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &c->learning_rate, "Learning rate, cosine-annealed "
      "(0.001)", "LR" },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &c->weight_decay, "AdamW weight decay (1e-4)",
      "WD" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &c->patience, "Stop after N epochs without "
      "validation gain (5; 0 = never)", "N" },
    { "balanced-sampling", 0, 0, G_OPTION_ARG_NONE, &c->balanced_sampling, "Draw batches with "
      "equal class probability instead of weighting the loss", NULL },
    { "no-class-weights", 0, 0, G_OPTION_ARG_NONE, &no_class_weights, "Plain (unweighted) "
      "loss", NULL },
    { "max-train", 0, 0, G_OPTION_ARG_INT64, &max_train, "Train on a random subset of N "
      "examples, drawn with the seed (0 = all)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed: same seed and threads, same model (1)",
      "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &c->threads, "Worker threads (1)", "N" },
    { "train-records", 0, 0, G_OPTION_ARG_STRING, &c->train_records, "Training records: a "
      "list (101,106,...) or DS1, DS1-train (default)", "LIST" },
    { "val-records", 0, 0, G_OPTION_ARG_STRING, &c->val_records, "Validation records (default "
      "DS1-val = 201,209,223); 'none' for no validation", "LIST" },
    { "train-folds", 0, 0, G_OPTION_ARG_STRING, &c->train_folds, "PTB-XL training folds (1-8)",
      "FOLDS" },
    { "val-folds", 0, 0, G_OPTION_ARG_STRING, &c->val_folds, "PTB-XL validation folds (9)",
      "FOLDS" },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &c->store_path, "Also record a train run in this "
      "run store (SQLite)", "DB" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &c->out_path, "Model file to write (.ecgm)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON summary on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("train", NULL, "Trains an architecture on a database and writes "
                            "the model with its normalisation and provenance. Validation "
                            "chooses the epoch; test records are never used.", entries, &argc,
                            &argv))
    return ECGWB_EXIT_USAGE;
  if (c->arch == NULL || c->data_dir == NULL || c->out_path == NULL || argc != 1)
    return ecgwb_usage_error ("train", "--arch, --data and --out are required");
  if (c->epochs < 1 || c->batch_size < 1 || c->threads < 1 || c->threads > 64
      || c->learning_rate <= 0 || c->weight_decay < 0 || c->patience < 0 || max_train < 0)
    return ecgwb_usage_error ("train", "epochs, batch and threads must be positive, lr > 0");

  g_autoptr (GError) error = NULL;
  const EcgArchInfo *arch = ecg_zoo_find (c->arch, &error);
  if (arch == NULL)
    return ecgwb_usage_error ("train", "%s", error->message);
  if (c->rr_features && !arch->supports_rr)
    return ecgwb_usage_error ("train", "%s takes no RR features", arch->name);
  c->seed = (guint64) seed;
  c->class_weights = !no_class_weights;
  c->max_train_examples = (gsize) max_train;

  g_autoptr (EcgTrainJob) job = ecg_train_job_prepare (c, NULL, &error);
  if (job == NULL)
    return ecgwb_fail ("train", error);
  report_counts ("training", job->train, arch);
  if (job->val != NULL)
    report_counts ("validation", job->val, arch);

  ProgressState progress_state = { 0 };
  if (!ecg_train_job_execute (job, 0, print_progress, &progress_state, NULL, &error))
    return ecgwb_fail ("train", error);
  g_printerr ("wrote %s (%d epochs in %.0f s, best epoch %d)\n", c->out_path,
              job->result.epochs_run, job->seconds, job->result.best_epoch);
  if (job->run_id > 0)
    g_printerr ("train run %" G_GINT64_FORMAT " in %s\n", job->run_id, c->store_path);
  if (json)
    {
      JsonObject *info = job->info;
      json_object_set_string_member (info, "model", c->out_path);
      json_object_set_string_member (info, "arch", arch->name);
      if (job->run_id > 0)
        json_object_set_int_member (info, "run", job->run_id);
      JsonArray *losses = json_array_new ();
      for (guint i = 0; i < job->result.epoch_loss->len; i++)
        json_array_add_double_element (losses,
                                       g_array_index (job->result.epoch_loss, double, i));
      json_object_set_array_member (info, "epoch_loss", losses);
      JsonArray *scores = json_array_new ();
      for (guint i = 0; i < job->result.val_scores->len; i++)
        json_array_add_double_element (scores,
                                       g_array_index (job->result.val_scores, double, i));
      json_object_set_array_member (info, "val_scores", scores);
      g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (root, info);
      ecgwb_print_json (root, FALSE);
    }
  return ECGWB_EXIT_OK;
}
