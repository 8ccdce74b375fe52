/* glib-annotations.c — makes GLib's synchronisation visible to ThreadSanitizer.
 *
 * Linked into the executables of a ThreadSanitizer build only (tests/tsan/setup.sh), with
 * `-Wl,--wrap=NAME` for each function below: our code's calls to NAME go to __wrap_NAME,
 * which calls the real function (__real_NAME) and publishes the happens-before edge.
 *
 * Why: the system GLib is not instrumented, and on Linux GMutex and GCond sit on futexes, not
 * on the pthread functions ThreadSanitizer intercepts; GTask and GThreadPool hand work to their
 * threads through GLib's own queues. ThreadSanitizer sees none of these edges and reports every
 * correctly locked section as a race (google/sanitizers#490). The edges are published with
 * __tsan_acquire/__tsan_release, keyed on the object of the real synchronisation (the mutex,
 * the task, the pool), so that no edge is wider than the real one and real races still show:
 *  - g_mutex_lock/trylock/unlock (and so GMutexLocker, G_LOCK): the mutex;
 *  - g_cond_wait/wait_until: the mutex is released while waiting;
 *  - g_task_run_in_thread: the task, from the caller to the thread function, and from the
 *    thread function's end to g_task_propagate_*();
 *  - g_thread_pool_push: the pool, from the push to the pool's function.
 * Calls inside GLib itself are not wrapped (GLib binds them directly): memory that only GLib
 * hands between threads is listed in tsan.supp. Nothing here changes behaviour.
 *
 * Built without instrumentation (it only makes explicit calls), and every function it calls
 * but libc's is declared weak: meson links its compiler sanity check with the same link
 * arguments, and an executable that links no gio (or no TSan runtime) still links.
 */
#include <gio/gio.h>
#include <stdlib.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
void AnnotateIgnoreReadsBegin (const char *file, int line);
void AnnotateIgnoreReadsEnd (const char *file, int line);

void __real_g_mutex_lock (GMutex *mutex);
gboolean __real_g_mutex_trylock (GMutex *mutex);
void __real_g_mutex_unlock (GMutex *mutex);
void __real_g_cond_wait (GCond *cond, GMutex *mutex);
gboolean __real_g_cond_wait_until (GCond *cond, GMutex *mutex, gint64 end_time);
GThreadPool *__real_g_thread_pool_new (GFunc func, gpointer user_data, gint max_threads,
                                       gboolean exclusive, GError **error);
gboolean __real_g_thread_pool_push (GThreadPool *pool, gpointer data, GError **error);
void __real_g_thread_pool_free (GThreadPool *pool, gboolean immediate, gboolean wait);
void __real_g_task_run_in_thread (GTask *task, GTaskThreadFunc func);
gboolean __real_g_task_propagate_boolean (GTask *task, GError **error);
gpointer __real_g_task_propagate_pointer (GTask *task, GError **error);
gssize __real_g_task_propagate_int (GTask *task, GError **error);
gboolean __real_g_task_propagate_value (GTask *task, GValue *value, GError **error);

#pragma weak __tsan_acquire
#pragma weak __tsan_release
#pragma weak AnnotateIgnoreReadsBegin
#pragma weak AnnotateIgnoreReadsEnd
#pragma weak __real_g_mutex_lock
#pragma weak __real_g_mutex_trylock
#pragma weak __real_g_mutex_unlock
#pragma weak __real_g_cond_wait
#pragma weak __real_g_cond_wait_until
#pragma weak __real_g_thread_pool_new
#pragma weak __real_g_thread_pool_push
#pragma weak __real_g_thread_pool_free
#pragma weak __real_g_task_run_in_thread
#pragma weak __real_g_task_propagate_boolean
#pragma weak __real_g_task_propagate_pointer
#pragma weak __real_g_task_propagate_int
#pragma weak __real_g_task_propagate_value
#pragma weak g_object_get_data
#pragma weak g_object_set_data

void __wrap_g_mutex_lock (GMutex *mutex);
gboolean __wrap_g_mutex_trylock (GMutex *mutex);
void __wrap_g_mutex_unlock (GMutex *mutex);
void __wrap_g_cond_wait (GCond *cond, GMutex *mutex);
gboolean __wrap_g_cond_wait_until (GCond *cond, GMutex *mutex, gint64 end_time);
void __wrap_g_task_run_in_thread (GTask *task, GTaskThreadFunc func);
gboolean __wrap_g_task_propagate_boolean (GTask *task, GError **error);
gpointer __wrap_g_task_propagate_pointer (GTask *task, GError **error);
gssize __wrap_g_task_propagate_int (GTask *task, GError **error);
gboolean __wrap_g_task_propagate_value (GTask *task, GValue *value, GError **error);
GThreadPool *__wrap_g_thread_pool_new (GFunc func, gpointer user_data, gint max_threads,
                                       gboolean exclusive, GError **error);
