/* ecgwb-sensitivity.c — `ecgwb sensitivity`: validation score per layer pruned alone. */
#include "ecgwb-command.h"

#include <stdio.h>

#include "jobs/ecg-sensitivity.h"
#include "nn/ecg-model-file.h"
#include "train/ecg-data.h"

static void
print_progress (const EcgJobProgress *p, gpointer data)
{
  g_printerr ("[%3.0f%%] layer %d/%d\n", 100 * p->fraction, p->step, p->n_steps);
}

int
ecgwb_command_sensitivity (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *data_dir = NULL, *records = NULL, *folds = NULL;
  g_autofree char *sparsity_list = NULL;
  int threads = 1;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file", "FILE" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Database folder", "DIR" },
    { "records", 0, 0, G_OPTION_ARG_STRING, &records, "Validation records (DS1-val)", "LIST" },
    { "folds", 0, 0, G_OPTION_ARG_STRING, &folds, "PTB-XL validation folds (9)", "FOLDS" },
    { "sparsities", 0, 0, G_OPTION_ARG_STRING, &sparsity_list, "Sparsities per layer "
      "(0.25,0.5,0.75,0.9)", "LIST" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Worker threads (1)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("sensitivity", NULL, "Prunes each layer alone (by magnitude, no "
                            "fine-tuning) to each sparsity and reports the validation "
                            "macro-F1 (macro AUROC for PTB-XL). Uses validation records only.",
                            entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (model_path == NULL || data_dir == NULL || argc != 1)
    return ecgwb_usage_error ("sensitivity", "--model and --data are required");
  g_auto (GStrv) parts = g_strsplit (sparsity_list ? sparsity_list : "0.25,0.5,0.75,0.9", ",",
                                     -1);
  int n = (int) g_strv_length (parts);
  g_autofree double *sparsities = g_new (double, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      char *end = NULL;
      sparsities[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || !(sparsities[i] >= 0 && sparsities[i] <= 1))
        return ecgwb_usage_error ("sensitivity", "'%s' is not a sparsity in 0..1", parts[i]);
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load (model_path, &error);
  if (file == NULL)
    return ecgwb_fail ("sensitivity", error);
  EcgModel *m = file->model;
  g_autoptr (EcgExamples) val = NULL;
  if (m->multi_label)
    {
      int n_folds = 0;
      g_autofree int *list = ecg_data_parse_folds (folds ? folds : "9", &n_folds, &error);
      if (list == NULL)
        return ecgwb_usage_error ("sensitivity", "%s", error->message);
      val = ecg_data_load_ptbxl (data_dir, list, n_folds, NULL, &error);
    }
  else
    {
      g_auto (GStrv) names = ecg_data_parse_record_list (records ? records : "DS1-val", &error);
      if (names == NULL)
        return ecgwb_usage_error ("sensitivity", "%s", error->message);
      EcgDataSpec spec = { ECG_DATASET_MITBIH, m->input_length, file->samples_before,
                           file->class_map, m->rr_features > 0 };
      val = ecg_data_load_records (data_dir, (const char *const *) names, &spec, NULL, &error);
    }
  if (val == NULL)
    return ecgwb_fail ("sensitivity", error);
  ecg_examples_apply_normalisation (val, file->norm);
  g_autoptr (JsonObject) result = ecg_sensitivity_analyse (m, val, sparsities, n, threads,
                                                           print_progress, NULL, NULL, &error);
  if (result == NULL)
    return ecgwb_fail ("sensitivity", error);
  if (json)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, result);
      ecgwb_print_json (node, FALSE);
      return ECGWB_EXIT_OK;
    }
  printf ("baseline %s %.4f\n%-28s %9s", json_object_get_string_member (result, "score"),
          json_object_get_double_member (result, "baseline"), "layer", "params");
  for (int i = 0; i < n; i++)
    printf ("  s=%4.2f", sparsities[i]);
  printf ("\n");
  JsonArray *layers = json_object_get_array_member (result, "layers");
  for (guint l = 0; l < json_array_get_length (layers); l++)
    {
      JsonObject *layer = json_array_get_object_element (layers, l);
      printf ("%-28s %9" G_GINT64_FORMAT, json_object_get_string_member (layer, "name"),
              json_object_get_int_member (layer, "params"));
      JsonArray *scores = json_object_get_array_member (layer, "scores");
      for (guint k = 0; k < json_array_get_length (scores); k++)
        printf ("  %6.4f", json_array_get_double_element (scores, k));
      printf ("\n");
    }
  return ECGWB_EXIT_OK;
}
