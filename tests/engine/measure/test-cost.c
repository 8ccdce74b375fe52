/* test-cost.c — compute accounting (MACs, TF-profiler FLOPs), latency, and the energy methods
 * of DESIGN.md §7. Every expected figure is a published count or computed by hand in the
 * comment above its assertion; no assertion depends on how fast this machine is. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "measure/ecg-cost.h"
#include "measure/ecg-energy.h"
#include "measure/ecg-latency.h"
#include "nn/ecg-zoo.h"
#include "test-util.h"

static EcgModel *
build (const char *arch)
{
  g_autoptr (GError) error = NULL;
  EcgModel *m = ecg_zoo_build (arch, FALSE, 7, &error);
  g_assert_no_error (error);
  return m;
}

static const EcgCostLayer *
find_layer (const EcgCostTable *t, const char *name)
{
  for (gsize i = 0; i < t->n_layers; i++)
    if (g_str_equal (t->layers[i].name, name))
      return &t->layers[i];
  g_assert_not_reached ();
}

/* ---- totals ----------------------------------------------------------------------------- */

/* model-zoo-layers.txt: CNN1D_3Class 9,232,768 MACs, ConvTransformer 229,697,408 MACs; the
 * energy-evaluation study's TF profiler: CardiacCNN_Original 23,038,511 and CardiacCNN_Distilled
 * 91,902 FLOPs. */
static void
test_published_totals (void)
{
  g_autoptr (EcgModel) cnn = build ("CNN1D_3Class");
  g_autoptr (EcgCostTable) t_cnn = ecg_cost_table_new (cnn);
  g_assert_cmpint (t_cnn->macs, ==, 9232768);
  g_assert_cmpint (t_cnn->params, ==, 188035);

  g_autoptr (EcgModel) ct = build ("ConvTransformer");
  g_autoptr (EcgCostTable) t_ct = ecg_cost_table_new (ct);
  g_assert_cmpint (t_ct->macs, ==, 229697408);
  g_assert_cmpint (t_ct->params, ==, 1711878);
  /* enc1: projections 4·256²·125 = 32,768,000 plus QKᵀ and AV 2·125²·256 = 8,000,000. */
  g_assert_cmpint (find_layer (t_ct, "enc1.mhsa")->macs, ==, 40768000);

  g_autoptr (EcgModel) orig = build ("CardiacCNN_Original");
  g_autoptr (EcgCostTable) t_orig = ecg_cost_table_new (orig);
  g_assert_cmpint (t_orig->tf_flops, ==, 23038511);
  /* conv1 16×13 'same' on 360: 2·16·13·360 + 16·360 bias = 155,520; pool (3, 2) -> 179:
   * 3·16·179 = 8,592; dense2 2·35·5 + 5 = 355; softmax 5·5 = 25. */
  g_assert_cmpint (find_layer (t_orig, "conv1")->tf_flops, ==, 155520);
  g_assert_cmpint (find_layer (t_orig, "conv1.pool")->tf_flops, ==, 8592);
  g_assert_cmpint (find_layer (t_orig, "dense2")->tf_flops, ==, 355);
  g_assert_cmpint (find_layer (t_orig, "output.softmax")->tf_flops, ==, 25);

  g_autoptr (EcgModel) dist = build ("CardiacCNN_Distilled");
  g_autoptr (EcgCostTable) t_dist = ecg_cost_table_new (dist);
  g_assert_cmpint (t_dist->tf_flops, ==, 91902);
  /* conv 8×13 'valid' on 360 -> 348: 2·8·13·348 + 8·348 = 75,168; maxpool 2 -> 174:
   * 2·8·174 = 2,784; dense 1392 -> 5: 2·6,960 + 5 = 13,925; softmax 25. */
  g_assert_cmpint (find_layer (t_dist, "conv")->tf_flops, ==, 75168);
  g_assert_cmpint (find_layer (t_dist, "conv.relu")->tf_flops, ==, 0);
  g_assert_cmpint (find_layer (t_dist, "conv.pool")->tf_flops, ==, 2784);
  g_assert_cmpint (find_layer (t_dist, "dense")->tf_flops, ==, 13925);
  g_assert_cmpint (find_layer (t_dist, "output.softmax")->tf_flops, ==, 25);
  g_assert_cmpint (t_dist->macs, ==, 36192 + 6960);
}

