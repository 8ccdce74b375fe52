/* ecg-plot-spec.h — what a figure of runs shows, independent of how it is drawn: the kind of
 * plot, one series of points per run, axis labels with units, a title and, for macro-F1 against
 * energy, the Pareto front. Built from runs of the store by a pure function (no PLplot), so the
 * CLI's CSV export, the PLplot renderer (ecg-plot-render.h) and the tests all see the same data.
 *
 * Points with an unknown (NaN) or infinite x or y are left out when the spec is built: a series
 * may be shorter than its run, or empty.
 */
#pragma once

#include <glib.h>

#include "store/ecg-run.h"

G_BEGIN_DECLS

typedef enum
{
  ECG_PLOT_F1_VS_SPARSITY,       /* macro-F1 of each step against its sparsity (%) */
  ECG_PLOT_ACCURACY_VS_SPARSITY, /* accuracy against sparsity (%) */
  ECG_PLOT_AUROC_VS_SPARSITY,    /* macro AUROC (multi-label, PTB-XL runs) against sparsity */
  ECG_PLOT_ENERGY_VS_SPARSITY,   /* energy per inference (chosen method) against sparsity */
  ECG_PLOT_F1_VS_ENERGY,         /* macro-F1 against energy, with the Pareto front */
  ECG_PLOT_LOSS_CURVES,          /* training loss against a global fine-tuning epoch index */
} EcgPlotKind;

/* "f1-vs-sparsity", "accuracy-vs-sparsity", "auroc-vs-sparsity", "energy-vs-sparsity",
 * "f1-vs-energy", "loss-curves" (static strings). */
const char *ecg_plot_kind_to_string (EcgPlotKind kind);
/* FALSE when `text` names no kind. */
gboolean ecg_plot_kind_from_string (const char *text, EcgPlotKind *kind);

/* Which energy figure of a step (DESIGN.md §7) an energy axis shows. */
typedef enum
{
  ECG_PLOT_ENERGY_OP_MODEL_45NM, /* (c) 45 nm operation model, µJ */
  ECG_PLOT_ENERGY_TF_FLOPS,      /* (b) TF-FLOPs × 0.45 pJ, µJ */
  ECG_PLOT_ENERGY_PROXY,         /* (a) MMACs × latency, MMAC·ms (not joules) */
  ECG_PLOT_ENERGY_MEASURED,      /* (d) RAPL, or the labelled time × power estimate, µJ */
} EcgPlotEnergy;

/* "op-model-45nm", "tf-flops", "proxy", "measured" (static strings). */
const char *ecg_plot_energy_to_string (EcgPlotEnergy energy);
gboolean ecg_plot_energy_from_string (const char *text, EcgPlotEnergy *energy);

typedef struct
{
  double x;
  double y;
  gint64 run; /* the run the point comes from */
  int step;   /* its step */
} EcgPlotPoint;

typedef struct
{
  gint64 run;
  char *label;       /* legend text: "#3 energy α=0.5 β=1" (ecg_plot_run_label) */
  GArray *points;    /* EcgPlotPoint, in step (and epoch) order, all finite */
  GArray *step_ends; /* double: x of the boundaries between steps (loss curves), else empty */
} EcgPlotSeries;

typedef struct
{
  EcgPlotKind kind;
  EcgPlotEnergy energy; /* what an energy axis shows (energy plots only) */
  char *title;
  char *x_label; /* with the unit: "Sparsity of prunable weights (%)" */
  char *y_label;
  GPtrArray *series; /* EcgPlotSeries*, one per run, in the order given */
  GArray *pareto;    /* EcgPlotPoint: the front by ascending x (f1-vs-energy), else empty */
} EcgPlotSpec;

/* The figure of `kind` for `runs` (EcgRun* with their steps loaded, e.g. from
 * ecg_run_store_get_run; a run without loaded steps gives an empty series): one series per run,
 * in order. `energy` chooses the energy figure of
 * energy plots and is ignored by the others.
 *   x for *-vs-sparsity: 100 × step sparsity (%); y: macro_f1, accuracy, auroc or the energy
 *     (joules shown in µJ, the proxy in MMAC·ms).
 *   f1-vs-energy: x the energy, y macro_f1; the Pareto front over the points of all runs.
 *   loss-curves: the step's "train_loss" curve points by epoch, steps concatenated: x = 1, 2, ...
 *     over all the run's loss points in step order; a step end lies halfway between the last
 *     point of a step and the first of the next one that has points.
 * Owned by the caller. */
EcgPlotSpec *ecg_plot_spec_build (EcgPlotKind kind, EcgPlotEnergy energy, GPtrArray *runs);

/* An empty spec of `kind` with the given texts (copied); series and points are added by the
 * caller. Owned by the caller. */
EcgPlotSpec *ecg_plot_spec_new (EcgPlotKind kind, const char *title, const char *x_label,
                                const char *y_label);
/* Appends an empty series for `run` labelled `label` (copied) and returns it (owned by spec). */
EcgPlotSeries *ecg_plot_spec_add_series (EcgPlotSpec *spec, gint64 run, const char *label);
void ecg_plot_spec_free (EcgPlotSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgPlotSpec, ecg_plot_spec_free)

/* Points of all series together. */
gsize ecg_plot_spec_count_points (const EcgPlotSpec *spec);

/* The axis ranges the renderer uses: the data's range (series, front and step ends, finite
 * values only) widened by 5 % on each side; a range of zero width (one point, or equal
 * values) becomes v ± 5 % of |v|, or ± 1 when v is 0. FALSE, with [0, 1] × [0, 1], when there is
 * no finite point. */
gboolean ecg_plot_spec_get_bounds (const EcgPlotSpec *spec, double *x_min, double *x_max,
                                   double *y_min, double *y_max);

/* The non-dominated points among `n` `points` for lower x and higher y: a point is kept unless
 * another has x <= its x and y >= its y, one of them strictly; of equal points the first is
 * kept. Non-finite points are ignored. Sorted by ascending x (and so ascending y). Owned by the
 * caller (GArray of EcgPlotPoint). */
GArray *ecg_plot_pareto_front (const EcgPlotPoint *points, gsize n);

/* The legend text of a run: "#ID NAME" when it has a name, else "#ID " and its method and
 * settings from the config: "#3 energy α=0.5 β=1", "#4 L1", "#5 L1 +KD structured",
 * "#1 train CNN1D_3Class". Owned by the caller. */
char *ecg_plot_run_label (const EcgRun *run);

G_END_DECLS
