/* ecg-model-file.c — writing and reading the sectioned model file (layout in the header).
 *
 * Reading never trusts a number from the file before comparing it with what is really there:
 * each section length against the bytes left, each payload length against the size the
 * architecture in HEAD implies. The only allocations are the model (sized by the architecture,
 * which comes from the zoo, not from the file) and the parsed JSON (at most the HEAD payload).
 */
#include "nn/ecg-model-file.h"

#include <math.h>
#include <string.h>

#include "ecg-config.h"
#include "ecg-error.h"
#include "nn/ecg-zoo.h"

#define FILE_HEADER_BYTES 16
#define SECTION_HEADER_BYTES 16
#define CHECKSUM_BYTES 8

void
ecg_model_file_free (EcgModelFile *file)
{
  if (file == NULL)
    return;
  if (file->model != NULL)
    ecg_model_free (file->model);
  ecg_normalisation_free (file->norm);
  g_strfreev (file->classes);
  g_free (file->class_map);
  if (file->info != NULL)
    json_object_unref (file->info);
  g_free (file->writer);
  if (file->extra_sections != NULL)
    g_ptr_array_unref (file->extra_sections);
  g_free (file);
}

EcgModelFileSection *
ecg_model_file_section_new (const char *tag, guint32 flags, GBytes *payload)
{
  EcgModelFileSection *section = g_new0 (EcgModelFileSection, 1);
  g_strlcpy (section->tag, tag, sizeof section->tag);
  section->flags = flags;
  section->payload = g_bytes_ref (payload);
  return section;
}

void
ecg_model_file_section_free (EcgModelFileSection *section)
{
  if (section == NULL)
    return;
  g_bytes_unref (section->payload);
  g_free (section);
}

/* ---- little-endian encoding ---- */

static void
append_u32 (GByteArray *out, guint32 value)
{
  guint32 le = GUINT32_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

static void
append_u64 (GByteArray *out, guint64 value)
{
  guint64 le = GUINT64_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

static void
append_floats (GByteArray *out, const float *values, gsize n)
{
  if (G_BYTE_ORDER == G_LITTLE_ENDIAN)
    {
      if (n > 0)
        g_byte_array_append (out, (const guint8 *) values, n * sizeof (float));
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, &values[i], sizeof bits);
      append_u32 (out, bits);
    }
}

static guint32
read_u32 (const guint8 *p)
{
  guint32 value;
  memcpy (&value, p, sizeof value);
  return GUINT32_FROM_LE (value);
}

static guint64
read_u64 (const guint8 *p)
{
  guint64 value;
  memcpy (&value, p, sizeof value);
  return GUINT64_FROM_LE (value);
}

static void
read_floats (float *out, const guint8 *p, gsize n)
{
  if (G_BYTE_ORDER == G_LITTLE_ENDIAN)
    {
      if (n > 0)
        memcpy (out, p, n * sizeof (float));
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits = read_u32 (p + 4 * i);
      memcpy (&out[i], &bits, sizeof bits);
    }
}

/* First CHECKSUM_BYTES of SHA-256 over a section's header and payload (contiguous). */
static void
section_checksum (const guint8 *section, gsize header_and_payload, guint8 out[CHECKSUM_BYTES])
{
  g_autoptr (GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_checksum_update (sha, section, header_and_payload);
  g_checksum_get_digest (sha, digest, &digest_len);
  memcpy (out, digest, CHECKSUM_BYTES);
}

/* A section is written in place: its header with the length left 0, the payload appended by
 * the caller, then end_section() fills the length in and appends the checksum. */
static gsize
begin_section (GByteArray *out, const char tag[4], guint32 flags)
{
  gsize start = out->len;
  g_byte_array_append (out, (const guint8 *) tag, 4);
  append_u32 (out, flags);
  append_u64 (out, 0);
  return start;
}

static void
end_section (GByteArray *out, gsize start)
{
  guint64 length = GUINT64_TO_LE (out->len - start - SECTION_HEADER_BYTES);
  memcpy (out->data + start + 8, &length, sizeof length);
  guint8 checksum[CHECKSUM_BYTES];
  section_checksum (out->data + start, out->len - start, checksum);
  g_byte_array_append (out, checksum, CHECKSUM_BYTES);
}

/* "b1.conv.weight[5]" for parameter `index` of `m`, for messages. Owned by the caller. */
static char *
describe_param (const EcgModel *m, gsize index)
{
  for (guint t = 0; t < m->param_tensors->len; t++)
    {
      const EcgParamTensor *pt = &g_array_index (m->param_tensors, EcgParamTensor, t);
      if (index >= pt->offset && index < pt->offset + pt->count)
        return g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", pt->name, index - pt->offset);
    }
  return g_strdup_printf ("parameter %" G_GSIZE_FORMAT, index);
}

/* Index of the first NaN/Inf in values[n], or n. */
static gsize
first_non_finite (const float *values, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (values[i]))
      return i;
  return n;
}

/* Index of the first parameter whose mask is 0 although its tensor is not prunable, or
 * m->n_params. */
static gsize
first_masked_non_prunable (const EcgModel *m, const float *masks)
{
  gsize first = m->n_params;
  for (guint t = 0; t < m->param_tensors->len; t++)
    {
      const EcgParamTensor *pt = &g_array_index (m->param_tensors, EcgParamTensor, t);
      if (pt->prunable)
        continue;
      for (gsize i = pt->offset; i < pt->offset + pt->count && i < first; i++)
        if (masks[i] == 0.0f)
          {
            first = i;
            break;
          }
    }
  return first;
}

/* json-glib's parser recurses once per nesting level and has no limit: 100,000 '[' overflow
 * the stack. A HEAD needs three levels plus whatever the caller put into "info", so text nested
 * deeper than this is refused before parsing. */
#define MAX_HEAD_DEPTH 64

static gboolean
json_depth_within (const char *text, gsize length, int max_depth)
{
  int depth = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '\'' || c == '/')
        return FALSE; /* json-glib also reads '...' strings and comments, inside which brackets
                         would escape this count; strict JSON has neither */
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if (c == ']' || c == '}')
        depth--;
    }
  return TRUE;
}

