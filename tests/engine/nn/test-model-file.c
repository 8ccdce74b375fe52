/* Tests of the model file: bit-exact round trips, the documented byte layout, and every kind of
 * damage a reader must report (as a GError naming the file) instead of crashing.
 *
 * The corruption cases rebuild files from sections with the test's own writer of the layout in
 * ecg-model-file.h (SHA-256 via GChecksum), so the spec is checked independently of the code.
 */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"
#include "test-util.h"

/* ---- fixtures ---- */

/* A zoo model with non-default contents: perturbed parameters, a few pruned weights (some of
 * every prunable tensor when `prune`), BatchNorm running statistics away from 0/1. */
static EcgModel *
make_model (const char *arch, gboolean rr, gboolean prune)
{
  g_autoptr (GError) error = NULL;
  EcgModel *m = ecg_zoo_build (arch, rr, 11, &error);
  g_assert_no_error (error);
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  for (gsize i = 0; i < m->n_params; i++)
    m->params[i] += (float) g_rand_double_range (rand, -0.01, 0.01);
  for (gsize i = 0; i < m->n_state; i++)
    m->state[i] = (float) g_rand_double_range (rand, 0.25, 1.5);
  if (prune)
    {
      for (guint t = 0; t < m->param_tensors->len; t++)
        {
          const EcgParamTensor *pt = &g_array_index (m->param_tensors, EcgParamTensor, t);
          if (!pt->prunable)
            continue;
          for (gsize j = 0; j < pt->count; j += 7)
            m->masks[pt->offset + j] = 0.0f;
        }
      ecg_model_apply_masks (m);
    }
  return m;
}

static EcgNormalisation *
make_norm (const EcgModel *m)
{
  EcgNormalisation *norm = ecg_normalisation_new (m->input_channels, m->rr_features);
  for (int c = 0; c < norm->n_channels; c++)
    {
      norm->channel_mean[c] = 0.0123f * (c + 1);
      norm->channel_std[c] = 0.4567f + c;
    }
  for (int k = 0; k < norm->n_rr; k++)
    {
      norm->rr_mean[k] = 0.8f + 0.01f * k;
      norm->rr_std[k] = 0.1f / (k + 1);
    }
  return norm;
}

static JsonObject *
make_info (void)
{
  JsonObject *info = json_object_new ();
  json_object_set_string_member (info, "data", "mitdb DS1");
  JsonArray *records = json_array_new ();
  json_array_add_int_element (records, 101);
  json_array_add_int_element (records, 106);
  json_object_set_array_member (info, "records", records);
  json_object_set_int_member (info, "epochs", 30);
  json_object_set_int_member (info, "seed", 7);
  JsonObject *metrics = json_object_new ();
  json_object_set_double_member (metrics, "accuracy", 0.9731);
  json_object_set_double_member (metrics, "macro_f1", 1.0 / 3.0);
  json_object_set_object_member (info, "metrics", metrics);
  return info;
}

/* ---- the layout, written independently of the code under test ---- */

typedef struct
{
  char tag[4];
  guint32 flags;
  GByteArray *payload;
} TestSection;

static void
test_section_free (gpointer p)
{
  TestSection *s = p;
  g_byte_array_unref (s->payload);
  g_free (s);
}

