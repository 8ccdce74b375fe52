/* ecgwb-flops.c — `ecgwb flops`: per-layer MACs or TF-profiler FLOPs of a zoo architecture or a
 * model file (under its masks), DESIGN.md §7. */
#include "ecgwb-command.h"

#include <stdio.h>

#include "measure/ecg-cost.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"

int
ecgwb_command_flops (int argc, char **argv)
{
  g_autofree char *arch = NULL;
  g_autofree char *model_path = NULL;
  g_autofree char *convention_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "arch", 0, 0, G_OPTION_ARG_STRING, &arch, "Architecture of the model zoo (see ecgwb "
      "models)", "NAME" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file (its masks count)",
      "FILE" },
    { "convention", 0, 0, G_OPTION_ARG_STRING, &convention_text, "macs (default) or tf",
      "macs|tf" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options (
          "flops", NULL,
          "Counts one inference (batch 1) layer by layer; only kept (mask 1) weights count.\n\n"
          "macs: weight uses x output positions (conv C_out*C_in*k*L_out, linear in*out per "
          "token, LSTM 4(in+h)h per step and direction, attention pooling its W and v per "
          "step, SE its two FCs) plus the attention matmuls QK^T and AV (2*L^2*d).\n\n"
          "tf (the TF profiler's FLOPs, as the energy-evaluation study counts them): conv "
          "and linear 2*MAC + 1 per bias-add output; max/avg pooling k per output (global "
          "pooling: window T); output softmax 5 per element (a multi-label model's sigmoid "
          "0); ReLU, GELU, tanh, dropout, flatten, transpose, concat 0; residual and "
          "positional-embedding adds 1 per element. Layers the study lacks: 2*MAC plus one "
          "per normalisation or bias output: BatchNorm and LayerNorm 1 per output; LSTM "
          "+8h per step, direction and layer (b_ih, b_hh); multi-head attention +4d per "
          "token (in/out projection biases) + 5 per attention probability (heads*T^2); "
          "attention pooling +(hidden+1) per step (biases) + 5*T (softmax) + T*D (weighted "
          "sum); squeeze-excitation +C*L (squeeze) + C*L (scaling).",
          entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (argc != 1)
    return ecgwb_usage_error ("flops", "takes no positional arguments");
  if ((arch == NULL) == (model_path == NULL))
    return ecgwb_usage_error ("flops", "give exactly one of --arch NAME and --model FILE");
  EcgCostConvention convention = ECG_COST_MACS;
  g_autoptr (GError) error = NULL;
  if (convention_text != NULL
      && !ecg_cost_convention_parse (convention_text, &convention, &error))
    return ecgwb_usage_error ("flops", "%s", error->message);

  g_autoptr (EcgModel) built = NULL;
  g_autoptr (EcgModelFile) file = NULL;
  const EcgModel *model;
  if (arch != NULL)
    {
      built = ecg_zoo_build (arch, FALSE, 0, &error);
      if (built == NULL)
        return ecgwb_fail ("flops", error);
      model = built;
    }
  else
    {
      file = ecg_model_file_load (model_path, &error);
      if (file == NULL)
        return ecgwb_fail ("flops", error);
      model = file->model;
    }

  g_autoptr (EcgCostTable) table = ecg_cost_table_new (model);
  if (json)
    {
      g_autoptr (JsonNode) root = ecg_cost_table_to_json (table, convention);
      ecgwb_print_json (root, FALSE);
      return ECGWB_EXIT_OK;
    }
  const char *unit = convention == ECG_COST_TF_FLOPS ? "TF-FLOPs" : "MACs";
  printf ("%s: %s per inference, by layer\n", table->arch, unit);
  printf ("%-22s %-20s %5s %10s %10s %14s\n", "layer", "kind", "block", "params", "nonzero",
          unit);
  for (gsize i = 0; i < table->n_layers; i++)
    {
      const EcgCostLayer *row = &table->layers[i];
      printf ("%-22s %-20s %5d %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT " %14" G_GINT64_FORMAT
              "\n", row->name, row->kind, row->block, row->params, row->nonzero_params,
              ecg_cost_layer_ops (row, convention));
    }
  printf ("%-22s %-20s %5s %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT " %14" G_GINT64_FORMAT
          "\n", "total", "", "", table->params, table->nonzero_params,
          ecg_cost_table_total (table, convention));
  printf ("prunable %" G_GINT64_FORMAT ", non-zero prunable %" G_GINT64_FORMAT "\n",
          table->prunable_params, table->nonzero_prunable_params);
  return ECGWB_EXIT_OK;
}