/* ---- writing ---- */

static gboolean
check_norm_values (const EcgNormalisation *norm, GError **error)
{
  const struct
  {
    const char *name;
    const float *values;
    int n;
    gboolean is_std;
  } parts[] = {
    { "channel_mean", norm->channel_mean, norm->n_channels, FALSE },
    { "channel_std", norm->channel_std, norm->n_channels, TRUE },
    { "rr_mean", norm->rr_mean, norm->n_rr, FALSE },
    { "rr_std", norm->rr_std, norm->n_rr, TRUE },
  };
  for (gsize p = 0; p < G_N_ELEMENTS (parts); p++)
    for (int i = 0; i < parts[p].n; i++)
      {
        float v = parts[p].values[i];
        if (!isfinite (v))
          {
            g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC, "normalisation %s[%d] is %g",
                         parts[p].name, i, (double) v);
            return FALSE;
          }
        if (parts[p].is_std && !(v > 0.0f))
          {
            g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                         "normalisation %s[%d] is %g (must be > 0)", parts[p].name, i,
                         (double) v);
            return FALSE;
          }
      }
  return TRUE;
}

/* The layer widths of `model` (ecg_zoo_model_widths) when they differ from those of `standard`,
 * the zoo's model of its architecture — a structurally pruned model —, else NULL. */
static int *
narrowed_widths (const EcgModel *model, const EcgModel *standard, int *n_widths)
{
  int n_standard = 0;
  g_autofree int *widths = ecg_zoo_model_widths (model, n_widths);
  g_autofree int *standard_widths = ecg_zoo_model_widths (standard, &n_standard);
  /* No widths at all (an LSTM-only model) is the standard; memcmp must not see NULL. */
  if (*n_widths == n_standard
      && (n_standard == 0
          || memcmp (widths, standard_widths, (gsize) n_standard * sizeof (int)) == 0))
    return NULL;
  return g_steal_pointer (&widths);
}

/* Everything the reader will check, so that a saved file always loads. A structurally pruned
 * model is checked against the zoo's model of its widths, which are returned in `widths` (NULL
 * for the standard widths; owned by the caller). */
