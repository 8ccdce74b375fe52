/* Tests of the `ecgwb` command line: JSON shapes, values and exit codes. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "test-util.h"

typedef struct
{
  int exit_code;
  char *out;
  char *err;
} RunResult;

static void
run_result_clear (RunResult *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* Runs `ecgwb ARGS...` (NULL-terminated) and collects its output and exit code. */
static RunResult
run_ecgwb (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ECGWB_PATH"));
  va_list args;
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  RunResult r = { 0 };
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status)); /* never a signal */
  r.exit_code = WEXITSTATUS (wait_status);
  return r;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_usage_errors (void)
{
  RunResult r = run_ecgwb (NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  run_result_clear (&r);
  r = run_ecgwb ("no-such-command", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown command"));
  run_result_clear (&r);
  r = run_ecgwb ("info", "--bogus", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  run_result_clear (&r);
  r = run_ecgwb ("beats", "--data", "/tmp", "--split", "DS9", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  run_result_clear (&r);
}

static void
test_bad_input (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *hea = ecg_test_write_file (dir, "r.hea", "r 1 360 4\nr.dat 16\n", -1);
  g_autofree char *path = g_build_filename (dir, "r", NULL);
  /* The signal file is missing: exit 1, one line naming the file. */
  RunResult r = run_ecgwb ("info", path, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 1);
  g_assert_nonnull (strstr (r.err, "r.dat"));
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, (gssize) strlen (r.err) - 1);
  run_result_clear (&r);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_info_mitdb_100 (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, "100", NULL);
  RunResult r = run_ecgwb ("info", path, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "record"), ==, "100");
  g_assert_cmpfloat (json_object_get_double_member (o, "fs"), ==, 360.0);
  g_assert_cmpint (json_object_get_int_member (o, "samples"), ==, 650000);
  g_assert_cmpint (json_object_get_int_member (o, "annotations"), ==, 2274);
  JsonArray *leads = json_object_get_array_member (o, "leads");
  g_assert_cmpuint (json_array_get_length (leads), ==, 2);
  JsonObject *mlii = json_array_get_object_element (leads, 0);
  g_assert_cmpstr (json_object_get_string_member (mlii, "name"), ==, "MLII");
  g_assert_cmpfloat (json_object_get_double_member (mlii, "gain"), ==, 200.0);
  g_assert_cmpint (json_object_get_int_member (mlii, "baseline"), ==, 1024);
  g_assert_cmpstr (json_object_get_string_member (mlii, "units"), ==, "mV");
  g_assert_true (json_object_get_boolean_member (mlii, "checksum_ok"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "labels")), ==, 0);
  run_result_clear (&r);
}

static void
test_info_ptbxl_labels (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, "records100", "00000", "00001_lr", NULL);
  RunResult r = run_ecgwb ("info", path, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  JsonArray *labels = json_object_get_array_member (o, "labels");
  g_assert_cmpuint (json_array_get_length (labels), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (labels, 0), ==, "NORM");
  g_assert_cmpint (json_object_get_int_member (o, "annotations"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "leads")), ==, 12);
  run_result_clear (&r);
}

static void
test_beats_record_208 (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, "208", NULL);
  RunResult r = run_ecgwb ("beats", path, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "lead"), ==, "MLII");
  JsonObject *beats = json_object_get_object_member (o, "beats");
  g_assert_cmpint (json_object_get_int_member (beats, "N"), ==, 1586);
  g_assert_cmpint (json_object_get_int_member (beats, "S"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (beats, "V"), ==, 992);
  g_assert_cmpint (json_object_get_int_member (beats, "F"), ==, 373);
  g_assert_cmpint (json_object_get_int_member (beats, "Q"), ==, 2);
  run_result_clear (&r);
}

