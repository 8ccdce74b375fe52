/* ecg-error.h — the one error domain of the engine.
 *
 * Every fallible engine function takes `GError **error` last and sets an error in ECG_ERROR
 * whose message names the file (or object) and the problem, e.g.
 * "100.hea line 2: gain 'abc' is not a number".
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ECG_ERROR (ecg_error_quark ())

typedef enum
{
  ECG_ERROR_IO,          /* a file could not be opened, read or written */
  ECG_ERROR_FORMAT,      /* the bytes do not follow the format (bad field, truncated file) */
  ECG_ERROR_UNSUPPORTED, /* valid but not handled (multi-segment record, signal format 310) */
  ECG_ERROR_CHECKSUM,    /* data read fine but a checksum disagrees */
  ECG_ERROR_NOT_FOUND,   /* a named thing (lead, record, class, architecture) does not exist */
  ECG_ERROR_INVALID,     /* an argument or setting is out of range */
  ECG_ERROR_NUMERIC,     /* a computation produced NaN or Inf */
  ECG_ERROR_CANCELLED,   /* the job's GCancellable fired */
  ECG_ERROR_FAILED,      /* anything else */
} EcgError;

GQuark ecg_error_quark (void);

/* TRUE, with ECG_ERROR_CANCELLED "cancelled" set, when `cancellable` (may be NULL) has fired. */
gboolean ecg_error_set_if_cancelled (GCancellable *cancellable, GError **error);

G_END_DECLS