/* For every architecture the rows add up to the totals, the MAC rows are ecg_model_macs()'s,
 * parameters are the model's, and a multi-label model ends in a zero-FLOP sigmoid row. */
static void
test_rows_sum_to_totals (void)
{
  gsize n = 0;
  const EcgArchInfo *archs = ecg_zoo_architectures (&n);
  for (gsize a = 0; a < n; a++)
    {
      g_autoptr (EcgModel) m = build (archs[a].name);
      g_autoptr (EcgCostTable) t = ecg_cost_table_new (m);
      g_assert_cmpuint (t->n_layers, ==, m->ops->len + 1);
      g_autofree gint64 *per_op = g_new (gint64, m->ops->len);
      gint64 macs = ecg_model_macs (m, FALSE, per_op);
      gint64 sum_macs = 0, sum_tf = 0, sum_params = 0, sum_nz = 0, sum_prunable = 0;
      for (gsize i = 0; i < t->n_layers; i++)
        {
          const EcgCostLayer *row = &t->layers[i];
          if (i < m->ops->len)
            g_assert_cmpint (row->macs, ==, per_op[i]);
          g_assert_cmpint (row->tf_flops, >=, 2 * row->macs);
          sum_macs += row->macs;
          sum_tf += row->tf_flops;
          sum_params += row->params;
          sum_nz += row->nonzero_params;
          sum_prunable += row->prunable_params;
        }
      g_assert_cmpint (sum_macs, ==, t->macs);
      g_assert_cmpint (t->macs, ==, macs);
      g_assert_cmpint (sum_tf, ==, t->tf_flops);
      g_assert_cmpint (sum_params, ==, t->params);
      g_assert_cmpint (t->params, ==, (gint64) m->n_params);
      g_assert_cmpint (sum_nz, ==, t->nonzero_params);
      g_assert_cmpint (t->nonzero_params, ==, (gint64) ecg_model_count_nonzero (m, FALSE));
      g_assert_cmpint (sum_prunable, ==, t->prunable_params);
      g_assert_cmpint (t->prunable_params, ==, (gint64) ecg_model_count_prunable (m));
      const EcgCostLayer *last = &t->layers[t->n_layers - 1];
      g_assert_cmpint (last->op, ==, -1);
      g_assert_cmpstr (last->name, ==, archs[a].multi_label ? "output.sigmoid"
                                                            : "output.softmax");
      g_assert_cmpint (last->tf_flops, ==, archs[a].multi_label ? 0 : 5 * archs[a].n_outputs);
    }
}

/* The rules for the layer kinds the study lacks, on ConvTransformer enc1 (T = 125, d = 256,
 * 8 heads) and CNN_LSTM_Attn (T = 32 after three pools of 256, h = 128, 2 directions):
 *   enc1.mhsa  2·40,768,000 + 4·256·125 + 5·8·125² = 81,536,000 + 128,000 + 625,000
 *              = 82,289,000
 *   enc1.norm1 125·256 = 32,000; enc1.add1 32,000; pos 32,000
 *   bilstm     2·(4·(128 + 128)·128·32·2) + 8·128·2·32 = 2·8,388,608 + 65,536 = 16,842,752
 *   attn       2·(128·256 + 128)·32 + (128 + 1)·32 + 5·32 + 32·256
 *              = 2,105,344 + 4,128 + 160 + 8,192 = 2,117,824
 *   b1.bn      32·256 = 8,192 */
static void
test_tf_rules_for_other_layers (void)
{
  g_autoptr (EcgModel) ct = build ("ConvTransformer");
  g_autoptr (EcgCostTable) t_ct = ecg_cost_table_new (ct);
  g_assert_cmpint (find_layer (t_ct, "enc1.mhsa")->tf_flops, ==, 82289000);
  g_assert_cmpint (find_layer (t_ct, "enc1.norm1")->tf_flops, ==, 32000);
  g_assert_cmpint (find_layer (t_ct, "enc1.add1")->tf_flops, ==, 32000);
  g_assert_cmpint (find_layer (t_ct, "pos")->tf_flops, ==, 32000);
  g_assert_cmpint (find_layer (t_ct, "head.gelu")->tf_flops, ==, 0);

  g_autoptr (EcgModel) cl = build ("CNN_LSTM_Attn");
  g_autoptr (EcgCostTable) t_cl = ecg_cost_table_new (cl);
  g_assert_cmpint (find_layer (t_cl, "bilstm")->macs, ==, 8388608);
  g_assert_cmpint (find_layer (t_cl, "bilstm")->tf_flops, ==, 16842752);
  g_assert_cmpint (find_layer (t_cl, "attn")->tf_flops, ==, 2117824);
  g_assert_cmpint (find_layer (t_cl, "b1.bn")->tf_flops, ==, 8192);
}