static guint32
get_u32 (const guint8 *p)
{
  return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint64
get_u64 (const guint8 *p)
{
  return get_u32 (p) | (guint64) get_u32 (p + 4) << 32;
}

static void
put_u32 (guint8 *p, guint32 v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (guint8) (v >> (8 * i));
}

static void
put_u64 (guint8 *p, guint64 v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (guint8) (v >> (8 * i));
}

static void
sha256_prefix (const guint8 *data, gsize length, guint8 out[8])
{
  g_autoptr (GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize n = sizeof digest;
  g_checksum_update (sha, data, length);
  g_checksum_get_digest (sha, digest, &n);
  memcpy (out, digest, 8);
}

/* Splits a valid file into its sections, checking each checksum as the header documents it.
 * `offsets` (may be NULL) receives each section's start. */
static GPtrArray *
split_sections (const guint8 *data, gsize length, GArray *offsets)
{
  g_assert_cmpuint (length, >=, 16);
  g_assert_cmpmem (data, 8, "ECGWBMDL", 8);
  g_assert_cmpuint (get_u32 (data + 8), ==, 1);
  guint32 n = get_u32 (data + 12);
  GPtrArray *sections = g_ptr_array_new_with_free_func (test_section_free);
  gsize pos = 16;
  for (guint32 i = 0; i < n; i++)
    {
      g_assert_cmpuint (pos + 24, <=, length);
      TestSection *s = g_new0 (TestSection, 1);
      memcpy (s->tag, data + pos, 4);
      s->flags = get_u32 (data + pos + 4);
      guint64 len = get_u64 (data + pos + 8);
      g_assert_cmpuint (pos + 24 + len, <=, length);
      s->payload = g_byte_array_new ();
      g_byte_array_append (s->payload, data + pos + 16, len);
      guint8 check[8];
      sha256_prefix (data + pos, 16 + len, check);
      g_assert_cmpmem (check, 8, data + pos + 16 + len, 8);
      if (offsets != NULL)
        g_array_append_val (offsets, pos);
      g_ptr_array_add (sections, s);
      pos += 24 + len;
    }
  g_assert_cmpuint (pos, ==, length);
  return sections;
}

static GByteArray *
join_sections (GPtrArray *sections, guint32 version)
{
  GByteArray *out = g_byte_array_new ();
  guint8 header[16];
  memcpy (header, "ECGWBMDL", 8);
  put_u32 (header + 8, version);
  put_u32 (header + 12, sections->len);
  g_byte_array_append (out, header, 16);
  for (guint i = 0; i < sections->len; i++)
    {
      TestSection *s = g_ptr_array_index (sections, i);
      gsize start = out->len;
      guint8 sh[16];
      memcpy (sh, s->tag, 4);
      put_u32 (sh + 4, s->flags);
      put_u64 (sh + 8, s->payload->len);
      g_byte_array_append (out, sh, 16);
      g_byte_array_append (out, s->payload->data, s->payload->len);
      guint8 check[8];
      sha256_prefix (out->data + start, 16 + s->payload->len, check);
      g_byte_array_append (out, check, 8);
    }
  return out;
}

static TestSection *
find_section (GPtrArray *sections, const char *tag, guint *index)
{
  for (guint i = 0; i < sections->len; i++)
    {
      TestSection *s = g_ptr_array_index (sections, i);
      if (memcmp (s->tag, tag, 4) == 0)
        {
          if (index != NULL)
            *index = i;
          return s;
        }
    }
  g_error ("no section %s", tag);
}

static TestSection *
new_section (const char *tag, guint32 flags, const void *payload, gsize length)
{
  TestSection *s = g_new0 (TestSection, 1);
  memcpy (s->tag, tag, 4);
  s->flags = flags;
  s->payload = g_byte_array_new ();
  g_byte_array_append (s->payload, payload, length);
  return s;
}

/* ---- a shared fixture: a saved, pruned model ----
 * CardiacCNN_Distilled (small enough to check bytes by hand) for the layout; CNN1D_3Class with
 * RR features (every section non-empty: BatchNorm state, RR normalisation) for the damage. */

typedef struct
{
  char *dir;
  char *path;
  EcgModel *model;
  guint8 *bytes;
  gsize length;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = ecg_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "model.ecgm", NULL);
  gboolean distilled = g_str_equal (data, "CardiacCNN_Distilled");
  f->model = make_model (data, !distilled, TRUE);
  g_autoptr (EcgNormalisation) norm = make_norm (f->model);
  g_assert_true (ecg_model_file_save (f->model, norm, NULL, distilled ? "NLRAV" : "aami3",
                                      distilled ? 180 : 90, NULL, f->path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (f->path, (char **) &f->bytes, &f->length, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->bytes);
  ecg_model_free (f->model);
  g_free (f->path);
  ecg_test_tmpdir_free (f->dir);
}

/* Writes `bytes` as `name` in the fixture's folder, loads it, and checks the error's code and
 * that its message names the file and contains `needle` (may be NULL). */
static void
assert_load_fails (Fixture *f, const char *name, const guint8 *bytes, gsize length, int code,
                   const char *needle)
{
  g_autofree char *path = ecg_test_write_file (f->dir, name, bytes, length);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load (path, &error);
  g_assert_null (file);
  g_assert_error (error, ECG_ERROR, code);
  if (strstr (error->message, path) == NULL || (needle && strstr (error->message, needle) == NULL))
    g_error ("message '%s' lacks '%s' or '%s'", error->message, path, needle ? needle : "");
  /* The same from memory, with the label in place of the path. */
  g_clear_error (&error);
  file = ecg_model_file_load_from_data (bytes, length, "blob-label", &error);
  g_assert_null (file);
  g_assert_error (error, ECG_ERROR, code);
  g_assert_nonnull (strstr (error->message, "blob-label"));
}

static void
assert_sections_fail (Fixture *f, GPtrArray *sections, guint32 version, int code,
                      const char *needle)
{
  g_autoptr (GByteArray) bytes = join_sections (sections, version);
  assert_load_fails (f, "damaged.ecgm", bytes->data, bytes->len, code, needle);
}

/* ---- round trips ---- */

static void
assert_same_model_file (const EcgModel *m, const EcgNormalisation *norm, const char *class_map,
                        int samples_before, const EcgModelFile *file)
{
  const EcgModel *l = file->model;
  g_assert_cmpstr (l->arch, ==, m->arch);
  g_assert_cmpint (l->rr_features, ==, m->rr_features);
  g_assert_cmpuint (l->n_params, ==, m->n_params);
  g_assert_cmpuint (l->n_state, ==, m->n_state);
  g_assert_cmpmem (l->params, l->n_params * sizeof (float), m->params,
                   m->n_params * sizeof (float));
  g_assert_cmpmem (l->masks, l->n_params * sizeof (float), m->masks,
                   m->n_params * sizeof (float));
  g_assert_cmpmem (l->state, l->n_state * sizeof (float), m->state, m->n_state * sizeof (float));
  g_assert_cmpint (file->norm->n_channels, ==, norm->n_channels);
  g_assert_cmpint (file->norm->n_rr, ==, norm->n_rr);
  g_assert_cmpmem (file->norm->channel_mean, norm->n_channels * sizeof (float),
                   norm->channel_mean, norm->n_channels * sizeof (float));
  g_assert_cmpmem (file->norm->channel_std, norm->n_channels * sizeof (float), norm->channel_std,
                   norm->n_channels * sizeof (float));
  g_assert_cmpmem (file->norm->rr_mean, norm->n_rr * sizeof (float), norm->rr_mean,
                   norm->n_rr * sizeof (float));
  g_assert_cmpmem (file->norm->rr_std, norm->n_rr * sizeof (float), norm->rr_std,
                   norm->n_rr * sizeof (float));
  g_assert_cmpstr (file->class_map, ==, class_map);
  g_assert_cmpint (file->samples_before, ==, samples_before);
  const EcgArchInfo *info = ecg_zoo_find (m->arch, NULL);
  g_assert_cmpuint (g_strv_length (file->classes), ==, (guint) m->n_outputs);
  for (int c = 0; c < m->n_outputs; c++)
    g_assert_cmpstr (file->classes[c], ==, info->classes[c]);
  g_assert_true (g_str_has_prefix (file->writer, "ecg-workbench "));
}

static void
assert_info_round_trip (JsonObject *info)
{
  g_assert_cmpstr (json_object_get_string_member (info, "data"), ==, "mitdb DS1");
  JsonArray *records = json_object_get_array_member (info, "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  g_assert_cmpint (json_array_get_int_element (records, 0), ==, 101);
  g_assert_cmpint (json_array_get_int_element (records, 1), ==, 106);
  g_assert_cmpint (json_object_get_int_member (info, "epochs"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (info, "seed"), ==, 7);
  JsonObject *metrics = json_object_get_object_member (info, "metrics");
  /* Doubles survive the JSON text bit for bit. */
  g_assert_true (json_object_get_double_member (metrics, "accuracy") == 0.9731);
  g_assert_true (json_object_get_double_member (metrics, "macro_f1") == 1.0 / 3.0);
}

static void
round_trip (const char *arch, gboolean rr, const char *class_map, int samples_before)
{
  g_autoptr (GError) error = NULL;
  char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "model.ecgm", NULL);
  g_autoptr (EcgModel) m = make_model (arch, rr, TRUE);
  g_autoptr (EcgNormalisation) norm = make_norm (m);
  g_autoptr (JsonObject) info = make_info ();
  g_assert_true (ecg_model_file_save (m, norm, NULL, class_map, samples_before, info, path,
                                      &error));
  g_assert_no_error (error);

  g_autoptr (EcgModelFile) file = ecg_model_file_load (path, &error);
  g_assert_no_error (error);
  assert_same_model_file (m, norm, class_map, samples_before, file);
  assert_info_round_trip (file->info);
  /* A few weights really are pruned, and their zeros survived. */
  g_assert_cmpuint (ecg_model_count_nonzero (file->model, TRUE), <,
                    ecg_model_count_prunable (file->model));
  g_assert_cmpuint (ecg_model_count_nonzero (file->model, TRUE), ==,
                    ecg_model_count_nonzero (m, TRUE));

  /* Identical logits in eval mode on a fixed input (two samples). */
  int batch = 2;
  gsize in_len = (gsize) m->input_channels * m->input_length;
  g_autofree float *input = g_new (float, batch * in_len);
  for (gsize i = 0; i < batch * in_len; i++)
    input[i] = (float) sin (0.05 * i) + 0.1f * (float) (i % 3);
  g_autofree float *rr_in = NULL;
  if (m->rr_features > 0)
    {
      rr_in = g_new (float, batch * m->rr_features);
      for (int i = 0; i < batch * m->rr_features; i++)
        rr_in[i] = 0.2f * (i + 1);
    }
  g_autoptr (EcgModelRun) run_a = ecg_model_run_new (m, batch, FALSE);
  g_autoptr (EcgModelRun) run_b = ecg_model_run_new (file->model, batch, FALSE);
  const float *za = ecg_model_forward (m, run_a, input, rr_in, batch);
  const float *zb = ecg_model_forward (file->model, run_b, input, rr_in, batch);
  for (int i = 0; i < batch * m->n_outputs; i++)
    g_assert_true (isfinite (za[i]));
  g_assert_cmpmem (za, batch * m->n_outputs * sizeof (float), zb,
                   batch * m->n_outputs * sizeof (float));
  ecg_test_tmpdir_free (dir);
}

static void
test_round_trip_distilled (void)
{
  round_trip ("CardiacCNN_Distilled", FALSE, "NLRAV", 180);
}

static void
test_round_trip_cnn1d_rr (void)
{
  round_trip ("CNN1D_3Class", TRUE, "aami3", 90);
}

/* An unpruned PTB-XL model: no MASK section, class map null, no info, identity normalisation,
 * and classes given explicitly. */
static void
test_round_trip_ptbxl_defaults (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = make_model ("ResNet1D_SE_Attn", FALSE, FALSE);
  const char *const classes[] = { "a", "b", "c", "d", "e", NULL };
  g_autoptr (GBytes) bytes = ecg_model_file_serialise (m, NULL, classes, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  g_autoptr (GPtrArray) sections = split_sections (data, length, NULL);
  g_assert_cmpuint (sections->len, ==, 4);
  const char *tags[] = { "HEAD", "NORM", "PARM", "STAT" };
  for (guint i = 0; i < sections->len; i++)
    g_assert_cmpmem (((TestSection *) g_ptr_array_index (sections, i))->tag, 4, tags[i], 4);

  g_autoptr (EcgModelFile) file = ecg_model_file_load_from_data (data, length, "mem", &error);
  g_assert_no_error (error);
  g_assert_null (file->class_map);
  g_assert_cmpint (file->samples_before, ==, 0);
  g_assert_cmpuint (json_object_get_size (file->info), ==, 0);
  g_assert_cmpmem (file->model->params, m->n_params * sizeof (float), m->params,
                   m->n_params * sizeof (float));
  g_assert_cmpmem (file->model->state, m->n_state * sizeof (float), m->state,
                   m->n_state * sizeof (float));
  for (gsize i = 0; i < m->n_params; i++)
    g_assert_true (file->model->masks[i] == 1.0f);
  g_assert_cmpint (file->norm->n_channels, ==, 12);
  for (int c = 0; c < 12; c++)
    {
      g_assert_true (file->norm->channel_mean[c] == 0.0f);
      g_assert_true (file->norm->channel_std[c] == 1.0f);
    }
  for (int c = 0; c < 5; c++)
    g_assert_cmpstr (file->classes[c], ==, classes[c]);
  g_assert_true (file->model->multi_label);
}

/* The bytes follow the documented layout: header, five sections in order with the documented
 * flags and lengths, little-endian floats, the mask as an LSB-first bitset. */
static void
test_layout (Fixture *f, gconstpointer data)
{
  const EcgModel *m = f->model;
  g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GPtrArray) sections = split_sections (f->bytes, f->length, offsets);
  g_assert_cmpuint (sections->len, ==, 5);
  const char *tags[] = { "HEAD", "NORM", "PARM", "MASK", "STAT" };
  const guint32 flags[] = { 1, 1, 1, 0, 1 };
  for (guint i = 0; i < 5; i++)
    {
      TestSection *s = g_ptr_array_index (sections, i);
      g_assert_cmpmem (s->tag, 4, tags[i], 4);
      g_assert_cmpuint (s->flags, ==, flags[i]);
    }
  TestSection *norm = find_section (sections, "NORM", NULL);
  g_assert_cmpuint (norm->payload->len, ==, 8 + 4 * 2);
  g_assert_cmpuint (get_u32 (norm->payload->data), ==, 1);
  g_assert_cmpuint (get_u32 (norm->payload->data + 4), ==, 0);
  guint32 bits = get_u32 (norm->payload->data + 12); /* channel_std[0] */
  float std0;
  memcpy (&std0, &bits, 4);
  g_assert_true (std0 == 0.4567f);

  TestSection *parm = find_section (sections, "PARM", NULL);
  g_assert_cmpuint (parm->payload->len, ==, 4 * 7077);
  for (gsize i = 0; i < 7077; i += 1000)
    {
      bits = get_u32 (parm->payload->data + 4 * i);
      float v;
      memcpy (&v, &bits, 4);
      g_assert_true (v == m->params[i]);
    }
  /* 7077 bits → 885 bytes; the first prunable tensor starts at 0 and loses every 7th weight:
   * byte 0 = bits 1..6 set, bit 0 clear = 0b01111110; byte 1 (params 8..15): 14 cleared =
   * 0b10111111. */
  TestSection *mask = find_section (sections, "MASK", NULL);
  g_assert_cmpuint (mask->payload->len, ==, 885);
  g_assert_true (g_array_index (m->param_tensors, EcgParamTensor, 0).prunable);
  g_assert_cmpuint (mask->payload->data[0], ==, 0x7e);
  g_assert_cmpuint (mask->payload->data[1], ==, 0xbf);
  /* 7077 = 884*8 + 5: the last byte uses 5 bits, and the last parameters (dense bias) are
   * unmasked. */
  g_assert_cmpuint (mask->payload->data[884], ==, 0x1f);

  TestSection *stat = find_section (sections, "STAT", NULL);
  g_assert_cmpuint (stat->payload->len, ==, 4 * m->n_state);

  /* HEAD is JSON with the documented members. */
  TestSection *head = find_section (sections, "HEAD", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, (const char *) head->payload->data,
                                             head->payload->len, &error));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "arch"), ==, "CardiacCNN_Distilled");
  g_assert_cmpint (json_object_get_int_member (o, "rr_features"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (o, "n_params"), ==, 7077);
  g_assert_cmpint (json_object_get_int_member (o, "n_state"), ==, m->n_state);
  g_assert_cmpint (json_object_get_int_member (o, "samples_before"), ==, 180);
  g_assert_cmpstr (json_object_get_string_member (o, "class_map"), ==, "NLRAV");
  g_assert_false (json_object_get_boolean_member (o, "multi_label"));
  JsonArray *input = json_object_get_array_member (o, "input");
  g_assert_cmpint (json_array_get_int_element (input, 0), ==, 1);
  g_assert_cmpint (json_array_get_int_element (input, 1), ==, 360);
  JsonArray *classes = json_object_get_array_member (o, "classes");
  g_assert_cmpuint (json_array_get_length (classes), ==, 5);
  g_assert_cmpstr (json_array_get_string_element (classes, 3), ==, "A");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "info")));

  /* Saving again over the same path replaces it and leaves no temporary file behind. */
  g_assert_true (ecg_model_file_save (m, NULL, NULL, NULL, 0, NULL, f->path, &error));
  g_assert_no_error (error);
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_dir_read_name (dir), ==, "model.ecgm");
  g_assert_null (g_dir_read_name (dir));
}

