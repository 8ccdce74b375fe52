/* ecg-progress-chart.h — the live chart of a compression job, drawn with Cairo: on the left the
 * fine-tuning loss as the job reports it (running mean of the epoch, against the fine-tuning
 * epoch counted over all steps), on the right macro-F1 and energy per inference of every step
 * committed to the store (step 0 = the dense model).
 *
 * Loss x: (step - 1) * F + (epoch - 1) + batch / n_batches, F = fine-tuning epochs per step, so
 * step t's fine-tuning spans [(t - 1) F, t F] and a dotted line marks each boundary. */
#pragma once

#include <gtk/gtk.h>

#include "store/ecg-run.h"

G_BEGIN_DECLS

#define ECG_TYPE_PROGRESS_CHART (ecg_progress_chart_get_type ())
G_DECLARE_FINAL_TYPE (EcgProgressChart, ecg_progress_chart, ECG, PROGRESS_CHART, GtkWidget)

GtkWidget *ecg_progress_chart_new (void);

/* Forgets every point and sets the axes for a job of `n_steps` steps (K) of `epochs_per_step`
 * fine-tuning epochs (F, may be 0). */
void ecg_progress_chart_reset (EcgProgressChart *self, int n_steps, int epochs_per_step);
/* Sets the axes as reset() does but keeps the points (a resumed job learns K and F from its
 * first reports). */
void ecg_progress_chart_set_shape (EcgProgressChart *self, int n_steps, int epochs_per_step);
/* Appends a loss point at fine-tuning position `x` (see above); ignored unless x is past the
 * last point's and both values are finite. */
void ecg_progress_chart_add_loss (EcgProgressChart *self, double x, double loss);
/* Replaces the step points by the committed steps of `run` (run->steps loaded): macro-F1 and
 * the 45 nm operation-model energy (DESIGN.md §7 c) in µJ. */
void ecg_progress_chart_set_steps (EcgProgressChart *self, const EcgRun *run);

guint ecg_progress_chart_get_n_loss_points (EcgProgressChart *self);
guint ecg_progress_chart_get_n_step_points (EcgProgressChart *self);

G_END_DECLS
