/* test-model-card.c — model cards: the model's figures (published zoo counts), the HEAD
 * provenance of the bundled models, and the side file (format, errors). */
#include <math.h>
#include <string.h>

#include "ecg-config.h"
#include "ecg-error.h"
#include "measure/ecg-model-card.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"
#include "test-util.h"

#define MODELS_DIR ECG_SOURCE_DATA_DIR G_DIR_SEPARATOR_S "models" G_DIR_SEPARATOR_S

static void
test_side_path (void)
{
  g_autofree char *a = ecg_model_card_side_path ("/m/CNN1D_3Class-demo.ecgm");
  g_assert_cmpstr (a, ==, "/m/CNN1D_3Class-demo.card.json");
  g_autofree char *b = ecg_model_card_side_path ("model.bin");
  g_assert_cmpstr (b, ==, "model.bin.card.json");
}

/* CNN1D_3Class without RR: 188,035 parameters and 9,232,768 MACs (model-zoo-layers.txt),
 * classes N S V; no file, no provenance, no side file. */
static void
test_arch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelCard) card = ecg_model_card_new_for_arch ("CNN1D_3Class", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->title, ==, "CNN1D_3Class");
  g_assert_cmpstr (card->arch, ==, "CNN1D_3Class");
  g_assert_null (card->model_path);
  g_assert_null (card->card_path);
  g_assert_cmpint (card->params, ==, 188035);
  g_assert_cmpint (card->macs, ==, 9232768);
  g_assert_cmpint (card->rr_features, ==, 0);
  g_assert_cmpint (card->input_channels, ==, 1);
  g_assert_cmpint (card->input_length, ==, 256);
  g_assert_cmpuint (g_strv_length (card->classes), ==, 3);
  g_assert_cmpstr (card->classes[0], ==, "N");
  g_assert_cmpstr (card->classes[2], ==, "V");
  g_assert_cmpint (card->file_bytes, ==, -1);
  g_assert_cmpuint (json_object_get_size (card->info), ==, 0);
  g_assert_cmpuint (card->metrics->len, ==, 0);
  g_assert_null (card->limits[0]);
  g_assert_cmpfloat (ecg_model_card_sparsity (card), ==, 0.0);

  /* ResNet1D_SE_Attn: 1,661,126 parameters, five multi-label PTB-XL classes, 12 × 1000. */
  g_autoptr (EcgModelCard) ptb = ecg_model_card_new_for_arch ("ResNet1D_SE_Attn", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ptb->params, ==, 1661126);
  g_assert_true (ptb->multi_label);
  g_assert_cmpint (ptb->input_channels, ==, 12);
  g_assert_cmpint (ptb->input_length, ==, 1000);
  g_assert_cmpuint (g_strv_length (ptb->classes), ==, 5);
  g_assert_null (ptb->class_map);

  g_autoptr (EcgModelCard) none = ecg_model_card_new_for_arch ("NoSuchNet", FALSE, &error);
  g_assert_null (none);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
}

/* The bundled demo model: HEAD's 188,053 parameters (CNN1D_3Class + 18 RR weights), its
 * training records, and its side file's test statement and limits. */
static void
test_demo_file (void)
{
  const char *path = MODELS_DIR "CNN1D_3Class-demo.ecgm";
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the bundled demo model is not there");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelCard) card = ecg_model_card_new_for_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->title, ==, "CNN1D_3Class-demo");
  g_assert_cmpstr (card->arch, ==, "CNN1D_3Class");
  g_assert_cmpint (card->rr_features, ==, 6);
  g_assert_cmpint (card->params, ==, 188053);
  g_assert_cmpint (card->macs, ==, 9232768 + 18);
  g_assert_cmpstr (card->class_map, ==, "aami3");
  g_assert_false (card->int8);
  g_assert_cmpint (card->file_bytes, >, 188053 * 4);
  g_assert_cmpstr (json_object_get_string_member (card->info, "train_records"), ==,
                   "demo1,demo3");
  g_assert_cmpstr (json_object_get_string_member (card->info, "val_records"), ==, "demo2");
  g_assert_cmpint (json_object_get_int_member (card->info, "seed"), ==, 1);
  g_assert_true (g_str_has_prefix (card->writer, "ecg-workbench "));

  g_autofree char *side = ecg_model_card_side_path (path);
  g_assert_cmpstr (card->card_path, ==, side);
  g_assert_true (g_str_has_prefix (card->test_data, "None"));
  g_assert_cmpuint (card->metrics->len, ==, 0);
  g_assert_cmpuint (g_strv_length (card->limits), ==, 2);
  g_assert_nonnull (strstr (card->limits[0], "synthetic"));
}

/* The MIT-BIH CNN's side file holds the README's DS2 figures. */
static void
test_mitdb_file (void)
{
  const char *path = MODELS_DIR "CNN1D_3Class-mitdb-ds1.ecgm";
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the bundled MIT-BIH model is not there");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelCard) card = ecg_model_card_new_for_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (card->info, "train_records"), ==,
                   "DS1-train");
  g_assert_cmpint (json_object_get_int_member (card->info, "best_epoch"), ==, 7);
  g_assert_true (g_str_has_prefix (card->test_data, "MIT-BIH DS2 (22 records"));
  g_assert_cmpuint (card->metrics->len, ==, 4);
  const EcgCardMetric *f1 = g_ptr_array_index (card->metrics, 1);
  g_assert_cmpstr (f1->name, ==, "DS2 macro-F1");
  g_assert_cmpfloat (f1->value, ==, 0.5209);
  g_assert_cmpfloat (f1->ci_lower, ==, 0.5154);
  g_assert_cmpfloat (f1->ci_upper, ==, 0.5269);
  const EcgCardMetric *accuracy = g_ptr_array_index (card->metrics, 0);
  g_assert_cmpfloat (accuracy->value, ==, 0.8308);
  g_assert_true (isnan (accuracy->ci_lower));
  g_assert_nonnull (strstr (card->limits[0], "Single seed"));
}

