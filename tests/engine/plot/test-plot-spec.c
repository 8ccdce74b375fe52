/* Tests of building figure descriptions from runs: series, values, labels, the Pareto front,
 * loss curves and axis bounds, on the hand-made runs of plot-fixture.h. */
#include <math.h>
#include <string.h>

#include "plot-fixture.h"
#include "plot/ecg-plot-spec.h"
#include "test-util.h"

typedef struct
{
  char *dir;
  char *store;
  GPtrArray *runs;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = ecg_test_tmpdir_new ();
  f->store = plot_fixture_store (f->dir);
  f->runs = plot_fixture_runs (f->store);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_ptr_array_unref (f->runs);
  g_free (f->store);
  ecg_test_tmpdir_free (f->dir);
}

static const EcgPlotSeries *
series_at (const EcgPlotSpec *spec, guint i)
{
  g_assert_cmpuint (i, <, spec->series->len);
  return g_ptr_array_index (spec->series, i);
}

/* Asserts the points of a series: n (x, y, step) triples. */
static void
assert_points (const EcgPlotSeries *series, guint n, const double *x, const double *y,
               const int *step)
{
  g_assert_cmpuint (series->points->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const EcgPlotPoint *p = &g_array_index (series->points, EcgPlotPoint, i);
      g_assert_cmpfloat_with_epsilon (p->x, x[i], 1e-12);
      g_assert_cmpfloat_with_epsilon (p->y, y[i], 1e-12);
      g_assert_cmpint (p->step, ==, step[i]);
      g_assert_cmpint (p->run, ==, series->run);
    }
}

static void
test_kind_names (void)
{
  static const char *const names[]
      = { "f1-vs-sparsity",     "accuracy-vs-sparsity", "auroc-vs-sparsity",
          "energy-vs-sparsity", "f1-vs-energy",         "loss-curves" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      EcgPlotKind kind;
      g_assert_true (ecg_plot_kind_from_string (names[i], &kind));
      g_assert_cmpint (kind, ==, (EcgPlotKind)i);
      g_assert_cmpstr (ecg_plot_kind_to_string (kind), ==, names[i]);
    }
  EcgPlotKind kind;
  g_assert_false (ecg_plot_kind_from_string ("f1-vs-time", &kind));
  g_assert_false (ecg_plot_kind_from_string (NULL, &kind));
  static const char *const energies[] = { "op-model-45nm", "tf-flops", "proxy", "measured" };
  for (gsize i = 0; i < G_N_ELEMENTS (energies); i++)
    {
      EcgPlotEnergy energy;
      g_assert_true (ecg_plot_energy_from_string (energies[i], &energy));
      g_assert_cmpint (energy, ==, (EcgPlotEnergy)i);
      g_assert_cmpstr (ecg_plot_energy_to_string (energy), ==, energies[i]);
    }
  EcgPlotEnergy energy;
  g_assert_false (ecg_plot_energy_from_string ("rapl", &energy));
}

static void
test_run_labels (Fixture *f, gconstpointer data)
{
  g_autofree char *energy = ecg_plot_run_label (g_ptr_array_index (f->runs, 0));
  g_autofree char *l1 = ecg_plot_run_label (g_ptr_array_index (f->runs, 1));
  g_assert_cmpstr (energy, ==, "#1 energy α=0.5 β=1");
  g_assert_cmpstr (l1, ==, "#2 L1 +KD");

  /* A name wins over the settings; other kinds show kind and architecture. */
  EcgRun named = { .id = 7,
                   .kind = ECG_RUN_KIND_PRUNE,
                   .name = (char *)"baseline",
                   .config = ((EcgRun *)g_ptr_array_index (f->runs, 0))->config };
  g_autofree char *named_label = ecg_plot_run_label (&named);
  g_assert_cmpstr (named_label, ==, "#7 baseline");
  g_autoptr (JsonObject) config = json_object_new ();
  json_object_set_string_member (config, "arch", "CNN1D_3Class");
  json_object_set_boolean_member (config, "structured", TRUE);
  EcgRun train = { .id = 5, .kind = ECG_RUN_KIND_TRAIN, .name = (char *)"", .config = config };
  g_autofree char *train_label = ecg_plot_run_label (&train);
  g_assert_cmpstr (train_label, ==, "#5 train CNN1D_3Class");
  json_object_set_string_member (config, "method", "l1");
  EcgRun structured = { .id = 6, .kind = ECG_RUN_KIND_PRUNE, .name = (char *)"", .config = config };
  g_autofree char *structured_label = ecg_plot_run_label (&structured);
  g_assert_cmpstr (structured_label, ==, "#6 L1 structured");
}