static gboolean
check_savable (const EcgModel *model, const EcgNormalisation *norm, const char *const *classes,
               const char *class_map, int samples_before, int **widths, int *n_widths,
               GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (EcgModel) reference = ecg_zoo_build (model->arch, model->rr_features > 0, 0, &local);
  if (reference == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "cannot save model %s: %s", model->arch,
                   local->message);
      return FALSE;
    }
  *widths = narrowed_widths (model, reference, n_widths);
  if (*widths != NULL)
    {
      g_clear_pointer (&reference, ecg_model_free);
      reference = ecg_zoo_build_with_widths (model->arch, model->rr_features > 0, *widths,
                                             *n_widths, 0, &local);
      if (reference == NULL)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "cannot save model %s: %s",
                       model->arch, local->message);
          g_clear_pointer (widths, g_free);
          return FALSE;
        }
    }
  if (reference->n_params != model->n_params || reference->n_state != model->n_state
      || reference->rr_features != model->rr_features
      || reference->input_channels != model->input_channels
      || reference->input_length != model->input_length
      || reference->n_outputs != model->n_outputs
      || reference->multi_label != model->multi_label)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "cannot save model %s: it does not have the zoo architecture's shape "
                   "(%" G_GSIZE_FORMAT " parameters, %" G_GSIZE_FORMAT " state values; "
                   "expected %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT ")",
                   model->arch, model->n_params, model->n_state, reference->n_params,
                   reference->n_state);
      return FALSE;
    }
  gsize bad = first_non_finite (model->params, model->n_params);
  if (bad < model->n_params)
    {
      g_autofree char *what = describe_param (model, bad);
      g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC, "cannot save model %s: %s is %g",
                   model->arch, what, (double) model->params[bad]);
      return FALSE;
    }
  bad = first_non_finite (model->state, model->n_state);
  if (bad < model->n_state)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                   "cannot save model %s: BatchNorm state value %" G_GSIZE_FORMAT " is %g",
                   model->arch, bad, (double) model->state[bad]);
      return FALSE;
    }
  for (gsize i = 0; i < model->n_params; i++)
    if (model->masks[i] != 0.0f && model->masks[i] != 1.0f)
      {
        g_autofree char *what = describe_param (model, i);
        g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                     "cannot save model %s: mask of %s is %g, not 0 or 1", model->arch, what,
                     (double) model->masks[i]);
        return FALSE;
      }
  bad = first_masked_non_prunable (model, model->masks);
  if (bad < model->n_params)
    {
      g_autofree char *what = describe_param (model, bad);
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "cannot save model %s: %s is masked but not prunable", model->arch, what);
      return FALSE;
    }
  if (norm != NULL)
    {
      if (norm->n_channels != model->input_channels || norm->n_rr != model->rr_features)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "cannot save model %s: normalisation for %d channels and %d RR features, "
                       "the model takes %d and %d",
                       model->arch, norm->n_channels, norm->n_rr, model->input_channels,
                       model->rr_features);
          return FALSE;
        }
      if (!check_norm_values (norm, &local))
        {
          g_set_error (error, ECG_ERROR, local->code, "cannot save model %s: %s", model->arch,
                       local->message);
          return FALSE;
        }
    }
  if (classes != NULL)
    {
      int n = 0;
      while (classes[n] != NULL)
        {
          if (!g_utf8_validate (classes[n], -1, NULL))
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                           "cannot save model %s: class name %d is not UTF-8", model->arch, n);
              return FALSE;
            }
          n++;
        }
      if (n != model->n_outputs)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "cannot save model %s: %d class names for %d outputs", model->arch, n,
                       model->n_outputs);
          return FALSE;
        }
    }
  if (class_map != NULL && !g_utf8_validate (class_map, -1, NULL))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "cannot save model %s: the class map is not UTF-8", model->arch);
      return FALSE;
    }
  if (samples_before < 0 || samples_before > model->input_length)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "cannot save model %s: samples_before %d outside 0..%d", model->arch,
                   samples_before, model->input_length);
      return FALSE;
    }
  return TRUE;
}

static char *
head_json (const EcgModel *model, const char *const *classes, const char *class_map,
           int samples_before, const int *widths, int n_widths, JsonObject *info, gsize *length)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "arch");
  json_builder_add_string_value (b, model->arch);
  json_builder_set_member_name (b, "rr_features");
  json_builder_add_int_value (b, model->rr_features);
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (int c = 0; c < model->n_outputs; c++)
    json_builder_add_string_value (b, classes[c]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "multi_label");
  json_builder_add_boolean_value (b, model->multi_label);
  json_builder_set_member_name (b, "input");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, model->input_channels);
  json_builder_add_int_value (b, model->input_length);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "samples_before");
  json_builder_add_int_value (b, samples_before);
  json_builder_set_member_name (b, "class_map");
  if (class_map != NULL)
    json_builder_add_string_value (b, class_map);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "n_params");
  json_builder_add_int_value (b, (gint64) model->n_params);
  json_builder_set_member_name (b, "n_state");
  json_builder_add_int_value (b, (gint64) model->n_state);
  if (widths != NULL)
    {
      json_builder_set_member_name (b, "widths");
      json_builder_begin_array (b);
      for (int i = 0; i < n_widths; i++)
        json_builder_add_int_value (b, widths[i]);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "writer");
  json_builder_add_string_value (b, "ecg-workbench " ECG_VERSION " (" ECG_GIT_HASH ")");
  json_builder_set_member_name (b, "info");
  if (info != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, info);
      json_builder_add_value (b, node);
    }
  else
    {
      json_builder_begin_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, length);
}

static gboolean is_standard_tag (const char *tag);

/* Extra sections: valid tags, none standard, none twice, known flags only. */
static gboolean
check_extra_sections (const EcgModel *model, const EcgModelFileSection *extra, gsize n_extra,
                      GError **error)
{
  for (gsize i = 0; i < n_extra; i++)
    {
      const char *tag = extra[i].tag;
      gboolean printable = strlen (tag) == 4;
      for (int c = 0; c < 4 && printable; c++)
        printable = g_ascii_isgraph (tag[c]);
      gboolean repeated = FALSE;
      for (gsize j = 0; j < i; j++)
        repeated = repeated || strcmp (extra[j].tag, tag) == 0;
      if (!printable || is_standard_tag (tag) || repeated
          || (extra[i].flags & ~ECG_MODEL_FILE_SECTION_REQUIRED) != 0 || extra[i].payload == NULL)
        {
          g_autofree char *text = g_strescape (tag, NULL);
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "cannot save model %s: extra section '%s' (flags %u) is not a new "
                       "four-character section with a payload",
                       model->arch, text, extra[i].flags);
          return FALSE;
        }
    }
  return TRUE;
}

