/* bench-quant.c — what INT8 post-training quantisation buys (DESIGN.md §6, issue 4 acceptance:
 * on CNN1D_3Class and ResNet1D_Attn, INT8 at most 0.5x the engine's own fp32 batch-1 latency
 * with at most 0.01 macro-F1 loss).
 *
 * For each model file: calibrates on the DS1 validation records (DS1-val, at most 2000 beats,
 * evenly spaced; never test data), then tests fp32 and INT8 on DS2 (macro-F1, accuracy), with
 * both activation calibrations (max and the 99.99th percentile). Latency as DESIGN.md §7
 * defines it: batch 1, eval mode, one thread (OpenBLAS held at one thread), 50 warm-up
 * forwards, then 300 timed ones each — fp32 and INT8 alternate forward by forward on the same
 * input, so a shared machine slows both alike; medians are printed, `rounds` times over
 * (the median of the round medians). A zoo architecture name instead of a file measures a
 * freshly initialised model (latency only, calibrated on random inputs).
 *
 *   ECGWB_DATA=/path/to/data build/bench/bench-quant [--rounds N] [--save DIR] MODEL.ecgm|ARCH...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "measure/ecg-latency.h"
#include "nn/ecg-blas.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"
#include "quant/ecg-quant-file.h"
#include "quant/ecg-quant-model.h"
#include "train/ecg-data.h"
#include "train/ecg-evaluation.h"
#include "train/ecg-trainer.h"

#define WARMUP 50
#define REPEATS 300
#define MAX_ROUNDS 15

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values, int n)
{
  qsort (values, (size_t) n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

static double
now_ms (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec * 1e3 + (double) t.tv_nsec * 1e-6;
}

/* Median batch-1 latencies (ms) of fp32 and INT8, interleaved. */
static void
measure_latency (EcgModel *m, const EcgQuantModel *qm, int rounds, double *fp32_ms,
                 double *int8_ms)
{
  float *rr = NULL;
  g_autofree float *x = ecg_latency_input_new (m, 1, &rr);
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, 1, FALSE);
  g_autoptr (EcgQuantRun) qrun = ecg_quant_run_new (qm, 1);
  double round_f[MAX_ROUNDS], round_q[MAX_ROUNDS], tf[REPEATS], tq[REPEATS];
  for (int r = 0; r < rounds; r++)
    {
      for (int i = 0; i < WARMUP; i++)
        {
          ecg_model_forward (m, run, x, rr, 1);
          ecg_quant_model_forward (qm, qrun, x, rr, 1);
        }
      for (int i = 0; i < REPEATS; i++)
        {
          double t0 = now_ms ();
          ecg_model_forward (m, run, x, rr, 1);
          double t1 = now_ms ();
          ecg_quant_model_forward (qm, qrun, x, rr, 1);
          double t2 = now_ms ();
          tf[i] = t1 - t0;
          tq[i] = t2 - t1;
        }
      round_f[r] = median (tf, REPEATS);
      round_q[r] = median (tq, REPEATS);
    }
  *fp32_ms = median (round_f, rounds);
  *int8_ms = median (round_q, rounds);
  g_free (rr);
}

static EcgExamples *
load_split (const char *data_dir, const EcgModelFile *file, const char *split, GError **error)
{
  g_auto (GStrv) names = ecg_data_parse_record_list (split, error);
  if (names == NULL)
    return NULL;
  const EcgModel *m = file->model;
  EcgDataSpec spec = { ECG_DATASET_MITBIH, m->input_length, file->samples_before,
                       file->class_map, m->rr_features > 0 };
  EcgExamples *e = ecg_data_load_records (data_dir, (const char *const *) names, &spec, NULL,
                                          error);
  if (e != NULL)
    ecg_examples_apply_normalisation (e, file->norm);
  return e;
}

static double
macro_f1 (const EcgExamples *test, const float *probabilities, const EcgModelFile *file,
          double *accuracy)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgEvaluation) ev = ecg_evaluation_new (test, probabilities,
                                                     (const char *const *) file->classes, 1,
                                                     &error);
  if (ev == NULL)
    {
      fprintf (stderr, "bench-quant: %s\n", error->message);
      exit (1);
    }
  *accuracy = ecg_evaluation_accuracy (ev);
  return ecg_evaluation_macro_f1 (ev);
}

/* One table row; qm NULL is the fp32 row (no kernel path, no latency of its own: each INT8 row
 * carries the fp32 latency measured beside it), f1 < 0 a row without test data. */
static void
print_row (const char *name, const char *variant, const EcgQuantModel *qm, double f1,
           double accuracy, double f1_fp32, double fp32_ms, double int8_ms, gsize bytes)
{
  printf ("%-20s %-11s %-11s %5d", name, variant,
          qm != NULL ? ecg_quant_path_name (ecg_quant_model_path (qm)) : "-",
          qm != NULL ? ecg_quant_model_int8_layers (qm) : 0);
  if (f1 >= 0.0)
    printf (" %8.4f %8.4f %+8.4f", f1, accuracy, qm != NULL ? f1 - f1_fp32 : 0.0);
  else
    printf (" %8s %8s %8s", "-", "-", "-");
  if (qm != NULL)
    printf (" %9.4f %9.4f %6.3f", fp32_ms, int8_ms, int8_ms / fp32_ms);
  else
    printf (" %9s %9s %6s", "-", "-", "-");
  printf (" %9" G_GSIZE_FORMAT "\n", bytes);
}

