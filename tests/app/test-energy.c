/* Tests of `ecgwb energy`: the cost and energy of one inference by each method of DESIGN.md §7,
 * CO2 per million inferences and a wearable's battery life, against figures worked out by hand
 * from the architecture's layers. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "test-util.h"

/* Runs `ecgwb energy ARGS... ` (NULL-terminated); returns the exit code, stdout in *out. */
static int
run_energy (char **out, char **err, const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ECGWB_PATH"));
  g_ptr_array_add (argv, "energy");
  va_list args;
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static JsonNode *
energy_json (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ECGWB_PATH"));
  g_ptr_array_add (argv, "energy");
  va_list args;
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  const char *fast[] = { "--latency-repeats", "3", "--inferences", "3", "--json", NULL };
  for (int i = 0; fast[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) fast[i]);
  g_ptr_array_add (argv, NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("ecgwb energy exited %d: %s", WEXITSTATUS (status), err);
  g_autoptr (JsonParser) parser = json_parser_new ();
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_relative (double value, double expected, double tolerance)
{
  g_assert_cmpfloat (fabs (value - expected), <=, tolerance * fabs (expected));
}

/* CardiacCNN_Original on a 360-sample window: four blocks of Conv1d('same', k 13/15/17/19, 16/32/
 * 64/128 filters, bias) + ReLU + AvgPool(3, 2): lengths 360 -> 179 -> 89 -> 44 -> 21; then
 * Dense 2688 -> 35 -> 5 and the output softmax.
 *   MACs  = 16*13*360 + 32*16*15*179 + 64*32*17*89 + 128*64*19*44 + 2688*35 + 35*5
 *         = 74,880 + 1,374,720 + 3,098,624 + 6,848,512 + 94,080 + 175 = 11,490,991
 *   params 224 + 7,712 + 34,880 + 155,776 + 94,115 + 180 = 292,887 (all non-zero)
 *   layer outputs: convs and ReLUs 2 x (5,760 + 5,728 + 5,696 + 5,632) = 45,632, pools
 *         2,864 + 2,848 + 2,816 + 2,688 = 11,216, dense 35 + 5, softmax 5: 56,893
 *   (b) 23,038,511 TF-FLOPs x 0.45 pJ
 *   (c) 4.6 pJ x 11,490,991 = 52,858,558.6 pJ
 *       + weights: 292,887 x 4 B = 1,171,548 B > 64 KiB, so DRAM: 292,887 x 640 = 187,447,680 pJ
 *         (with a 2 MiB budget SRAM: 292,887 x 5 = 1,464,435 pJ)
 *       + activations 2 x 56,893 x 5 = 568,930 pJ
 *       = 240,875,168.6 pJ (54,891,923.6 pJ with SRAM)
 * Battery 200 mAh at 3.7 V: 200 x 3.6 x 3.7 = 2,664 J; baseline 0.5 mW: 2,664 / 0.0005 / 3600
 * = 1,480 h; 72 beats/min: inference power (c) x 1.2 /s, with it 2,664 / (0.0005 + 1.2 (c)) /
 * 3600 h. */
static void
test_cardiac_original (void)
{
  g_autoptr (JsonNode) root
    = energy_json ("--arch", "CardiacCNN_Original", "--battery-mah", "200", "--volts", "3.7",
                   "--bpm", "72", "--baseline-mw", "0.5", "--grid-g-per-kwh", "500",
                   "--power-w", "10", NULL);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "arch"), ==, "CardiacCNN_Original");
  g_assert_true (json_object_get_null_member (o, "model"));
  g_assert_cmpint (json_object_get_int_member (o, "macs"), ==, 11490991);
  g_assert_cmpint (json_object_get_int_member (o, "tf_flops"), ==, 23038511);
  g_assert_cmpint (json_object_get_int_member (o, "params"), ==, 292887);
  g_assert_cmpint (json_object_get_int_member (o, "nonzero_params"), ==, 292887);
  double latency = json_object_get_double_member (o, "latency_ms");
  g_assert_cmpfloat (latency, >, 0);
  g_assert_cmpint (json_object_get_int_member (o, "latency_repeats"), ==, 3);

  JsonObject *energy = json_object_get_object_member (o, "energy");
  JsonObject *a = json_object_get_object_member (energy, "proxy_mmac_ms");
  g_assert_cmpstr (json_object_get_string_member (a, "method"), ==, "proxy-mmac-ms");
  g_assert_cmpstr (json_object_get_string_member (a, "unit"), ==, "MMAC·ms");
  assert_relative (json_object_get_double_member (a, "value"), 11.490991 * latency, 1e-12);

  JsonObject *b = json_object_get_object_member (energy, "tf_flops_0_45pj");
  g_assert_cmpstr (json_object_get_string_member (b, "method"), ==, "tf-flops-0.45pJ");
  g_assert_cmpstr (json_object_get_string_member (b, "unit"), ==, "J");
  assert_relative (json_object_get_double_member (b, "value"), 23038511 * 0.45e-12, 1e-12);

  JsonObject *c = json_object_get_object_member (energy, "op_model_45nm");
  g_assert_cmpstr (json_object_get_string_member (c, "method"), ==, "op-model-45nm");
  g_assert_cmpstr (json_object_get_string_member (c, "unit"), ==, "J");
  g_assert_cmpstr (json_object_get_string_member (c, "precision"), ==, "fp32");
  g_assert_cmpint (json_object_get_int_member (c, "weight_bytes"), ==, 1171548);
  g_assert_cmpint (json_object_get_int_member (c, "sram_budget_bytes"), ==, 65536);
  g_assert_false (json_object_get_boolean_member (c, "weights_in_sram"));
  const double op_j = 240875168.6e-12;
  assert_relative (json_object_get_double_member (c, "value"), op_j, 1e-12);
  assert_relative (json_object_get_double_member (c, "compute_j"), 52858558.6e-12, 1e-12);
  assert_relative (json_object_get_double_member (c, "weight_j"), 187447680e-12, 1e-12);
  assert_relative (json_object_get_double_member (c, "activation_j"), 568930e-12, 1e-12);

  /* (d): RAPL where readable, else time x the given 10 W. */
  JsonObject *d = json_object_get_object_member (energy, "measured_or_estimated");
  const char *method = json_object_get_string_member (d, "method");
  g_assert_true (g_str_equal (method, "rapl") || g_str_equal (method, "estimate"));
  g_assert_cmpstr (json_object_get_string_member (d, "unit"), ==, "J");
  g_assert_cmpint (json_object_get_int_member (d, "inferences"), ==, 3);
  double d_j = json_object_get_double_member (d, "value");
  g_assert_cmpfloat (d_j, >, 0);
  if (g_str_equal (method, "estimate"))
    assert_relative (d_j, json_object_get_double_member (d, "seconds_per_inference") * 10.0,
                     1e-12);

  /* CO2 of 10^6 inferences at 500 g/kWh: 10^6 x (d) / 3.6e6 J/kWh x 500. */
  JsonObject *co2 = json_object_get_object_member (o, "co2");
  g_assert_cmpstr (json_object_get_string_member (co2, "from"), ==, "measured_or_estimated");
  g_assert_cmpfloat (json_object_get_double_member (co2, "grid_g_per_kwh"), ==, 500);
  assert_relative (json_object_get_double_member (co2, "g_per_million_inferences"),
                   d_j * 1e6 / 3.6e6 * 500, 1e-12);

  JsonObject *battery = json_object_get_object_member (o, "battery");
  g_assert_cmpstr (json_object_get_string_member (battery, "from"), ==, "op_model_45nm");
  assert_relative (json_object_get_double_member (battery, "battery_j"), 2664, 1e-12);
  assert_relative (json_object_get_double_member (battery, "inference_mw"), op_j * 1.2 * 1e3,
                   1e-12);
  assert_relative (json_object_get_double_member (battery, "hours_without_inference"), 1480,
                   1e-12);
  assert_relative (json_object_get_double_member (battery, "hours_with_inference"),
                   2664 / (0.0005 + op_j * 1.2) / 3600, 1e-12);
  assert_relative (json_object_get_double_member (battery, "inference_share"),
                   op_j * 1.2 / (0.0005 + op_j * 1.2), 1e-12);
  /* About 938 h: the model costs the wearable more than a third of its life. */
  g_assert_cmpfloat (json_object_get_double_member (battery, "hours_with_inference"), <, 940);
}

/* The same architecture with a 2 MiB on-chip budget: its 1,171,548 weight bytes fit and are
 * read at the SRAM cost. */
static void
test_sram_budget (void)
{
  g_autoptr (JsonNode) root = energy_json ("--arch", "CardiacCNN_Original", "--sram-kib", "2048",
                                           NULL);
  JsonObject *energy = json_object_get_object_member (json_node_get_object (root), "energy");
  JsonObject *c = json_object_get_object_member (energy, "op_model_45nm");
  g_assert_true (json_object_get_boolean_member (c, "weights_in_sram"));
  assert_relative (json_object_get_double_member (c, "value"), 54891923.6e-12, 1e-12);
  /* The default profile: 225 mAh x 3.6 x 3.0 V = 2,430 J, 1 mW: 675 h without inference. */
  JsonObject *battery = json_object_get_object_member (json_node_get_object (root), "battery");
  assert_relative (json_object_get_double_member (battery, "hours_without_inference"), 675,
                   1e-12);
}

/* A model file: its masks and RR weights count (CNN1D_3Class with 18 RR weights). */
static void
test_model_file (void)
{
  g_autofree char *model = g_build_filename (g_getenv ("ECGWB_SOURCE_ROOT"), "data", "models",
                                             "CNN1D_3Class-demo.ecgm", NULL);
  g_autoptr (JsonNode) root = energy_json ("--model", model, NULL);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "arch"), ==, "CNN1D_3Class");
  g_assert_cmpstr (json_object_get_string_member (o, "model"), ==, model);
  g_assert_cmpint (json_object_get_int_member (o, "macs"), ==, 9232768 + 18);
}

static void
test_text_and_errors (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (run_energy (&out, &err, "--arch", "CardiacCNN_Distilled", "--latency-repeats",
                               "2", "--inferences", "2", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "(a) proxy-mmac-ms"));
  g_assert_nonnull (strstr (out, "(c) op-model-45nm"));
  g_assert_nonnull (strstr (out, "CO2 per million inferences"));
  g_assert_nonnull (strstr (out, "with inference"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_energy (&out, &err, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_energy (&out, &err, "--arch", "CardiacCNN_Original", "--model", "x.ecgm",
                               NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_energy (&out, &err, "--arch", "CardiacCNN_Original", "--volts", "0",
                               NULL), ==, 2);
  g_assert_nonnull (strstr (err, "wearable profile"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_energy (&out, &err, "--arch", "NoSuchNet", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "NoSuchNet"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/energy/cardiac-original", test_cardiac_original);
  g_test_add_func ("/cli/energy/sram-budget", test_sram_budget);
  g_test_add_func ("/cli/energy/model-file", test_model_file);
  g_test_add_func ("/cli/energy/text-and-errors", test_text_and_errors);
  return g_test_run ();
}