GBytes *
ecg_model_file_serialise (const EcgModel *model, const EcgNormalisation *norm,
                          const char *const *classes, const char *class_map, int samples_before,
                          JsonObject *info, GError **error)
{
  return ecg_model_file_serialise_full (model, norm, classes, class_map, samples_before, info,
                                        NULL, 0, error);
}

GBytes *
ecg_model_file_serialise_full (const EcgModel *model, const EcgNormalisation *norm,
                               const char *const *classes, const char *class_map,
                               int samples_before, JsonObject *info,
                               const EcgModelFileSection *extra, gsize n_extra, GError **error)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (extra != NULL || n_extra == 0, NULL);
  if (!check_extra_sections (model, extra, n_extra, error))
    return NULL;
  g_autofree int *widths = NULL;
  int n_widths = 0;
  if (!check_savable (model, norm, classes, class_map, samples_before, &widths, &n_widths, error))
    return NULL;
  if (classes == NULL)
    classes = ecg_zoo_find (model->arch, NULL)->classes;
  g_autoptr (EcgNormalisation) identity = NULL;
  if (norm == NULL)
    norm = identity = ecg_normalisation_new (model->input_channels, model->rr_features);

  gboolean pruned = FALSE;
  for (gsize i = 0; i < model->n_params && !pruned; i++)
    pruned = model->masks[i] == 0.0f;

  gsize head_length = 0;
  g_autofree char *head = head_json (model, classes, class_map, samples_before, widths, n_widths,
                                     info, &head_length);
  if (!json_depth_within (head, head_length, MAX_HEAD_DEPTH))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "cannot save model %s: the info object is nested deeper than %d levels",
                   model->arch, MAX_HEAD_DEPTH - 1);
      return NULL;
    }

  GByteArray *out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) ECG_MODEL_FILE_MAGIC, 8);
  append_u32 (out, ECG_MODEL_FILE_VERSION);
  append_u32 (out, (pruned ? 5 : 4) + (guint32) n_extra);

  gsize start = begin_section (out, "HEAD", ECG_MODEL_FILE_SECTION_REQUIRED);
  g_byte_array_append (out, (const guint8 *) head, head_length);
  end_section (out, start);

  start = begin_section (out, "NORM", ECG_MODEL_FILE_SECTION_REQUIRED);
  append_u32 (out, norm->n_channels);
  append_u32 (out, norm->n_rr);
  append_floats (out, norm->channel_mean, norm->n_channels);
  append_floats (out, norm->channel_std, norm->n_channels);
  append_floats (out, norm->rr_mean, norm->n_rr);
  append_floats (out, norm->rr_std, norm->n_rr);
  end_section (out, start);

  start = begin_section (out, "PARM", ECG_MODEL_FILE_SECTION_REQUIRED);
  append_floats (out, model->params, model->n_params);
  end_section (out, start);

  if (pruned)
    {
      start = begin_section (out, "MASK", 0);
      gsize first = out->len;
      g_byte_array_set_size (out, first + (model->n_params + 7) / 8);
      guint8 *bits = out->data + first;
      memset (bits, 0, (model->n_params + 7) / 8);
      for (gsize i = 0; i < model->n_params; i++)
        if (model->masks[i] != 0.0f)
          bits[i / 8] |= (guint8) (1u << (i % 8));
      end_section (out, start);
    }

  start = begin_section (out, "STAT", ECG_MODEL_FILE_SECTION_REQUIRED);
  append_floats (out, model->state, model->n_state);
  end_section (out, start);

  for (gsize i = 0; i < n_extra; i++)
    {
      gsize length = 0;
      const guint8 *payload = g_bytes_get_data (extra[i].payload, &length);
      start = begin_section (out, extra[i].tag, extra[i].flags);
      if (length > 0)
        g_byte_array_append (out, payload, length);
      end_section (out, start);
    }

  return g_byte_array_free_to_bytes (out);
}

gboolean
ecg_model_file_save (const EcgModel *model, const EcgNormalisation *norm,
                     const char *const *classes, const char *class_map, int samples_before,
                     JsonObject *info, const char *path, GError **error)
{
  return ecg_model_file_save_full (model, norm, classes, class_map, samples_before, info, NULL, 0,
                                   path, error);
}

gboolean
ecg_model_file_save_full (const EcgModel *model, const EcgNormalisation *norm,
                          const char *const *classes, const char *class_map, int samples_before,
                          JsonObject *info, const EcgModelFileSection *extra, gsize n_extra,
                          const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) bytes = ecg_model_file_serialise_full (model, norm, classes, class_map,
                                                            samples_before, info, extra, n_extra,
                                                            &local);
  g_autofree char *display = g_filename_display_name (path);
  if (bytes == NULL)
    {
      g_set_error (error, ECG_ERROR, local->code, "%s: %s", display, local->message);
      return FALSE;
    }
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0666, &local))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: cannot write the model file: %s",
                   display, local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- reading ---- */

typedef enum
{
  SECTION_HEAD,
  SECTION_NORM,
  SECTION_PARM,
  SECTION_MASK,
  SECTION_STAT,
  N_SECTIONS
} SectionKind;

