/* ecg-model-file.h — the versioned binary model file (".ecgm"): a trained or compressed model
 * with everything needed to run it on new beats (normalisation, classes, window placement).
 *
 * Layout (all integers little-endian, floats IEEE-754 binary32 little-endian):
 *
 *   file header, 16 bytes
 *     0  char[8]  magic "ECGWBMDL"
 *     8  u32      format version (1)
 *    12  u32      number of sections that follow
 *   then that many sections, back to back, each
 *     0  char[4]  tag, e.g. "PARM"
 *     4  u32      flags: bit 0 = required; bits 1-31 reserved (written 0, ignored on reading)
 *     8  u64      payload length in bytes
 *    16  u8[len]  payload
 *        u8[8]    checksum: the first 8 bytes of the SHA-256 (GChecksum) of the 16-byte section
 *                 header followed by the payload — covering the header too means a flipped bit
 *                 in a tag or length reads as corruption, not as an unknown section
 *   and nothing after the last section.
 *
 * Sections of version 1 (each at most once; order free, the writer uses this one):
 *   "HEAD" required  UTF-8 JSON object:
 *                      "arch" (zoo name), "rr_features" (0 or 6), "classes" ([str], one per
 *                      output), "multi_label" (bool), "input" ([C, L]), "samples_before" (int,
 *                      window samples before the R peak; 0 for PTB-XL), "class_map" (spec string
 *                      or null), "n_params", "n_state" (ints), "writer" (program and git hash),
 *                      "info" (object: free training provenance filled by the caller);
 *                      optional "widths" ([int], the layer widths of ecg_zoo_model_widths, each
 *                      in 1..the standard width): present only for a structurally pruned model,
 *                      which the reader builds with ecg_zoo_build_with_widths(); absent = the
 *                      standard widths. A reader that predates it refuses such a file by its
 *                      "n_params" check.
 *                    Nesting deeper than 64 levels is refused (json-glib's parser recurses).
 *   "NORM" required  u32 C, u32 R, then float32 channel_mean[C], channel_std[C], rr_mean[R],
 *                    rr_std[R]; C and R must equal the model's input channels and RR features,
 *                    every value finite and every std > 0.
 *   "PARM" required  float32 params[n_params] (EcgModel.params order); never NaN or Inf.
 *   "MASK" optional  bitset of ceil(n_params / 8) bytes: bit (i % 8) of byte i / 8 (least
 *                    significant bit first) is mask[i]; unused bits of the last byte are 0.
 *                    Absent = every mask 1 (the writer omits it for an unpruned model). Masks
 *                    are exactly 0 or 1, so a bitset is 32× smaller than float32 and exact.
 *                    Non-prunable parameters must have mask 1.
 *   "STAT" required  float32 state[n_state] (BatchNorm running mean then variance per layer).
 *
 * Compatibility: later additions (INT8 scales, provenance) come as new sections —
 * optional when a reader that ignores them still runs the model correctly, required when it
 * would not. A reader refuses a file with an unknown required section (ECG_ERROR_UNSUPPORTED) and
 * skips unknown optional ones. The format version changes only when the layout above itself
 * changes; a reader refuses a newer version with ECG_ERROR_UNSUPPORTED. Sections defined
 * outside this file (e.g. "QNT8", engine/quant/ecg-quant-file.h) are written after STAT by
 * ecg_model_file_serialise_full() and handed back by ecg_model_file_load_full() to the callers
 * that name them; every other reader treats them as unknown.
 *
 * Reading checks every length against the bytes present before using it (no allocation is sized
 * by a length read from the file), every checksum (ECG_ERROR_CHECKSUM naming the section), the
 * HEAD fields against the architecture built by ecg_zoo_build() or, with "widths",
 * ecg_zoo_build_with_widths() (parameter and state counts,
 * input shape, outputs), and the float values; any failure is a GError naming the file.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "nn/ecg-model.h"
#include "nn/ecg-normalisation.h"

G_BEGIN_DECLS

#define ECG_MODEL_FILE_MAGIC "ECGWBMDL"
#define ECG_MODEL_FILE_VERSION 1
/* Section flag bit 0: a reader that does not know the tag must refuse the file. */
#define ECG_MODEL_FILE_SECTION_REQUIRED 1u

