/* ecgwb-prune.c — `ecgwb prune`: iterative L1 or energy-aware pruning into a run store. */
#include "ecgwb-command.h"
#include "ecgwb-jobs.h"

#include <glib-unix.h>
#include <math.h>
#include <stdio.h>

#include "jobs/ecg-prune-job.h"
#include "store/ecg-run-store.h"

/* SIGINT / SIGTERM cancel the job at the next batch; committed steps stay in the store. */
static gboolean
cancel_on_signal (gpointer cancellable)
{
  g_printerr ("ecgwb: stopping after the current batch...\n");
  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

static void
print_progress (const EcgJobProgress *p, gpointer data)
{
  gint64 *last = data;
  gint64 now = g_get_monotonic_time ();
  gboolean milestone = p->epoch == 0;
  if (!milestone && now - *last < 2 * G_USEC_PER_SEC)
    return;
  *last = now;
  if (p->epoch > 0)
    g_printerr ("[%3.0f%%] step %d/%d %s: epoch %d/%d batch %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT
                ", loss %.4f\n", 100 * p->fraction, p->step, p->n_steps, p->stage, p->epoch,
                p->n_epochs, p->batch, p->n_batches, p->loss);
  else
    g_printerr ("[%3.0f%%] step %d/%d %s\n", 100 * p->fraction, p->step, p->n_steps, p->stage);
}

static void
watch_signals (GCancellable *cancellable)
{
  g_unix_signal_add (SIGINT, cancel_on_signal, cancellable);
  g_unix_signal_add (SIGTERM, cancel_on_signal, cancellable);
}

typedef struct
{
  EcgPruneConfig *config;
  gint64 resume_run;
  gint64 run_id;
  int threads;
  GCancellable *cancellable;
  GError *error;
  gboolean ok;
  gint64 last_report;
  GMainLoop *loop;
} PruneCommand;

static gpointer
job_thread (gpointer data)
{
  PruneCommand *cmd = data;
  if (cmd->resume_run > 0)
    {
      cmd->ok = ecg_prune_job_resume (cmd->config->store_path, cmd->resume_run, cmd->threads,
                                      print_progress, &cmd->last_report, cmd->cancellable,
                                      &cmd->error);
      cmd->run_id = cmd->resume_run;
    }
  else
    cmd->ok = ecg_prune_job_run (cmd->config, &cmd->run_id, print_progress, &cmd->last_report,
                                 cmd->cancellable, &cmd->error);
  g_main_loop_quit (cmd->loop);
  return NULL;
}

/* Runs the job in a thread while the main loop watches for signals; prints the run. */
int
ecgwb_run_prune_job (EcgPruneConfig *config, gint64 resume_run, int threads, gboolean json,
                     const char *command)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  PruneCommand cmd = { config, resume_run, 0, threads, cancellable, NULL, FALSE, 0, loop };
  watch_signals (cancellable);
  GThread *thread = g_thread_new ("prune-job", job_thread, &cmd);
  g_main_loop_run (loop);
  g_thread_join (thread);

  if (!cmd.ok)
    {
      int code = ecgwb_fail (command, cmd.error);
      g_error_free (cmd.error);
      return code;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (config->store_path, FALSE, &error);
  g_autoptr (EcgRun) run = store ? ecg_run_store_get_run (store, cmd.run_id, &error) : NULL;
  if (run == NULL)
    return ecgwb_fail (command, error);
  return ecgwb_print_run (run, json);
}

int
ecgwb_command_prune (int argc, char **argv)
{
  g_autoptr (EcgPruneConfig) c = ecg_prune_config_new ();
  g_autofree char *method = NULL;
  gboolean json = FALSE, structured = FALSE, class_aware = FALSE;
  gint64 seed = 1;
  double class_aware_weight = NAN;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &c->model_path, "Dense model file", "FILE" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &c->data_dir, "Database folder", "DIR" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, "l1 or energy (energy)", "METHOD" },
    { "alpha", 0, 0, G_OPTION_ARG_DOUBLE, &c->alpha, "Energy-aware: weight of |w| vs layer "
      "energy, 0..1 (0.5)", "A" },
    { "beta", 0, 0, G_OPTION_ARG_DOUBLE, &c->beta, "Schedule rate; 0 = linear (0)", "B" },
    { "sparsity", 0, 0, G_OPTION_ARG_DOUBLE, &c->target_sparsity, "Target fraction of "
      "prunable weights, 0..0.95 (0.5)", "S" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &c->steps, "Pruning steps K (5)", "K" },
    { "finetune-epochs", 0, 0, G_OPTION_ARG_INT, &c->finetune_epochs, "Fine-tuning epochs "
      "after each step (2)", "E" },
    { "kd", 0, 0, G_OPTION_ARG_NONE, &c->kd, "Distil from the dense model while fine-tuning",
      NULL },
    { "temperature", 0, 0, G_OPTION_ARG_DOUBLE, &c->temperature, "Distillation temperature "
      "T (4)", "T" },
    { "kd-weight", 0, 0, G_OPTION_ARG_DOUBLE, &c->kd_weight, "Distillation weight a (0.5)",
      "A" },
    { "structured", 0, 0, G_OPTION_ARG_NONE, &structured, "Remove whole channels: S is then "
      "the fraction of channels per layer (CNN1D_3Class, ResNet1D_Attn)", NULL },
    { "class-aware", 0, 0, G_OPTION_ARG_NONE, &class_aware, "Blend the class-aware saliency "
      "into the importance, protecting rare classes (unstructured only; see above)", NULL },
    { "class-aware-weight", 0, 0, G_OPTION_ARG_DOUBLE, &class_aware_weight, "With "
      "--class-aware: the saliency's share g, 0..1 (0.5)", "G" },
    { "train-records", 0, 0, G_OPTION_ARG_STRING, &c->train_records, "Fine-tuning records "
      "(DS1-train)", "LIST" },
    { "val-records", 0, 0, G_OPTION_ARG_STRING, &c->val_records, "Validation records "
      "(DS1-val)", "LIST" },
    { "test-records", 0, 0, G_OPTION_ARG_STRING, &c->test_records, "Test records (DS2)",
      "LIST" },
    { "train-folds", 0, 0, G_OPTION_ARG_STRING, &c->train_folds, "PTB-XL (1-8)", "FOLDS" },
    { "val-folds", 0, 0, G_OPTION_ARG_STRING, &c->val_folds, "PTB-XL (9)", "FOLDS" },
    { "test-folds", 0, 0, G_OPTION_ARG_STRING, &c->test_folds, "PTB-XL (10)", "FOLDS" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &c->batch_size, "Batch size (128)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &c->learning_rate, "Fine-tuning learning rate (3e-4)",
      "LR" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed (1)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &c->threads, "Worker threads (1)", "N" },
    { "latency-repeats", 0, 0, G_OPTION_ARG_INT, &c->latency_repeats, "Batch-1 runs for the "
      "latency median (200)", "N" },
    { "energy-inferences", 0, 0, G_OPTION_ARG_INT, &c->energy_inferences, "Batch-1 runs for "
      "the measured or estimated energy (200)", "N" },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &c->store_path, "Run store (SQLite)", "DB" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &c->out_path, "Also write the final model", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the finished run as JSON", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("prune", NULL,
                            "Prunes a model in K steps to a target sparsity, fine-tuning (and "
                            "optionally distilling) after each step; every step is measured "
                            "(accuracy, macro-F1, MACs, latency, energy) and committed to the "
                            "run store.\n\nEnergy-aware importance: I = alpha*|w|/max|w|_layer "
                            "+ (1-alpha)*(1 - E_layer/max E); the lowest is pruned first. The "
                            "published formula adds +E/max E, which would protect the costly "
                            "layers it means to prune; this uses 1 - E/max E.\n\n"
                            "Class-aware (--class-aware): per class c, S_c = |w * dL_c/dw| with "
                            "L_c the summed cross-entropy of the validation examples of class c "
                            "(eval mode, never the test records); S = sum_c lambda_c S_c with "
                            "lambda_c = (1/n_c) / sum_k (1/n_k), inverse class frequency; then "
                            "I' = (1-g)*I/max I + g*S/max S (maxima over all surviving prunable "
                            "weights), recomputed every step. Works with l1 and energy, not with "
                            "--structured.",
                            entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (argc != 1)
    return ecgwb_usage_error ("prune", "unexpected argument '%s'", argv[1]);
  if (method != NULL)
    {
      if (g_ascii_strcasecmp (method, "l1") == 0)
        c->method = ECG_IMPORTANCE_L1;
      else if (g_ascii_strcasecmp (method, "energy") == 0)
        c->method = ECG_IMPORTANCE_ENERGY;
      else
        return ecgwb_usage_error ("prune", "--method must be l1 or energy");
    }
  if (class_aware && structured)
    return ecgwb_usage_error ("prune", "--class-aware ranks single weights and cannot be "
                              "combined with --structured");
  if (!isnan (class_aware_weight))
    {
      if (!class_aware)
        return ecgwb_usage_error ("prune", "--class-aware-weight needs --class-aware");
      c->class_aware_weight = class_aware_weight;
    }
  c->class_aware = class_aware;
  c->structured = structured;
  c->seed = (guint64) seed;
  g_autoptr (GError) error = NULL;
  if (!ecg_prune_config_validate (c, &error))
    return ecgwb_usage_error ("prune", "%s", error->message);
  return ecgwb_run_prune_job (c, 0, c->threads, json, "prune");
}