static const struct
{
  char tag[5];
  gboolean required;
} known_sections[N_SECTIONS] = {
  [SECTION_HEAD] = { "HEAD", TRUE },
  [SECTION_NORM] = { "NORM", TRUE },
  [SECTION_PARM] = { "PARM", TRUE },
  [SECTION_MASK] = { "MASK", FALSE },
  [SECTION_STAT] = { "STAT", TRUE },
};

static gboolean
is_standard_tag (const char *tag)
{
  for (int k = 0; k < N_SECTIONS; k++)
    if (strcmp (known_sections[k].tag, tag) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  const guint8 *payload; /* NULL when the section is absent */
  gsize length;
} Section;

/* A 4-byte tag as printable text ("PARM", or "P\\001RM" when damaged). Owned by the caller. */
static char *
tag_text (const guint8 *tag)
{
  char raw[5] = { 0 };
  memcpy (raw, tag, 4);
  for (int i = 0; i < 4; i++)
    if (raw[i] == 0)
      raw[i] = '?';
  return g_strescape (raw, NULL);
}

/* Walks the section table, checking bounds and checksums; fills `sections` by kind. */
static gboolean
read_sections (const guint8 *data, gsize length, const char *label, Section *sections,
               const char *const *accept, GPtrArray *extra, GError **error)
{
  if (length == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: empty file, not a model file", label);
      return FALSE;
    }
  if (length < FILE_HEADER_BYTES)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: truncated: %" G_GSIZE_FORMAT " bytes, shorter than the %d-byte header",
                   label, length, FILE_HEADER_BYTES);
      return FALSE;
    }
  if (memcmp (data, ECG_MODEL_FILE_MAGIC, 8) != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: not an ECG Workbench model file (wrong magic)", label);
      return FALSE;
    }
  guint32 version = read_u32 (data + 8);
  if (version == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: invalid format version 0", label);
      return FALSE;
    }
  if (version > ECG_MODEL_FILE_VERSION)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s: model file format version %u is newer than this program reads (%d); "
                   "a newer ECG Workbench is needed",
                   label, version, ECG_MODEL_FILE_VERSION);
      return FALSE;
    }
  guint32 n_sections = read_u32 (data + 12);

  gsize pos = FILE_HEADER_BYTES;
  for (guint32 s = 0; s < n_sections; s++)
    {
      gsize remaining = length - pos;
      if (remaining < SECTION_HEADER_BYTES + CHECKSUM_BYTES)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: truncated: section %u of %u at byte %" G_GSIZE_FORMAT
                       " needs at least %d bytes, the file has %" G_GSIZE_FORMAT " left",
                       label, s + 1, n_sections, pos, SECTION_HEADER_BYTES + CHECKSUM_BYTES,
                       remaining);
          return FALSE;
        }
      const guint8 *section = data + pos;
      g_autofree char *tag = tag_text (section);
      guint32 flags = read_u32 (section + 4);
      guint64 payload_length = read_u64 (section + 8);
      if (payload_length > remaining - SECTION_HEADER_BYTES - CHECKSUM_BYTES)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: truncated: section '%s' (%u of %u) at byte %" G_GSIZE_FORMAT
                       " declares %" G_GUINT64_FORMAT " payload bytes, the file has %"
                       G_GSIZE_FORMAT " left",
                       label, tag, s + 1, n_sections, pos, payload_length,
                       remaining - SECTION_HEADER_BYTES - CHECKSUM_BYTES);
          return FALSE;
        }
      guint8 checksum[CHECKSUM_BYTES];
      section_checksum (section, SECTION_HEADER_BYTES + payload_length, checksum);
      if (memcmp (checksum, section + SECTION_HEADER_BYTES + payload_length, CHECKSUM_BYTES) != 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_CHECKSUM,
                       "%s: section '%s' (%u of %u, at byte %" G_GSIZE_FORMAT
                       ") fails its checksum: the file is corrupted",
                       label, tag, s + 1, n_sections, pos);
          return FALSE;
        }

      int kind = -1;
      for (int k = 0; k < N_SECTIONS; k++)
        if (memcmp (section, known_sections[k].tag, 4) == 0)
          kind = k;
      gboolean accepted = FALSE;
      for (int a = 0; kind < 0 && accept != NULL && accept[a] != NULL && !accepted; a++)
        accepted = strlen (accept[a]) == 4 && memcmp (section, accept[a], 4) == 0;
      if (accepted)
        {
          for (guint e = 0; e < extra->len; e++)
            if (memcmp (((EcgModelFileSection *) g_ptr_array_index (extra, e))->tag, section, 4)
                == 0)
              {
                g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                             "%s: section '%s' appears twice", label, tag);
                return FALSE;
              }
          g_autoptr (GBytes) payload = g_bytes_new (section + SECTION_HEADER_BYTES,
                                                    payload_length);
          char raw[5] = { 0 };
          memcpy (raw, section, 4);
          g_ptr_array_add (extra, ecg_model_file_section_new (raw, flags, payload));
        }
      else if (kind < 0 && (flags & ECG_MODEL_FILE_SECTION_REQUIRED))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                       "%s: required section '%s' is not known to this program "
                       "(written by a newer ECG Workbench?)",
                       label, tag);
          return FALSE;
        }
      if (kind >= 0)
        {
          if (sections[kind].payload != NULL)
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: section '%s' appears twice",
                           label, tag);
              return FALSE;
            }
          sections[kind].payload = section + SECTION_HEADER_BYTES;
          sections[kind].length = payload_length;
        }
      pos += SECTION_HEADER_BYTES + payload_length + CHECKSUM_BYTES;
    }
  if (pos != length)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: %" G_GSIZE_FORMAT " unexpected bytes after the last of %u sections",
                   label, length - pos, n_sections);
      return FALSE;
    }
  for (int k = 0; k < N_SECTIONS; k++)
    if (known_sections[k].required && sections[k].payload == NULL)
      {
        g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: no '%s' section", label,
                     known_sections[k].tag);
        return FALSE;
      }
  return TRUE;
}

