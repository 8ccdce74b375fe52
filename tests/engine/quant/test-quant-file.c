/* Tests of INT8 model files: bit-exact round trips (the same logits after loading), refusal by
 * readers that do not ask for QNT8, and every kind of damage to the QNT8 payload reported as a
 * GError; plus the model file's extra sections that QNT8 rides on.
 */
#include <string.h>

#include "ecg-error.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"
#include "quant/ecg-quant-file.h"
#include "quant/ecg-quant-private.h"
#include "test-util.h"

#define N_INPUTS 24

typedef struct
{
  EcgModel *model;
  EcgNormalisation *norm;
  float *x;
  float *rr;
  EcgQuantModel *qm;
} Fixture;

/* A quantised CNN1D_3Class (with RR features, some weights pruned, BatchNorm statistics off
 * their defaults), or one of narrower layer widths. */
static void
fixture_set_up (Fixture *f, const int *widths)
{
  g_autoptr (GError) error = NULL;
  f->model = ecg_zoo_build_with_widths ("CNN1D_3Class", TRUE, widths, widths ? 4 : 0, 31, &error);
  g_assert_no_error (error);
  g_autoptr (GRand) rand = g_rand_new_with_seed (32);
  for (gsize i = 0; i < f->model->n_state; i++)
    f->model->state[i] = (float) g_rand_double_range (rand, 0.3, 1.3);
  const EcgParamTensor *first = &g_array_index (f->model->param_tensors, EcgParamTensor, 0);
  for (gsize i = 0; i < first->count; i += 4)
    f->model->masks[first->offset + i] = 0.0f;
  ecg_model_apply_masks (f->model);
  f->norm = ecg_normalisation_new (1, 6);
  f->norm->channel_mean[0] = 0.25f;
  f->norm->channel_std[0] = 0.5f;
  for (int k = 0; k < 6; k++)
    f->norm->rr_mean[k] = 1.0f, f->norm->rr_std[k] = 0.2f + 0.1f * k;
  gsize size = (gsize) f->model->input_length;
  f->x = g_new (float, N_INPUTS * size);
  f->rr = g_new (float, N_INPUTS * 6);
  for (gsize i = 0; i < N_INPUTS * size; i++)
    f->x[i] = (float) g_rand_double_range (rand, -2.0, 2.0);
  for (gsize i = 0; i < N_INPUTS * 6; i++)
    f->rr[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  f->qm = ecg_quant_model_new (f->model, f->x, f->rr, N_INPUTS, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f)
{
  ecg_quant_model_free (f->qm);
  ecg_model_free (f->model);
  ecg_normalisation_free (f->norm);
  g_free (f->x);
  g_free (f->rr);
}

static float *
logits_of (const EcgQuantModel *qm, const Fixture *f)
{
  g_autoptr (EcgQuantRun) run = ecg_quant_run_new (qm, N_INPUTS);
  return g_memdup2 (ecg_quant_model_forward (qm, run, f->x, f->rr, N_INPUTS),
                    sizeof (float) * N_INPUTS * 3);
}

static void
assert_same_quantisation (const EcgQuantModel *a, const EcgQuantModel *b)
{
  gsize na, nb;
  const float *sa = ecg_quant_model_act_scales (a, &na), *sb = ecg_quant_model_act_scales (b, &nb);
  g_assert_cmpmem (sa, na * sizeof (float), sb, nb * sizeof (float));
  int la, lb;
  const EcgQuantLayerData *da = ecg_quant_model_layers (a, &la);
  const EcgQuantLayerData *db = ecg_quant_model_layers (b, &lb);
  g_assert_cmpint (la, ==, lb);
  for (int l = 0; l < la; l++)
    {
      gsize m = (gsize) da[l].out_channels;
      g_assert_cmpint (da[l].conv_op, ==, db[l].conv_op);
      g_assert_cmpint (da[l].patch, ==, db[l].patch);
      g_assert_cmpmem (da[l].weight_scale, m * 4, db[l].weight_scale, (gsize) db[l].out_channels * 4);
      g_assert_cmpmem (da[l].bias, m * 4, db[l].bias, (gsize) db[l].out_channels * 4);
      g_assert_cmpmem (da[l].weight, m * da[l].patch, db[l].weight,
                       (gsize) db[l].out_channels * db[l].patch);
    }
}

static void
check_round_trip (const int *widths)
{
  Fixture f;
  fixture_set_up (&f, widths);
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "int8.ecgm", NULL);
  g_autoptr (JsonObject) info = json_object_new ();
  json_object_set_string_member (info, "calibration", "DS1-val");
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_quant_model_save (f.qm, f.norm, NULL, "aami3", 90, info, path, &error));
  g_assert_no_error (error);

  g_autoptr (EcgQuantModelFile) loaded = ecg_quant_model_file_load (path, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  assert_same_quantisation (f.qm, loaded->model);
  g_autofree float *before = logits_of (f.qm, &f);
  g_autofree float *after = logits_of (loaded->model, &f);
  g_assert_cmpmem (before, sizeof (float) * N_INPUTS * 3, after, sizeof (float) * N_INPUTS * 3);
  /* The fp32 part of the file is the source model, masks and all. */
  const EcgModel *src = ecg_quant_model_source (f.qm);
  g_assert_cmpmem (loaded->file->model->params, src->n_params * 4, src->params, src->n_params * 4);
  g_assert_cmpmem (loaded->file->model->masks, src->n_params * 4, src->masks, src->n_params * 4);
  g_assert_cmpfloat (loaded->file->norm->rr_std[5], ==, f.norm->rr_std[5]);
  g_assert_cmpint (loaded->file->samples_before, ==, 90);
  g_assert_cmpstr (json_object_get_string_member (loaded->file->info, "calibration"), ==,
                   "DS1-val");

  /* In memory too. */
  g_autoptr (GBytes) bytes = ecg_quant_model_serialise (f.qm, f.norm, NULL, "aami3", 90, NULL,
                                                        &error);
  g_assert_no_error (error);
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  g_autoptr (EcgQuantModelFile) from_data = ecg_quant_model_file_load (NULL, data, length, "mem",
                                                                       &error);
  g_assert_no_error (error);
  g_autofree float *again = logits_of (from_data->model, &f);
  g_assert_cmpmem (before, sizeof (float) * N_INPUTS * 3, again, sizeof (float) * N_INPUTS * 3);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
  fixture_tear_down (&f);
}

static void
test_round_trip (void)
{
  check_round_trip (NULL);
}

static void
test_round_trip_narrow (void)
{
  static const int widths[] = { 24, 40, 72, 60 };
  check_round_trip (widths);
}

/* An INT8 file must not be read as the fp32 model it contains by a reader that does not ask
 * for QNT8; an fp32 file is not an INT8 model. */
static void
test_readers_refuse (void)
{
  Fixture f;
  fixture_set_up (&f, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = ecg_quant_model_serialise (f.qm, NULL, NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  g_autoptr (EcgModelFile) plain = ecg_model_file_load_from_data (data, length, "int8", &error);
  g_assert_null (plain);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "QNT8"));
  g_clear_error (&error);

  g_autoptr (GBytes) fp32 = ecg_model_file_serialise (f.model, NULL, NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (fp32, &length);
  g_autoptr (EcgQuantModelFile) q = ecg_quant_model_file_load (NULL, data, length, "fp32", &error);
  g_assert_null (q);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "fp32"));
  g_assert_nonnull (strstr (error->message, "no QNT8"));
  fixture_tear_down (&f);
}