/* ---- damage ---- */

static void
test_empty_file (Fixture *f, gconstpointer data)
{
  assert_load_fails (f, "empty.ecgm", (const guint8 *) "", 0, ECG_ERROR_FORMAT, "empty");
}

static void
test_missing_file (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "absent.ecgm", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load (path, &error);
  g_assert_null (file);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
}

/* Cut the file at 20 offsets spread over the header, every section's header, payload and
 * checksum: always ECG_ERROR_FORMAT ("truncated"), never a checksum error or a crash. */
static void
test_truncation (Fixture *f, gconstpointer data)
{
  g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GPtrArray) sections = split_sections (f->bytes, f->length, offsets);
  gsize head = g_array_index (offsets, gsize, 0);
  gsize norm = g_array_index (offsets, gsize, 1);
  gsize parm = g_array_index (offsets, gsize, 2);
  gsize mask = g_array_index (offsets, gsize, 3);
  gsize stat = g_array_index (offsets, gsize, 4);
  const gsize cuts[] = {
    1, 8, 12, 15,                    /* inside the file header */
    head, head + 10, head + 20,      /* the HEAD section header, its JSON */
    norm - 4,                        /* HEAD's checksum */
    norm, norm + 16 + 5,             /* NORM */
    parm + 8, parm + 16 + 4 * 3000,  /* PARM header, payload */
    mask - 1, mask, mask + 16 + 100, /* end of PARM, MASK */
    stat + 15, stat + 16,            /* STAT header, start of payload */
    f->length - 9, f->length - 8, f->length - 1,
  };
  g_assert_cmpuint (G_N_ELEMENTS (cuts), ==, 20);
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_assert_cmpuint (cuts[i], <, f->length);
      assert_load_fails (f, "cut.ecgm", f->bytes, cuts[i], ECG_ERROR_FORMAT, "truncated");
    }
}