/* ---- masks ------------------------------------------------------------------------------ */

static void
mask_first (EcgModel *m, const char *tensor_name, gsize count)
{
  for (guint i = 0; i < m->param_tensors->len; i++)
    {
      const EcgParamTensor *p = &g_array_index (m->param_tensors, EcgParamTensor, i);
      if (!g_str_equal (p->name, tensor_name))
        continue;
      g_assert_cmpuint (count, <=, p->count);
      for (gsize j = 0; j < count; j++)
        m->masks[p->offset + j] = 0.0f;
      ecg_model_apply_masks (m);
      return;
    }
  g_assert_not_reached ();
}

/* CardiacCNN_Distilled with half of a layer's weights masked:
 *   dense 3,480 of 6,960 weights: MACs 6,960 -> 3,480, TF 13,925 -> 2·3,480 + 5 = 6,965,
 *     model TF 91,902 -> 91,902 − 6,960 = 84,942; non-zero 6,965 -> 3,485 (bias kept)
 *   conv 52 of 104 weights: MACs 104·348 = 36,192 -> 52·348 = 18,096,
 *     TF 75,168 -> 2·18,096 + 2,784 = 38,976, model TF 84,942 − 36,192 = 48,750 */
static void
test_masks_halve_macs (void)
{
  g_autoptr (EcgModel) m = build ("CardiacCNN_Distilled");
  mask_first (m, "dense.weight", 3480);
  g_autoptr (EcgCostTable) t = ecg_cost_table_new (m);
  const EcgCostLayer *dense = find_layer (t, "dense");
  g_assert_cmpint (dense->macs, ==, 3480);
  g_assert_cmpint (dense->tf_flops, ==, 6965);
  g_assert_cmpint (dense->params, ==, 6965);
  g_assert_cmpint (dense->nonzero_params, ==, 3485);
  g_assert_cmpint (dense->prunable_params, ==, 6960);
  g_assert_cmpint (dense->nonzero_prunable_params, ==, 3480);
  g_assert_cmpint (t->tf_flops, ==, 84942);
  g_assert_cmpint (t->macs, ==, 36192 + 3480);
  g_assert_cmpint (t->nonzero_prunable_params, ==, 104 + 3480);

  mask_first (m, "conv.weight", 52);
  g_autoptr (EcgCostTable) t2 = ecg_cost_table_new (m);
  const EcgCostLayer *conv = find_layer (t2, "conv");
  g_assert_cmpint (conv->macs, ==, 18096);
  g_assert_cmpint (conv->tf_flops, ==, 38976);
  g_assert_cmpint (t2->tf_flops, ==, 48750);
  g_assert_cmpint (t2->nonzero_params, ==, 7077 - 3480 - 52);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void
test_json (void)
{
  g_autoptr (EcgModel) m = build ("CardiacCNN_Distilled");
  g_autoptr (EcgCostTable) t = ecg_cost_table_new (m);
  g_autoptr (JsonNode) node = ecg_cost_table_to_json (t, ECG_COST_TF_FLOPS);
  JsonObject *o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "convention"), ==, "tf");
  g_assert_cmpint (json_object_get_int_member (o, "total"), ==, 91902);
  g_assert_cmpint (json_object_get_int_member (o, "params"), ==, 7077);
  g_assert_cmpint (json_object_get_int_member (o, "nonzero_params"), ==, 7077);
  /* conv 104 + dense 6,960 weights */
  g_assert_cmpint (json_object_get_int_member (o, "prunable_params"), ==, 7064);
  g_assert_cmpint (json_object_get_int_member (o, "nonzero_prunable_params"), ==, 7064);
  JsonArray *layers = json_object_get_array_member (o, "layers");
  /* conv, conv.relu, conv.pool, flatten, dense, output.softmax */
  g_assert_cmpuint (json_array_get_length (layers), ==, 6);
  gint64 sum = 0;
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *row = json_array_get_object_element (layers, i);
      g_assert_true (json_object_has_member (row, "name"));
      g_assert_true (json_object_has_member (row, "params"));
      g_assert_true (json_object_has_member (row, "nonzero_params"));
      sum += json_object_get_int_member (row, "ops");
    }
  g_assert_cmpint (sum, ==, 91902);
  JsonObject *dense = json_array_get_object_element (layers, 4);
  g_assert_cmpstr (json_object_get_string_member (dense, "name"), ==, "dense");
  g_assert_cmpint (json_object_get_int_member (dense, "ops"), ==, 13925);

  g_autoptr (JsonNode) macs = ecg_cost_table_to_json (t, ECG_COST_MACS);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (macs), "convention"),
                   ==, "macs");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (macs), "total"), ==, 43152);

  EcgCostConvention c;
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_cost_convention_parse ("tf", &c, &error));
  g_assert_cmpint (c, ==, ECG_COST_TF_FLOPS);
  g_assert_false (ecg_cost_convention_parse ("flops", &c, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

/* ---- the 45 nm operation model ------------------------------------------------------------ */

/* CardiacCNN_Distilled, fp32, 64 KiB budget, by hand:
 *   compute      MACs (36,192 + 6,960 = 43,152) × 4.6 pJ            = 198,499.2 pJ
 *   weights      7,077 non-zero parameters × 4 B = 28,308 B ≤ 65,536 B, so SRAM:
 *                7,077 × 5 pJ                                        =  35,385   pJ
 *   activations  outputs conv 8·348 = 2,784, relu 2,784, pool 8·174 = 1,392, flatten 0 (view),
 *                dense 5, softmax 5 = 6,970 values, each written and read: 6,970 × 2 × 5 pJ
 *                                                                    =  69,700   pJ
 *   total                                                            = 303,584.2 pJ
 * Blocks: 0 "conv" = 36,192 × 4.6 + 112 × 5 + (2,784 + 2,784 + 1,392) × 10
 *                  = 166,483.2 + 560 + 69,600 = 236,643.2 pJ;
 *         1 "dense" = 6,960 × 4.6 + 6,965 × 5 + (5 + 5) × 10 = 32,016 + 34,825 + 100
 *                  = 66,941 pJ.
 * int8: 43,152 × 0.23 + 7,077 × 1.25 + 6,970 × 2 × 1.25 = 9,924.96 + 8,846.25 + 17,425
 *       = 36,196.21 pJ. */
static void
test_op_model_by_hand (void)
{
  g_autoptr (EcgModel) m = build ("CardiacCNN_Distilled");
  g_autoptr (EcgCostTable) t = ecg_cost_table_new (m);
  g_autoptr (EcgOpEnergy) e = ecg_op_energy_new (t, NULL);
  g_assert_cmpint (e->weight_bytes, ==, 28308);
  g_assert_true (e->weights_in_sram);
  g_assert_cmpfloat_with_epsilon (e->compute_pj, 198499.2, 1e-6);
  g_assert_cmpfloat_with_epsilon (e->weight_pj, 35385.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (e->activation_pj, 69700.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (e->total_pj, 303584.2, 1e-6);
  g_assert_cmpfloat_with_epsilon (e->joules, 303584.2e-12, 1e-18);

  g_assert_cmpuint (e->n_blocks, ==, 2);
  g_assert_cmpstr (e->blocks[0].name, ==, "conv");
  g_assert_cmpstr (e->blocks[1].name, ==, "dense");
  g_assert_cmpfloat_with_epsilon (e->blocks[0].total_pj, 236643.2, 1e-6);
  g_assert_cmpfloat_with_epsilon (e->blocks[1].total_pj, 66941.0, 1e-6);
  g_assert_cmpint (e->blocks[0].activations, ==, 2784 + 2784 + 1392);
  /* the max pooling's traffic is charged to the conv block */
  g_assert_cmpint (e->layers[2].block, ==, 0);
  g_assert_cmpfloat_with_epsilon (e->layers[2].total_pj, 1392 * 10.0, 1e-9);

  EcgOpModelOptions o;
  ecg_op_model_options_init (&o);
  g_assert_cmpint (o.sram_budget_bytes, ==, 65536);
  o.precision = ECG_PRECISION_INT8;
  g_autoptr (EcgOpEnergy) e8 = ecg_op_energy_new (t, &o);
  g_assert_cmpint (e8->weight_bytes, ==, 7077);
  g_assert_cmpfloat_with_epsilon (e8->total_pj, 36196.21, 1e-6);
}

/* The SRAM/DRAM switch at 28,308 non-zero weight bytes: a budget of exactly 28,308 B holds
 * them (303,584.2 pJ as above); 28,307 B does not, and every read costs DRAM:
 * 198,499.2 + 7,077 × 640 + 69,700 = 198,499.2 + 4,529,280 + 69,700 = 4,797,479.2 pJ. */
static void
test_sram_dram_edge (void)
{
  g_autoptr (EcgModel) m = build ("CardiacCNN_Distilled");
  g_autoptr (EcgCostTable) t = ecg_cost_table_new (m);
  EcgOpModelOptions o;
  ecg_op_model_options_init (&o);
  o.sram_budget_bytes = 28308;
  g_autoptr (EcgOpEnergy) fits = ecg_op_energy_new (t, &o);
  g_assert_true (fits->weights_in_sram);
  g_assert_cmpfloat_with_epsilon (fits->total_pj, 303584.2, 1e-6);
  o.sram_budget_bytes = 28307;
  g_autoptr (EcgOpEnergy) spills = ecg_op_energy_new (t, &o);
  g_assert_false (spills->weights_in_sram);
  g_assert_cmpfloat_with_epsilon (spills->weight_pj, 4529280.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (spills->total_pj, 4797479.2, 1e-6);
}

/* (a) and (b): 9,232,768 MACs at 2.5 ms = 9.232768 × 2.5 = 23.08192 MMAC·ms; the study's
 * 23,038,511 × 0.45 pJ = 1.036733e-5 J (it reports 1.04e-5) and 91,902 × 0.45 pJ
 * = 4.13559e-8 J (4.14e-8). */
static void
test_proxy_and_tf_energy (void)
{
  g_assert_cmpfloat_with_epsilon (ecg_energy_proxy_mmac_ms (9232768, 2.5), 23.08192, 1e-12);
  g_assert_cmpfloat_with_epsilon (ecg_energy_tf_flops_joules (23038511), 1.0367329950e-5,
                                  1e-16);
  g_assert_cmpfloat_with_epsilon (ecg_energy_tf_flops_joules (91902), 4.13559e-8, 1e-18);
}

/* ---- CO2 and battery ------------------------------------------------------------------------ */

/* 3.6 mJ per inference: 10^6 of them = 3,600 J = 0.001 kWh; at 475 g/kWh 0.475 g, at 100 g/kWh
 * 0.1 g.
 * Battery 225 mAh at 3 V = 0.225 × 3,600 × 3 = 2,430 J. 0.3 mJ per beat at 100 beats per
 * minute = 0.3e-3 × 100 / 60 = 0.5 mW; baseline 1.5 mW: without inference 2,430 / 1.5e-3 s
 * = 1,620,000 s = 450 h, with it 2,430 / 2e-3 s = 1,215,000 s = 337.5 h, inference share
 * 0.5 / 2 = 0.25. */
static void
test_co2_and_battery (void)
{
  g_assert_cmpfloat_with_epsilon (ecg_energy_co2_g_per_million (3.6e-3,
                                                                ECG_ENERGY_DEFAULT_GRID_G_PER_KWH),
                                  0.475, 1e-12);
  g_assert_cmpfloat_with_epsilon (ecg_energy_co2_g_per_million (3.6e-3, 100.0), 0.1, 1e-12);

  EcgWearableProfile p;
  ecg_wearable_profile_init (&p);
  g_assert_cmpfloat (p.capacity_mah, ==, 225.0);
  g_assert_cmpfloat (p.volts, ==, 3.0);
  p.beats_per_minute = 100.0;
  p.baseline_mw = 1.5;
  EcgBatteryLife life;
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_energy_battery_life (&p, 3e-4, &life, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (life.battery_joules, 2430.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (life.inference_mw, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (life.hours_without_inference, 450.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (life.hours_with_inference, 337.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (life.inference_share, 0.25, 1e-12);

  /* No baseline and no inference: the battery lasts for ever, inference takes no share. */
  p.baseline_mw = 0.0;
  g_assert_true (ecg_energy_battery_life (&p, 0.0, &life, &error));
  g_assert_true (isinf (life.hours_with_inference));
  g_assert_cmpfloat (life.inference_share, ==, 0.0);

  p.volts = 0.0;
  g_assert_false (ecg_energy_battery_life (&p, 3e-4, &life, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

/* ---- latency ------------------------------------------------------------------------------ */

/* Type 7 on {1, 2, 3, 4}: h = 3p; p = 0.5 -> 2.5, p = 0.1 -> 1.3, p = 0.9 -> 3.7; on one value
 * every quantile is that value. */
static void
test_quantiles (void)
{
  const double v[] = { 1.0, 2.0, 3.0, 4.0 };
  g_assert_cmpfloat_with_epsilon (ecg_latency_quantile (v, 4, 0.5), 2.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (ecg_latency_quantile (v, 4, 0.1), 1.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (ecg_latency_quantile (v, 4, 0.9), 3.7, 1e-12);
  g_assert_cmpfloat (ecg_latency_quantile (v, 4, 1.0), ==, 4.0);
  g_assert_cmpfloat (ecg_latency_quantile (v, 1, 0.9), ==, 1.0);
}

static void
test_latency (void)
{
  g_autoptr (EcgModel) m = build ("CardiacCNN_Distilled");
  EcgLatency l;
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_latency_measure (m, 3, 21, &l, &error));
  g_assert_no_error (error);
  g_assert_cmpint (l.repeats, ==, 21);
  g_assert_cmpfloat (l.median_ms, >, 0.0);
  g_assert_cmpfloat (l.min_ms, <=, l.p10_ms);
  g_assert_cmpfloat (l.p10_ms, <=, l.median_ms);
  g_assert_cmpfloat (l.median_ms, <=, l.p90_ms);
  g_assert_cmpfloat (l.p90_ms, <=, l.max_ms);
  g_assert_cmpint (openblas_get_num_threads (), ==, 1);

  g_assert_false (ecg_latency_measure (m, 0, 0, &l, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

/* ---- RAPL ----------------------------------------------------------------------------------- */

static void
write_counter (const char *dir, const char *name, guint64 value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", value);
  g_autofree char *path = ecg_test_write_file (dir, name, text, -1);
}

/* Pretends to be the package: on the last inference the counter moves to `target`. */
typedef struct
{
  const char *dir;
  int n;
  guint64 target;
  int calls;
} FakePackage;

static void
fake_inference (int iteration, gpointer data)
{
  FakePackage *f = data;
  f->calls++;
  if (iteration == f->n - 1)
    write_counter (f->dir, "energy_uj", f->target);
}

/* max_energy_range_uj 262,143,328,850 (a real package's value). Plain: 1,000 -> 6,000 µJ over
 * 5 inferences = 1,000 µJ = 1e-3 J each. Wrapped: 262,143,327,850 (1,000 below the top) ->
 * 4,000 = 1,000 + 4,000 = 5,000 µJ, again 1e-3 J each. */
static void
test_rapl_counters (void)
{
  char *dir = ecg_test_tmpdir_new ();
  const guint64 max = 262143328850ull;
  write_counter (dir, "energy_uj", 1000);
  write_counter (dir, "max_energy_range_uj", max);
  guint64 energy = 0, range = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_rapl_read (dir, &energy, &range, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (energy, ==, 1000);
  g_assert_cmpuint (range, ==, max);

  g_assert_cmpuint (ecg_rapl_delta_uj (1000, 6000, max), ==, 5000);
  g_assert_cmpuint (ecg_rapl_delta_uj (max - 1000, 4000, max), ==, 5000);

  FakePackage f = { dir, 5, 6000, 0 };
  EcgMeasuredEnergy r;
  g_assert_true (ecg_energy_measure_work (dir, 5.0, 5, fake_inference, &f, &r, &error));
  g_assert_cmpint (f.calls, ==, 5);
  g_assert_cmpint (r.method, ==, ECG_MEASURED_RAPL);
  g_assert_cmpstr (ecg_measured_method_name (r.method), ==, "rapl");
  g_assert_cmpfloat_with_epsilon (r.joules_per_inference, 1e-3, 1e-15);

  write_counter (dir, "energy_uj", max - 1000);
  FakePackage wrap = { dir, 5, 4000, 0 };
  g_assert_true (ecg_energy_measure_work (dir, 5.0, 5, fake_inference, &wrap, &r, &error));
  g_assert_cmpint (r.method, ==, ECG_MEASURED_RAPL);
  g_assert_cmpfloat_with_epsilon (r.joules_per_inference, 1e-3, 1e-15);

  /* A counter that does not move measured nothing: the estimate. */
  FakePackage frozen = { dir, 5, 4000, 0 };
  g_assert_true (ecg_energy_measure_work (dir, 5.0, 5, fake_inference, &frozen, &r, &error));
  g_assert_cmpint (r.method, ==, ECG_MEASURED_ESTIMATE);

  write_counter (dir, "energy_uj", 0);
  g_autofree char *bad = ecg_test_write_file (dir, "max_energy_range_uj", "12x\n", -1);
  g_assert_false (ecg_rapl_read (dir, &energy, &range, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_clear_error (&error);
  g_autofree char *missing = g_build_filename (dir, "absent", NULL);
  g_assert_false (ecg_rapl_read (missing, &energy, &range, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  ecg_test_tmpdir_free (dir);
}

/* Without RAPL the result is the labelled estimate: time × core power. */
static void
test_measured_estimate (void)
{
  g_autoptr (EcgModel) m = build ("CardiacCNN_Distilled");
  char *dir = ecg_test_tmpdir_new ();
  g_autofree char *absent = g_build_filename (dir, "intel-rapl:0", NULL);
  EcgMeasuredEnergy r;
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_energy_measure_model (m, absent, 7.5, 2, 20, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.method, ==, ECG_MEASURED_ESTIMATE);
  g_assert_cmpstr (ecg_measured_method_name (r.method), ==, "estimate");
  g_assert_cmpint (r.n_inferences, ==, 20);
  g_assert_cmpfloat (r.seconds, >, 0.0);
  g_assert_cmpfloat_with_epsilon (r.seconds_per_inference, r.seconds / 20, 1e-15);
  g_assert_cmpfloat_with_epsilon (r.joules_per_inference, r.seconds_per_inference * 7.5, 1e-15);

  /* This machine's own counter: the estimate whenever it cannot be read. */
  guint64 e, range;
  if (!ecg_rapl_read (ECG_RAPL_DEFAULT_DIR, &e, &range, NULL))
    {
      g_assert_true (ecg_energy_measure_model (m, NULL, ECG_ENERGY_DEFAULT_CORE_POWER_W, 0, 5, &r,
                                               &error));
      g_assert_cmpint (r.method, ==, ECG_MEASURED_ESTIMATE);
    }

  g_assert_false (ecg_energy_measure_model (m, absent, 0.0, 0, 5, &r, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  ecg_test_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/measure/cost/published-totals", test_published_totals);
  g_test_add_func ("/engine/measure/cost/rows-sum-to-totals", test_rows_sum_to_totals);
  g_test_add_func ("/engine/measure/cost/tf-rules-other-layers", test_tf_rules_for_other_layers);
  g_test_add_func ("/engine/measure/cost/masks-halve-macs", test_masks_halve_macs);
  g_test_add_func ("/engine/measure/cost/json", test_json);
  g_test_add_func ("/engine/measure/energy/op-model-by-hand", test_op_model_by_hand);
  g_test_add_func ("/engine/measure/energy/sram-dram-edge", test_sram_dram_edge);
  g_test_add_func ("/engine/measure/energy/proxy-and-tf", test_proxy_and_tf_energy);
  g_test_add_func ("/engine/measure/energy/co2-and-battery", test_co2_and_battery);
  g_test_add_func ("/engine/measure/latency/quantiles", test_quantiles);
  g_test_add_func ("/engine/measure/latency/distilled", test_latency);
  g_test_add_func ("/engine/measure/energy/rapl-counters", test_rapl_counters);
  g_test_add_func ("/engine/measure/energy/measured-estimate", test_measured_estimate);
  return g_test_run ();
}