gboolean __wrap_g_thread_pool_push (GThreadPool *pool, gpointer data, GError **error);
void __wrap_g_thread_pool_free (GThreadPool *pool, gboolean immediate, gboolean wait);

/* ---- GMutex, GCond ---- */

void
__wrap_g_mutex_lock (GMutex *mutex)
{
  __real_g_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

gboolean
__wrap_g_mutex_trylock (GMutex *mutex)
{
  if (!__real_g_mutex_trylock (mutex))
    return FALSE;
  __tsan_acquire (mutex);
  return TRUE;
}

void
__wrap_g_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  __real_g_mutex_unlock (mutex);
}

void
__wrap_g_cond_wait (GCond *cond, GMutex *mutex)
{
  __tsan_release (mutex);
  __real_g_cond_wait (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
__wrap_g_cond_wait_until (GCond *cond, GMutex *mutex, gint64 end_time)
{
  __tsan_release (mutex);
  gboolean signalled = __real_g_cond_wait_until (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

/* ---- GTask: the thread function runs behind a trampoline that acquires the task ---- */

static void
task_trampoline (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  __tsan_acquire (task);
  GTaskThreadFunc func = (GTaskThreadFunc) g_object_get_data ((GObject *) task,
                                                              "ecg-tsan-thread-func");
  func (task, source, data, cancellable);
  __tsan_release (task);
}

void
__wrap_g_task_run_in_thread (GTask *task, GTaskThreadFunc func)
{
  g_object_set_data ((GObject *) task, "ecg-tsan-thread-func", (gpointer) func);
  __tsan_release (task);
  __real_g_task_run_in_thread (task, task_trampoline);
}

gboolean
__wrap_g_task_propagate_boolean (GTask *task, GError **error)
{
  __tsan_acquire (task);
  return __real_g_task_propagate_boolean (task, error);
}

gpointer
__wrap_g_task_propagate_pointer (GTask *task, GError **error)
{
  __tsan_acquire (task);
  return __real_g_task_propagate_pointer (task, error);
}

gssize
__wrap_g_task_propagate_int (GTask *task, GError **error)
{
  __tsan_acquire (task);
  return __real_g_task_propagate_int (task, error);
}

gboolean
__wrap_g_task_propagate_value (GTask *task, GValue *value, GError **error)
{
  __tsan_acquire (task);
  return __real_g_task_propagate_value (task, value, error);
}

/* ---- GThreadPool: its user_data becomes a record of the real function and data, the key of
 * the push-to-run edge ---- */

typedef struct
{
  GFunc func;
  gpointer user_data;
} PoolRecord;

static void
pool_trampoline (gpointer item, gpointer data)
{
  PoolRecord *record = data;
  __tsan_acquire (record);
  record->func (item, record->user_data);
}

/* The GThreadPool is GLib's memory, freed by one of its threads behind GLib's locks: our read
 * of its public user_data is not one for ThreadSanitizer to weigh. */
static PoolRecord *
pool_record (GThreadPool *pool)
{
  AnnotateIgnoreReadsBegin (__FILE__, __LINE__);
  PoolRecord *record = pool->user_data;
  AnnotateIgnoreReadsEnd (__FILE__, __LINE__);
  return record;
}

GThreadPool *
__wrap_g_thread_pool_new (GFunc func, gpointer user_data, gint max_threads, gboolean exclusive,
                          GError **error)
{
  PoolRecord *record = malloc (sizeof *record);
  record->func = func;
  record->user_data = user_data;
  GThreadPool *pool = __real_g_thread_pool_new (pool_trampoline, record, max_threads, exclusive,
                                                error);
  if (pool == NULL)
    free (record);
  return pool;
}

gboolean
__wrap_g_thread_pool_push (GThreadPool *pool, gpointer data, GError **error)
{
  __tsan_release (pool_record (pool));
  return __real_g_thread_pool_push (pool, data, error);
}

void
__wrap_g_thread_pool_free (GThreadPool *pool, gboolean immediate, gboolean wait)
{
  PoolRecord *record = pool_record (pool);
  __real_g_thread_pool_free (pool, immediate, wait);
  /* Without waiting, queued items may still run and read the record. */
  if (wait)
    free (record);
}