/* A member of HEAD, or NULL after setting an error. */
static JsonNode *
head_member (JsonObject *head, const char *name, const char *label, GError **error)
{
  JsonNode *node = json_object_get_member (head, name);
  if (node == NULL)
    g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: HEAD lacks \"%s\"", label, name);
  return node;
}

static gboolean
node_is (JsonNode *node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
head_int (JsonObject *head, const char *name, gint64 *value, const char *label, GError **error)
{
  JsonNode *node = head_member (head, name, label, error);
  if (node == NULL)
    return FALSE;
  if (!node_is (node, G_TYPE_INT64))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: HEAD \"%s\" is not an integer",
                   label, name);
      return FALSE;
    }
  *value = json_node_get_int (node);
  return TRUE;
}

/* HEAD "widths" of a structurally pruned model: replaces the standard file->model by the zoo's
 * model of those widths. Each width must lie in 1..the standard width, so the model is never
 * larger than the standard one (no allocation is sized by the file beyond the architecture). */
static gboolean
read_widths (JsonNode *node, const char *label, EcgModelFile *file, GError **error)
{
  int n_standard = 0;
  g_autofree int *standard = ecg_zoo_model_widths (file->model, &n_standard);
  JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (array == NULL || json_array_get_length (array) != (guint) n_standard)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD \"widths\" is not a list of %d layer widths (%s has %d)", label,
                   n_standard, file->model->arch, n_standard);
      return FALSE;
    }
  g_autofree int *widths = g_new (int, MAX (n_standard, 1));
  for (int i = 0; i < n_standard; i++)
    {
      JsonNode *element = json_array_get_element (array, (guint) i);
      gint64 width = node_is (element, G_TYPE_INT64) ? json_node_get_int (element) : 0;
      if (width < 1 || width > standard[i])
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: HEAD \"widths\" entry %d is not an integer in 1..%d", label, i,
                       standard[i]);
          return FALSE;
        }
      widths[i] = (int) width;
    }
  g_autoptr (GError) local = NULL;
  EcgModel *narrowed = ecg_zoo_build_with_widths (file->model->arch, file->model->rr_features > 0,
                                                  widths, n_standard, 0, &local);
  if (narrowed == NULL)
    {
      g_set_error (error, ECG_ERROR,
                   local->code == ECG_ERROR_UNSUPPORTED ? ECG_ERROR_UNSUPPORTED : ECG_ERROR_FORMAT,
                   "%s: HEAD \"widths\": %s", label, local->message);
      return FALSE;
    }
  ecg_model_free (file->model);
  file->model = narrowed;
  return TRUE;
}

