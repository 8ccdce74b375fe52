/* ecg-record-loader.c — ecg_record_load() in a GTask worker thread. */
#include "ecg-record-loader.h"

#include <string.h>

#include "dataset/ecg-class-map.h"

typedef struct
{
  char *path;
  EcgRecordLoadFlags flags;
  /* Written by the worker before it returns, read by the caller after: the task orders them. */
  gboolean has_beat_counts;
  guint beat_counts[ECG_RECORD_LOADER_N_CLASSES];
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_free (request->path);
  g_free (request);
}

/* The reference beats per AAMI EC57 class (N, S, V, F, Q), for the record browser: counted
 * here so that the UI thread never walks a long annotation list. */
static void
count_beats (const EcgRecord *record, LoadRequest *request)
{
  if (record->annotations == NULL)
    return;
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_assert (map->n_classes == ECG_RECORD_LOADER_N_CLASSES);
  for (gsize i = 0; i < record->annotations->n_items; i++)
    {
      guint8 code = record->annotations->items[i].code;
      int klass = code <= ECG_ANN_ACMAX ? map->class_of_code[code] : -1;
      if (klass >= 0)
        request->beat_counts[klass]++;
    }
  request->has_beat_counts = TRUE;
}

/* Runs in a worker thread: it only touches the request, never a widget. The engine call is
 * not interruptible, so a cancelled load still finishes and its record is freed by the task. */
static void
load_in_thread (GTask *task, gpointer source_object, gpointer task_data,
                GCancellable *cancellable)
{
  const LoadRequest *request = task_data;
  GError *error = NULL;

  EcgRecord *record = ecg_record_load (request->path, request->flags, &error);
  if (record == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  count_beats (record, (LoadRequest *) request);
  g_task_return_pointer (task, record, (GDestroyNotify) ecg_record_free);
}

void
ecg_record_loader_load_async (GObject *source_object, const char *path,
                              EcgRecordLoadFlags flags, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (path != NULL);

  LoadRequest *request = g_new0 (LoadRequest, 1);
  request->path = g_strdup (path);
  request->flags = flags;

  g_autoptr (GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, ecg_record_loader_load_async);
  g_task_set_name (task, "[ecg-workbench] load record");
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  g_task_run_in_thread (task, load_in_thread);
}

EcgRecord *
ecg_record_loader_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, ecg_record_loader_load_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
ecg_record_loader_get_beat_counts (GAsyncResult *result,
                                   guint counts[ECG_RECORD_LOADER_N_CLASSES])
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  const LoadRequest *request = g_task_get_task_data (G_TASK (result));
  if (!request->has_beat_counts || g_task_had_error (G_TASK (result)))
    return FALSE;
  memcpy (counts, request->beat_counts, sizeof request->beat_counts);
  return TRUE;
}