static void
test_beats_split_ds1 (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  RunResult r = run_ecgwb ("beats", "--data", dir, "--split", "DS1", "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "split"), ==, "DS1");
  g_assert_cmpint (json_object_get_int_member (o, "records"), ==, 22);
  JsonObject *beats = json_object_get_object_member (o, "beats");
  g_assert_cmpint (json_object_get_int_member (beats, "N"), ==, 45866);
  g_assert_cmpint (json_object_get_int_member (beats, "S"), ==, 944);
  g_assert_cmpint (json_object_get_int_member (beats, "V"), ==, 3788);
  g_assert_cmpint (json_object_get_int_member (beats, "F"), ==, 415);
  g_assert_cmpint (json_object_get_int_member (beats, "Q"), ==, 8);
  run_result_clear (&r);
}

static void
test_beats_without_annotations (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, "records100", "00000", "00001_lr", NULL);
  RunResult r = run_ecgwb ("beats", path, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 1);
  g_assert_nonnull (strstr (r.err, "00001_lr"));
  run_result_clear (&r);
}

static void
test_detect_mitdb_100 (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, "100", NULL);
  RunResult r = run_ecgwb ("detect", path, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "record"), ==, "100");
  /* Record 100: every one of its 2,273 beats found, no false detection. */
  g_assert_cmpint (json_object_get_int_member (o, "beats"), ==, 2273);
  g_assert_cmpfloat (json_object_get_double_member (o, "sensitivity"), ==, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (o, "ppv"), ==, 1.0);
  run_result_clear (&r);
}

static void
test_detect_without_reference (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, "records100", "00000", "00001_lr", NULL);
  RunResult r = run_ecgwb ("detect", path, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  /* A 10 s sinus strip (NORM) at 60-72 bpm holds 10 to 12 beats. */
  gint64 beats = json_object_get_int_member (o, "beats");
  g_assert_cmpint (beats, >=, 10);
  g_assert_cmpint (beats, <=, 12);
  g_assert_true (json_object_get_null_member (o, "sensitivity"));
  g_assert_true (json_object_get_null_member (o, "ppv"));
  run_result_clear (&r);
}

/* data/make-demo.sh regenerates the bundled demo records byte for byte. */
static void
test_synth_reproduces_demo (void)
{
  const char *source_root = g_getenv ("ECGWB_SOURCE_ROOT");
  g_assert_nonnull (source_root);
  g_autofree char *tmp = ecg_test_tmpdir_new ();
  RunResult r = run_ecgwb ("synth", "--out", tmp, "--name", "demo2", "--seed", "2",
                           "--duration", "300", "--heart-rate", "88", "--hrv", "3",
                           "--s-rate", "0.08", "--v-rate", "0.01", "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *beats = json_object_get_object_member (json_node_get_object (root), "beats");
  g_assert_cmpint (json_object_get_int_member (beats, "N"), ==, 415);
  g_assert_cmpint (json_object_get_int_member (beats, "S"), ==, 35);
  g_assert_cmpint (json_object_get_int_member (beats, "V"), ==, 3);
  run_result_clear (&r);
  static const char *const extensions[] = { ".hea", ".dat", ".atr" };
  for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autofree char *name = g_strconcat ("demo2", extensions[i], NULL);
      g_autofree char *made = g_build_filename (tmp, name, NULL);
      g_autofree char *shipped = g_build_filename (source_root, "data", "demo", name, NULL);
      g_autofree char *a = NULL, *b = NULL;
      gsize la = 0, lb = 0;
      g_assert_true (g_file_get_contents (made, &a, &la, NULL));
      g_assert_true (g_file_get_contents (shipped, &b, &lb, NULL));
      g_assert_cmpmem (a, la, b, lb);
    }
  ecg_test_tmpdir_free (g_steal_pointer (&tmp));
}