static void
test_f1_vs_sparsity (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_SPARSITY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  g_assert_cmpint (spec->kind, ==, ECG_PLOT_F1_VS_SPARSITY);
  g_assert_cmpstr (spec->x_label, ==, "Sparsity of prunable weights (%)");
  g_assert_cmpstr (spec->y_label, ==, "Macro-F1");
  g_assert_cmpuint (spec->series->len, ==, 2);
  g_assert_cmpuint (spec->pareto->len, ==, 0);
  /* Run 1's step 2 has no macro-F1: left out. */
  const EcgPlotSeries *energy = series_at (spec, 0), *l1 = series_at (spec, 1);
  g_assert_cmpint (energy->run, ==, 1);
  g_assert_cmpstr (energy->label, ==, "#1 energy α=0.5 β=1");
  assert_points (energy, 3, (double[]){ 0, 25, 75 }, (double[]){ 0.90, 0.92, 0.85 },
                 (int[]){ 0, 1, 3 });
  g_assert_cmpint (l1->run, ==, 2);
  assert_points (l1, 3, (double[]){ 0, 40, 80 }, (double[]){ 0.88, 0.89, 0.70 },
                 (int[]){ 0, 1, 2 });
  g_assert_cmpuint (energy->step_ends->len, ==, 0);
  g_assert_cmpuint (ecg_plot_spec_count_points (spec), ==, 6);
}

static void
test_accuracy_vs_sparsity (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_ACCURACY_VS_SPARSITY, ECG_PLOT_ENERGY_PROXY, f->runs);
  g_assert_cmpstr (spec->y_label, ==, "Accuracy");
  assert_points (series_at (spec, 0), 4, (double[]){ 0, 25, 50, 75 },
                 (double[]){ 0.95, 0.955, 0.94, 0.93 }, (int[]){ 0, 1, 2, 3 });
  assert_points (series_at (spec, 1), 3, (double[]){ 0, 40, 80 }, (double[]){ 0.94, 0.945, 0.90 },
                 (int[]){ 0, 1, 2 });
}

static void
test_auroc_without_multi_label (Fixture *f, gconstpointer data)
{
  /* Single-label runs have no AUROC: two empty series. */
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_AUROC_VS_SPARSITY, ECG_PLOT_ENERGY_PROXY, f->runs);
  g_assert_cmpstr (spec->y_label, ==, "Macro AUROC");
  g_assert_cmpuint (spec->series->len, ==, 2);
  g_assert_cmpuint (ecg_plot_spec_count_points (spec), ==, 0);
}

static void
test_energy_vs_sparsity (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) op
      = ecg_plot_spec_build (ECG_PLOT_ENERGY_VS_SPARSITY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  g_assert_cmpstr (op->y_label, ==, "Energy per inference, 45 nm operation model (µJ)");
  assert_points (series_at (op, 0), 4, (double[]){ 0, 25, 50, 75 },
                 (double[]){ 2.0, 1.5, 1.0, 0.5 }, (int[]){ 0, 1, 2, 3 });

  /* The proxy of run 1's step 2 is unknown. */
  g_autoptr (EcgPlotSpec) proxy
      = ecg_plot_spec_build (ECG_PLOT_ENERGY_VS_SPARSITY, ECG_PLOT_ENERGY_PROXY, f->runs);
  g_assert_cmpstr (proxy->y_label, ==, "Energy proxy, MMACs × latency (MMAC·ms)");
  assert_points (series_at (proxy, 0), 3, (double[]){ 0, 25, 75 }, (double[]){ 10, 8, 4 },
                 (int[]){ 0, 1, 3 });

  g_autoptr (EcgPlotSpec) tf
      = ecg_plot_spec_build (ECG_PLOT_ENERGY_VS_SPARSITY, ECG_PLOT_ENERGY_TF_FLOPS, f->runs);
  g_assert_cmpstr (tf->y_label, ==, "Energy per inference, TF-FLOPs × 0.45 pJ (µJ)");
  assert_points (series_at (tf, 1), 3, (double[]){ 0, 40, 80 }, (double[]){ 0.2, 0.12, 0.04 },
                 (int[]){ 0, 1, 2 });

  /* Every fixture step is a time × power estimate, and the label says so. */
  g_autoptr (EcgPlotSpec) measured
      = ecg_plot_spec_build (ECG_PLOT_ENERGY_VS_SPARSITY, ECG_PLOT_ENERGY_MEASURED, f->runs);
  g_assert_cmpstr (measured->y_label, ==,
                   "Energy per inference, estimated as time × core power (µJ)");
  assert_points (series_at (measured, 1), 3, (double[]){ 0, 40, 80 }, (double[]){ 20, 12, 4 },
                 (int[]){ 0, 1, 2 });
  g_assert_nonnull (strstr (measured->title, "measured or estimated"));
}