/* A model written here, pruned by hand, with and without a side file. */
static void
test_written_file (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "tiny.ecgm", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, &error);
  g_assert_no_error (error);
  /* Remove the first 100 weights of the first prunable tensor. */
  const EcgParamTensor *first = NULL;
  for (guint i = 0; i < m->param_tensors->len && first == NULL; i++)
    if (g_array_index (m->param_tensors, EcgParamTensor, i).prunable)
      first = &g_array_index (m->param_tensors, EcgParamTensor, i);
  g_assert_nonnull (first);
  g_assert_cmpuint (first->count, >=, 100);
  for (gsize i = 0; i < 100; i++)
    m->masks[first->offset + i] = 0.0f;
  g_assert_true (ecg_model_file_save (m, NULL, NULL, NULL, 0, NULL, path, &error));
  g_assert_no_error (error);

  g_autoptr (EcgModelCard) bare = ecg_model_card_new_for_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bare->title, ==, "tiny");
  g_assert_null (bare->card_path);
  g_assert_null (bare->test_data);
  g_assert_cmpint (bare->params, ==, 7077);
  g_assert_cmpint (bare->prunable_params - bare->nonzero_prunable_params, >=, 100);
  g_assert_cmpfloat (ecg_model_card_sparsity (bare), >, 0.0);
  g_assert_cmpuint (json_object_get_size (bare->info), ==, 0);

  static const char side[]
    = "{\"description\": \"d\", \"data\": {\"train\": \"a\", \"test\": \"b\"},"
      " \"protocol\": \"p\", \"future\": [1, {\"x\": 2}],"
      " \"metrics\": {\"source\": \"s\", \"values\": [{\"name\": \"F1\", \"value\": 1,"
      " \"ci95\": [0.5, 1]}, {\"name\": \"acc\", \"value\": 0.25}]},"
      " \"limits\": [\"one\", \"two\", \"three\"]}";
  g_autofree char *side_path
    = ecg_test_write_file (dir, "tiny.card.json", side, (gssize) strlen (side));
  g_autoptr (EcgModelCard) card = ecg_model_card_new_for_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->card_path, ==, side_path);
  g_assert_cmpstr (card->description, ==, "d");
  g_assert_cmpstr (card->train_data, ==, "a");
  g_assert_null (card->validation_data);
  g_assert_cmpstr (card->test_data, ==, "b");
  g_assert_cmpstr (card->protocol, ==, "p");
  g_assert_cmpstr (card->metrics_source, ==, "s");
  g_assert_cmpuint (card->metrics->len, ==, 2);
  const EcgCardMetric *f1 = g_ptr_array_index (card->metrics, 0);
  g_assert_cmpfloat (f1->value, ==, 1.0);
  g_assert_cmpfloat (f1->ci_lower, ==, 0.5);
  g_assert_cmpfloat (f1->ci_upper, ==, 1.0);
  g_assert_cmpuint (g_strv_length (card->limits), ==, 3);
  g_assert_cmpstr (card->limits[2], ==, "three");

  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

typedef struct
{
  const char *json;
  const char *message; /* a part of the error message */
} BadSide;

/* Each malformed side file is refused with ECG_ERROR_FORMAT naming the label and the member. */
static void
test_bad_side (void)
{
  static const BadSide cases[] = {
    { "not json", "not JSON" },
    { "[1, 2]", "not a JSON object" },
    { "{\"protocol\": 3}", "\"protocol\" is not a string" },
    { "{\"data\": \"x\"}", "\"data\" is not an object" },
    { "{\"data\": {\"test\": null}}", "\"data.test\" is not a string" },
    { "{\"metrics\": {\"values\": {}}}", "\"metrics.values\" is not an array" },
    { "{\"metrics\": {\"values\": [{\"name\": \"F1\"}]}}", "metrics value 0" },
    { "{\"metrics\": {\"values\": [{\"name\": \"F1\", \"value\": \"0.5\"}]}}",
      "metrics value 0" },
    { "{\"metrics\": {\"values\": [{\"name\": \"F1\", \"value\": 0.5, \"ci95\": [0.6, 0.4]}]}}",
      "\"ci95\" of metric \"F1\"" },
    { "{\"limits\": [\"a\", 1]}", "\"limits\" is not an array of strings" },
    { "{\"limits\": \"a\"}", "\"limits\" is not an array of strings" },
    { "{\"a\": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}", "nested deeper" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgModelCard) card = ecg_model_card_new_for_arch ("CNN1D_3Class", FALSE, &error);
      g_assert_no_error (error);
      g_assert_false (ecg_model_card_read_side (card, cases[i].json, strlen (cases[i].json),
                                                "x.card.json", &error));
      g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
      g_assert_true (g_str_has_prefix (error->message, "x.card.json: "));
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %zu: \"%s\" lacks \"%s\"", i, error->message, cases[i].message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/measure/model-card/side-path", test_side_path);
  g_test_add_func ("/engine/measure/model-card/arch", test_arch);
  g_test_add_func ("/engine/measure/model-card/demo-file", test_demo_file);
  g_test_add_func ("/engine/measure/model-card/mitdb-file", test_mitdb_file);
  g_test_add_func ("/engine/measure/model-card/written-file", test_written_file);
  g_test_add_func ("/engine/measure/model-card/bad-side", test_bad_side);
  return g_test_run ();
}
