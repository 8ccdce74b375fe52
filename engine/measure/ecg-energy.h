/* ecg-energy.h — energy per inference by the four methods of DESIGN.md §7, each with its own
 * method label and unit, and what follows from them: CO2 per million inferences and the battery
 * life of a wearable.
 *
 * (a) proxy         MMACs × latency ms                 unit "MMAC·ms" (not an energy)
 * (b) tf-flops      TF-profiler FLOPs × 0.45 pJ        joules (the energy-evaluation study)
 * (c) op-model-45nm Horowitz (2014) 45 nm operation energies, joules:
 *       compute     kept MACs × 4.6 pJ (fp32: mult 3.7 + add 0.9) or × 0.23 pJ (int8:
 *                   0.2 + 0.03);
 *                   nothing else is charged as arithmetic (pooling, softmax, normalisation,
 *                   activations cost only their memory traffic below)
 *       weights     every non-zero parameter (mask 1, value ≠ 0: weights, biases, the norm
 *                   layers' affine pairs — BatchNorm's running statistics fold into its pair) is
 *                   read once per inference. When the model's non-zero parameter bytes (4 per
 *                   value in fp32, 1 in int8) are at most the on-chip budget (default 64 KiB),
 *                   from SRAM at 5 pJ per 32-bit word (1.25 pJ per int8 value, Horowitz's
 *                   8 KiB-array figure); otherwise every read is DRAM, 640 pJ per 32-bit word
 *                   (160 pJ per int8 value)
 *       activations each layer's output values (EcgCostLayer.output_elements: views write none,
 *                   the network input is not a layer output) are written once and read once,
 *                   always at the SRAM cost of the precision, outside the budget
 *     A row's energy is charged to its layer block (EcgOp.block), so the weight-free work of
 *     a block (QKᵀ and AV inside the attention op, pooling, softmax) lands on that block.
 * (d) measured      Linux RAPL package energy (intel-rapl:0/energy_uj) over many inferences
 *                   when readable: method "rapl"; otherwise time × a per-core power (default
 *                   5 W): method "estimate". Joules.
 */
#pragma once

#include <glib.h>

#include "measure/ecg-cost.h"
#include "nn/ecg-model.h"

G_BEGIN_DECLS

/* (b) */
#define ECG_ENERGY_TF_FLOP_PJ 0.45
/* (c), picojoules */
#define ECG_ENERGY_FP32_MAC_PJ 4.6
#define ECG_ENERGY_INT8_MAC_PJ 0.23
#define ECG_ENERGY_SRAM_WORD32_PJ 5.0
#define ECG_ENERGY_DRAM_WORD32_PJ 640.0
#define ECG_ENERGY_DEFAULT_SRAM_BUDGET_BYTES (64 * 1024)
/* (d) */
#define ECG_ENERGY_DEFAULT_CORE_POWER_W 5.0
#define ECG_RAPL_DEFAULT_DIR "/sys/class/powercap/intel-rapl:0"
/* CO2 */
#define ECG_ENERGY_DEFAULT_GRID_G_PER_KWH 475.0

/* Method labels and units, for reports and the run store. */
#define ECG_ENERGY_PROXY_METHOD "proxy-mmac-ms"
#define ECG_ENERGY_PROXY_UNIT "MMAC·ms"
#define ECG_ENERGY_TF_FLOPS_METHOD "tf-flops-0.45pJ"
#define ECG_ENERGY_OP_MODEL_METHOD "op-model-45nm"
#define ECG_ENERGY_JOULE_UNIT "J"

/* ---- (a) and (b) ---- */

/* MACs / 10^6 × latency in ms: the compression paper's proxy, in MMAC·ms. */
double ecg_energy_proxy_mmac_ms (gint64 macs, double latency_ms);
/* TF-FLOPs × 0.45 pJ, in joules. */
double ecg_energy_tf_flops_joules (gint64 tf_flops);

/* ---- (c) the 45 nm operation model ---- */

typedef enum
{
  ECG_PRECISION_FP32,
  ECG_PRECISION_INT8,
} EcgPrecision;

/* "fp32" or "int8". */
const char *ecg_precision_name (EcgPrecision precision);
gboolean ecg_precision_parse (const char *text, EcgPrecision *precision, GError **error);

typedef struct
{
  EcgPrecision precision;  /* fp32 */
  gint64 sram_budget_bytes; /* 64 KiB */
} EcgOpModelOptions;

void ecg_op_model_options_init (EcgOpModelOptions *options);

/* The energy of one row (a layer or a block), picojoules. */
typedef struct
{
  char *name;           /* the cost row's name, or the block's name (owned) */
  int block;
  gint64 macs;
  gint64 weights;       /* non-zero parameters read */
  gint64 activations;   /* output values written (each also read once) */
  double compute_pj;
  double weight_pj;
  double activation_pj;
  double total_pj;
} EcgOpEnergyRow;