/* One flipped bit in the payload and in the tag of each section: a checksum error naming it. */
static void
test_bit_flips (Fixture *f, gconstpointer data)
{
  g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GPtrArray) sections = split_sections (f->bytes, f->length, offsets);
  g_autofree guint8 *copy = g_memdup2 (f->bytes, f->length);
  for (guint i = 0; i < sections->len; i++)
    {
      TestSection *s = g_ptr_array_index (sections, i);
      gsize start = g_array_index (offsets, gsize, i);
      g_autofree char *tag = g_strndup (s->tag, 4);
      gsize at = start + 16 + s->payload->len / 2;
      copy[at] ^= 0x10;
      assert_load_fails (f, "flip.ecgm", copy, f->length, ECG_ERROR_CHECKSUM, tag);
      copy[at] ^= 0x10;
      /* Flipping bit 0 of the flags turns "required" on or off; still caught. */
      copy[start + 4] ^= 0x01;
      assert_load_fails (f, "flip.ecgm", copy, f->length, ECG_ERROR_CHECKSUM, tag);
      copy[start + 4] ^= 0x01;
      /* The checksum itself. */
      copy[start + 16 + s->payload->len] ^= 0x80;
      assert_load_fails (f, "flip.ecgm", copy, f->length, ECG_ERROR_CHECKSUM, tag);
      copy[start + 16 + s->payload->len] ^= 0x80;
    }
  /* A damaged tag: 'PARM' → 'PARO' is no known section, but the checksum catches it first. */
  gsize parm = g_array_index (offsets, gsize, 2);
  copy[parm + 3] ^= 0x02;
  assert_load_fails (f, "flip.ecgm", copy, f->length, ECG_ERROR_CHECKSUM, "PARO");
}