/* Parses HEAD, builds the architecture it names, and checks its fields against it. */
static gboolean
read_head (const Section *section, const char *label, EcgModelFile *file, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  if (!g_utf8_validate ((const char *) section->payload, section->length, NULL))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: HEAD is not UTF-8 text", label);
      return FALSE;
    }
  if (!json_depth_within ((const char *) section->payload, section->length, MAX_HEAD_DEPTH))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD is not strict JSON nested at most %d levels deep", label,
                   MAX_HEAD_DEPTH);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, (const char *) section->payload, section->length,
                                   &local))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: HEAD is not valid JSON: %s", label,
                   local->message);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: HEAD is not a JSON object", label);
      return FALSE;
    }
  JsonObject *head = json_node_get_object (root);

  JsonNode *node = head_member (head, "arch", label, error);
  if (node == NULL)
    return FALSE;
  if (!node_is (node, G_TYPE_STRING))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: HEAD \"arch\" is not a string",
                   label);
      return FALSE;
    }
  const char *arch = json_node_get_string (node);
  const EcgArchInfo *arch_info = ecg_zoo_find (arch, NULL);
  if (arch_info == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s: architecture '%s' is not known to this program", label, arch);
      return FALSE;
    }
  gint64 rr_features;
  if (!head_int (head, "rr_features", &rr_features, label, error))
    return FALSE;
  if (rr_features != 0 && (rr_features != ECG_ZOO_RR_FEATURES || !arch_info->supports_rr))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD \"rr_features\" is %" G_GINT64_FORMAT ", %s takes %s", label,
                   rr_features, arch_info->name,
                   arch_info->supports_rr ? "0 or " G_STRINGIFY (ECG_ZOO_RR_FEATURES) : "none");
      return FALSE;
    }
  file->model = ecg_zoo_build (arch_info->name, rr_features > 0, 0, &local);
  if (file->model == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: %s", label, local->message);
      return FALSE;
    }
  node = json_object_get_member (head, "widths");
  if (node != NULL && !read_widths (node, label, file, error))
    return FALSE;
  EcgModel *m = file->model;
  const char *rr_text = rr_features > 0 ? "with RR features" : "without RR features";

  gint64 n_params, n_state;
  if (!head_int (head, "n_params", &n_params, label, error)
      || !head_int (head, "n_state", &n_state, label, error))
    return FALSE;
  if (n_params < 0 || (guint64) n_params != m->n_params)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD says %" G_GINT64_FORMAT " parameters, but %s (%s) has %"
                   G_GSIZE_FORMAT,
                   label, n_params, m->arch, rr_text, m->n_params);
      return FALSE;
    }
  if (n_state < 0 || (guint64) n_state != m->n_state)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD says %" G_GINT64_FORMAT " BatchNorm state values, but %s (%s) has %"
                   G_GSIZE_FORMAT,
                   label, n_state, m->arch, rr_text, m->n_state);
      return FALSE;
    }

  node = head_member (head, "input", label, error);
  if (node == NULL)
    return FALSE;
  JsonArray *input = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (input == NULL || json_array_get_length (input) != 2
      || !node_is (json_array_get_element (input, 0), G_TYPE_INT64)
      || !node_is (json_array_get_element (input, 1), G_TYPE_INT64)
      || json_array_get_int_element (input, 0) != m->input_channels
      || json_array_get_int_element (input, 1) != m->input_length)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD \"input\" is not [%d, %d], the input of %s", label, m->input_channels,
                   m->input_length, m->arch);
      return FALSE;
    }

  node = head_member (head, "multi_label", label, error);
  if (node == NULL)
    return FALSE;
  if (!node_is (node, G_TYPE_BOOLEAN) || json_node_get_boolean (node) != m->multi_label)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: HEAD \"multi_label\" is not %s",
                   label, m->multi_label ? "true" : "false");
      return FALSE;
    }

  node = head_member (head, "classes", label, error);
  if (node == NULL)
    return FALSE;
  JsonArray *classes = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (classes == NULL || json_array_get_length (classes) != (guint) m->n_outputs)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD \"classes\" is not a list of %d names (%s has %d outputs)", label,
                   m->n_outputs, m->arch, m->n_outputs);
      return FALSE;
    }
  file->classes = g_new0 (char *, m->n_outputs + 1);
  for (int c = 0; c < m->n_outputs; c++)
    {
      JsonNode *name = json_array_get_element (classes, c);
      if (!node_is (name, G_TYPE_STRING))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: HEAD \"classes\" entry %d is not a string", label, c);
          return FALSE;
        }
      file->classes[c] = g_strdup (json_node_get_string (name));
    }

  gint64 samples_before;
  if (!head_int (head, "samples_before", &samples_before, label, error))
    return FALSE;
  if (samples_before < 0 || samples_before > m->input_length)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD \"samples_before\" %" G_GINT64_FORMAT " is outside 0..%d", label,
                   samples_before, m->input_length);
      return FALSE;
    }
  file->samples_before = (int) samples_before;

  node = head_member (head, "class_map", label, error);
  if (node == NULL)
    return FALSE;
  if (node_is (node, G_TYPE_STRING))
    file->class_map = g_strdup (json_node_get_string (node));
  else if (!JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: HEAD \"class_map\" is neither a string nor null", label);
      return FALSE;
    }

  /* Optional members. */
  node = json_object_get_member (head, "writer");
  if (node != NULL && node_is (node, G_TYPE_STRING))
    file->writer = g_strdup (json_node_get_string (node));
  node = json_object_get_member (head, "info");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: HEAD \"info\" is not an object",
                       label);
          return FALSE;
        }
      file->info = json_object_ref (json_node_get_object (node));
    }
  else
    file->info = json_object_new ();
  return TRUE;
}

