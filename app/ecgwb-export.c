/* ecgwb-export.c — `ecgwb export`: a figure of runs from a store as PNG, SVG or PDF (PLplot)
 * or as CSV with the same points (engine/plot). */
#include "ecgwb-command.h"

#include <string.h>

#include "plot/ecg-plot-render.h"
#include "plot/ecg-plot-spec.h"
#include "store/ecg-run-store.h"

/* Parses "1,2,5" into run ids (> 0, no repeats); FALSE with a message in *problem. */
static GArray *
parse_run_list (const char *text, char **problem)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto (GStrv) items = g_strsplit (text, ",", -1);
  for (char **item = items; *item != NULL; item++)
    {
      char *end = NULL;
      const char *start = g_strstrip (*item);
      gint64 id = g_ascii_strtoll (start, &end, 10);
      if (*start == '\0' || *end != '\0' || id <= 0)
        {
          *problem = g_strdup_printf ("--runs: '%s' is not a run id (a positive integer)", start);
          return NULL;
        }
      for (guint i = 0; i < ids->len; i++)
        if (g_array_index (ids, gint64, i) == id)
          {
            *problem = g_strdup_printf ("--runs: run %" G_GINT64_FORMAT " is given twice", id);
            return NULL;
          }
      g_array_append_val (ids, id);
    }
  if (ids->len == 0)
    {
      *problem = g_strdup ("--runs: no run id given");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* What a figure of `kind` needs from a step, for the message when no step has it. */
static const char *
needed_figures (EcgPlotKind kind)
{
  switch (kind)
    {
    case ECG_PLOT_F1_VS_SPARSITY:
      return "a macro-F1 and a sparsity";
    case ECG_PLOT_ACCURACY_VS_SPARSITY:
      return "an accuracy and a sparsity";
    case ECG_PLOT_AUROC_VS_SPARSITY:
      return "a macro AUROC (multi-label PTB-XL runs only) and a sparsity";
    case ECG_PLOT_ENERGY_VS_SPARSITY:
      return "this energy figure and a sparsity";
    case ECG_PLOT_F1_VS_ENERGY:
      return "a macro-F1 and this energy figure";
    case ECG_PLOT_LOSS_CURVES:
      return "a train_loss curve";
    }
  return "the figures plotted";
}

static void
print_summary (const EcgPlotSpec *spec, EcgPlotFormat format, const char *out)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "out");
  json_builder_add_string_value (b, out);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, ecg_plot_format_to_string (format));
  json_builder_set_member_name (b, "plot");
  json_builder_add_string_value (b, ecg_plot_kind_to_string (spec->kind));
  json_builder_set_member_name (b, "energy");
  if (spec->kind == ECG_PLOT_ENERGY_VS_SPARSITY || spec->kind == ECG_PLOT_F1_VS_ENERGY)
    json_builder_add_string_value (b, ecg_plot_energy_to_string (spec->energy));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "x_label");
  json_builder_add_string_value (b, spec->x_label);
  json_builder_set_member_name (b, "y_label");
  json_builder_add_string_value (b, spec->y_label);
  json_builder_set_member_name (b, "series");
  json_builder_begin_array (b);
  for (guint i = 0; i < spec->series->len; i++)
    {
      const EcgPlotSeries *series = g_ptr_array_index (spec->series, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "run");
      json_builder_add_int_value (b, series->run);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, series->label);
      json_builder_set_member_name (b, "points");
      json_builder_add_int_value (b, series->points->len);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "pareto_points");
  json_builder_add_int_value (b, spec->pareto->len);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  ecgwb_print_json (root, FALSE);
}

