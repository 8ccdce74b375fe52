/* ecg-record-predictions.c — every beat of one record classified, its confusion, two models
 * compared, CSV export. */
#include "train/ecg-record-predictions.h"

#include <string.h>

#include "dataset/ecg-beat-set.h"
#include "ecg-error.h"
#include "signal/ecg-qrs-detector.h"
#include "train/ecg-examples.h"
#include "train/ecg-trainer.h"

static EcgRecordPredictions *
predictions_new (const char *record_name, double fs, const char *const *classes,
                 const char *model_name, gsize n_beats)
{
  EcgRecordPredictions *p = g_new0 (EcgRecordPredictions, 1);
  p->record_name = g_strdup (record_name);
  p->fs = fs;
  p->classes = g_strdupv ((char **) classes);
  p->n_classes = (int) g_strv_length (p->classes);
  p->model_name = g_strdup (model_name);
  p->n_beats = n_beats;
  /* MAX (n, 1): a record without beats still gets valid (empty) arrays. */
  p->samples = g_new0 (gint64, MAX (n_beats, 1));
  p->codes = g_new0 (guint8, MAX (n_beats, 1));
  p->reference = g_new0 (gint32, MAX (n_beats, 1));
  p->predicted = g_new0 (gint32, MAX (n_beats, 1));
  p->scores = g_new0 (float, MAX (n_beats, 1) * (gsize) MAX (p->n_classes, 1));
  return p;
}

void
ecg_record_predictions_free (EcgRecordPredictions *p)
{
  if (p == NULL)
    return;
  g_free (p->record_name);
  g_strfreev (p->classes);
  g_free (p->model_name);
  g_free (p->samples);
  g_free (p->codes);
  g_free (p->reference);
  g_free (p->predicted);
  g_free (p->scores);
  g_free (p);
}

EcgRecordPredictions *
ecg_record_predictions_copy (const EcgRecordPredictions *p)
{
  EcgRecordPredictions *copy = predictions_new (p->record_name, p->fs,
                                                (const char *const *) p->classes,
                                                p->model_name, p->n_beats);
  copy->detected = p->detected;
  gsize n = p->n_beats;
  memcpy (copy->samples, p->samples, n * sizeof (gint64));
  memcpy (copy->codes, p->codes, n * sizeof (guint8));
  memcpy (copy->reference, p->reference, n * sizeof (gint32));
  memcpy (copy->predicted, p->predicted, n * sizeof (gint32));
  memcpy (copy->scores, p->scores, n * (gsize) p->n_classes * sizeof (float));
  return copy;
}

/* The model's class map with one more class, "other", holding every beat code outside the
 * model's classes: then EcgBeatSet keeps a window (and RR features) for every beat of the
 * record, and the extra class reads back as "no reference class". */
static EcgClassMap *
class_map_with_other (const char *spec, GError **error)
{
  g_autoptr (EcgClassMap) map = ecg_class_map_parse (spec, error);
  if (map == NULL)
    return NULL;
  if (map->n_classes >= ECG_CLASS_MAP_MAX_CLASSES)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "class map '%s' has %d classes: no room to keep the beats of other codes",
                   spec, map->n_classes);
      return NULL;
    }
  int other = map->n_classes++;
  map->class_names[other] = g_strdup ("other");
  for (int code = 0; code <= ECG_ANN_ACMAX; code++)
    if (ecg_annotation_code_is_beat (code) && map->class_of_code[code] < 0)
      map->class_of_code[code] = (gint8) other;
  return g_steal_pointer (&map);
}

/* Detected beats as 'N' annotations, so that the beat set reads them like reference beats
 * (their class is discarded afterwards). Owned by the caller. */
static EcgAnnotationList *
detect_beats (const EcgRecord *record, GError **error)
{
  g_autoptr (GArray) peaks = ecg_qrs_detect_record (record, -1, NULL, error);
  if (peaks == NULL)
    return NULL;
  EcgAnnotationList *list = ecg_annotation_list_new (peaks->len);
  for (guint i = 0; i < peaks->len; i++)
    {
      list->items[i].sample = g_array_index (peaks, gint64, i);
      list->items[i].code = ECG_ANN_NORMAL;
    }
  return list;
}

static gboolean
check_model (const EcgModelFile *file, GError **error)
{
  const EcgModel *m = file->model;
  if (m->multi_label || file->class_map == NULL || m->input_channels != 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "model %s is not a single-lead beat classifier with a class map (a record "
                   "model such as PTB-XL's cannot label beats)", m->arch);
      return FALSE;
    }
  if (m->rr_features != 0 && m->rr_features != ECG_RR_N_FEATURES)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "model %s takes %d RR features; beats have %d", m->arch, m->rr_features,
                   ECG_RR_N_FEATURES);
      return FALSE;
    }
  return TRUE;
}

