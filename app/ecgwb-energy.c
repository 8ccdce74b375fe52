/* ecgwb-energy.c — `ecgwb energy`: cost and energy of one inference of an architecture or a model
 * file by each method of DESIGN.md §7, the CO2 of a million inferences and the battery life of a
 * wearable that runs the model on every beat. */
#include "ecgwb-command.h"

#include <math.h>
#include <stdio.h>

#include "measure/ecg-cost.h"
#include "measure/ecg-energy.h"
#include "measure/ecg-latency.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"

typedef struct
{
  const char *arch;
  const char *model_path;
  const EcgCostTable *cost;
  const EcgLatency *latency;
  double proxy_mmac_ms;
  double tf_flops_j;
  const EcgOpEnergy *op;
  const EcgMeasuredEnergy *measured;
  double grid_g_per_kwh;
  double co2_g_per_million;
  const EcgWearableProfile *profile;
  const EcgBatteryLife *life;
} EnergyReport;

static void
add_energy (JsonBuilder *b, const char *member, const char *method, const char *unit,
            double value)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, method);
  json_builder_set_member_name (b, "unit");
  json_builder_add_string_value (b, unit);
  ecgwb_builder_add_number (b, "value", value);
}

static JsonNode *
report_to_json (const EnergyReport *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "arch");
  json_builder_add_string_value (b, r->arch);
  json_builder_set_member_name (b, "model");
  if (r->model_path != NULL)
    json_builder_add_string_value (b, r->model_path);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "macs");
  json_builder_add_int_value (b, r->cost->macs);
  json_builder_set_member_name (b, "tf_flops");
  json_builder_add_int_value (b, r->cost->tf_flops);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, r->cost->params);
  json_builder_set_member_name (b, "nonzero_params");
  json_builder_add_int_value (b, r->cost->nonzero_params);
  ecgwb_builder_add_number (b, "latency_ms", r->latency->median_ms);
  ecgwb_builder_add_number (b, "latency_p10_ms", r->latency->p10_ms);
  ecgwb_builder_add_number (b, "latency_p90_ms", r->latency->p90_ms);
  json_builder_set_member_name (b, "latency_repeats");
  json_builder_add_int_value (b, r->latency->repeats);

  json_builder_set_member_name (b, "energy");
  json_builder_begin_object (b);
  add_energy (b, "proxy_mmac_ms", ECG_ENERGY_PROXY_METHOD, ECG_ENERGY_PROXY_UNIT,
              r->proxy_mmac_ms);
  json_builder_end_object (b);
  add_energy (b, "tf_flops_0_45pj", ECG_ENERGY_TF_FLOPS_METHOD, ECG_ENERGY_JOULE_UNIT,
              r->tf_flops_j);
  json_builder_end_object (b);
  add_energy (b, "op_model_45nm", ECG_ENERGY_OP_MODEL_METHOD, ECG_ENERGY_JOULE_UNIT,
              r->op->joules);
  json_builder_set_member_name (b, "precision");
  json_builder_add_string_value (b, ecg_precision_name (r->op->precision));
  json_builder_set_member_name (b, "sram_budget_bytes");
  json_builder_add_int_value (b, r->op->sram_budget_bytes);
  json_builder_set_member_name (b, "weight_bytes");
  json_builder_add_int_value (b, r->op->weight_bytes);
  json_builder_set_member_name (b, "weights_in_sram");
  json_builder_add_boolean_value (b, r->op->weights_in_sram);
  ecgwb_builder_add_number (b, "compute_j", r->op->compute_pj * 1e-12);
  ecgwb_builder_add_number (b, "weight_j", r->op->weight_pj * 1e-12);
  ecgwb_builder_add_number (b, "activation_j", r->op->activation_pj * 1e-12);
  json_builder_end_object (b);
  add_energy (b, "measured_or_estimated", ecg_measured_method_name (r->measured->method),
              ECG_ENERGY_JOULE_UNIT, r->measured->joules_per_inference);
  json_builder_set_member_name (b, "inferences");
  json_builder_add_int_value (b, r->measured->n_inferences);
  ecgwb_builder_add_number (b, "seconds_per_inference", r->measured->seconds_per_inference);
  ecgwb_builder_add_number (b, "core_power_w", r->measured->core_power_w);
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "co2");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, "measured_or_estimated");
  ecgwb_builder_add_number (b, "grid_g_per_kwh", r->grid_g_per_kwh);
  ecgwb_builder_add_number (b, "g_per_million_inferences", r->co2_g_per_million);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "battery");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, "op_model_45nm");
  ecgwb_builder_add_number (b, "capacity_mah", r->profile->capacity_mah);
  ecgwb_builder_add_number (b, "volts", r->profile->volts);
  ecgwb_builder_add_number (b, "beats_per_minute", r->profile->beats_per_minute);
  ecgwb_builder_add_number (b, "baseline_mw", r->profile->baseline_mw);
  ecgwb_builder_add_number (b, "battery_j", r->life->battery_joules);
  ecgwb_builder_add_number (b, "inference_mw", r->life->inference_mw);
  ecgwb_builder_add_number (b, "hours_without_inference", r->life->hours_without_inference);
  ecgwb_builder_add_number (b, "hours_with_inference", r->life->hours_with_inference);
  ecgwb_builder_add_number (b, "inference_share", r->life->inference_share);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_report (const EnergyReport *r)
{
  printf ("%s: one inference (batch 1)\n", r->arch);
  printf ("  MACs      %" G_GINT64_FORMAT "\n", r->cost->macs);
  printf ("  TF-FLOPs  %" G_GINT64_FORMAT "\n", r->cost->tf_flops);
  printf ("  latency   %.4f ms median (p10 %.4f, p90 %.4f; %d runs, one thread)\n",
          r->latency->median_ms, r->latency->p10_ms, r->latency->p90_ms, r->latency->repeats);
  printf ("energy per inference\n");
  printf ("  (a) %-16s %12.6g %s (MMACs x latency ms; not an energy)\n",
          ECG_ENERGY_PROXY_METHOD, r->proxy_mmac_ms, ECG_ENERGY_PROXY_UNIT);
  printf ("  (b) %-16s %12.6g J (TF-FLOPs x 0.45 pJ)\n", ECG_ENERGY_TF_FLOPS_METHOD,
          r->tf_flops_j);
  printf ("  (c) %-16s %12.6g J (%s; compute %.6g J, weights %.6g J from %s, activations "
          "%.6g J)\n", ECG_ENERGY_OP_MODEL_METHOD, r->op->joules,
          ecg_precision_name (r->op->precision), r->op->compute_pj * 1e-12,
          r->op->weight_pj * 1e-12, r->op->weights_in_sram ? "SRAM" : "DRAM",
          r->op->activation_pj * 1e-12);
  if (r->measured->method == ECG_MEASURED_RAPL)
    printf ("  (d) %-16s %12.6g J (RAPL package energy over %d inferences)\n", "rapl",
            r->measured->joules_per_inference, r->measured->n_inferences);
  else
    printf ("  (d) %-16s %12.6g J (RAPL not readable: %.6g ms x %g W)\n", "estimate",
            r->measured->joules_per_inference, r->measured->seconds_per_inference * 1e3,
            r->measured->core_power_w);
  printf ("CO2 per million inferences: %.6g g (from (d), %g g/kWh)\n", r->co2_g_per_million,
          r->grid_g_per_kwh);
  printf ("battery (%g mAh, %g V, %g beats/min, %g mW baseline; inference energy from (c))\n",
          r->profile->capacity_mah, r->profile->volts, r->profile->beats_per_minute,
          r->profile->baseline_mw);
  printf ("  without inference  %.6g h\n", r->life->hours_without_inference);
  printf ("  with inference     %.6g h (inference %.6g mW, %.4g %% of the power)\n",
          r->life->hours_with_inference, r->life->inference_mw, 100 * r->life->inference_share);
}

