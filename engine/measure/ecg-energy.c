/* ecg-energy.c — energy per inference (proxy, TF-FLOPs, 45 nm model, RAPL or estimate), CO2
 * and battery life; the definitions are in ecg-energy.h. */
#include "measure/ecg-energy.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "ecg-error.h"
#include "measure/ecg-latency.h"

/* ---- (a) and (b) -------------------------------------------------------------------------- */

double
ecg_energy_proxy_mmac_ms (gint64 macs, double latency_ms)
{
  return (double) macs / 1e6 * latency_ms;
}

double
ecg_energy_tf_flops_joules (gint64 tf_flops)
{
  return (double) tf_flops * ECG_ENERGY_TF_FLOP_PJ * 1e-12;
}

/* ---- (c) ---------------------------------------------------------------------------------- */

const char *
ecg_precision_name (EcgPrecision precision)
{
  return precision == ECG_PRECISION_INT8 ? "int8" : "fp32";
}

gboolean
ecg_precision_parse (const char *text, EcgPrecision *precision, GError **error)
{
  if (g_strcmp0 (text, "fp32") == 0)
    *precision = ECG_PRECISION_FP32;
  else if (g_strcmp0 (text, "int8") == 0)
    *precision = ECG_PRECISION_INT8;
  else
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "unknown precision '%s' (known: fp32, int8)", text ? text : "");
      return FALSE;
    }
  return TRUE;
}

void
ecg_op_model_options_init (EcgOpModelOptions *options)
{
  options->precision = ECG_PRECISION_FP32;
  options->sram_budget_bytes = ECG_ENERGY_DEFAULT_SRAM_BUDGET_BYTES;
}

static void
row_add (EcgOpEnergyRow *sum, const EcgOpEnergyRow *row)
{
  sum->macs += row->macs;
  sum->weights += row->weights;
  sum->activations += row->activations;
  sum->compute_pj += row->compute_pj;
  sum->weight_pj += row->weight_pj;
  sum->activation_pj += row->activation_pj;
  sum->total_pj += row->total_pj;
}

/* "s1b2.c1" -> "s1b2"; "conv1" -> "conv1". */
static char *
block_name (const char *op_name)
{
  const char *dot = strchr (op_name, '.');
  return dot ? g_strndup (op_name, (gsize) (dot - op_name)) : g_strdup (op_name);
}

EcgOpEnergy *
ecg_op_energy_new (const EcgCostTable *table, const EcgOpModelOptions *options)
{
  EcgOpModelOptions defaults;
  if (options == NULL)
    {
      ecg_op_model_options_init (&defaults);
      options = &defaults;
    }
  gboolean int8 = options->precision == ECG_PRECISION_INT8;
  /* An int8 value is a quarter of a 32-bit word. */
  double word_fraction = int8 ? 0.25 : 1.0;
  EcgOpEnergy *e = g_new0 (EcgOpEnergy, 1);
  e->precision = options->precision;
  e->sram_budget_bytes = options->sram_budget_bytes;
  e->weight_bytes = table->nonzero_params * (int8 ? 1 : 4);
  e->weights_in_sram = e->weight_bytes <= options->sram_budget_bytes;
  e->mac_pj = int8 ? ECG_ENERGY_INT8_MAC_PJ : ECG_ENERGY_FP32_MAC_PJ;
  e->activation_rw_pj = ECG_ENERGY_SRAM_WORD32_PJ * word_fraction;
  e->weight_read_pj = (e->weights_in_sram ? ECG_ENERGY_SRAM_WORD32_PJ : ECG_ENERGY_DRAM_WORD32_PJ)
                      * word_fraction;

  int n_blocks = table->n_blocks;
  for (gsize i = 0; i < table->n_layers; i++)
    n_blocks = MAX (n_blocks, table->layers[i].block + 1);
  e->n_layers = table->n_layers;
  e->layers = g_new0 (EcgOpEnergyRow, e->n_layers);
  e->n_blocks = (gsize) n_blocks;
  e->blocks = g_new0 (EcgOpEnergyRow, e->n_blocks);
  for (gsize b = 0; b < e->n_blocks; b++)
    e->blocks[b].block = (int) b;

  for (gsize i = 0; i < table->n_layers; i++)
    {
      const EcgCostLayer *layer = &table->layers[i];
      EcgOpEnergyRow *row = &e->layers[i];
      row->name = g_strdup (layer->name);
      row->block = layer->block;
      row->macs = layer->macs;
      row->weights = layer->nonzero_params;
      row->activations = layer->output_elements;
      row->compute_pj = (double) layer->macs * e->mac_pj;
      row->weight_pj = (double) layer->nonzero_params * e->weight_read_pj;
      /* written once, read once */
      row->activation_pj = 2.0 * (double) layer->output_elements * e->activation_rw_pj;
      row->total_pj = row->compute_pj + row->weight_pj + row->activation_pj;

      EcgOpEnergyRow *block = &e->blocks[layer->block];
      row_add (block, row);
      if (block->name == NULL && layer->params > 0)
        block->name = block_name (layer->name);
      e->compute_pj += row->compute_pj;
      e->weight_pj += row->weight_pj;
      e->activation_pj += row->activation_pj;
    }
  /* A block without parameters is named after its first op. */
  for (gsize i = 0; i < table->n_layers; i++)
    if (e->blocks[table->layers[i].block].name == NULL)
      e->blocks[table->layers[i].block].name = block_name (table->layers[i].name);
  for (gsize b = 0; b < e->n_blocks; b++)
    if (e->blocks[b].name == NULL)
      e->blocks[b].name = g_strdup_printf ("block%" G_GSIZE_FORMAT, b);
  e->total_pj = e->compute_pj + e->weight_pj + e->activation_pj;
  e->joules = e->total_pj * 1e-12;
  return e;
}