int
ecgwb_command_export (int argc, char **argv)
{
  g_autofree char *store_path = NULL, *runs_text = NULL, *plot_text = NULL;
  g_autofree char *format_text = NULL, *out = NULL, *energy_text = NULL;
  int width = ECG_PLOT_DEFAULT_WIDTH, height = ECG_PLOT_DEFAULT_HEIGHT;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path, "Run store (SQLite)", "DB" },
    { "runs", 0, 0, G_OPTION_ARG_STRING, &runs_text, "Runs to plot, one series each", "ID,ID,..." },
    { "plot", 0, 0, G_OPTION_ARG_STRING, &plot_text,
      "f1-vs-sparsity, accuracy-vs-sparsity, auroc-vs-sparsity (PTB-XL), energy-vs-sparsity, "
      "f1-vs-energy (with the Pareto front) or loss-curves",
      "KIND" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      "png, svg, pdf or csv (default: from the --out extension)", "FORMAT" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Output file (replaced)", "FILE" },
    { "energy", 0, 0, G_OPTION_ARG_STRING, &energy_text,
      "Energy figure of energy plots: op-model-45nm (default, µJ), tf-flops (µJ), proxy "
      "(MMAC·ms) or measured (RAPL or the time × power estimate, µJ)",
      "METHOD" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Page width in pixels (points for PDF; 800)", "N" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Page height (500)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print what was written (series, points) as JSON on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options (
          "export", NULL,
          "Draws runs of a store, one series per run: macro-F1, accuracy, AUROC or energy "
          "against sparsity (%), macro-F1 against energy per inference with the Pareto front "
          "(lower energy, higher F1, over all runs), or the training loss of all fine-tuning "
          "epochs with the step boundaries dotted. CSV holds the plotted points as run, label, "
          "step, x, y (then the front's points, labelled \"Pareto front\").",
          entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (argc != 1)
    return ecgwb_usage_error ("export", "takes no positional arguments");
  if (store_path == NULL || runs_text == NULL || plot_text == NULL || out == NULL)
    return ecgwb_usage_error ("export", "needs --store DB, --runs LIST, --plot KIND and --out "
                                        "FILE");
  EcgPlotKind kind;
  if (!ecg_plot_kind_from_string (plot_text, &kind))
    return ecgwb_usage_error ("export", "unknown --plot '%s'", plot_text);
  EcgPlotFormat format;
  if (format_text != NULL && !ecg_plot_format_from_string (format_text, &format))
    return ecgwb_usage_error ("export", "unknown --format '%s'", format_text);
  if (format_text == NULL && !ecg_plot_format_from_path (out, &format))
    return ecgwb_usage_error ("export", "give --format: %s ends in none of .png .svg .pdf .csv",
                              out);
  EcgPlotEnergy energy = ECG_PLOT_ENERGY_OP_MODEL_45NM;
  if (energy_text != NULL && !ecg_plot_energy_from_string (energy_text, &energy))
    return ecgwb_usage_error ("export", "unknown --energy '%s'", energy_text);
  if (width < ECG_PLOT_MIN_SIZE || width > ECG_PLOT_MAX_SIZE || height < ECG_PLOT_MIN_SIZE
      || height > ECG_PLOT_MAX_SIZE)
    return ecgwb_usage_error ("export", "--width and --height must lie in %d–%d", ECG_PLOT_MIN_SIZE,
                              ECG_PLOT_MAX_SIZE);
  g_autofree char *problem = NULL;
  g_autoptr (GArray) ids = parse_run_list (runs_text, &problem);
  if (ids == NULL)
    return ecgwb_usage_error ("export", "%s", problem);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (store_path, FALSE, &error);
  if (store == NULL)
    return ecgwb_fail ("export", error);
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify)ecg_run_free);
  for (guint i = 0; i < ids->len; i++)
    {
      EcgRun *run = ecg_run_store_get_run (store, g_array_index (ids, gint64, i), &error);
      if (run == NULL)
        return ecgwb_fail ("export", error);
      g_ptr_array_add (runs, run);
    }
  g_clear_pointer (&store, ecg_run_store_close);

  g_autoptr (EcgPlotSpec) spec = ecg_plot_spec_build (kind, energy, runs);
  if (ecg_plot_spec_count_points (spec) == 0)
    {
      g_printerr ("ecgwb export: nothing to plot: no step of run%s %s has %s\n",
                  ids->len > 1 ? "s" : "", runs_text, needed_figures (kind));
      return ECGWB_EXIT_BAD_INPUT;
    }
  if (!ecg_plot_export (spec, format, out, width, height, &error))
    return ecgwb_fail ("export", error);
  if (json)
    print_summary (spec, format, out);
  else
    g_printerr ("ecgwb export: wrote %s (%s, %u series, %" G_GSIZE_FORMAT " points)\n", out,
                ecg_plot_kind_to_string (kind), spec->series->len,
                ecg_plot_spec_count_points (spec));
  return ECGWB_EXIT_OK;
}
