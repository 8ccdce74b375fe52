/* ecg-model-card.h — what a reader must know about a model before trusting its figures: the
 * architecture and its cost, the data and protocol it was trained and tested under, the
 * measured metrics and the limits of those figures.
 *
 * Three sources, each kept apart so a card never mixes a guess with a measurement:
 *   - the model itself (ecg_cost_table_new): parameters, non-zero parameters, MACs, TF-FLOPs,
 *     input, classes; from a model file (its masks count) or a freshly built zoo architecture;
 *   - the file's HEAD provenance (EcgModelFile.info, written by `ecgwb train`): data folder,
 *     training and validation records, epochs, seed, validation score, ...;
 *   - an optional hand-written side file "<model>.card.json" next to "<model>.ecgm" with what
 *     the model file cannot know: the test set, the measured test metrics and their source,
 *     and the limits. Its members are all optional:
 *       {"description": str,
 *        "data": {"train": str, "validation": str, "test": str},
 *        "protocol": str,
 *        "metrics": {"source": str,
 *                    "values": [{"name": str, "value": num, "ci95": [num, num]}]},
 *        "limits": [str]}
 *     "ci95" is optional per value. Unknown members are ignored (later additions); a member of
 *     the wrong type is an error naming the file and the member.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The side file's suffix, replacing ".ecgm". */
#define ECG_MODEL_CARD_SUFFIX ".card.json"
/* Side files are a few kilobytes; anything much larger is not one. */
#define ECG_MODEL_CARD_MAX_BYTES (256 * 1024)

typedef struct
{
  char *name;
  double value;
  double ci_lower; /* 95 % interval, NAN when the source gives none */
  double ci_upper;
} EcgCardMetric;

typedef struct
{
  char *title;        /* the file's name without ".ecgm", or the architecture name */
  char *model_path;   /* NULL for an architecture */
  char *card_path;    /* the side file read, NULL when there is none */

  /* The model. */
  char *arch;
  int rr_features;
  int input_channels;
  int input_length;
  gboolean multi_label;
  char **classes;     /* NULL-terminated */
  char *class_map;    /* NULL when none (PTB-XL) */
  gboolean int8;      /* the file carries an INT8 version (QNT8 section) */
  gint64 file_bytes;  /* -1 for an architecture */
  gint64 params;
  gint64 nonzero_params;
  gint64 prunable_params;
  gint64 nonzero_prunable_params;
  gint64 macs;        /* kept weights only */
  gint64 tf_flops;

  /* HEAD provenance. */
  char *writer;       /* NULL when unknown */
  JsonObject *info;   /* never NULL; empty for an architecture */

  /* The side file (NULL / empty when absent). */
  char *description;
  char *train_data;
  char *validation_data;
  char *test_data;
  char *protocol;
  char *metrics_source;
  GPtrArray *metrics; /* EcgCardMetric*, never NULL */
  char **limits;      /* NULL-terminated, never NULL */
} EcgModelCard;

void ecg_model_card_free (EcgModelCard *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgModelCard, ecg_model_card_free)

/* "dir/CNN1D_3Class-demo.ecgm" → "dir/CNN1D_3Class-demo.card.json" (a path not ending in
 * ".ecgm" gets the suffix appended). Owned by the caller. */
char *ecg_model_card_side_path (const char *model_path);

/* The card of the model file at `model_path` (INT8 files included) and of its side file when
 * there is one. Reads files: call it off the UI thread. NULL with the model file's errors, or
 * ECG_ERROR_IO / ECG_ERROR_FORMAT naming the side file. Owned by the caller. */
EcgModelCard *ecg_model_card_new_for_file (const char *model_path, GError **error);

/* The card of zoo architecture `arch` as ecg_zoo_build (arch, rr_features, 1) builds it: the
 * model figures only. ECG_ERROR_NOT_FOUND for an unknown name. Owned by the caller. */
EcgModelCard *ecg_model_card_new_for_arch (const char *arch, gboolean rr_features,
                                           GError **error);

/* Fills the side-file part of `card` from `json` (length bytes; `label` names it in errors).
 * ECG_ERROR_FORMAT on malformed JSON or a member of the wrong type. */
gboolean ecg_model_card_read_side (EcgModelCard *card, const char *json, gsize length,
                                   const char *label, GError **error);

/* The fraction of prunable weights removed by the masks or zero (0 for a dense model, 0 when
 * nothing is prunable). */
double ecg_model_card_sparsity (const EcgModelCard *card);

G_END_DECLS