typedef struct
{
  EcgPrecision precision;
  gint64 sram_budget_bytes;
  gint64 weight_bytes;     /* non-zero parameters × bytes per value */
  gboolean weights_in_sram;
  double mac_pj;           /* the per-operation energies used */
  double weight_read_pj;   /* per value, SRAM or DRAM */
  double activation_rw_pj; /* per activation value written or read */
  gsize n_layers;
  EcgOpEnergyRow *layers;  /* one per cost-table row */
  gsize n_blocks;
  EcgOpEnergyRow *blocks;  /* one per block index; named after the block's first op with
                            * parameters (the part before the first '.'), else its first op */
  double compute_pj;
  double weight_pj;
  double activation_pj;
  double total_pj;
  double joules;           /* total_pj × 10^-12 */
} EcgOpEnergy;

/* The 45 nm model over `table` (from ecg_cost_table_new()). `options` NULL = defaults.
 * Owned by the caller (ecg_op_energy_free). */
EcgOpEnergy *ecg_op_energy_new (const EcgCostTable *table, const EcgOpModelOptions *options);
void ecg_op_energy_free (EcgOpEnergy *energy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgOpEnergy, ecg_op_energy_free)

/* ---- (d) measured or estimated ---- */

typedef enum
{
  ECG_MEASURED_RAPL,
  ECG_MEASURED_ESTIMATE,
} EcgMeasuredMethod;

/* "rapl" or "estimate". */
const char *ecg_measured_method_name (EcgMeasuredMethod method);

typedef struct
{
  EcgMeasuredMethod method;
  int n_inferences;
  double seconds;               /* wall time of the n inferences */
  double seconds_per_inference;
  double core_power_w;          /* the estimate's power (kept for the report in both cases) */
  double joules_per_inference;  /* RAPL delta / n, or seconds_per_inference × core_power_w */
} EcgMeasuredEnergy;

/* Reads dir/energy_uj and dir/max_energy_range_uj (decimal microjoules, one line each).
 * FALSE with ECG_ERROR_IO (missing, unreadable — RAPL files are often root-only) or
 * ECG_ERROR_FORMAT (not a number) naming the file. */
gboolean ecg_rapl_read (const char *dir, guint64 *energy_uj, guint64 *max_energy_range_uj,
                        GError **error);

/* Energy between two readings of a counter that wraps to 0 after max_energy_range_uj:
 * after − before, or max − before + after when it wrapped (after < before). */
guint64 ecg_rapl_delta_uj (guint64 before, guint64 after, guint64 max_energy_range_uj);

/* One unit of work; `iteration` counts from 0. */
typedef void (*EcgEnergyWorkFunc) (int iteration, gpointer user_data);

/* Runs `work` n_inferences (≥ 1) times between two RAPL readings of `rapl_dir` (NULL =
 * ECG_RAPL_DEFAULT_DIR). Method "rapl" when both readings succeed and the counter moved;
 * otherwise "estimate" = the measured time × core_power_w (> 0). RAPL's package domain
 * includes whatever else the machine does meanwhile. ECG_ERROR_INVALID on bad arguments. */
gboolean ecg_energy_measure_work (const char *rapl_dir, double core_power_w, int n_inferences,
                                  EcgEnergyWorkFunc work, gpointer user_data,
                                  EcgMeasuredEnergy *result, GError **error);

/* ecg_energy_measure_work() over batch-1 eval-mode forwards of `m` on the input of
 * ecg_latency_input_new(), after `warmup` untimed ones; OpenBLAS at one thread. */
gboolean ecg_energy_measure_model (EcgModel *m, const char *rapl_dir, double core_power_w,
                                   int warmup, int n_inferences, EcgMeasuredEnergy *result,
                                   GError **error);

/* ---- consequences ---- */

/* Grams of CO2 for 10^6 inferences of `joules_per_inference`: J × 10^6 / 3.6·10^6 J/kWh ×
 * grid_g_per_kwh. */
double ecg_energy_co2_g_per_million (double joules_per_inference, double grid_g_per_kwh);

/* A wearable: battery, and the power it draws anyway (sensor front-end, radio, idle). One
 * inference per heartbeat. */
typedef struct
{
  double capacity_mah;
  double volts;
  double beats_per_minute;
  double baseline_mw;
} EcgWearableProfile;

/* An example profile, not a measurement: a CR2032 coin cell (225 mAh, 3.0 V), 60 beats per
 * minute, 1.0 mW baseline. */
void ecg_wearable_profile_init (EcgWearableProfile *profile);

typedef struct
{
  double battery_joules;          /* mAh × 3.6 × V */
  double inference_mw;            /* J per inference × beats per second × 1000 */
  double hours_without_inference; /* battery / baseline power (infinite when it is 0) */
  double hours_with_inference;    /* battery / (baseline + inference power) */
  double inference_share;         /* inference power / total power (0 when both are 0) */
} EcgBatteryLife;

/* Battery life with and without inference. capacity, volts > 0, beats and baseline ≥ 0,
 * joules ≥ 0, otherwise ECG_ERROR_INVALID. */
gboolean ecg_energy_battery_life (const EcgWearableProfile *profile, double joules_per_inference,
                                  EcgBatteryLife *life, GError **error);

G_END_DECLS
