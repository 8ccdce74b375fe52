/* ecg-wfdb-signal.h — decoding and encoding WFDB signal files.
 *
 * One signal file may hold several signals, interleaved frame by frame. Supported formats:
 * 212 (two 12-bit samples in three bytes), 16 (16-bit little-endian), 80 (8-bit offset binary),
 * 61 (16-bit big-endian), 160 (16-bit offset binary), 8 (8-bit first differences),
 * 310 and 311 (three 10-bit samples in 4 bytes).
 */
#pragma once

#include <glib.h>

#include "io/ecg-wfdb-header.h"

G_BEGIN_DECLS

/* Decodes the signals of `header` stored in one file whose bytes are `bytes`. `signal_indices`
 * lists the n_group header signals stored in this file, in file order; out[i] receives
 * `n_samples` ADC values for signal_indices[i]. A file shorter than n_samples frames is
 * ECG_ERROR_FORMAT ("truncated: N of M frames"). Formats other than those above give
 * ECG_ERROR_UNSUPPORTED naming the format. */
gboolean ecg_wfdb_signal_decode (const EcgWfdbHeader *header, const int *signal_indices,
                                 int n_group, const guint8 *bytes, gsize n_bytes,
                                 gint64 n_samples, gint32 **out, const char *file_label,
                                 GError **error);

/* Encodes n_group signals of n_samples values in `format` (16 or 212). Returns owned bytes. */
GBytes *ecg_wfdb_signal_encode (int format, const gint32 *const *signals, int n_group,
                                gint64 n_samples, GError **error);

/* The WFDB checksum: the sum of all samples, as a 16-bit value. */
guint16 ecg_wfdb_checksum (const gint32 *samples, gint64 n_samples);

G_END_DECLS