static void
test_wrong_magic (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *copy = g_memdup2 (f->bytes, f->length);
  memcpy (copy, "ECGWBMDX", 8);
  assert_load_fails (f, "magic.ecgm", copy, f->length, ECG_ERROR_FORMAT, "magic");
  /* A short file of other data. */
  assert_load_fails (f, "text.ecgm", (const guint8 *) "hello, world, not a model", 25,
                     ECG_ERROR_FORMAT, "magic");
}

static void
test_newer_version (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) sections = split_sections (f->bytes, f->length, NULL);
  assert_sections_fail (f, sections, 99, ECG_ERROR_UNSUPPORTED, "version 99");
  assert_sections_fail (f, sections, 0, ECG_ERROR_FORMAT, "version 0");
}

/* An unknown required section refuses the file; an unknown optional one is skipped. */
static void
test_unknown_sections (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) sections = split_sections (f->bytes, f->length, NULL);
  const char blob[] = "scales for a later version";
  g_ptr_array_insert (sections, 2, new_section ("XTRA", 1, blob, sizeof blob));
  assert_sections_fail (f, sections, 1, ECG_ERROR_UNSUPPORTED, "XTRA");

  TestSection *extra = g_ptr_array_index (sections, 2);
  extra->flags = 0x80000000u; /* optional; a reserved bit set is ignored */
  g_ptr_array_add (sections, new_section ("ZERO", 0, NULL, 0));
  g_autoptr (GByteArray) bytes = join_sections (sections, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load_from_data (bytes->data, bytes->len, "opt",
                                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpmem (file->model->params, f->model->n_params * sizeof (float), f->model->params,
                   f->model->n_params * sizeof (float));
  g_assert_cmpmem (file->model->masks, f->model->n_params * sizeof (float), f->model->masks,
                   f->model->n_params * sizeof (float));
}

static void
set_float (TestSection *s, gsize index, float value)
{
  guint32 bits;
  memcpy (&bits, &value, 4);
  put_u32 (s->payload->data + 4 * index, bits);
}

static void
test_non_finite_params (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) sections = split_sections (f->bytes, f->length, NULL);
  TestSection *parm = find_section (sections, "PARM", NULL);
  gsize last = f->model->n_params - 1;
  set_float (parm, last, NAN);
  assert_sections_fail (f, sections, 1, ECG_ERROR_FORMAT, "PARM");
  set_float (parm, last, 0.5f);
  set_float (parm, 3, -INFINITY);
  assert_sections_fail (f, sections, 1, ECG_ERROR_FORMAT, "inf");
  set_float (parm, 3, 0.5f);
  TestSection *stat = find_section (sections, "STAT", NULL);
  g_assert_cmpuint (stat->payload->len, >, 0);
  set_float (stat, 0, NAN);
  assert_sections_fail (f, sections, 1, ECG_ERROR_FORMAT, "STAT");
  set_float (stat, 0, 1.0f);
  TestSection *norm = find_section (sections, "NORM", NULL);
  set_float (norm, 3, 0.0f); /* channel_std[0] (after the two u32 counts and channel_mean[0]) */
  assert_sections_fail (f, sections, 1, ECG_ERROR_FORMAT, "channel_std");
  set_float (norm, 3, 1.0f);
  set_float (norm, 4 + 6 + 5, -1.0f); /* rr_std[5] */
  assert_sections_fail (f, sections, 1, ECG_ERROR_FORMAT, "rr_std");
  set_float (norm, 4 + 6 + 5, 1.0f);
  /* With those repairs the file loads again: the failures were the values, nothing else. */
  g_autoptr (GByteArray) bytes = join_sections (sections, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load_from_data (bytes->data, bytes->len, "ok",
                                                                 &error);
  g_assert_no_error (error);
}

/* Rewrites one member of HEAD's JSON. */
static void
edit_head (GPtrArray *sections, const char *member, JsonNode *value)
{
  TestSection *head = find_section (sections, "HEAD", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, (const char *) head->payload->data,
                                             head->payload->len, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  if (value != NULL)
    json_object_set_member (o, member, value);
  else
    json_object_remove_member (o, member);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, json_parser_get_root (parser));
  gsize length = 0;
  g_autofree char *text = json_generator_to_data (gen, &length);
  g_byte_array_set_size (head->payload, 0);
  g_byte_array_append (head->payload, (const guint8 *) text, length);
}

static JsonNode *
int_node (gint64 v)
{
  JsonNode *n = json_node_alloc ();
  return json_node_init_int (n, v);
}

static JsonNode *
string_node (const char *s)
{
  JsonNode *n = json_node_alloc ();
  return json_node_init_string (n, s);
}

static void
test_head_mismatch (Fixture *f, gconstpointer data)
{
  /* n_params one more than the architecture has. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    edit_head (s, "n_params", int_node (188054));
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "188054");
  }
  /* The HEAD of another architecture over CNN1D_3Class's tensors (CNN_LSTM_Attn with RR
   * features has 349,878 parameters). */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    edit_head (s, "arch", string_node ("CNN_LSTM_Attn"));
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "349878");
  }
  /* HEAD says no RR features: then the architecture has 188,035 parameters, not 188,053. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    edit_head (s, "rr_features", int_node (0));
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "188035");
  }
  /* Counts consistent in HEAD but PARM one value short. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    TestSection *parm = find_section (s, "PARM", NULL);
    g_byte_array_set_size (parm->payload, parm->payload->len - 4);
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "PARM");
  }
  /* An architecture this program does not know. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    edit_head (s, "arch", string_node ("FutureNet"));
    assert_sections_fail (f, s, 1, ECG_ERROR_UNSUPPORTED, "FutureNet");
  }
  /* A number of RR features no model takes; RR features on a model that takes none. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    edit_head (s, "rr_features", int_node (3));
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "rr_features");
    edit_head (s, "rr_features", int_node (6));
    edit_head (s, "arch", string_node ("CardiacCNN_Original"));
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "rr_features");
  }
  /* A required member missing, or of the wrong type. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    edit_head (s, "classes", NULL);
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "classes");
  }
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    edit_head (s, "samples_before", string_node ("180"));
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "samples_before");
  }
  /* Not JSON at all; and JSON nested deeper than any HEAD needs. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    TestSection *head = find_section (s, "HEAD", NULL);
    g_byte_array_set_size (head->payload, 10);
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "JSON");
    g_byte_array_set_size (head->payload, 0);
    for (int i = 0; i < 100000; i++)
      g_byte_array_append (head->payload, (const guint8 *) "[", 1);
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "HEAD");
    /* The same depth with a closing bracket hidden after each opening one in a comment or a
     * single-quoted string, both of which json-glib reads: the depth count must not be fooled
     * (json-glib overflowed the stack on these; found by tests/fuzz). */
    static const char *const hidden[] = { "[/*]*/", "[']'" };
    for (gsize h = 0; h < G_N_ELEMENTS (hidden); h++)
      {
        g_byte_array_set_size (head->payload, 0);
        for (int i = 0; i < 100000; i++)
          g_byte_array_append (head->payload, (const guint8 *) hidden[h], strlen (hidden[h]));
        assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "strict JSON");
      }
  }
}

