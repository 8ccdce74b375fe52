/* ecg-record-loader.h — loading a record in a worker thread, so the UI never waits on disk. */
#pragma once

#include <gio/gio.h>

#include "io/ecg-record.h"

G_BEGIN_DECLS

/* Loads the record at `path` (without extension) with ecg_record_load() in a GTask worker
 * thread and calls `callback` in the caller's thread-default main context. `source_object`
 * (may be NULL) is kept alive until then. */
void ecg_record_loader_load_async (GObject *source_object, const char *path,
                                   EcgRecordLoadFlags flags, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);

/* The loaded record (owned by the caller), or NULL with the engine's error — or with
 * G_IO_ERROR_CANCELLED when `cancellable` fired before the result was taken. */
EcgRecord *ecg_record_loader_load_finish (GAsyncResult *result, GError **error);

/* The AAMI EC57 classes N, S, V, F, Q, in that order. */
#define ECG_RECORD_LOADER_N_CLASSES 5
/* The record's reference beats per AAMI class, counted in the worker thread; FALSE when the
 * load failed or the record has no annotations. Call with the result given to the callback. */
gboolean ecg_record_loader_get_beat_counts (GAsyncResult *result,
                                            guint counts[ECG_RECORD_LOADER_N_CLASSES]);

G_END_DECLS