/* ---- damaged QNT8 payloads ---- */

static void
put_u32 (guint8 *p, guint32 value)
{
  value = GUINT32_TO_LE (value);
  memcpy (p, &value, 4);
}

/* Loads the fixture's model with `payload` as its QNT8 and expects `code`. */
static void
expect_payload_error (const Fixture *f, const guint8 *payload, gsize length, int code,
                      const char *fragment)
{
  g_autoptr (GBytes) bytes = g_bytes_new (payload, length);
  EcgModelFileSection section = { .flags = ECG_MODEL_FILE_SECTION_REQUIRED, .payload = bytes };
  g_strlcpy (section.tag, ECG_QUANT_FILE_SECTION, sizeof section.tag);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) file = ecg_model_file_serialise_full (ecg_quant_model_source (f->qm), NULL,
                                                           NULL, NULL, 0, NULL, &section, 1,
                                                           &error);
  g_assert_no_error (error);
  gsize file_length;
  const guint8 *data = g_bytes_get_data (file, &file_length);
  g_autoptr (EcgQuantModelFile) q = ecg_quant_model_file_load (NULL, data, file_length, "bad",
                                                               &error);
  g_assert_null (q);
  g_assert_error (error, ECG_ERROR, code);
  g_assert_nonnull (strstr (error->message, "bad"));
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_damaged (void)
{
  Fixture f;
  fixture_set_up (&f, NULL);
  g_autoptr (GBytes) good = ecg_quant_model_section (f.qm);
  gsize n;
  const guint8 *payload = g_bytes_get_data (good, &n);
  gsize n_tensors = f.model->tensors->len;
  /* offsets of the layout in ecg-quant-file.h */
  gsize at_layers = 8 + 4 * n_tensors;
  gsize at_layer0 = at_layers + 4;
  guint32 m0;
  memcpy (&m0, payload + at_layer0 + 4, 4);
  m0 = GUINT32_FROM_LE (m0);
  g_assert_cmpuint (m0, ==, 64); /* b2 */
  gsize at_scales0 = at_layer0 + 12, at_weights0 = at_scales0 + 8 * m0;
  g_autofree guint8 *bad = g_malloc (n + 1);

  memcpy (bad, payload, n);
  expect_payload_error (&f, bad, n - 1, ECG_ERROR_FORMAT, "truncated");
  bad[n] = 0;
  expect_payload_error (&f, bad, n + 1, ECG_ERROR_FORMAT, "after its last layer");

  memcpy (bad, payload, n);
  put_u32 (bad, 2);
  expect_payload_error (&f, bad, n, ECG_ERROR_UNSUPPORTED, "version 2");

  memcpy (bad, payload, n);
  put_u32 (bad + 4, (guint32) n_tensors + 1);
  expect_payload_error (&f, bad, n, ECG_ERROR_FORMAT, "activation scales");

  memcpy (bad, payload, n);
  put_u32 (bad + at_layers, 0xFFFFFFFFu);
  expect_payload_error (&f, bad, n, ECG_ERROR_FORMAT, "int8 layers");

  memcpy (bad, payload, n);
  put_u32 (bad + at_layer0 + 4, 0x40000000u);
  expect_payload_error (&f, bad, n, ECG_ERROR_FORMAT, "does not fit");

  memcpy (bad, payload, n);
  put_u32 (bad + at_layer0, 0); /* op 0 is b1.conv, which runs in float */
  expect_payload_error (&f, bad, n, ECG_ERROR_FORMAT, "b2.conv");

  memcpy (bad, payload, n);
  put_u32 (bad + at_scales0 + 4 * 3, 0); /* weight scale 0 */
  expect_payload_error (&f, bad, n, ECG_ERROR_FORMAT, "weight scale 0");

  memcpy (bad, payload, n);
  bad[at_weights0 + 10] = 0x80; /* -128 */
  expect_payload_error (&f, bad, n, ECG_ERROR_FORMAT, "-128");

  /* the activation scale of an int8 tensor set to 0 */
  gsize act_n;
  const float *scales = ecg_quant_model_act_scales (f.qm, &act_n);
  gsize q_tensor = 0;
  while (q_tensor < act_n && scales[q_tensor] == 0.0f)
    q_tensor++;
  g_assert_cmpuint (q_tensor, <, act_n);
  memcpy (bad, payload, n);
  put_u32 (bad + 8 + 4 * q_tensor, 0);
  expect_payload_error (&f, bad, n, ECG_ERROR_FORMAT, "activation scale");
  fixture_tear_down (&f);
}

