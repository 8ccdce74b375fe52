/* ecgwb-quantise.c — `ecgwb quantise`: post-training INT8 with measured fp32-vs-INT8 figures. */
#include "ecgwb-command.h"

#include <stdio.h>

#include "jobs/ecg-quantise-job.h"

static void
print_progress (const EcgJobProgress *p, gpointer data)
{
  g_printerr ("[%3.0f%%] %s\n", 100 * p->fraction, p->stage);
}

int
ecgwb_command_quantise (int argc, char **argv)
{
  g_autoptr (EcgQuantiseConfig) c = ecg_quantise_config_new ();
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &c->model_path, "fp32 model file (may be pruned)",
      "FILE" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &c->data_dir, "Database folder", "DIR" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &c->out_path, "INT8 model file to write", "FILE" },
    { "calibration-records", 0, 0, G_OPTION_ARG_STRING, &c->calibration_records,
      "Records whose activations set the int8 ranges (DS1-val)", "LIST" },
    { "test-records", 0, 0, G_OPTION_ARG_STRING, &c->test_records, "Records to compare fp32 "
      "and INT8 on (DS2; none to skip)", "LIST" },
    { "calibration-folds", 0, 0, G_OPTION_ARG_STRING, &c->calibration_folds, "PTB-XL (9)",
      "FOLDS" },
    { "test-folds", 0, 0, G_OPTION_ARG_STRING, &c->test_folds, "PTB-XL (10)", "FOLDS" },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &c->store_path, "Also record a quantise run",
      "DB" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &c->threads, "Worker threads (1)", "N" },
    { "latency-repeats", 0, 0, G_OPTION_ARG_INT, &c->latency_repeats, "Batch-1 runs per "
      "latency median (300)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON summary on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("quantise", NULL, "Quantises a model to INT8 (per-channel "
                            "symmetric weights, BatchNorm folded, activation ranges calibrated "
                            "on validation records, int8 kernels chosen for this CPU) and "
                            "compares it with the fp32 model.", entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (c->model_path == NULL || c->data_dir == NULL || c->out_path == NULL || argc != 1)
    return ecgwb_usage_error ("quantise", "--model, --data and --out are required");
  if (c->threads < 1 || c->latency_repeats < 1)
    return ecgwb_usage_error ("quantise", "--threads and --latency-repeats must be positive");

  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) summary = NULL;
  if (!ecg_quantise_job_run (c, &summary, print_progress, NULL, NULL, &error))
    return ecgwb_fail ("quantise", error);
  if (json)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, summary);
      ecgwb_print_json (node, FALSE);
      return ECGWB_EXIT_OK;
    }
  printf ("wrote %s (%s kernels, %" G_GINT64_FORMAT " int8 layers)\n", c->out_path,
          json_object_get_string_member (summary, "kernel_path"),
          json_object_get_int_member (summary, "int8_layers"));
  if (json_object_has_member (summary, "int8"))
    {
      JsonObject *f = json_object_get_object_member (summary, "fp32");
      JsonObject *q = json_object_get_object_member (summary, "int8");
      printf ("        macro-F1  accuracy  latency ms\n");
      printf ("fp32    %8.4f  %8.4f  %10.4f\n", json_object_get_double_member (f, "macro_f1"),
              json_object_get_double_member (f, "accuracy"),
              json_object_get_double_member (f, "latency_ms"));
      printf ("int8    %8.4f  %8.4f  %10.4f  (%.2fx)\n",
              json_object_get_double_member (q, "macro_f1"),
              json_object_get_double_member (q, "accuracy"),
              json_object_get_double_member (q, "latency_ms"),
              json_object_get_double_member (summary, "latency_ratio"));
    }
  return ECGWB_EXIT_OK;
}