static void
assert_front (const GArray *front, guint n, const double *x, const double *y)
{
  g_assert_cmpuint (front->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const EcgPlotPoint *p = &g_array_index (front, EcgPlotPoint, i);
      g_assert_cmpfloat_with_epsilon (p->x, x[i], 1e-12);
      g_assert_cmpfloat_with_epsilon (p->y, y[i], 1e-12);
    }
}

static void
test_f1_vs_energy (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_ENERGY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  g_assert_cmpstr (spec->x_label, ==, "Energy per inference, 45 nm operation model (µJ)");
  g_assert_cmpstr (spec->y_label, ==, "Macro-F1");
  assert_points (series_at (spec, 0), 3, (double[]){ 2.0, 1.5, 0.5 },
                 (double[]){ 0.90, 0.92, 0.85 }, (int[]){ 0, 1, 3 });
  /* All points: (2, .90) (1.5, .92) (.5, .85) from run 1 and (2, .88) (1.2, .89) (.4, .70)
   * from run 2. By hand: (.4, .70) is the cheapest; (.5, .85) beats it on F1; (1.2, .89)
   * beats (.5, .85); (1.5, .92) beats that; (2, .90) and (2, .88) cost more and score less
   * than (1.5, .92). */
  assert_front (spec->pareto, 4, (double[]){ 0.4, 0.5, 1.2, 1.5 },
                (double[]){ 0.70, 0.85, 0.89, 0.92 });
  static const gint64 runs[] = { 2, 1, 2, 1 };
  static const int steps[] = { 2, 3, 1, 1 };
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (g_array_index (spec->pareto, EcgPlotPoint, i).run, ==, runs[i]);
      g_assert_cmpint (g_array_index (spec->pareto, EcgPlotPoint, i).step, ==, steps[i]);
    }
}

static void
test_pareto_by_hand (void)
{
  /* The example of the brief: (3, .94) is dominated by (2, .95). */
  const EcgPlotPoint points[] = { { 1, 0.9 }, { 2, 0.95 }, { 3, 0.94 }, { 0.5, 0.7 } };
  g_autoptr (GArray) front = ecg_plot_pareto_front (points, G_N_ELEMENTS (points));
  assert_front (front, 3, (double[]){ 0.5, 1, 2 }, (double[]){ 0.7, 0.9, 0.95 });

  /* Ties: of equal points the first is kept; at equal x only the best y; at equal y only the
   * lowest x. NaN and infinite points are ignored. */
  const EcgPlotPoint ties[] = { { 1, 0.8, 10, 0 }, { 1, 0.8, 11, 0 }, { 1, 0.7 },   { 2, 0.8 },
                                { NAN, 0.99 },     { 3, INFINITY },   { 0.1, NAN }, { 2, 0.9 } };
  g_autoptr (GArray) tie_front = ecg_plot_pareto_front (ties, G_N_ELEMENTS (ties));
  assert_front (tie_front, 2, (double[]){ 1, 2 }, (double[]){ 0.8, 0.9 });
  g_assert_cmpint (g_array_index (tie_front, EcgPlotPoint, 0).run, ==, 10);

  g_autoptr (GArray) empty = ecg_plot_pareto_front (NULL, 0);
  g_assert_cmpuint (empty->len, ==, 0);
  const EcgPlotPoint one[] = { { 5, 0.5 } };
  g_autoptr (GArray) single = ecg_plot_pareto_front (one, 1);
  assert_front (single, 1, (double[]){ 5 }, (double[]){ 0.5 });
}

