/* ecg-record-loader.c — ecg_record_load() in a GTask worker thread. */
#include "ecg-record-loader.h"

typedef struct
{
  char *path;
  EcgRecordLoadFlags flags;
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_free (request->path);
  g_free (request);
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
    g_task_return_error (task, error);
  else
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