/* ---- the model file's extra sections ---- */

static EcgModelFileSection
section (const char *tag, guint32 flags, GBytes *payload)
{
  EcgModelFileSection s = { .flags = flags, .payload = payload };
  g_strlcpy (s.tag, tag, sizeof s.tag);
  return s;
}

static void
test_extra_sections (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 1, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) p1 = g_bytes_new_static ("first", 5);
  g_autoptr (GBytes) p2 = g_bytes_new_static ("", 0);
  EcgModelFileSection optional[] = { section ("ABCD", 0, p1) };
  EcgModelFileSection both[] = { section ("ABCD", 0, p1),
                                 section ("WXYZ", ECG_MODEL_FILE_SECTION_REQUIRED, p2) };
  gsize length;

  /* An optional one is skipped by a plain reader. */
  g_autoptr (GBytes) with_optional = ecg_model_file_serialise_full (m, NULL, NULL, NULL, 0, NULL,
                                                                    optional, 1, &error);
  g_assert_no_error (error);
  const guint8 *data = g_bytes_get_data (with_optional, &length);
  g_autoptr (EcgModelFile) plain = ecg_model_file_load_from_data (data, length, "opt", &error);
  g_assert_no_error (error);
  g_assert_true (plain->extra_sections == NULL || plain->extra_sections->len == 0);

  /* A required one is refused by a plain reader, handed back to one that asks. */
  g_autoptr (GBytes) with_both = ecg_model_file_serialise_full (m, NULL, NULL, NULL, 0, NULL, both,
                                                                2, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (with_both, &length);
  g_autoptr (EcgModelFile) refused = ecg_model_file_load_from_data (data, length, "req", &error);
  g_assert_null (refused);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  static const char *const accept[] = { "WXYZ", "ABCD", NULL };
  g_autoptr (EcgModelFile) file = ecg_model_file_load_full (NULL, data, length, "req", accept,
                                                            &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file->extra_sections->len, ==, 2);
  EcgModelFileSection *s0 = g_ptr_array_index (file->extra_sections, 0);
  EcgModelFileSection *s1 = g_ptr_array_index (file->extra_sections, 1);
  g_assert_cmpstr (s0->tag, ==, "ABCD");
  g_assert_cmpuint (s0->flags, ==, 0);
  g_assert_true (g_bytes_equal (s0->payload, p1));
  g_assert_cmpstr (s1->tag, ==, "WXYZ");
  g_assert_cmpuint (s1->flags, ==, ECG_MODEL_FILE_SECTION_REQUIRED);
  g_assert_cmpuint (g_bytes_get_size (s1->payload), ==, 0);

  /* Writers refuse what a reader could not tell apart. */
  const EcgModelFileSection wrong[][2] = {
    { section ("PARM", 0, p1), section ("ABCD", 0, p1) },
    { section ("ABCD", 0, p1), section ("ABCD", 0, p1) },
    { section ("AB", 0, p1), section ("ABCD", 0, p1) },
    { section ("AB\nD", 0, p1), section ("ABCD", 0, p1) },
    { section ("ABCD", 2, p1), section ("WXYZ", 0, p1) },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr (GBytes) out = ecg_model_file_serialise_full (m, NULL, NULL, NULL, 0, NULL,
                                                              wrong[i], 2, &error);
      g_assert_null (out);
      g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/quant/file/round-trip", test_round_trip);
  g_test_add_func ("/engine/quant/file/round-trip-narrow", test_round_trip_narrow);
  g_test_add_func ("/engine/quant/file/readers-refuse", test_readers_refuse);
  g_test_add_func ("/engine/quant/file/damaged", test_damaged);
  g_test_add_func ("/engine/quant/file/extra-sections", test_extra_sections);
  return g_test_run ();
}