static void
test_synth_bad_options (void)
{
  g_autofree char *tmp = ecg_test_tmpdir_new ();
  RunResult r = run_ecgwb ("synth", "--out", tmp, "--heart-rate", "500", NULL);
  g_assert_cmpint (r.exit_code, ==, 1);
  g_assert_nonnull (strstr (r.err, "heart"));
  run_result_clear (&r);
  r = run_ecgwb ("synth", "--seed", "1", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  run_result_clear (&r);
  ecg_test_tmpdir_free (g_steal_pointer (&tmp));
}

/* `bench` on the smallest zoo model (the energy study's distilled CNN, 7,077 parameters): the
 * keys torch_zoo.py prints plus threads and simd, positive finite timings. */
static void
test_bench_distilled (void)
{
  RunResult r = run_ecgwb ("bench", "--arch", "CardiacCNN_Distilled", "--threads", "2", "--json",
                           NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "CardiacCNN_Distilled");
  g_assert_cmpint (json_object_get_int_member (o, "params"), ==, 7077);
  g_assert_cmpint (json_object_get_int_member (o, "threads"), ==, 2);
  const char *simd = json_object_get_string_member (o, "simd");
  g_assert_true (g_str_equal (simd, "avx2") || g_str_equal (simd, "scalar"));
  static const char *const timings[]
    = { "latency_us_median", "infer_samples_per_s", "train_samples_per_s" };
  for (gsize i = 0; i < G_N_ELEMENTS (timings); i++)
    {
      double value = json_object_get_double_member (o, timings[i]);
      g_assert_true (isfinite (value));
      g_assert_cmpfloat (value, >, 0.0);
    }
  run_result_clear (&r);
}

/* `bench --model` on the bundled demo model (CNN1D_3Class with RR features: 9,232,768 + 18 MACs)
 * with a chosen inference batch; GFLOP/s is 2 × MACs per second of each figure. */
static void
test_bench_model_file (void)
{
  const char *source_root = g_getenv ("ECGWB_SOURCE_ROOT");
  g_assert_nonnull (source_root);
  g_autofree char *model = g_build_filename (source_root, "data", "models",
                                             "CNN1D_3Class-demo.ecgm", NULL);
  RunResult r = run_ecgwb ("bench", "--model", model, "--batch", "16", "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autoptr (JsonNode) root = parse_json (r.out);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "CNN1D_3Class");
  g_assert_cmpint (json_object_get_int_member (o, "macs"), ==, 9232786);
  g_assert_cmpint (json_object_get_int_member (o, "batch"), ==, 16);
  double infer = json_object_get_double_member (o, "infer_samples_per_s");
  double latency = json_object_get_double_member (o, "latency_us_median");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "gflops_infer"),
                                  2.0 * 9232786 * infer * 1e-9, 1e-9 * infer);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "gflops_latency"),
                                  2.0 * 9232786 / latency * 1e-3, 1e-6);
  run_result_clear (&r);
}

static void
test_bench_bad_options (void)
{
  RunResult r = run_ecgwb ("bench", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  run_result_clear (&r);
  r = run_ecgwb ("bench", "--arch", "CNN1D_3Class", "--threads", "0", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  run_result_clear (&r);
  r = run_ecgwb ("bench", "--arch", "CNN1D_3Class", "--model", "x.ecgm", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  run_result_clear (&r);
  r = run_ecgwb ("bench", "--arch", "CNN1D_3Class", "--batch", "-1", NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  run_result_clear (&r);
  r = run_ecgwb ("bench", "--model", "/nonexistent/m.ecgm", NULL);
  g_assert_cmpint (r.exit_code, ==, 1);
  g_assert_nonnull (strstr (r.err, "/nonexistent/m.ecgm"));
  run_result_clear (&r);
  r = run_ecgwb ("bench", "--arch", "NoSuchNet", NULL);
  g_assert_cmpint (r.exit_code, ==, 1);
  g_assert_nonnull (strstr (r.err, "NoSuchNet"));
  run_result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/bad-input", test_bad_input);
  g_test_add_func ("/cli/info/mitdb-100", test_info_mitdb_100);
  g_test_add_func ("/cli/info/ptbxl-labels", test_info_ptbxl_labels);
  g_test_add_func ("/cli/beats/record-208", test_beats_record_208);
  g_test_add_func ("/cli/beats/split-ds1", test_beats_split_ds1);
  g_test_add_func ("/cli/beats/without-annotations", test_beats_without_annotations);
  g_test_add_func ("/cli/detect/mitdb-100", test_detect_mitdb_100);
  g_test_add_func ("/cli/detect/without-reference", test_detect_without_reference);
  g_test_add_func ("/cli/synth/reproduces-demo", test_synth_reproduces_demo);
  g_test_add_func ("/cli/synth/bad-options", test_synth_bad_options);
  g_test_add_func ("/cli/bench/distilled", test_bench_distilled);
  g_test_add_func ("/cli/bench/model-file", test_bench_model_file);
  g_test_add_func ("/cli/bench/bad-options", test_bench_bad_options);
  return g_test_run ();
}
