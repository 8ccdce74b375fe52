/* ecg-display-signal.h — the copy of a record's leads that the waveform view draws.
 *
 * The view never filters the record itself: it draws a copy, optionally with the baseline
 * wander removed (zero-phase 0.5 Hz Butterworth high-pass, ecg_filter_remove_baseline) and the
 * mains frequency notched out (zero-phase notch, Q 30, ecg_filter_notch), plus a min/max
 * pyramid per lead for zoomed-out drawing. Building it reads the whole record, so it runs in a
 * worker thread (GTask), copying the samples there too (a 30-minute record is megabytes).
 */
#pragma once

#include <gio/gio.h>

#include "io/ecg-record.h"
#include "signal/ecg-minmax-pyramid.h"

G_BEGIN_DECLS

/* The mains notch; the value is the frequency in Hz. */
typedef enum
{
  ECG_MAINS_NOTCH_OFF = 0,
  ECG_MAINS_NOTCH_50_HZ = 50,
  ECG_MAINS_NOTCH_60_HZ = 60,
} EcgMainsNotch;

GType ecg_mains_notch_get_type (void);
#define ECG_TYPE_MAINS_NOTCH (ecg_mains_notch_get_type ())

#define ECG_DISPLAY_BASELINE_CUTOFF_HZ 0.5
#define ECG_DISPLAY_NOTCH_Q 30.0

typedef struct
{
  int n_leads;
  gint64 n_samples;
  double fs;
  float **samples;              /* n_leads arrays of n_samples, owned */
  EcgMinMaxPyramid **pyramids;  /* one per lead, over `samples` */
  gboolean baseline_removed;    /* the filters applied: the notch is left out (OFF) when the */
  EcgMainsNotch notch;          /* sampling rate is too low to hold the mains frequency */
} EcgDisplaySignal;

/* Builds the display signal of `record` in a worker thread. The record is read there: it must
 * stay alive and unchanged until `callback` has run (reading it meanwhile is fine). */
void ecg_display_signal_build_async (const EcgRecord *record, gboolean remove_baseline,
                                     EcgMainsNotch notch, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
/* The built signal (owned by the caller), or NULL with ECG_ERROR_CANCELLED or a filter error. */
EcgDisplaySignal *ecg_display_signal_build_finish (GAsyncResult *result, GError **error);

/* The same work on the calling thread, for tests and benchmarks. Returns an owned signal. */
EcgDisplaySignal *ecg_display_signal_build (const EcgRecord *record, gboolean remove_baseline,
                                            EcgMainsNotch notch, GCancellable *cancellable,
                                            GError **error);

void ecg_display_signal_free (EcgDisplaySignal *signal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgDisplaySignal, ecg_display_signal_free)

G_END_DECLS