void
ecg_op_energy_free (EcgOpEnergy *energy)
{
  if (energy == NULL)
    return;
  for (gsize i = 0; i < energy->n_layers; i++)
    g_free (energy->layers[i].name);
  for (gsize b = 0; b < energy->n_blocks; b++)
    g_free (energy->blocks[b].name);
  g_free (energy->layers);
  g_free (energy->blocks);
  g_free (energy);
}

/* ---- (d) ---------------------------------------------------------------------------------- */

const char *
ecg_measured_method_name (EcgMeasuredMethod method)
{
  return method == ECG_MEASURED_RAPL ? "rapl" : "estimate";
}

/* One decimal integer (and optional trailing whitespace) from `path`. */
static gboolean
read_counter (const char *path, guint64 *value, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "RAPL counter %s: %s", path, local->message);
      return FALSE;
    }
  char *end = NULL;
  errno = 0;
  guint64 v = g_ascii_strtoull (text, &end, 10);
  gboolean ok = end != text && errno == 0 && g_ascii_isdigit (text[0]);
  for (const char *c = end; ok && *c != '\0'; c++)
    ok = g_ascii_isspace (*c);
  if (!ok)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "RAPL counter %s: not a decimal number of microjoules", path);
      return FALSE;
    }
  *value = v;
  return TRUE;
}

gboolean
ecg_rapl_read (const char *dir, guint64 *energy_uj, guint64 *max_energy_range_uj, GError **error)
{
  g_autofree char *energy_path = g_build_filename (dir, "energy_uj", NULL);
  g_autofree char *range_path = g_build_filename (dir, "max_energy_range_uj", NULL);
  return read_counter (energy_path, energy_uj, error)
         && read_counter (range_path, max_energy_range_uj, error);
}

guint64
ecg_rapl_delta_uj (guint64 before, guint64 after, guint64 max_energy_range_uj)
{
  if (after >= before)
    return after - before;
  /* Wrapped: from `before` up to the top of the range, then from 0 to `after`. */
  return (max_energy_range_uj >= before ? max_energy_range_uj - before : 0) + after;
}

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