/* A loaded model file; every member is owned by the struct. */
typedef struct
{
  EcgModel *model;        /* params, masks and state as stored */
  EcgNormalisation *norm;
  char **classes;         /* model->n_outputs names, NULL-terminated */
  char *class_map;        /* NULL when the file has none (PTB-XL) */
  int samples_before;
  JsonObject *info;       /* never NULL; empty when the writer gave none */
  char *writer;           /* program that wrote the file, or NULL */
  GPtrArray *extra_sections; /* EcgModelFileSection: the sections asked for by
                                ecg_model_file_load_full() that the file has; may be NULL */
} EcgModelFile;

/* A section besides the standard ones (written after them, in the given order). */
typedef struct
{
  char tag[5];     /* four printable ASCII characters and a NUL */
  guint32 flags;   /* ECG_MODEL_FILE_SECTION_REQUIRED or 0 */
  GBytes *payload; /* owned */
} EcgModelFileSection;

/* A section with a copy of tag and a reference to payload. Owned by the caller. */
EcgModelFileSection *ecg_model_file_section_new (const char *tag, guint32 flags, GBytes *payload);
void ecg_model_file_section_free (EcgModelFileSection *section);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgModelFileSection, ecg_model_file_section_free)

void ecg_model_file_free (EcgModelFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgModelFile, ecg_model_file_free)

/* The file's bytes for `model` (arch must be a zoo architecture). `norm` NULL = identity;
 * `classes` NULL = the zoo's class names for the architecture, otherwise a NULL-terminated array
 * of model->n_outputs strings; `class_map` may be NULL; `info` (may be NULL) is stored as is.
 * Fails with ECG_ERROR_NUMERIC when params, state or norm hold NaN/Inf, ECG_ERROR_INVALID on
 * shape mismatches, masks other than 0/1, or a mask 0 on a non-prunable parameter. The bytes are
 * owned by the caller (g_bytes_unref). */
GBytes *ecg_model_file_serialise (const EcgModel *model, const EcgNormalisation *norm,
                                  const char *const *classes, const char *class_map,
                                  int samples_before, JsonObject *info, GError **error);

/* ecg_model_file_serialise() with `n_extra` more sections after the standard ones. Each tag must
 * be four printable ASCII characters, differ from the standard tags and from the others, and
 * flags hold only ECG_MODEL_FILE_SECTION_REQUIRED (ECG_ERROR_INVALID otherwise). */
GBytes *ecg_model_file_serialise_full (const EcgModel *model, const EcgNormalisation *norm,
                                       const char *const *classes, const char *class_map,
                                       int samples_before, JsonObject *info,
                                       const EcgModelFileSection *extra, gsize n_extra,
                                       GError **error);

/* ecg_model_file_serialise() written to `path` atomically: the bytes go to a temporary file in
 * the same folder, which is synced and renamed over `path`, so a crash leaves either the old
 * file or the complete new one. */
gboolean ecg_model_file_save (const EcgModel *model, const EcgNormalisation *norm,
                              const char *const *classes, const char *class_map,
                              int samples_before, JsonObject *info, const char *path,
                              GError **error);
/* The same with extra sections (ecg_model_file_serialise_full()). */
gboolean ecg_model_file_save_full (const EcgModel *model, const EcgNormalisation *norm,
                                   const char *const *classes, const char *class_map,
                                   int samples_before, JsonObject *info,
                                   const EcgModelFileSection *extra, gsize n_extra,
                                   const char *path, GError **error);

/* Reads and checks a model file. NULL with ECG_ERROR_IO (unreadable), ECG_ERROR_FORMAT,
 * ECG_ERROR_CHECKSUM or ECG_ERROR_UNSUPPORTED naming `path`. Owned by the caller. */
EcgModelFile *ecg_model_file_load (const char *path, GError **error);

/* The same from `length` bytes in memory (a store blob, a fuzzer input); `label` names them in
 * error messages. The bytes are not kept. Owned by the caller. */
EcgModelFile *ecg_model_file_load_from_data (const guint8 *data, gsize length, const char *label,
                                             GError **error);

/* ecg_model_file_load() (path) or ecg_model_file_load_from_data() (data, when path is NULL)
 * that also accepts the sections whose tags are in `accept` (NULL-terminated), required or not:
 * those present (each at most once, else ECG_ERROR_FORMAT) are copied to file->extra_sections,
 * in file order, for the caller to read. Other unknown sections are handled as by
 * ecg_model_file_load(). Owned by the caller. */
EcgModelFile *ecg_model_file_load_full (const char *path, const guint8 *data, gsize length,
                                        const char *label, const char *const *accept,
                                        GError **error);

G_END_DECLS
