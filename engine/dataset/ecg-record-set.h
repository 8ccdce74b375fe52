/* ecg-record-set.h — PTB-XL records as 12-lead tensors with superdiagnostic multi-hot labels.
 *
 * A record set is what the PTB-XL classifiers (ConvTransformer, ResNet1D_SE_Attn) train and test
 * on: for every record of the chosen strat_folds that has at least one superclass label
 * (DESIGN.md §4), its 100 Hz record (filename_lr) in mV, 12 leads × 1,000 samples in the PTB-XL
 * lead order below, and its labels over [CD, HYP, MI, NORM, STTC]. Records without a label are
 * dropped and counted. Records keep the database's file order (ecg_id order upstream).
 *
 * Memory layout, all arrays indexed by record i in 0..n_records-1:
 *   signals     float  [n_records][ECG_RECORD_SET_N_LEADS][ECG_RECORD_SET_N_SAMPLES], mV,
 *               i.e. sample t of lead l of record i is signals[(i * 12 + l) * 1000 + t];
 *   labels      float  [n_records][ECG_PTBXL_N_CLASSES], 0 or 1 (BCE targets);
 *   label_masks guint8 [n_records], ECG_PTBXL_CLASS_BIT of each class (never 0);
 *   ecg_ids, folds  int [n_records].
 */
#pragma once

#include <gio/gio.h>

#include "io/ecg-ptbxl.h"

G_BEGIN_DECLS

#define ECG_RECORD_SET_N_LEADS 12
#define ECG_RECORD_SET_N_SAMPLES 1000 /* 10 s */
#define ECG_RECORD_SET_FS 100.0       /* Hz, the filename_lr records */
#define ECG_RECORD_SET_RECORD_SIZE (ECG_RECORD_SET_N_LEADS * ECG_RECORD_SET_N_SAMPLES)
#define ECG_RECORD_SET_N_FOLDS 10 /* strat_fold 1..10: 1-8 train, 9 validation, 10 test */

typedef struct
{
  gsize n_records;
  float *signals;      /* n_records × 12 × 1000, mV (see the layout above) */
  float *labels;       /* n_records × ECG_PTBXL_N_CLASSES multi-hot */
  guint8 *label_masks; /* n_records */
  int *ecg_ids;        /* n_records */
  int *folds;          /* n_records, strat_fold 1..10 */
  gsize n_unlabelled;  /* records of the chosen folds dropped for having no superclass */
  gsize n_unlabelled_per_fold[ECG_RECORD_SET_N_FOLDS + 1]; /* the same by fold; [0] unused */
  gsize n_missing_samples; /* WFDB "missing" samples (the format's most negative value) of the
                            * kept records, stored as 0 mV so no NaN reaches a model */
} EcgRecordSet;

/* The name of lead `lead` (0..11) in the set's order: "I", "II", "III", "AVR", "AVL", "AVF",
 * "V1".."V6" (as PTB-XL's headers spell them); NULL out of range. Static string. */
const char *ecg_record_set_lead_name (int lead);

/* Loads the records of `ptbxl_dir` (holding ptbxl_database.csv, scp_statements.csv and the
 * records100 tree) whose strat_fold is one of `folds` (n_folds >= 1 values in 1..10, repeats
 * allowed; anything else is ECG_ERROR_INVALID) and that have a superclass label. Every record is
 * read with ecg_record_load() (checksums checked) and its leads are looked up by name, ignoring
 * ASCII case ("aVR" = "AVR"). Errors name the record (ecg_id and filename_lr): a file that
 * cannot be read or decoded, a missing lead (ECG_ERROR_NOT_FOUND), a sampling rate other than
 * 100 Hz, a length other than 1,000 samples or units other than mV (ECG_ERROR_FORMAT). The
 * signal buffer is allocated once, after counting the records; a failed allocation (the full
 * database needs about 1 GB) is ECG_ERROR_FAILED. Checks `cancellable` between records. Time
 * and memory are linear in the number of records. Returns an owned set (possibly empty). */
EcgRecordSet *ecg_record_set_load_ptbxl (const char *ptbxl_dir, const int *folds, int n_folds,
                                         GCancellable *cancellable, GError **error);

/* The records of `set` whose fold is one of `folds` (same rules as for loading), in the set's
 * order, copied: e.g. {1..8} train, {9} validation, {10} test from one set loaded with all ten.
 * The unlabelled counts are those of the chosen folds. Returns an owned set (possibly empty). */
EcgRecordSet *ecg_record_set_subset_folds (const EcgRecordSet *set, const int *folds, int n_folds,
                                           GError **error);

/* Number of records carrying each class, in class order, into counts[ECG_PTBXL_N_CLASSES]
 * (e.g. for a BCE positive weight). */
void ecg_record_set_count_labels (const EcgRecordSet *set, gsize *counts);

/* Per-lead mean and standard deviation over every sample of every record of `set`, into
 * mean[12] and std[12] (mV). Accumulated in double in two passes (mean, then the mean squared
 * deviation), population form (divide by N = n_records × 1000), as the training statistics for
 * normalisation. An empty set is ECG_ERROR_INVALID. */
gboolean ecg_record_set_channel_stats (const EcgRecordSet *set, double *mean, double *std,
                                       GError **error);

/* Normalises `set` in place, x = (x - mean[l]) / std[l] per lead l, with statistics usually
 * taken from the training folds and applied to every split. A std that is not a positive
 * finite number, or a non-finite mean, is ECG_ERROR_NUMERIC and leaves `set` untouched. */
gboolean ecg_record_set_normalise (EcgRecordSet *set, const double *mean, const double *std,
                                   GError **error);

void ecg_record_set_free (EcgRecordSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgRecordSet, ecg_record_set_free)

G_END_DECLS
