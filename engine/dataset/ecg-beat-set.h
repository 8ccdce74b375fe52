/* ecg-beat-set.h — fixed-length windows around reference beats, with labels and RR features.
 *
 * A beat set is what the classifiers train and test on: for each reference beat whose code is
 * in the class map, the window [R - samples_before, R - samples_before + window_length) of one
 * lead (MLII by name, else the record's first lead), in mV. Windows that would cross the
 * record's ends are dropped and counted. Every beat keeps its record, R-peak sample and six RR
 * features (DESIGN.md §4).
 */
#pragma once

#include <gio/gio.h>

#include "dataset/ecg-class-map.h"
#include "dataset/ecg-mitbih.h"
#include "io/ecg-record.h"

G_BEGIN_DECLS

/* The RR features of one beat, in this order. RR intervals come from all beat annotations of
 * the record (not only those of the task). The first beat's previous RR and the last beat's
 * next RR are the record's mean RR; the local mean averages up to 10 previous RRs. */
enum
{
  ECG_RR_PREVIOUS_S,
  ECG_RR_NEXT_S,
  ECG_RR_LOCAL_MEAN_S,
  ECG_RR_PREVIOUS_RATIO, /* previous RR / the record's mean RR */
  ECG_RR_NEXT_RATIO,
  ECG_RR_LOCAL_MEAN_RATIO,
  ECG_RR_N_FEATURES
};

#define ECG_RR_LOCAL_WINDOW 10

typedef struct
{
  int window_length;  /* samples; 256 by default */
  int samples_before; /* samples before the R peak; 90 by default (166 after) */
  char *lead;         /* lead name; NULL: "MLII", else the first lead */
} EcgBeatWindowOptions;

typedef struct
{
  char *name;
  char *lead;                  /* the lead the windows come from */
  double mean_rr_s;
  gsize first_beat;            /* index of its first kept beat in the set */
  gsize n_beats;               /* kept beats */
  gsize class_counts[ECG_CLASS_MAP_MAX_CLASSES]; /* every reference beat, kept or dropped */
  gsize dropped_at_edges;
} EcgBeatSetRecord;

typedef struct
{
  EcgClassMap *class_map;
  int window_length;
  int samples_before;
  char *lead_option;           /* the lead asked for; NULL: MLII, else the first lead */
  double fs;                   /* of every record in the set; 0 until the first is added */
  gsize n_beats;
  float *windows;              /* n_beats × window_length, mV */
  gint8 *labels;               /* n_beats class indices */
  guint8 *codes;               /* n_beats annotation codes */
  gint64 *r_peaks;             /* n_beats samples */
  guint32 *record_of_beat;     /* n_beats indices into records */
  float *rr_features;          /* n_beats × ECG_RR_N_FEATURES */
  GArray *records;             /* EcgBeatSetRecord */
  gsize class_counts[ECG_CLASS_MAP_MAX_CLASSES];
  gsize dropped_at_edges;
  gsize capacity;
} EcgBeatSet;

/* 256 samples, 90 before, lead MLII. */
void ecg_beat_window_options_init (EcgBeatWindowOptions *options);

/* An empty set; `options` may be NULL for the defaults. Copies both arguments. */
EcgBeatSet *ecg_beat_set_new (const EcgClassMap *class_map, const EcgBeatWindowOptions *options);
/* Adds the beats of `record`. A record without beat annotations is ECG_ERROR_NOT_FOUND; a
 * record whose fs differs from the set's is ECG_ERROR_INVALID. */
gboolean ecg_beat_set_add_record (EcgBeatSet *set, const EcgRecord *record, GError **error);
/* Loads `data_dir`/name for each of `records` (NULL-terminated) and adds it. Checks
 * `cancellable` between records. Returns an owned set. */
EcgBeatSet *ecg_beat_set_load (const char *data_dir, const char *const *records,
                               const EcgClassMap *class_map,
                               const EcgBeatWindowOptions *options, GCancellable *cancellable,
                               GError **error);
/* As ecg_beat_set_load() for a MIT-BIH split. */
EcgBeatSet *ecg_beat_set_load_split (const char *data_dir, EcgMitbihSplit split,
                                     const EcgClassMap *class_map,
                                     const EcgBeatWindowOptions *options,
                                     GCancellable *cancellable, GError **error);

/* The beats of the named records only (a copy). Records not in the set are ECG_ERROR_NOT_FOUND. */
EcgBeatSet *ecg_beat_set_subset (const EcgBeatSet *set, const char *const *records,
                                 GError **error);

void ecg_beat_set_free (EcgBeatSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgBeatSet, ecg_beat_set_free)

G_END_DECLS