int
ecgwb_command_energy (int argc, char **argv)
{
  g_autofree char *arch = NULL, *model_path = NULL, *rapl_dir = NULL;
  gboolean json = FALSE;
  double grid = ECG_ENERGY_DEFAULT_GRID_G_PER_KWH;
  double power_w = ECG_ENERGY_DEFAULT_CORE_POWER_W;
  int sram_kib = ECG_ENERGY_DEFAULT_SRAM_BUDGET_BYTES / 1024;
  int repeats = 200, inferences = 200;
  EcgWearableProfile profile;
  ecg_wearable_profile_init (&profile);
  GOptionEntry entries[] = {
    { "arch", 0, 0, G_OPTION_ARG_STRING, &arch, "Architecture of the model zoo", "NAME" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file (its masks count)",
      "FILE" },
    { "grid-g-per-kwh", 0, 0, G_OPTION_ARG_DOUBLE, &grid, "Grid carbon intensity (475)",
      "G" },
    { "battery-mah", 0, 0, G_OPTION_ARG_DOUBLE, &profile.capacity_mah, "Battery capacity "
      "(225)", "M" },
    { "volts", 0, 0, G_OPTION_ARG_DOUBLE, &profile.volts, "Battery voltage (3.0)", "V" },
    { "bpm", 0, 0, G_OPTION_ARG_DOUBLE, &profile.beats_per_minute, "Heart beats, hence "
      "inferences, per minute (60)", "B" },
    { "baseline-mw", 0, 0, G_OPTION_ARG_DOUBLE, &profile.baseline_mw, "The device's own power: "
      "sensor front-end, radio, idle (1.0)", "P" },
    { "sram-kib", 0, 0, G_OPTION_ARG_INT, &sram_kib, "On-chip weight budget of the 45 nm model "
      "(64)", "K" },
    { "power-w", 0, 0, G_OPTION_ARG_DOUBLE, &power_w, "Per-core power of the estimate when RAPL "
      "is not readable (5)", "W" },
    { "rapl-dir", 0, 0, G_OPTION_ARG_FILENAME, &rapl_dir, "RAPL powercap folder "
      "(" ECG_RAPL_DEFAULT_DIR ")", "DIR" },
    { "latency-repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Timed batch-1 runs for the median "
      "(200)", "N" },
    { "inferences", 0, 0, G_OPTION_ARG_INT, &inferences, "Inferences measured for (d) (200)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options (
          "energy", NULL,
          "Energy of one inference (batch 1, fp32) by each method of DESIGN.md §7, each with its "
          "label and unit:\n"
          "  (a) proxy-mmac-ms: MMACs x median latency in ms, in MMAC·ms (not an energy);\n"
          "  (b) tf-flops-0.45pJ: TF-profiler FLOPs x 0.45 pJ, in J;\n"
          "  (c) op-model-45nm: Horowitz's 45 nm figures, in J: 4.6 pJ per fp32 MAC; every "
          "non-zero parameter read once, from SRAM at 5 pJ when the non-zero weight bytes fit "
          "--sram-kib, else from DRAM at 640 pJ; every layer output written and read once at "
          "5 pJ;\n"
          "  (d) RAPL package energy when readable (\"rapl\"), otherwise time x --power-w "
          "(\"estimate\"), in J.\n"
          "CO2 per million inferences = 10^6 x (d) in kWh x --grid-g-per-kwh. Battery life of a "
          "wearable running one inference per beat, from (c): battery J = mAh x 3.6 x V; hours "
          "= J / (baseline + (c) x beats per second) / 3600, shown with and without the "
          "inference so its share is visible. The default profile (a 225 mAh 3.0 V coin cell, "
          "60 beats/min, 1 mW) is an example, not a measurement.",
          entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (argc != 1)
    return ecgwb_usage_error ("energy", "takes no positional arguments");
  if ((arch == NULL) == (model_path == NULL))
    return ecgwb_usage_error ("energy", "give exactly one of --arch NAME and --model FILE");
  if (!(grid >= 0 && isfinite (grid)))
    return ecgwb_usage_error ("energy", "--grid-g-per-kwh must be a number >= 0");
  if (!(power_w > 0 && isfinite (power_w)))
    return ecgwb_usage_error ("energy", "--power-w must be > 0");
  if (sram_kib < 0 || sram_kib > 1024 * 1024)
    return ecgwb_usage_error ("energy", "--sram-kib must lie in 0..1048576");
  if (repeats < 1 || inferences < 1)
    return ecgwb_usage_error ("energy", "--latency-repeats and --inferences must be >= 1");
  g_autoptr (GError) error = NULL;
  /* The profile is checked before anything is measured. */
  EcgBatteryLife life;
  if (!ecg_energy_battery_life (&profile, 0.0, &life, &error))
    return ecgwb_usage_error ("energy", "%s", error->message);

  g_autoptr (EcgModel) built = NULL;
  g_autoptr (EcgModelFile) file = NULL;
  EcgModel *model;
  if (arch != NULL)
    {
      built = ecg_zoo_build (arch, FALSE, 0, &error);
      if (built == NULL)
        return ecgwb_fail ("energy", error);
      model = built;
    }
  else
    {
      file = ecg_model_file_load (model_path, &error);
      if (file == NULL)
        return ecgwb_fail ("energy", error);
      model = file->model;
    }

  g_autoptr (EcgCostTable) cost = ecg_cost_table_new (model);
  EcgOpModelOptions op_options;
  ecg_op_model_options_init (&op_options);
  op_options.sram_budget_bytes = (gint64) sram_kib * 1024;
  g_autoptr (EcgOpEnergy) op = ecg_op_energy_new (cost, &op_options);
  EcgLatency latency;
  EcgMeasuredEnergy measured;
  if (!ecg_latency_measure (model, 20, repeats, &latency, &error)
      || !ecg_energy_measure_model (model, rapl_dir, power_w, 5, inferences, &measured, &error)
      || !ecg_energy_battery_life (&profile, op->joules, &life, &error))
    return ecgwb_fail ("energy", error);

  EnergyReport r = {
    .arch = model->arch,
    .model_path = model_path,
    .cost = cost,
    .latency = &latency,
    .proxy_mmac_ms = ecg_energy_proxy_mmac_ms (cost->macs, latency.median_ms),
    .tf_flops_j = ecg_energy_tf_flops_joules (cost->tf_flops),
    .op = op,
    .measured = &measured,
    .grid_g_per_kwh = grid,
    .co2_g_per_million = ecg_energy_co2_g_per_million (measured.joules_per_inference, grid),
    .profile = &profile,
    .life = &life,
  };
  if (json)
    {
      g_autoptr (JsonNode) root = report_to_json (&r);
      ecgwb_print_json (root, FALSE);
    }
  else
    print_report (&r);
  return ECGWB_EXIT_OK;
}
