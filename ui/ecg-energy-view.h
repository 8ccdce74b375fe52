/* ecg-energy-view.h — the Energy page: what one inference of a model costs and what that means
 * for a wearable.
 *
 * For the shown model — the current model (the Compress page's, "model-path"), a bundled model
 * of data/models, any opened .ecgm or a zoo architecture as ecg_zoo_build() makes it — the page
 * shows the MACs per layer (EcgMacsChart), the four energy methods of DESIGN.md §7 side by side,
 * each with its method label and unit ((a) MMAC·ms proxy, (b) TF-FLOPs × 0.45 pJ, (c) the 45 nm
 * operation model, (d) RAPL or the labelled time × power estimate), the batch-1 latency, the CO2
 * of a million inferences (from (d)) and the battery life of a wearable (from (c)) with and
 * without inference. The wearable profile, grid intensity, per-core power and latency repeats
 * are GSettings keys edited in place.
 *
 * Every figure comes from engine/measure (ecg-cost.h, ecg-energy.h, ecg-latency.h). Loading a
 * model and building its tables runs in a GTask, and so does the latency and energy
 * measurement (one at a time, so that two never time each other); the main thread only shows
 * results.
 *
 * Actions (group "energy"): open-model, model-card, measure.
 */
#pragma once

#include <gtk/gtk.h>

#include "ecg-macs-chart.h"
#include "measure/ecg-cost.h"
#include "measure/ecg-energy.h"
#include "measure/ecg-latency.h"

G_BEGIN_DECLS

#define ECG_TYPE_ENERGY_VIEW (ecg_energy_view_get_type ())
G_DECLARE_FINAL_TYPE (EcgEnergyView, ecg_energy_view, ECG, ENERGY_VIEW, GtkWidget)

GtkWidget *ecg_energy_view_new (void);

/* The current model ("model-path"; NULL = none). When it is the one shown (or nothing is),
 * the page shows the new one. */
void ecg_energy_view_set_model_path (EcgEnergyView *self, const char *path);
const char *ecg_energy_view_get_model_path (EcgEnergyView *self);

/* Shows the model file `path` (a bundled one, or any other, which then becomes the current
 * model) or zoo architecture `arch` (without RR features). */
void ecg_energy_view_show_model_file (EcgEnergyView *self, const char *path);
void ecg_energy_view_show_architecture (EcgEnergyView *self, const char *arch);

/* What is shown: a model file (path set, arch NULL) or an architecture (arch set, path NULL);
 * both NULL when nothing. Owned by the view. */
void ecg_energy_view_get_shown (EcgEnergyView *self, const char **path, const char **arch);

/* TRUE while the shown model is being read ("loading") or measured ("measuring"). */
gboolean ecg_energy_view_get_loading (EcgEnergyView *self);
gboolean ecg_energy_view_get_measuring (EcgEnergyView *self);

/* The shown model's cost table, NULL while none is loaded. Owned by the view. */
const EcgCostTable *ecg_energy_view_get_cost_table (EcgEnergyView *self);
EcgMacsChart *ecg_energy_view_get_chart (EcgEnergyView *self);

/* (c), joules per inference at the chosen precision; NAN while no model is loaded. */
double ecg_energy_view_get_op_model_joules (EcgEnergyView *self);
/* The battery life of the edited wearable profile from (c); FALSE while no model is loaded or
 * when the profile is not valid. */
gboolean ecg_energy_view_get_battery_life (EcgEnergyView *self, EcgBatteryLife *life);
/* The last latency and (d) measurement of the shown model; FALSE until there is one. */
gboolean ecg_energy_view_get_measurement (EcgEnergyView *self, EcgLatency *latency,
                                          EcgMeasuredEnergy *measured);

/* The error shown, or NULL. Owned by the view. */
const char *ecg_energy_view_get_message (EcgEnergyView *self);

G_END_DECLS
