/* ecg-quant-file.c — the QNT8 section (layout in ecg-quant-file.h). */
#include "quant/ecg-quant-file.h"

#include <string.h>

#include "ecg-error.h"
#include "quant/ecg-quant-private.h"

void
ecg_quant_model_file_free (EcgQuantModelFile *file)
{
  if (file == NULL)
    return;
  ecg_model_file_free (file->file);
  ecg_quant_model_free (file->model);
  g_free (file);
}

/* ---- writing ---- */

static void
append_u32 (GByteArray *out, guint32 value)
{
  guint32 le = GUINT32_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

/* float32 and int32 arrays, little-endian. */
static void
append_words (GByteArray *out, const void *values, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, (const guint8 *) values + 4 * i, sizeof bits);
      append_u32 (out, bits);
    }
}

GBytes *
ecg_quant_model_section (const EcgQuantModel *qm)
{
  GByteArray *out = g_byte_array_new ();
  gsize n_tensors = 0;
  const float *scales = ecg_quant_model_act_scales (qm, &n_tensors);
  int n_layers = 0;
  const EcgQuantLayerData *layers = ecg_quant_model_layers (qm, &n_layers);
  append_u32 (out, ECG_QUANT_FILE_VERSION);
  append_u32 (out, (guint32) n_tensors);
  append_words (out, scales, n_tensors);
  append_u32 (out, (guint32) n_layers);
  for (int l = 0; l < n_layers; l++)
    {
      const EcgQuantLayerData *d = &layers[l];
      append_u32 (out, (guint32) d->conv_op);
      append_u32 (out, (guint32) d->out_channels);
      append_u32 (out, (guint32) d->patch);
      append_words (out, d->weight_scale, (gsize) d->out_channels);
      append_words (out, d->bias, (gsize) d->out_channels);
      g_byte_array_append (out, (const guint8 *) d->weight,
                           (guint) ((gsize) d->out_channels * d->patch));
    }
  return g_byte_array_free_to_bytes (out);
}

GBytes *
ecg_quant_model_serialise (const EcgQuantModel *qm, const EcgNormalisation *norm,
                           const char *const *classes, const char *class_map, int samples_before,
                           JsonObject *info, GError **error)
{
  g_autoptr (GBytes) payload = ecg_quant_model_section (qm);
  EcgModelFileSection section = { .flags = ECG_MODEL_FILE_SECTION_REQUIRED, .payload = payload };
  g_strlcpy (section.tag, ECG_QUANT_FILE_SECTION, sizeof section.tag);
  return ecg_model_file_serialise_full (ecg_quant_model_source (qm), norm, classes, class_map,
                                        samples_before, info, &section, 1, error);
}

gboolean
ecg_quant_model_save (const EcgQuantModel *qm, const EcgNormalisation *norm,
                      const char *const *classes, const char *class_map, int samples_before,
                      JsonObject *info, const char *path, GError **error)
{
  g_autoptr (GBytes) payload = ecg_quant_model_section (qm);
  EcgModelFileSection section = { .flags = ECG_MODEL_FILE_SECTION_REQUIRED, .payload = payload };
  g_strlcpy (section.tag, ECG_QUANT_FILE_SECTION, sizeof section.tag);
  return ecg_model_file_save_full (ecg_quant_model_source (qm), norm, classes, class_map,
                                   samples_before, info, &section, 1, path, error);
}

/* ---- reading ---- */

typedef struct
{
  const guint8 *p;
  gsize left;
  const char *label;
} Reader;

/* Takes `n` bytes, or fails naming what was wanted. */
static const guint8 *
take (Reader *r, gsize n, const char *what, GError **error)
{
  if (n > r->left)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: QNT8 is truncated: %s needs %" G_GSIZE_FORMAT " bytes, %" G_GSIZE_FORMAT
                   " left",
                   r->label, what, n, r->left);
      return NULL;
    }
  const guint8 *p = r->p;
  r->p += n;
  r->left -= n;
  return p;
}

static gboolean
take_u32 (Reader *r, guint32 *value, const char *what, GError **error)
{
  const guint8 *p = take (r, 4, what, error);
  if (p == NULL)
    return FALSE;
  memcpy (value, p, 4);
  *value = GUINT32_FROM_LE (*value);
  return TRUE;
}

/* n little-endian 32-bit words into out. */
static gboolean
take_words (Reader *r, void *out, gsize n, const char *what, GError **error)
{
  const guint8 *p = take (r, 4 * n, what, error);
  if (p == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;
      memcpy (&bits, p + 4 * i, 4);
      bits = GUINT32_FROM_LE (bits);
      memcpy ((guint8 *) out + 4 * i, &bits, 4);
    }
  return TRUE;
}

