/* ecg-record.h — a WFDB record in memory: leads in physical units plus reference annotations.
 *
 * EcgRecord is the one object the rest of the engine reads ECG data through, whatever its
 * origin (MIT-BIH, PTB-XL, the synthetic generator, a clinician's own WFDB file).
 */
#pragma once

#include <glib.h>

#include "io/ecg-annotation.h"
#include "io/ecg-wfdb-header.h"

G_BEGIN_DECLS

typedef enum
{
  ECG_CHECKSUM_ABSENT, /* the header gives no checksum */
  ECG_CHECKSUM_OK,
  ECG_CHECKSUM_BAD,    /* only when loaded with ECG_RECORD_ALLOW_BAD_CHECKSUM */
} EcgChecksumState;

typedef struct
{
  char *name;           /* description field of the header, e.g. "MLII" */
  double gain;          /* ADC units per physical unit */
  int baseline;         /* ADC value of physical zero */
  char *units;          /* e.g. "mV" */
  int adc_zero;
  int adc_resolution;
  EcgChecksumState checksum_state;
  gint32 *adc;          /* n_samples raw ADC values (as stored in the file) */
  float *samples;       /* n_samples physical values: (adc - baseline) / gain */
} EcgLead;

typedef struct
{
  char *name;           /* record name, e.g. "100" or "00001_lr" */
  char *path;           /* record path without extension, as given to ecg_record_load() */
  double fs;            /* samples per second per signal */
  gint64 n_samples;
  int n_leads;
  EcgLead *leads;
  EcgWfdbHeader *header;          /* the parsed header, owned */
  EcgAnnotationList *annotations; /* reference annotations (.atr), NULL when absent */
} EcgRecord;

typedef enum
{
  ECG_RECORD_LOAD_DEFAULT = 0,
  ECG_RECORD_NO_ANNOTATIONS = 1 << 0,    /* do not read the .atr file */
  ECG_RECORD_ALLOW_BAD_CHECKSUM = 1 << 1,/* mark a bad checksum instead of failing */
  ECG_RECORD_HEADER_ONLY = 1 << 2,       /* read the header (and annotations), not the signals */
} EcgRecordLoadFlags;

/* Loads the record at `path` (without extension: "data/mitdb/100" reads 100.hea, 100.dat and,
 * when present, 100.atr). A checksum mismatch is ECG_ERROR_CHECKSUM unless
 * ECG_RECORD_ALLOW_BAD_CHECKSUM. Returns an owned record. */
EcgRecord *ecg_record_load (const char *path, EcgRecordLoadFlags flags, GError **error);

/* Builds a record from physical samples (used by the synthetic generator and tests).
 * `samples[lead]` holds n_samples floats; values are quantised with `gain` and `adc_zero` 0.
 * `annotations` is copied when non-NULL. */
EcgRecord *ecg_record_new_from_samples (const char *name, double fs, gint64 n_samples,
                                        int n_leads, const char *const *lead_names,
                                        const float *const *samples, double gain,
                                        const EcgAnnotationList *annotations);

/* Writes `record` as `dir`/`name`.hea, .dat (format 16 or 212) and .atr (when it has
 * annotations). Signals are written from the leads' ADC values. */
gboolean ecg_record_save (const EcgRecord *record, const char *dir, int format,
                          GError **error);

/* Index of the lead whose name is `lead_name` (exact, case-sensitive), or -1. */
int ecg_record_find_lead (const EcgRecord *record, const char *lead_name);

void ecg_record_free (EcgRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgRecord, ecg_record_free)

G_END_DECLS