EcgRecordPredictions *
ecg_record_predictions_compute (const EcgModelFile *file, const EcgRecord *record, int threads,
                                GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (file != NULL && record != NULL, NULL);
  if (!check_model (file, error))
    return NULL;
  if (record->n_leads < 1 || record->leads[0].samples == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "record %s has no signals loaded",
                   record->name);
      return NULL;
    }
  const EcgModel *model = file->model;
  const int n_classes = model->n_outputs;
  g_autoptr (EcgClassMap) map = class_map_with_other (file->class_map, error);
  if (map == NULL)
    return NULL;
  if (map->n_classes - 1 != n_classes)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "model %s: class map '%s' has %d classes, the model %d outputs", model->arch,
                   file->class_map, map->n_classes - 1, n_classes);
      return NULL;
    }

  /* The beats: the reference annotations, else the detector's. A shallow copy of the record
   * carries the detected beats; the copy owns nothing. */
  g_autoptr (EcgAnnotationList) detected_list = NULL;
  EcgRecord with_beats = *record;
  gboolean detected = record->annotations == NULL
                      || ecg_annotation_list_count_beats (record->annotations) == 0;
  if (detected)
    {
      detected_list = detect_beats (record, error);
      if (detected_list == NULL)
        return NULL;
      with_beats.annotations = detected_list;
    }
  const EcgAnnotationList *beats = with_beats.annotations;
  gsize n_beats = ecg_annotation_list_count_beats (beats);
  g_autoptr (EcgRecordPredictions) p
    = predictions_new (record->name, record->fs, (const char *const *) file->classes,
                       model->arch, n_beats);
  p->detected = detected;
  if (n_beats == 0)
    return g_steal_pointer (&p);

  EcgBeatWindowOptions window = { .window_length = model->input_length,
                                  .samples_before = file->samples_before,
                                  .lead = NULL };
  g_autoptr (EcgBeatSet) set = ecg_beat_set_new (map, &window);
  if (!ecg_beat_set_add_record (set, &with_beats, error))
    return NULL;
  if (ecg_error_set_if_cancelled (cancellable, error))
    return NULL;

  g_autofree float *probabilities = NULL;
  if (set->n_beats > 0)
    {
      g_autoptr (EcgExamples) examples = ecg_examples_from_beat_set (set, model->rr_features > 0);
      ecg_examples_apply_normalisation (examples, file->norm);
      /* Eval-mode prediction reads the model only; ecg_predict's pointer is not const. */
      probabilities = ecg_predict ((EcgModel *) model, examples, threads, cancellable, error);
      if (probabilities == NULL)
        return NULL;
    }

  /* The set holds the beats in annotation order minus those dropped at the record's ends:
   * walk both together. */
  gsize kept = 0, b = 0;
  for (gsize i = 0; i < beats->n_items; i++)
    {
      const EcgAnnotation *a = &beats->items[i];
      if (!ecg_annotation_code_is_beat (a->code))
        continue;
      p->samples[b] = a->sample;
      p->codes[b] = detected ? 0 : a->code;
      int cls = map->class_of_code[a->code];
      p->reference[b] = detected || cls >= n_classes ? -1 : cls;
      p->predicted[b] = -1;
      if (kept < set->n_beats && set->r_peaks[kept] == a->sample)
        {
          const float *probs = probabilities + kept * (gsize) n_classes;
          memcpy (p->scores + b * (gsize) n_classes, probs, (gsize) n_classes * sizeof (float));
          int best = 0;
          for (int c = 1; c < n_classes; c++)
            if (probs[c] > probs[best])
              best = c;
          p->predicted[b] = best;
          kept++;
        }
      b++;
    }
  g_assert (kept == set->n_beats && b == n_beats);
  return g_steal_pointer (&p);
}

gboolean
ecg_record_predictions_is_error (const EcgRecordPredictions *p, gsize beat)
{
  g_return_val_if_fail (beat < p->n_beats, FALSE);
  return p->reference[beat] >= 0 && p->predicted[beat] >= 0
         && p->reference[beat] != p->predicted[beat];
}

gsize
ecg_record_predictions_count_errors (const EcgRecordPredictions *p)
{
  gsize n = 0;
  for (gsize i = 0; i < p->n_beats; i++)
    n += ecg_record_predictions_is_error (p, i);
  return n;
}

