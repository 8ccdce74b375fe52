/* ecg-beat-item.h — one beat of a record's predictions as a list item (GObject) for the
 * misclassified-beats list: which beat, when, its reference and predicted class and the top
 * score, and (when two models are compared) the second model's class. Immutable. */
#pragma once

#include <glib-object.h>

#include "train/ecg-record-predictions.h"

G_BEGIN_DECLS

#define ECG_TYPE_BEAT_ITEM (ecg_beat_item_get_type ())
G_DECLARE_FINAL_TYPE (EcgBeatItem, ecg_beat_item, ECG, BEAT_ITEM, GObject)

/* Beat `beat` of `predictions`, with the class of `other` (may be NULL) for the same beat.
 * Copies what it needs; neither is kept. */
EcgBeatItem *ecg_beat_item_new (const EcgRecordPredictions *predictions,
                                const EcgRecordPredictions *other, guint beat);

guint ecg_beat_item_get_beat (EcgBeatItem *self);
gint64 ecg_beat_item_get_sample (EcgBeatItem *self);
double ecg_beat_item_get_seconds (EcgBeatItem *self);
/* Class indices (-1: none) and names ("" for none); names owned by the item. */
int ecg_beat_item_get_reference (EcgBeatItem *self);
int ecg_beat_item_get_predicted (EcgBeatItem *self);
int ecg_beat_item_get_other_predicted (EcgBeatItem *self);
const char *ecg_beat_item_get_reference_name (EcgBeatItem *self);
const char *ecg_beat_item_get_predicted_name (EcgBeatItem *self);
const char *ecg_beat_item_get_other_predicted_name (EcgBeatItem *self);
/* The predicted class's score (0 when not predicted). */
double ecg_beat_item_get_top_score (EcgBeatItem *self);
/* The record's name, owned by the item. */
const char *ecg_beat_item_get_record_name (EcgBeatItem *self);

G_END_DECLS