static void
test_loss_curves (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_LOSS_CURVES, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  g_assert_cmpstr (spec->y_label, ==, "Training loss");
  /* Steps 1, 2, 3 have two epochs each (step 2 stored in reverse epoch order); step 0 has
   * none; val_score is not a loss. */
  const EcgPlotSeries *energy = series_at (spec, 0);
  assert_points (energy, 6, (double[]){ 1, 2, 3, 4, 5, 6 },
                 (double[]){ 0.5, 0.4, 0.45, 0.35, 0.6, 0.5 }, (int[]){ 1, 1, 2, 2, 3, 3 });
  g_assert_cmpuint (energy->step_ends->len, ==, 2);
  g_assert_cmpfloat (g_array_index (energy->step_ends, double, 0), ==, 2.5);
  g_assert_cmpfloat (g_array_index (energy->step_ends, double, 1), ==, 4.5);
  /* Run 2 has no loss curve: an empty series, still in the legend. */
  g_assert_cmpuint (series_at (spec, 1)->points->len, ==, 0);
  g_assert_cmpuint (series_at (spec, 1)->step_ends->len, ==, 0);
}

static void
test_bounds (Fixture *f, gconstpointer data)
{
  double x0, x1, y0, y1;
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_SPARSITY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  /* x 0–80, y 0.70–0.92, each widened by 5 % of its width. */
  g_assert_true (ecg_plot_spec_get_bounds (spec, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat_with_epsilon (x0, -4.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (x1, 84.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (y0, 0.70 - 0.011, 1e-12);
  g_assert_cmpfloat_with_epsilon (y1, 0.92 + 0.011, 1e-12);

  /* One point: v ± 5 % of |v|, and ± 1 around 0. NaN points do not count. */
  g_autoptr (EcgPlotSpec) one = ecg_plot_spec_new (ECG_PLOT_F1_VS_SPARSITY, "t", "x", "y");
  EcgPlotSeries *series = ecg_plot_spec_add_series (one, 1, "one");
  EcgPlotPoint p = { 0.0, 0.9, 1, 0 }, nan_point = { NAN, 5.0, 1, 1 };
  g_array_append_val (series->points, p);
  g_array_append_val (series->points, nan_point);
  g_assert_true (ecg_plot_spec_get_bounds (one, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x0, ==, -1.0);
  g_assert_cmpfloat (x1, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (y0, 0.855, 1e-12);
  g_assert_cmpfloat_with_epsilon (y1, 0.945, 1e-12);

  g_autoptr (EcgPlotSpec) empty = ecg_plot_spec_new (ECG_PLOT_LOSS_CURVES, NULL, NULL, NULL);
  ecg_plot_spec_add_series (empty, 3, "nothing");
  g_assert_false (ecg_plot_spec_get_bounds (empty, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x0, ==, 0.0);
  g_assert_cmpfloat (x1, ==, 1.0);
  g_assert_cmpfloat (y0, ==, 0.0);
  g_assert_cmpfloat (y1, ==, 1.0);
}

static void
test_runs_without_steps (void)
{
  /* Runs listed without their steps (ecg_run_store_list_runs) give empty series. */
  g_autoptr (GPtrArray) runs = g_ptr_array_new ();
  EcgRun run = { .id = 4, .kind = ECG_RUN_KIND_PRUNE, .name = (char *)"bare" };
  g_ptr_array_add (runs, &run);
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_ENERGY, ECG_PLOT_ENERGY_PROXY, runs);
  g_assert_cmpuint (spec->series->len, ==, 1);
  g_assert_cmpuint (ecg_plot_spec_count_points (spec), ==, 0);
  g_assert_cmpuint (spec->pareto->len, ==, 0);
  g_assert_cmpstr (series_at (spec, 0)->label, ==, "#4 bare");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/plot/spec/kind-names", test_kind_names);
  g_test_add_func ("/engine/plot/spec/pareto-by-hand", test_pareto_by_hand);
  g_test_add_func ("/engine/plot/spec/runs-without-steps", test_runs_without_steps);
#define ADD(path, func)                                                                            \
  g_test_add ("/engine/plot/spec/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("run-labels", test_run_labels);
  ADD ("f1-vs-sparsity", test_f1_vs_sparsity);
  ADD ("accuracy-vs-sparsity", test_accuracy_vs_sparsity);
  ADD ("auroc-without-multi-label", test_auroc_without_multi_label);
  ADD ("energy-vs-sparsity", test_energy_vs_sparsity);
  ADD ("f1-vs-energy", test_f1_vs_energy);
  ADD ("loss-curves", test_loss_curves);
  ADD ("bounds", test_bounds);
#undef ADD
  return g_test_run ();
}