int
ecg_record_predictions_top (const EcgRecordPredictions *p, gsize beat, float *score)
{
  g_return_val_if_fail (beat < p->n_beats, -1);
  int top = p->predicted[beat];
  if (score != NULL)
    *score = top >= 0 ? p->scores[beat * (gsize) p->n_classes + (gsize) top] : 0.0f;
  return top;
}

EcgConfusion *
ecg_record_predictions_confusion (const EcgRecordPredictions *p)
{
  EcgConfusion *confusion = ecg_confusion_new (MAX (p->n_classes, 1));
  for (gsize i = 0; i < p->n_beats; i++)
    if (p->reference[i] >= 0 && p->predicted[i] >= 0)
      ecg_confusion_add (confusion, p->reference[i], p->predicted[i]);
  return confusion;
}

GArray *
ecg_record_predictions_compare (const EcgRecordPredictions *a, const EcgRecordPredictions *b,
                                GError **error)
{
  if (g_strcmp0 (a->record_name, b->record_name) != 0 || a->n_beats != b->n_beats
      || memcmp (a->samples, b->samples, a->n_beats * sizeof (gint64)) != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "predictions of record %s (%" G_GSIZE_FORMAT " beats) and of record %s (%"
                   G_GSIZE_FORMAT " beats) are not on the same beats",
                   a->record_name, a->n_beats, b->record_name, b->n_beats);
      return NULL;
    }
  if (!g_strv_equal ((const char *const *) a->classes, (const char *const *) b->classes))
    {
      g_autofree char *ca = g_strjoinv (",", a->classes);
      g_autofree char *cb = g_strjoinv (",", b->classes);
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "models %s (classes %s) and %s (classes %s) do not predict the same classes",
                   a->model_name, ca, b->model_name, cb);
      return NULL;
    }
  GArray *changed = g_array_new (FALSE, FALSE, sizeof (guint));
  for (gsize i = 0; i < a->n_beats; i++)
    if (a->predicted[i] != b->predicted[i])
      {
        guint index = (guint) i;
        g_array_append_val (changed, index);
      }
  return changed;
}

/* A CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break. */
static void
append_field (GString *out, const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = text; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static const char *
class_name (const EcgRecordPredictions *p, int index)
{
  return index >= 0 && index < p->n_classes ? p->classes[index] : "";
}

static void
append_number (GString *out, const char *format, double value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c (out, ',');
  g_string_append (out, g_ascii_formatd (number, sizeof number, format, value));
}

gboolean
ecg_record_predictions_write_csv (const EcgRecordPredictions *p,
                                  const EcgRecordPredictions *other, const guint *beats,
                                  gsize n_beats, const char *path, GError **error)
{
  if (other != NULL && other->n_beats != p->n_beats)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: the second model's predictions are on other beats of record %s", path,
                   p->record_name);
      return FALSE;
    }
  g_autoptr (GString) out = g_string_new ("record,sample,time_s,reference,predicted,top_score");
  for (int c = 0; c < p->n_classes; c++)
    {
      g_string_append (out, ",");
      g_autofree char *column = g_strconcat ("score_", p->classes[c], NULL);
      append_field (out, column);
    }
  if (other != NULL)
    g_string_append (out, ",other_predicted,other_top_score");
  g_string_append_c (out, '\n');

  gsize n = beats != NULL ? n_beats : p->n_beats;
  for (gsize k = 0; k < n; k++)
    {
      gsize i = beats != NULL ? beats[k] : k;
      if (i >= p->n_beats)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "%s: beat %" G_GSIZE_FORMAT " is not a beat of record %s (%"
                       G_GSIZE_FORMAT " beats)", path, i, p->record_name, p->n_beats);
          return FALSE;
        }
      float top_score;
      ecg_record_predictions_top (p, i, &top_score);
      append_field (out, p->record_name);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT, p->samples[i]);
      append_number (out, "%.3f", (double) p->samples[i] / p->fs);
      g_string_append_c (out, ',');
      append_field (out, class_name (p, p->reference[i]));
      g_string_append_c (out, ',');
      append_field (out, class_name (p, p->predicted[i]));
      append_number (out, "%.6g", top_score);
      for (int c = 0; c < p->n_classes; c++)
        append_number (out, "%.6g", p->scores[i * (gsize) p->n_classes + (gsize) c]);
      if (other != NULL)
        {
          float other_score;
          int other_top = ecg_record_predictions_top (other, i, &other_score);
          g_string_append_c (out, ',');
          append_field (out, class_name (other, other_top));
          append_number (out, "%.6g", other_score);
        }
      g_string_append_c (out, '\n');
    }
  g_autoptr (GError) local_error = NULL;
  if (!g_file_set_contents (path, out->str, (gssize) out->len, &local_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