gboolean
ecg_energy_measure_work (const char *rapl_dir, double core_power_w, int n_inferences,
                         EcgEnergyWorkFunc work, gpointer user_data, EcgMeasuredEnergy *result,
                         GError **error)
{
  if (n_inferences < 1 || !(core_power_w > 0.0) || !isfinite (core_power_w) || work == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "energy measurement needs ≥ 1 inference and a finite core power > 0 W "
                   "(got %d and %g W)", n_inferences, core_power_w);
      return FALSE;
    }
  const char *dir = rapl_dir ? rapl_dir : ECG_RAPL_DEFAULT_DIR;
  guint64 before = 0, after = 0, range = 0, range_after = 0;
  gboolean rapl = ecg_rapl_read (dir, &before, &range, NULL);

  double t0 = now_seconds ();
  for (int i = 0; i < n_inferences; i++)
    work (i, user_data);
  double seconds = now_seconds () - t0;

  guint64 delta = 0;
  if (rapl && ecg_rapl_read (dir, &after, &range_after, NULL))
    delta = ecg_rapl_delta_uj (before, after, range);
  /* A counter that did not move measured nothing (or is frozen): fall back to the estimate. */
  rapl = rapl && delta > 0;

  *result = (EcgMeasuredEnergy) {
    .method = rapl ? ECG_MEASURED_RAPL : ECG_MEASURED_ESTIMATE,
    .n_inferences = n_inferences,
    .seconds = seconds,
    .seconds_per_inference = seconds / n_inferences,
    .core_power_w = core_power_w,
  };
  result->joules_per_inference = rapl ? (double) delta * 1e-6 / n_inferences
                                      : result->seconds_per_inference * core_power_w;
  return TRUE;
}

typedef struct
{
  EcgModel *model;
  EcgModelRun *run;
  const float *input;
  const float *rr;
} ForwardWork;

static void
forward_once (int iteration, gpointer user_data)
{
  (void) iteration;
  ForwardWork *w = user_data;
  ecg_model_forward (w->model, w->run, w->input, w->rr, 1);
}

gboolean
ecg_energy_measure_model (EcgModel *m, const char *rapl_dir, double core_power_w, int warmup,
                          int n_inferences, EcgMeasuredEnergy *result, GError **error)
{
  if (warmup < 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "energy measurement of %s: warm-up must be ≥ 0 (got %d)", m->arch, warmup);
      return FALSE;
    }
  if (openblas_get_num_threads () != 1)
    openblas_set_num_threads (1);
  g_autofree float *rr = NULL;
  g_autofree float *x = ecg_latency_input_new (m, 1, &rr);
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, 1, FALSE);
  ForwardWork w = { m, run, x, rr };
  for (int i = 0; i < warmup; i++)
    forward_once (i, &w);
  return ecg_energy_measure_work (rapl_dir, core_power_w, n_inferences, forward_once, &w, result,
                                  error);
}

/* ---- consequences ------------------------------------------------------------------------- */

double
ecg_energy_co2_g_per_million (double joules_per_inference, double grid_g_per_kwh)
{
  return joules_per_inference * 1e6 / 3.6e6 * grid_g_per_kwh;
}

void
ecg_wearable_profile_init (EcgWearableProfile *profile)
{
  *profile = (EcgWearableProfile) {
    .capacity_mah = 225.0,
    .volts = 3.0,
    .beats_per_minute = 60.0,
    .baseline_mw = 1.0,
  };
}

gboolean
ecg_energy_battery_life (const EcgWearableProfile *p, double joules_per_inference,
                         EcgBatteryLife *life, GError **error)
{
  if (!(p->capacity_mah > 0.0) || !(p->volts > 0.0) || !(p->beats_per_minute >= 0.0)
      || !(p->baseline_mw >= 0.0) || !(joules_per_inference >= 0.0)
      || !isfinite (p->capacity_mah) || !isfinite (p->volts) || !isfinite (p->beats_per_minute)
      || !isfinite (p->baseline_mw) || !isfinite (joules_per_inference))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "wearable profile: needs capacity and volts > 0, beats per minute, baseline "
                   "power and energy per inference ≥ 0 (got %g mAh, %g V, %g/min, %g mW, %g J)",
                   p->capacity_mah, p->volts, p->beats_per_minute, p->baseline_mw,
                   joules_per_inference);
      return FALSE;
    }
  /* mAh × 3.6 = coulombs; × V = joules. */
  double battery_j = p->capacity_mah * 3.6 * p->volts;
  double inference_w = joules_per_inference * p->beats_per_minute / 60.0;
  double baseline_w = p->baseline_mw * 1e-3;
  double total_w = baseline_w + inference_w;
  *life = (EcgBatteryLife) {
    .battery_joules = battery_j,
    .inference_mw = inference_w * 1e3,
    .hours_without_inference = baseline_w > 0.0 ? battery_j / baseline_w / 3600.0 : INFINITY,
    .hours_with_inference = total_w > 0.0 ? battery_j / total_w / 3600.0 : INFINITY,
    .inference_share = total_w > 0.0 ? inference_w / total_w : 0.0,
  };
  return TRUE;
}