static gboolean
read_norm (const Section *section, const char *label, EcgModelFile *file, GError **error)
{
  const EcgModel *m = file->model;
  if (section->length < 8)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: NORM has %" G_GSIZE_FORMAT " bytes, fewer than its 8-byte header", label,
                   section->length);
      return FALSE;
    }
  guint32 n_channels = read_u32 (section->payload);
  guint32 n_rr = read_u32 (section->payload + 4);
  if (n_channels != (guint32) m->input_channels || n_rr != (guint32) m->rr_features)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: NORM is for %u channels and %u RR features, %s takes %d and %d", label,
                   n_channels, n_rr, m->arch, m->input_channels, m->rr_features);
      return FALSE;
    }
  gsize expected = 8 + sizeof (float) * 2 * ((gsize) n_channels + n_rr);
  if (section->length != expected)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: NORM has %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT, label,
                   section->length, expected);
      return FALSE;
    }
  EcgNormalisation *norm = file->norm = ecg_normalisation_new (n_channels, n_rr);
  const guint8 *p = section->payload + 8;
  read_floats (norm->channel_mean, p, n_channels);
  p += sizeof (float) * n_channels;
  read_floats (norm->channel_std, p, n_channels);
  p += sizeof (float) * n_channels;
  read_floats (norm->rr_mean, p, n_rr);
  p += sizeof (float) * n_rr;
  read_floats (norm->rr_std, p, n_rr);
  g_autoptr (GError) local = NULL;
  if (!check_norm_values (norm, &local))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: NORM: %s", label, local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_float_section (const Section *section, const char *tag, float *out, gsize n,
                    const char *label, GError **error)
{
  if (section->length != n * sizeof (float))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: %s has %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT
                   " (%" G_GSIZE_FORMAT " float32 values)",
                   label, tag, section->length, n * sizeof (float), n);
      return FALSE;
    }
  read_floats (out, section->payload, n);
  return TRUE;
}

static gboolean
read_tensors (const Section *sections, const char *label, EcgModelFile *file, GError **error)
{
  EcgModel *m = file->model;
  if (!read_float_section (&sections[SECTION_PARM], "PARM", m->params, m->n_params, label, error))
    return FALSE;
  gsize bad = first_non_finite (m->params, m->n_params);
  if (bad < m->n_params)
    {
      g_autofree char *what = describe_param (m, bad);
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: PARM: %s is %g (a model file must not hold NaN or Inf)", label, what,
                   (double) m->params[bad]);
      return FALSE;
    }

  const Section *mask = &sections[SECTION_MASK];
  if (mask->payload == NULL)
    {
      for (gsize i = 0; i < m->n_params; i++)
        m->masks[i] = 1.0f;
    }
  else
    {
      gsize expected = (m->n_params + 7) / 8;
      if (mask->length != expected)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: MASK has %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT
                       " (one bit per parameter)",
                       label, mask->length, expected);
          return FALSE;
        }
      if (m->n_params % 8 != 0 && (mask->payload[expected - 1] >> (m->n_params % 8)) != 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: MASK sets bits past the last parameter", label);
          return FALSE;
        }
      for (gsize i = 0; i < m->n_params; i++)
        m->masks[i] = ((mask->payload[i / 8] >> (i % 8)) & 1) ? 1.0f : 0.0f;
      bad = first_masked_non_prunable (m, m->masks);
      if (bad < m->n_params)
        {
          g_autofree char *what = describe_param (m, bad);
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: MASK removes %s, which is not prunable", label, what);
          return FALSE;
        }
    }

  if (!read_float_section (&sections[SECTION_STAT], "STAT", m->state, m->n_state, label, error))
    return FALSE;
  bad = first_non_finite (m->state, m->n_state);
  if (bad < m->n_state)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: STAT: BatchNorm state value %" G_GSIZE_FORMAT " is %g", label, bad,
                   (double) m->state[bad]);
      return FALSE;
    }
  return TRUE;
}

static EcgModelFile *
load_from_data (const guint8 *data, gsize length, const char *label, const char *const *accept,
                GError **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  if (label == NULL)
    label = "model data";
  Section sections[N_SECTIONS] = { { 0 } };
  g_autoptr (GPtrArray) extra
    = g_ptr_array_new_with_free_func ((GDestroyNotify) ecg_model_file_section_free);
  if (!read_sections (data, length, label, sections, accept, extra, error))
    return NULL;
  g_autoptr (EcgModelFile) file = g_new0 (EcgModelFile, 1);
  file->extra_sections = g_steal_pointer (&extra);
  if (!read_head (&sections[SECTION_HEAD], label, file, error)
      || !read_norm (&sections[SECTION_NORM], label, file, error)
      || !read_tensors (sections, label, file, error))
    return NULL;
  return g_steal_pointer (&file);
}

EcgModelFile *
ecg_model_file_load_from_data (const guint8 *data, gsize length, const char *label,
                               GError **error)
{
  return load_from_data (data, length, label, NULL, error);
}

EcgModelFile *
ecg_model_file_load (const char *path, GError **error)
{
  return ecg_model_file_load_full (path, NULL, 0, NULL, NULL, error);
}

EcgModelFile *
ecg_model_file_load_full (const char *path, const guint8 *data, gsize length, const char *label,
                          const char *const *accept, GError **error)
{
  if (path == NULL)
    return load_from_data (data, length, label, accept, error);
  g_autofree char *contents = NULL;
  gsize file_length = 0;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &contents, &file_length, &local))
    {
      g_set_error_literal (error, ECG_ERROR, ECG_ERROR_IO, local->message);
      return NULL;
    }
  g_autofree char *display = g_filename_display_name (path);
  return load_from_data ((const guint8 *) contents, file_length, display, accept, error);
}
