/* ecg-mitbih.h — the MIT-BIH Arrhythmia Database's records and the inter-patient splits.
 *
 * de Chazal et al. 2004: DS1 (training) and DS2 (test) hold 22 records each, from different
 * patients; the four paced records are excluded from both.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ECG_MITBIH_DS1,
  ECG_MITBIH_DS2,
  ECG_MITBIH_PACED,
  ECG_MITBIH_ALL,
} EcgMitbihSplit;

/* The record names of a split, NULL-terminated, static storage. */
const char *const *ecg_mitbih_split_records (EcgMitbihSplit split);
/* "DS1", "DS2", "paced" or "all" (case-insensitive). */
gboolean ecg_mitbih_split_from_string (const char *name, EcgMitbihSplit *split, GError **error);
const char *ecg_mitbih_split_to_string (EcgMitbihSplit split);
/* DS1 records with S and V beats kept out of training for model selection (DESIGN.md §4). */
const char *const *ecg_mitbih_default_validation_records (void);

G_END_DECLS
