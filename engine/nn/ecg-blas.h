/* ecg-blas.h — process-wide BLAS settings.
 *
 * OpenBLAS's thread count is process-wide and its idle threads spin (sched_yield), which on a
 * two-core machine steals the cores our own job threads need. Programs call
 * ecg_blas_use_one_thread() once at start; jobs parallelise their own work (DESIGN.md §9).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void ecg_blas_use_one_thread (void);

G_END_DECLS
