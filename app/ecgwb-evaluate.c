/* ecgwb-evaluate.c — `ecgwb evaluate`: a model file's figures on a split or records. */
#include "ecgwb-command.h"

#include <math.h>
#include <stdio.h>

#include "nn/ecg-model-file.h"
#include "train/ecg-data.h"
#include "train/ecg-evaluation.h"

int
ecgwb_command_evaluate (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *data_dir = NULL, *split = NULL, *records = NULL;
  g_autofree char *folds = NULL, *predictions = NULL;
  gboolean json = FALSE;
  int threads = 1;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file (.ecgm)", "FILE" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Database folder", "DIR" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, "DS1, DS2, paced, all (MIT-BIH) or fold10 "
      "(PTB-XL)", "SPLIT" },
    { "records", 0, 0, G_OPTION_ARG_STRING, &records, "Records of DIR to test on (any "
      "annotated WFDB records)", "LIST" },
    { "folds", 0, 0, G_OPTION_ARG_STRING, &folds, "PTB-XL folds to test on", "FOLDS" },
    { "predictions", 0, 0, G_OPTION_ARG_FILENAME, &predictions, "Also write every prediction "
      "as CSV", "FILE.csv" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Worker threads (1)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the bootstrap interval (1)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("evaluate", NULL, "Tests a model: accuracy, macro-F1, per-class "
                            "sensitivity/PPV/F1, confusion matrix, 95 % bootstrap interval "
                            "(and AUROC/AUPRC for PTB-XL).", entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (model_path == NULL || data_dir == NULL || argc != 1)
    return ecgwb_usage_error ("evaluate", "--model and --data are required");
  if ((split != NULL) + (records != NULL) + (folds != NULL) != 1)
    return ecgwb_usage_error ("evaluate", "give exactly one of --split, --records, --folds");
  if (threads < 1 || threads > 64)
    return ecgwb_usage_error ("evaluate", "--threads must be 1..64");

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load (model_path, &error);
  if (file == NULL)
    return ecgwb_fail ("evaluate", error);
  EcgModel *model = file->model;

  g_autoptr (EcgExamples) examples = NULL;
  if (model->multi_label)
    {
      if (split != NULL && g_ascii_strcasecmp (split, "fold10") != 0)
        return ecgwb_usage_error ("evaluate", "a PTB-XL model takes --split fold10 or --folds");
      if (records != NULL)
        return ecgwb_usage_error ("evaluate", "a PTB-XL model takes folds, not records");
      int n_folds = 0;
      g_autofree int *fold_list = ecg_data_parse_folds (folds ? folds : "10", &n_folds, &error);
      if (fold_list == NULL)
        return ecgwb_usage_error ("evaluate", "%s", error->message);
      examples = ecg_data_load_ptbxl (data_dir, fold_list, n_folds, NULL, &error);
    }
  else
    {
      if (folds != NULL || (split != NULL && g_ascii_strcasecmp (split, "fold10") == 0))
        return ecgwb_usage_error ("evaluate", "a beat model takes --split DS1|DS2|paced|all "
                                  "or --records");
      g_auto (GStrv) names = ecg_data_parse_record_list (split ? split : records, &error);
      if (names == NULL)
        return ecgwb_usage_error ("evaluate", "%s", error->message);
      EcgDataSpec spec = { ECG_DATASET_MITBIH, model->input_length, file->samples_before,
                           file->class_map, model->rr_features > 0 };
      examples = ecg_data_load_records (data_dir, (const char *const *) names, &spec, NULL,
                                        &error);
    }
  if (examples == NULL)
    return ecgwb_fail ("evaluate", error);
  ecg_examples_apply_normalisation (examples, file->norm);
  g_printerr ("evaluating %s on %" G_GSIZE_FORMAT " examples\n", model->arch, examples->n);

  g_autoptr (EcgEvaluation) evaluation
    = ecg_evaluate (model, examples, (const char *const *) file->classes, threads,
                    (guint32) seed, NULL, &error);
  if (evaluation == NULL)
    return ecgwb_fail ("evaluate", error);
  if (predictions != NULL
      && !ecg_evaluation_write_predictions (evaluation, examples, predictions, &error))
    return ecgwb_fail ("evaluate", error);

  if (json)
    {
      g_autoptr (JsonNode) root = ecg_evaluation_to_json (evaluation);
      ecgwb_print_json (root, FALSE);
      return ECGWB_EXIT_OK;
    }
  printf ("%s on %" G_GSIZE_FORMAT " examples: accuracy %.4f, macro-F1 %.4f [%.4f, %.4f]\n",
          model->arch, examples->n, ecg_evaluation_accuracy (evaluation),
          ecg_evaluation_macro_f1 (evaluation), evaluation->interval.lower,
          evaluation->interval.upper);
  if (evaluation->multi_label)
    printf ("macro AUROC %.4f, macro AUPRC %.4f\n", evaluation->multi->macro_auroc,
            evaluation->multi->macro_auprc);
  for (int c = 0; c < evaluation->n_classes; c++)
    {
      const EcgClassMetrics *m = evaluation->multi_label
                                   ? &evaluation->multi->per_class[c].at_0_5
                                   : &evaluation->single->per_class[c];
      printf ("  %-5s Se %.4f  PPV %.4f  F1 %.4f  support %" G_GINT64_FORMAT "\n",
              evaluation->classes[c], m->sensitivity, m->ppv, m->f1, m->support);
    }
  return ECGWB_EXIT_OK;
}
