/* ecgwb-jobs.h — running store-backed jobs from the CLI (shared by prune and runs). */
#pragma once

#include "jobs/ecg-prune-job.h"
#include "store/ecg-run.h"

G_BEGIN_DECLS

/* Runs (or, with resume_run > 0, resumes) a pruning job in a worker thread; SIGINT/SIGTERM
 * cancel it at the next batch. Prints the run as `runs show` does. Returns the exit code. */
int ecgwb_run_prune_job (EcgPruneConfig *config, gint64 resume_run, int threads, gboolean json,
                         const char *command);
/* Prints a run as a table, or as the `runs show --json` object. */
int ecgwb_print_run (const EcgRun *run, gboolean json);

G_END_DECLS
