/* ecg-beat-item.c — a beat's prediction as a GObject list item. */
#include "ecg-beat-item.h"

struct _EcgBeatItem
{
  GObject parent_instance;

  guint beat;
  gint64 sample;
  double seconds;
  int reference;
  int predicted;
  int other_predicted;
  double top_score;
  char *record_name;
  char *reference_name;
  char *predicted_name;
  char *other_predicted_name;
};

G_DEFINE_FINAL_TYPE (EcgBeatItem, ecg_beat_item, G_TYPE_OBJECT)

static char *
class_name (const EcgRecordPredictions *p, int index)
{
  return g_strdup (index >= 0 && index < p->n_classes ? p->classes[index] : "");
}

EcgBeatItem *
ecg_beat_item_new (const EcgRecordPredictions *p, const EcgRecordPredictions *other,
                   guint beat)
{
  g_return_val_if_fail (p != NULL && beat < p->n_beats, NULL);
  g_return_val_if_fail (other == NULL || other->n_beats == p->n_beats, NULL);

  EcgBeatItem *self = g_object_new (ECG_TYPE_BEAT_ITEM, NULL);
  float top = 0.0f;
  self->beat = beat;
  self->sample = p->samples[beat];
  self->seconds = (double) p->samples[beat] / p->fs;
  self->reference = p->reference[beat];
  self->predicted = ecg_record_predictions_top (p, beat, &top);
  self->top_score = top;
  self->other_predicted = other != NULL ? other->predicted[beat] : -1;
  self->record_name = g_strdup (p->record_name);
  self->reference_name = class_name (p, self->reference);
  self->predicted_name = class_name (p, self->predicted);
  self->other_predicted_name = other != NULL ? class_name (other, self->other_predicted)
                                             : g_strdup ("");
  return self;
}

guint
ecg_beat_item_get_beat (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), 0);
  return self->beat;
}

gint64
ecg_beat_item_get_sample (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), 0);
  return self->sample;
}

double
ecg_beat_item_get_seconds (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), 0.0);
  return self->seconds;
}

int
ecg_beat_item_get_reference (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), -1);
  return self->reference;
}

int
ecg_beat_item_get_predicted (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), -1);
  return self->predicted;
}

int
ecg_beat_item_get_other_predicted (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), -1);
  return self->other_predicted;
}

const char *
ecg_beat_item_get_reference_name (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), NULL);
  return self->reference_name;
}

const char *
ecg_beat_item_get_predicted_name (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), NULL);
  return self->predicted_name;
}

const char *
ecg_beat_item_get_other_predicted_name (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), NULL);
  return self->other_predicted_name;
}

double
ecg_beat_item_get_top_score (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), 0.0);
  return self->top_score;
}

const char *
ecg_beat_item_get_record_name (EcgBeatItem *self)
{
  g_return_val_if_fail (ECG_IS_BEAT_ITEM (self), NULL);
  return self->record_name;
}

static void
ecg_beat_item_finalize (GObject *object)
{
  EcgBeatItem *self = ECG_BEAT_ITEM (object);
  g_free (self->record_name);
  g_free (self->reference_name);
  g_free (self->predicted_name);
  g_free (self->other_predicted_name);
  G_OBJECT_CLASS (ecg_beat_item_parent_class)->finalize (object);
}

static void
ecg_beat_item_class_init (EcgBeatItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ecg_beat_item_finalize;
}

static void
ecg_beat_item_init (EcgBeatItem *self)
{
  self->reference = -1;
  self->predicted = -1;
  self->other_predicted = -1;
}