int
main (int argc, char **argv)
{
  int rounds = 3;
  g_autofree char *save_dir = NULL;
  GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Latency rounds (3)", "N" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save_dir, "Write each INT8 model file here", "DIR" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("MODEL.ecgm|ARCH...");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2)
    {
      fprintf (stderr, "bench-quant: %s\n", error != NULL ? error->message : "no model given");
      return 2;
    }
  rounds = CLAMP (rounds, 1, MAX_ROUNDS);
  ecg_blas_use_one_thread ();
  const char *data_root = g_getenv ("ECGWB_DATA");
  g_autofree char *mitdb = data_root != NULL ? g_build_filename (data_root, "mitdb", NULL) : NULL;

  printf ("INT8 kernel path on this CPU: %s\n", ecg_quant_path_name (ecg_quant_path_best ()));
  printf ("%-20s %-11s %-11s %5s %8s %8s %8s %9s %9s %6s %9s\n", "model", "variant", "path",
          "int8", "macroF1", "accuracy", "dF1", "fp32 ms", "int8 ms", "lat×", "w.bytes");
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (EcgModelFile) file = NULL;
      g_autoptr (EcgModel) built = NULL;
      EcgModel *m;
      if (ecg_zoo_find (argv[i], NULL) != NULL)
        m = built = ecg_zoo_build (argv[i], ecg_zoo_find (argv[i], NULL)->supports_rr, 1, NULL);
      else
        {
          file = ecg_model_file_load (argv[i], &error);
          if (file == NULL)
            {
              fprintf (stderr, "bench-quant: %s\n", error->message);
              return 1;
            }
          m = file->model;
        }
      g_autofree char *name = g_strdup (m->arch);

      if (file == NULL || mitdb == NULL || m->multi_label)
        {
          /* Latency only, calibrated on the latency input's distribution. */
          GRand *rand = g_rand_new_with_seed (7);
          gsize size = (gsize) m->input_channels * m->input_length;
          g_autofree float *x = g_new (float, 256 * size);
          g_autofree float *rr = g_new0 (float, 256 * (gsize) MAX (m->rr_features, 1));
          for (gsize k = 0; k < 256 * size; k++)
            x[k] = (float) g_rand_double_range (rand, -1.0, 1.0);
          g_rand_free (rand);
          g_autoptr (EcgQuantModel) qm = ecg_quant_model_new (m, x, m->rr_features ? rr : NULL,
                                                              256, NULL, &error);
          if (qm == NULL)
            {
              /* Not quantisable (e.g. an LSTM): say so and go on with the next. */
              printf ("%-20s %s\n", name, error->message);
              g_clear_error (&error);
              continue;
            }
          double fp32_ms, int8_ms;
          measure_latency (m, qm, rounds, &fp32_ms, &int8_ms);
          print_row (name, "int8-max", qm, -1.0, 0.0, 0.0, fp32_ms, int8_ms,
                     ecg_quant_model_weight_bytes (qm));
          continue;
        }

      g_autoptr (EcgExamples) val = load_split (mitdb, file, "DS1-val", &error);
      g_autoptr (EcgExamples) test = val ? load_split (mitdb, file, "DS2", &error) : NULL;
      if (test == NULL)
        {
          fprintf (stderr, "bench-quant: %s\n", error->message);
          return 1;
        }
      g_autofree float *p32 = ecg_predict (m, test, 1, NULL, &error);
      double acc32;
      double f1_32 = macro_f1 (test, p32, file, &acc32);
      print_row (name, "fp32", NULL, f1_32, acc32, f1_32, 0.0, 0.0,
                 m->n_params * sizeof (float));

      for (int c = 0; c < 2; c++)
        {
          EcgQuantOptions options;
          ecg_quant_options_init (&options);
          options.calibration = c == 0 ? ECG_QUANT_CALIBRATE_MAX : ECG_QUANT_CALIBRATE_PERCENTILE;
          g_autoptr (EcgQuantModel) qm = ecg_quant_model_new_from_examples (m, val, &options,
                                                                            &error);
          if (qm == NULL)
            {
              fprintf (stderr, "bench-quant: %s\n", error->message);
              return 1;
            }
          g_autofree float *p8 = ecg_quant_model_predict (qm, test, 1, NULL, &error);
          double acc8;
          double f1_8 = macro_f1 (test, p8, file, &acc8);
          double fp32_ms, int8_ms;
          measure_latency (m, qm, rounds, &fp32_ms, &int8_ms);
          print_row (name, c == 0 ? "int8-max" : "int8-p99.99", qm, f1_8, acc8, f1_32, fp32_ms,
                     int8_ms, ecg_quant_model_weight_bytes (qm));
          if (save_dir != NULL && c == 0)
            {
              g_autofree char *base = g_strdup_printf ("%s-int8.ecgm", name);
              g_autofree char *path = g_build_filename (save_dir, base, NULL);
              if (!ecg_quant_model_save (qm, file->norm, (const char *const *) file->classes,
                                         file->class_map, file->samples_before, file->info,
                                         path, &error))
                {
                  fprintf (stderr, "bench-quant: %s\n", error->message);
                  return 1;
                }
            }
        }
    }
  printf ("test: DS2 beats; calibration: DS1-val (at most 2000 beats); latency: batch 1, one "
          "thread, median of %d interleaved forwards after %d warm-ups, median of %d rounds\n",
          REPEATS, WARMUP, rounds);
  return 0;
}