static void
layers_free (EcgQuantLayerData *layers, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_free (layers[i].weight_scale);
      g_free (layers[i].bias);
      g_free (layers[i].weight);
    }
  g_free (layers);
}

static EcgQuantModel *
read_section (const EcgModel *model, GBytes *payload, const char *label, GError **error)
{
  gsize length = 0;
  Reader r = { g_bytes_get_data (payload, &length), 0, label };
  r.left = length;
  guint32 version, n_tensors, n_layers;
  if (!take_u32 (&r, &version, "the version", error))
    return NULL;
  if (version != ECG_QUANT_FILE_VERSION)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s: QNT8 version %u is not the one this program reads (%d)", label, version,
                   ECG_QUANT_FILE_VERSION);
      return NULL;
    }
  if (!take_u32 (&r, &n_tensors, "the tensor count", error))
    return NULL;
  if (n_tensors != model->tensors->len)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: QNT8 has %u activation scales, %s has %u tensors", label, n_tensors,
                   model->arch, model->tensors->len);
      return NULL;
    }
  g_autofree float *scales = g_new (float, MAX (n_tensors, 1));
  if (!take_words (&r, scales, n_tensors, "the activation scales", error)
      || !take_u32 (&r, &n_layers, "the layer count", error))
    return NULL;
  /* A layer is at least 12 bytes: the count cannot exceed what is left. */
  if (n_layers > r.left / 12 || n_layers > model->ops->len)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: QNT8 declares %u int8 layers, more than %s could have", label, n_layers,
                   model->arch);
      return NULL;
    }
  EcgQuantLayerData *layers = g_new0 (EcgQuantLayerData, MAX (n_layers, 1));
  guint read = 0;
  gboolean ok = TRUE;
  for (; read < n_layers && ok; read++)
    {
      EcgQuantLayerData *d = &layers[read];
      guint32 op, m, k;
      ok = take_u32 (&r, &op, "a layer's op", error) && take_u32 (&r, &m, "a layer's width", error)
           && take_u32 (&r, &k, "a layer's patch", error);
      if (!ok)
        break;
      /* 9 bytes per channel plus K per channel must be present before anything is allocated. */
      if (m == 0 || k == 0 || op >= model->ops->len || m > r.left / 8
          || (guint64) m * k > r.left)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: QNT8 layer %u (op %u, %u x %u) does not fit the %" G_GSIZE_FORMAT
                       " bytes left",
                       label, read + 1, op, m, k, r.left);
          ok = FALSE;
          break;
        }
      d->conv_op = (int) op;
      d->out_channels = (int) m;
      d->patch = (int) k;
      d->weight_scale = g_new (float, m);
      d->bias = g_new (gint32, m);
      ok = take_words (&r, d->weight_scale, m, "weight scales", error)
           && take_words (&r, d->bias, m, "biases", error);
      const guint8 *w = ok ? take (&r, (gsize) m * k, "weights", error) : NULL;
      ok = ok && w != NULL;
      if (ok)
        d->weight = g_memdup2 (w, (gsize) m * k);
    }
  if (ok && r.left != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: QNT8 has %" G_GSIZE_FORMAT " bytes after its last layer", label, r.left);
      ok = FALSE;
    }
  EcgQuantModel *qm = ok ? ecg_quant_model_new_from_data (model, scales, n_tensors, layers,
                                                          (int) n_layers, label, error)
                         : NULL;
  layers_free (layers, read);
  return qm;
}

EcgQuantModelFile *
ecg_quant_model_file_load (const char *path, const guint8 *data, gsize length,
                           const char *label, GError **error)
{
  static const char *const accept[] = { ECG_QUANT_FILE_SECTION, NULL };
  g_autoptr (EcgModelFile) file = ecg_model_file_load_full (path, data, length, label, accept,
                                                            error);
  if (file == NULL)
    return NULL;
  g_autofree char *display = path != NULL ? g_filename_display_name (path)
                                          : g_strdup (label != NULL ? label : "model data");
  GBytes *payload = NULL;
  for (guint i = 0; file->extra_sections != NULL && i < file->extra_sections->len; i++)
    {
      EcgModelFileSection *s = g_ptr_array_index (file->extra_sections, i);
      if (strcmp (s->tag, ECG_QUANT_FILE_SECTION) == 0)
        payload = s->payload;
    }
  if (payload == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: not an INT8 model (no %s section): quantise it first", display,
                   ECG_QUANT_FILE_SECTION);
      return NULL;
    }
  EcgQuantModel *qm = read_section (file->model, payload, display, error);
  if (qm == NULL)
    return NULL;
  EcgQuantModelFile *out = g_new0 (EcgQuantModelFile, 1);
  out->file = g_steal_pointer (&file);
  out->model = qm;
  return out;
}