static void
test_structure (Fixture *f, gconstpointer data)
{
  /* A required section missing. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    guint i;
    find_section (s, "STAT", &i);
    g_ptr_array_remove_index (s, i);
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "STAT");
  }
  /* A section twice. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    TestSection *norm = find_section (s, "NORM", NULL);
    g_ptr_array_add (s, new_section ("NORM", 1, norm->payload->data, norm->payload->len));
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "twice");
  }
  /* A mask bit cleared on a non-prunable parameter (the last one, the head's output bias). */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    TestSection *mask = find_section (s, "MASK", NULL);
    const EcgModel *m = f->model;
    const EcgParamTensor *bias
        = &g_array_index (m->param_tensors, EcgParamTensor, m->param_tensors->len - 1);
    g_assert_false (bias->prunable);
    gsize last = m->n_params - 1;
    g_assert_cmpuint (bias->offset + bias->count, ==, m->n_params);
    g_assert_cmpuint (mask->payload->len, ==, last / 8 + 1);
    mask->payload->data[last / 8] &= (guint8) ~(1u << (last % 8));
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "not prunable");
    /* ...and, restored, a bit set past the last parameter (188053 = 8*23506 + 5). */
    mask->payload->data[last / 8] |= (guint8) (1u << (last % 8));
    g_assert_cmpuint (m->n_params % 8, ==, 5);
    mask->payload->data[last / 8] |= 0x80;
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "past the last");
  }
  /* A normalisation for the wrong number of channels. */
  {
    g_autoptr (GPtrArray) s = split_sections (f->bytes, f->length, NULL);
    TestSection *norm = find_section (s, "NORM", NULL);
    put_u32 (norm->payload->data, 12);
    assert_sections_fail (f, s, 1, ECG_ERROR_FORMAT, "NORM");
  }
  /* Bytes after the last section. */
  {
    g_autoptr (GByteArray) extra = g_byte_array_new ();
    g_byte_array_append (extra, f->bytes, f->length);
    g_byte_array_append (extra, (const guint8 *) "junk", 4);
    assert_load_fails (f, "tail.ecgm", extra->data, extra->len, ECG_ERROR_FORMAT, "after");
  }
  /* Absurd lengths and counts are compared with the file size, never allocated. */
  {
    g_autofree guint8 *copy = g_memdup2 (f->bytes, f->length);
    put_u64 (copy + 16 + 8, G_MAXUINT64);
    assert_load_fails (f, "huge.ecgm", copy, f->length, ECG_ERROR_FORMAT, "truncated");
    memcpy (copy, f->bytes, f->length);
    put_u32 (copy + 12, G_MAXUINT32);
    assert_load_fails (f, "count.ecgm", copy, f->length, ECG_ERROR_FORMAT, "truncated");
  }
}

