/* ecg-parallel.h — run n independent tasks on a job's own worker threads and wait for them.
 *
 * A job owns its EcgParallel (no global pool): two jobs at once never share workers.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EcgParallel EcgParallel;
typedef void (*EcgParallelFunc) (int task, gpointer user_data);

/* `threads` workers (1: tasks run on the calling thread, no pool at all). */
EcgParallel *ecg_parallel_new (int threads);
int ecg_parallel_threads (const EcgParallel *parallel);
/* Calls func (task, user_data) for task = 0..n_tasks-1 and returns when all are done. */
void ecg_parallel_run (EcgParallel *parallel, int n_tasks, EcgParallelFunc func,
                       gpointer user_data);
void ecg_parallel_free (EcgParallel *parallel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgParallel, ecg_parallel_free)

G_END_DECLS
