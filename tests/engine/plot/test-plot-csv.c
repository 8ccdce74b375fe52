/* Tests of the CSV export of a figure: the exact text for the fixture runs, quoting, files. */
#include <string.h>

#include "ecg-error.h"
#include "plot-fixture.h"
#include "plot/ecg-plot-csv.h"
#include "test-util.h"

static EcgPlotSpec *
fixture_spec (EcgPlotKind kind, EcgPlotEnergy energy, char **dir_out)
{
  char *dir = ecg_test_tmpdir_new ();
  g_autofree char *store = plot_fixture_store (dir);
  g_autoptr (GPtrArray) runs = plot_fixture_runs (store);
  *dir_out = dir;
  return ecg_plot_spec_build (kind, energy, runs);
}

static void
test_f1_vs_sparsity (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (EcgPlotSpec) spec
      = fixture_spec (ECG_PLOT_F1_VS_SPARSITY, ECG_PLOT_ENERGY_OP_MODEL_45NM, &dir);
  g_autofree char *csv = ecg_plot_spec_to_csv (spec);
  /* 100 × 0.4 is 40.000000000000007 in binary: 12 significant digits print 40. */
  g_assert_cmpstr (csv, ==,
                   "run,label,step,x,y\n"
                   "1,#1 energy α=0.5 β=1,0,0,0.9\n"
                   "1,#1 energy α=0.5 β=1,1,25,0.92\n"
                   "1,#1 energy α=0.5 β=1,3,75,0.85\n"
                   "2,#2 L1 +KD,0,0,0.88\n"
                   "2,#2 L1 +KD,1,40,0.89\n"
                   "2,#2 L1 +KD,2,80,0.7\n");
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_f1_vs_energy_with_front (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (EcgPlotSpec) spec
      = fixture_spec (ECG_PLOT_F1_VS_ENERGY, ECG_PLOT_ENERGY_OP_MODEL_45NM, &dir);
  g_autofree char *csv = ecg_plot_spec_to_csv (spec);
  g_assert_cmpstr (csv, ==,
                   "run,label,step,x,y\n"
                   "1,#1 energy α=0.5 β=1,0,2,0.9\n"
                   "1,#1 energy α=0.5 β=1,1,1.5,0.92\n"
                   "1,#1 energy α=0.5 β=1,3,0.5,0.85\n"
                   "2,#2 L1 +KD,0,2,0.88\n"
                   "2,#2 L1 +KD,1,1.2,0.89\n"
                   "2,#2 L1 +KD,2,0.4,0.7\n"
                   "2,Pareto front,2,0.4,0.7\n"
                   "1,Pareto front,3,0.5,0.85\n"
                   "2,Pareto front,1,1.2,0.89\n"
                   "1,Pareto front,1,1.5,0.92\n");
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_loss_curves (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (EcgPlotSpec) spec
      = fixture_spec (ECG_PLOT_LOSS_CURVES, ECG_PLOT_ENERGY_OP_MODEL_45NM, &dir);
  g_autofree char *csv = ecg_plot_spec_to_csv (spec);
  g_assert_cmpstr (csv, ==,
                   "run,label,step,x,y\n"
                   "1,#1 energy α=0.5 β=1,1,1,0.5\n"
                   "1,#1 energy α=0.5 β=1,1,2,0.4\n"
                   "1,#1 energy α=0.5 β=1,2,3,0.45\n"
                   "1,#1 energy α=0.5 β=1,2,4,0.35\n"
                   "1,#1 energy α=0.5 β=1,3,5,0.6\n"
                   "1,#1 energy α=0.5 β=1,3,6,0.5\n");
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_quoting_and_numbers (void)
{
  g_autoptr (EcgPlotSpec) spec = ecg_plot_spec_new (ECG_PLOT_F1_VS_SPARSITY, "t", "x", "y");
  EcgPlotSeries *series = ecg_plot_spec_add_series (spec, 12, "#12 a, \"b\"");
  EcgPlotPoint points[] = { { 1e-7, -2.5, 12, 0 }, { 123456789012345.0, 1.0 / 3.0, 12, 1 } };
  g_array_append_vals (series->points, points, 2);
  ecg_plot_spec_add_series (spec, 13, "line\nbreak");
  g_autofree char *csv = ecg_plot_spec_to_csv (spec);
  g_assert_cmpstr (csv, ==,
                   "run,label,step,x,y\n"
                   "12,\"#12 a, \"\"b\"\"\",0,1e-07,-2.5\n"
                   "12,\"#12 a, \"\"b\"\"\",1,1.23456789012e+14,0.333333333333\n");
}

static void
test_write_file (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgPlotSpec) spec = ecg_plot_spec_new (ECG_PLOT_F1_VS_SPARSITY, "t", "x", "y");
  EcgPlotSeries *series = ecg_plot_spec_add_series (spec, 1, "one");
  EcgPlotPoint p = { 10, 0.5, 1, 2 };
  g_array_append_val (series->points, p);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_plot_write_csv (spec, path, &error));
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "run,label,step,x,y\n1,one,2,10,0.5\n");

  g_autofree char *bad = g_build_filename (dir, "no-such-dir", "out.csv", NULL);
  g_assert_false (ecg_plot_write_csv (spec, bad, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, bad));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/plot/csv/f1-vs-sparsity", test_f1_vs_sparsity);
  g_test_add_func ("/engine/plot/csv/f1-vs-energy-with-front", test_f1_vs_energy_with_front);
  g_test_add_func ("/engine/plot/csv/loss-curves", test_loss_curves);
  g_test_add_func ("/engine/plot/csv/quoting-and-numbers", test_quoting_and_numbers);
  g_test_add_func ("/engine/plot/csv/write-file", test_write_file);
  return g_test_run ();
}