/* Saving refuses what a file must not carry, and writes nothing. */
static void
test_save_refuses (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "bad.ecgm", NULL);
  g_autoptr (EcgModel) m = make_model ("CardiacCNN_Distilled", FALSE, FALSE);

  m->params[10] = NAN;
  g_assert_false (ecg_model_file_save (m, NULL, NULL, NULL, 180, NULL, path, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  m->params[10] = 0.0f;

  m->masks[3] = 0.5f;
  g_assert_false (ecg_model_file_save (m, NULL, NULL, NULL, 180, NULL, path, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  m->masks[3] = 1.0f;

  m->masks[m->n_params - 1] = 0.0f; /* a bias */
  g_assert_false (ecg_model_file_save (m, NULL, NULL, NULL, 180, NULL, path, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  m->masks[m->n_params - 1] = 1.0f;

  const char *const too_few[] = { "N", "S", NULL };
  g_assert_false (ecg_model_file_save (m, NULL, too_few, NULL, 180, NULL, path, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  g_autoptr (EcgNormalisation) norm = ecg_normalisation_new (1, 6);
  g_assert_false (ecg_model_file_save (m, norm, NULL, NULL, 180, NULL, path, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  /* An info object nested deeper than a reader accepts (64 levels of HEAD JSON). */
  g_autoptr (JsonObject) info = json_object_new ();
  JsonObject *inner = info;
  for (int level = 0; level < 70; level++)
    {
      JsonObject *child = json_object_new ();
      json_object_set_object_member (inner, "deeper", child);
      inner = child;
    }
  g_assert_false (ecg_model_file_save (m, NULL, NULL, NULL, 180, info, path, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (ecg_model_file_save (m, NULL, NULL, NULL, 180, NULL, path, &error));
  g_assert_no_error (error);
  ecg_test_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/model-file/round-trip/cardiac-distilled",
                   test_round_trip_distilled);
  g_test_add_func ("/engine/nn/model-file/round-trip/cnn1d-rr", test_round_trip_cnn1d_rr);
  g_test_add_func ("/engine/nn/model-file/round-trip/ptbxl-defaults",
                   test_round_trip_ptbxl_defaults);
  g_test_add_func ("/engine/nn/model-file/save-refuses", test_save_refuses);
#define ADD(path, fn) \
  g_test_add ("/engine/nn/model-file/" path, Fixture, "CNN1D_3Class", fixture_set_up, fn, \
              fixture_tear_down)
  g_test_add ("/engine/nn/model-file/layout", Fixture, "CardiacCNN_Distilled", fixture_set_up,
              test_layout, fixture_tear_down);
  ADD ("damage/empty", test_empty_file);
  ADD ("damage/missing", test_missing_file);
  ADD ("damage/truncated", test_truncation);
  ADD ("damage/bit-flips", test_bit_flips);
  ADD ("damage/wrong-magic", test_wrong_magic);
  ADD ("damage/newer-version", test_newer_version);
  ADD ("damage/unknown-sections", test_unknown_sections);
  ADD ("damage/non-finite", test_non_finite_params);
  ADD ("damage/head-mismatch", test_head_mismatch);
  ADD ("damage/structure", test_structure);
#undef ADD
  return g_test_run ();
}
