/* ecg-data.h — examples for an architecture from a database folder.
 *
 * A folder holding ptbxl_database.csv is PTB-XL (records chosen by fold); any other folder is
 * read as WFDB records with reference beat annotations (MIT-BIH, the demo records, a
 * clinician's own annotated records), chosen by name. The window, class map and RR features
 * follow the architecture (EcgArchInfo) or, for evaluation, the model file.
 */
#pragma once

#include <gio/gio.h>

#include "nn/ecg-zoo.h"
#include "train/ecg-examples.h"

G_BEGIN_DECLS

typedef struct
{
  EcgDatasetKind kind;
  int window_length;        /* MIT-BIH windows */
  int samples_before;
  const char *class_map;    /* MIT-BIH class map spec */
  gboolean rr_features;
} EcgDataSpec;

/* TRUE when `dir` is a PTB-XL tree. */
gboolean ecg_data_dir_is_ptbxl (const char *dir);

/* Beats of the named records (NULL-terminated) of a WFDB folder. */
EcgExamples *ecg_data_load_records (const char *dir, const char *const *records,
                                    const EcgDataSpec *spec, GCancellable *cancellable,
                                    GError **error);
/* Labelled PTB-XL records of the given folds. */
EcgExamples *ecg_data_load_ptbxl (const char *dir, const int *folds, int n_folds,
                                  GCancellable *cancellable, GError **error);

/* "101,106,108" → NULL-terminated names; "DS1", "DS2", "paced", "all" name the MIT-BIH
 * splits; "DS1-train" is DS1 without the default validation records, "DS1-val" those. */
char **ecg_data_parse_record_list (const char *text, GError **error);
/* "1-8", "9", "1,2,3" → fold numbers 1..10. */
int *ecg_data_parse_folds (const char *text, int *n_folds, GError **error);

G_END_DECLS
