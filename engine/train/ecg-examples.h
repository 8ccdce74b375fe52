/* ecg-examples.h — what a model trains and is tested on: normalised input tensors with labels.
 *
 * EcgExamples is the common form of MIT-BIH beat sets ([n][1][L] windows, one class each, six
 * RR features) and PTB-XL record sets ([n][12][1000], multi-hot labels). Normalisation: every
 * window has its own mean removed per channel (baseline wander and offset differ between
 * patients and say nothing about the class), then each channel and RR feature is scaled by the
 * statistics of the *training* examples, which the model file keeps (its NORM section).
 */
#pragma once

#include <glib.h>

#include "dataset/ecg-beat-set.h"
#include "nn/ecg-normalisation.h"

G_BEGIN_DECLS

typedef struct
{
  gsize n;
  int channels;
  int length;
  float *inputs;       /* n × channels × length, normalised */
  int n_rr;            /* 0 or 6 */
  float *rr;           /* n × n_rr, normalised, or NULL */
  int n_classes;
  gboolean multi_label;
  gint32 *labels;      /* single-label: n class indices */
  float *targets;      /* multi-label: n × n_classes in {0, 1} */
  /* where each example comes from (for prediction lists) */
  char **record_names; /* per record */
  guint32 *record_of;  /* n */
  gint64 *sample_of;   /* n: R-peak sample (beats) or 0 */
} EcgExamples;

/* Examples from a beat set; `with_rr` keeps the six RR features. Inputs are demeaned per
 * window but not yet scaled (see ecg_examples_fit_normalisation / _apply_normalisation). */
EcgExamples *ecg_examples_from_beat_set (const EcgBeatSet *set, gboolean with_rr);
/* Examples from raw arrays (the PTB-XL record set, tests): copies them. `labels` or
 * `targets` (multi-label) gives the truth. */
EcgExamples *ecg_examples_new_from_arrays (gsize n, int channels, int length,
                                           const float *inputs, int n_classes,
                                           const gint32 *labels, const float *targets);

/* Statistics of `examples` (double accumulation), to normalise train, validation and test. */
EcgNormalisation *ecg_examples_fit_normalisation (const EcgExamples *examples);
void ecg_examples_apply_normalisation (EcgExamples *examples, const EcgNormalisation *norm);

/* A uniform random subset of `n` of `examples`, drawn with `seed` (the same seed and examples
 * give the same subset) and kept in their original order: selection sampling (Knuth's
 * Algorithm S), example i taken with probability (n - taken) / (N - i). n = 0 or n >= N gives a
 * copy of all N. The subset keeps every record name, so record_of indices stay valid. Owned by
 * the caller. */
EcgExamples *ecg_examples_subsample (const EcgExamples *examples, gsize n, guint64 seed);

/* Examples per class (single-label) or positives per class (multi-label) into counts. */
void ecg_examples_class_counts (const EcgExamples *examples, gsize *counts);

void ecg_examples_free (EcgExamples *examples);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgExamples, ecg_examples_free)

G_END_DECLS
