/* ecgwb-bench.c — `ecgwb bench (--arch NAME | --model FILE)`: how fast the engine runs a model.
 *
 * The three figures are measured as bench/../shared/reference/torch_zoo.py measures PyTorch, so
 * that bench/compare-torch.sh can put them side by side:
 *   latency     batch 1, eval mode: 20 warm-ups, then the median of 300 timed forwards (50 for
 *               the 12-lead PTB-XL models); one thread whatever --threads says (the engine does
 *               not split one sample across threads; DESIGN.md §7 defines latency on one thread)
 *   inference   batch 256 (64; --batch B), eval mode: one warm-up, then samples / median of 7 (3) forwards;
 *               with --threads N the batch is split into N chunks run at once, each on its own
 *               EcgModelRun (as ecg_predict() does)
 *   training    Adam (lr 1e-3, no weight decay), batch 128 (64), cross-entropy or BCE: samples /
 *               median step time over 7 (3) steps after one warm-up step. The steps are those of
 *               ecg_train() itself (1 epoch over 1 + 7 (3) synthetic batches, timed between its
 *               per-batch progress callbacks), so --threads N uses the trainer's worker split: each
 *               step is gather, forward, loss, backward, gradient sum and optimiser update.
 * Inputs are standard normal (and labels uniform), seeded, as torch.randn. OpenBLAS is held at one
 * thread (DESIGN.md §9); the engine's own workers come from --threads. Times come from
 * g_get_monotonic_time (microseconds). Besides torch_zoo.py's keys the JSON has "macs" (kept
 * weights, DESIGN.md §7), GFLOP/s as 2 × MACs per second for each figure ("gflops_latency",
 * "gflops_infer", and "gflops_train" counting the forward pass only, as the table does),
 * "threads", "batch" and "simd", the kernel level the element-wise math ran at (nn/ecg-vmath.h;
 * ECGWB_SIMD=scalar forces the plain one). A model file is measured on its fp32 path with its
 * masks (zeros are multiplied like any weight: unstructured sparsity does not speed up dense
 * kernels) and, when it takes RR features, standard normal RR inputs.
 */
#include "ecgwb-command.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn/ecg-blas.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-vmath.h"
#include "nn/ecg-zoo.h"
#include "train/ecg-parallel.h"
#include "train/ecg-trainer.h"

#define WARMUPS 20

typedef struct
{
  int latency_runs;
  int infer_batch;
  int infer_runs;
  int train_batch;
  int train_steps;
} BenchPlan;

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The median as Python's statistics.median: the mean of the middle two for an even count. */
static double
median (double *values, int n)
{
  qsort (values, (size_t) n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/* n standard normal floats (Box–Muller) from `rand`. */
static float *
random_normal (gsize n, GRand *rand)
{
  float *out = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i += 2)
    {
      double u1 = 1.0 - g_rand_double (rand); /* (0, 1]: log never sees 0 */
      double u2 = g_rand_double (rand);
      double r = sqrt (-2.0 * log (u1));
      out[i] = (float) (r * cos (2.0 * G_PI * u2));
      if (i + 1 < n)
        out[i + 1] = (float) (r * sin (2.0 * G_PI * u2));
    }
  return out;
}

/* ---- latency ---------------------------------------------------------------------------- */

static double
bench_latency_us (EcgModel *m, const BenchPlan *plan, GRand *rand)
{
  gsize size = (gsize) m->input_channels * (gsize) m->input_length;
  g_autofree float *x = random_normal (size, rand);
  g_autofree float *rr = m->rr_features > 0 ? random_normal ((gsize) m->rr_features, rand) : NULL;
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, 1, FALSE);
  for (int i = 0; i < WARMUPS; i++)
    ecg_model_forward (m, run, x, rr, 1);
  g_autofree double *times = g_new (double, plan->latency_runs);
  for (int i = 0; i < plan->latency_runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      ecg_model_forward (m, run, x, rr, 1);
      times[i] = (double) (g_get_monotonic_time () - t0);
    }
  return median (times, plan->latency_runs);
}

/* ---- batch inference -------------------------------------------------------------------- */

typedef struct
{
  EcgModel *model;
  EcgModelRun **runs;
  const float *inputs;
  const float *rr; /* batch × rr_features, or NULL */
  gsize sample_size;
  int batch;
  int chunk;
} InferContext;

static void
infer_task (int task, gpointer data)
{
  InferContext *c = data;
  int first = task * c->chunk;
  int count = MIN (c->batch, first + c->chunk) - first;
  if (count > 0)
    ecg_model_forward (c->model, c->runs[task], c->inputs + (gsize) first * c->sample_size,
                       c->rr ? c->rr + (gsize) first * (gsize) c->model->rr_features : NULL,
                       count);
}

static double
bench_inference (EcgModel *m, const BenchPlan *plan, guint threads, GRand *rand)
{
  gsize size = (gsize) m->input_channels * (gsize) m->input_length;
  g_autofree float *x = random_normal ((gsize) plan->infer_batch * size, rand);
  g_autofree float *rr = NULL;
  if (m->rr_features > 0)
    rr = random_normal ((gsize) plan->infer_batch * (gsize) m->rr_features, rand);
  int chunk = (plan->infer_batch + (int) threads - 1) / (int) threads;
  g_autofree EcgModelRun **runs = g_new0 (EcgModelRun *, threads);
  for (guint t = 0; t < threads; t++)
    runs[t] = ecg_model_run_new (m, chunk, FALSE);
  g_autoptr (EcgParallel) parallel = ecg_parallel_new ((int) threads);
  InferContext ctx = { m, runs, x, rr, size, plan->infer_batch, chunk };

  ecg_parallel_run (parallel, (int) threads, infer_task, &ctx);
  g_autofree double *times = g_new (double, plan->infer_runs);
  for (int i = 0; i < plan->infer_runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      ecg_parallel_run (parallel, (int) threads, infer_task, &ctx);
      times[i] = (double) (g_get_monotonic_time () - t0);
    }
  for (guint t = 0; t < threads; t++)
    ecg_model_run_free (runs[t]);
  return plan->infer_batch / (median (times, plan->infer_runs) * 1e-6);
}

/* ---- training --------------------------------------------------------------------------- */

typedef struct
{
  gint64 *stamps; /* monotonic time after each batch */
  gsize n_stamps;
  gsize capacity;
} TrainClock;

static void
on_train_progress (const EcgTrainProgress *progress, gpointer data)
{
  TrainClock *clock = data;
  if (!progress->epoch_done && clock->n_stamps < clock->capacity)
    clock->stamps[clock->n_stamps++] = g_get_monotonic_time ();
}

static double
bench_training (EcgModel *m, const BenchPlan *plan, int threads, GRand *rand, GError **error)
{
  const int batch = plan->train_batch;
  const gsize n = (gsize) batch * (gsize) (1 + plan->train_steps);
  const gsize size = (gsize) m->input_channels * (gsize) m->input_length;
  const int k = m->n_outputs;
  g_autofree float *x = random_normal (n * size, rand);
  g_autofree gint32 *labels = NULL;
  g_autofree float *targets = NULL;
  if (m->multi_label)
    {
      targets = g_new (float, n * (gsize) k);
      for (gsize i = 0; i < n * (gsize) k; i++)
        targets[i] = g_rand_double (rand) > 0.5 ? 1.0f : 0.0f;
    }
  else
    {
      labels = g_new (gint32, n);
      for (gsize i = 0; i < n; i++)
        labels[i] = g_rand_int_range (rand, 0, k);
    }
  g_autoptr (EcgExamples) examples = ecg_examples_new_from_arrays (n, m->input_channels,
                                                                   m->input_length, x, k, labels,
                                                                   targets);
  if (m->rr_features > 0)
    {
      examples->n_rr = m->rr_features;
      examples->rr = random_normal (n * (gsize) m->rr_features, rand);
    }

  /* Train a copy: the benchmark leaves its model as built. */
  g_autoptr (EcgModel) copy = ecg_model_copy (m);
  g_autofree gint64 *stamps = g_new (gint64, 1 + plan->train_steps);
  TrainClock clock = { stamps, 0, (gsize) (1 + plan->train_steps) };
  EcgTrainOptions o;
  ecg_train_options_init (&o);
  o.epochs = 1;
  o.batch_size = batch;
  o.learning_rate = 1e-3f;
  o.weight_decay = 0.0f;
  o.optimizer = ECG_OPTIMIZER_ADAM;
  o.class_weights = FALSE;
  o.patience = 0;
  o.seed = 1;
  o.threads = threads;
  o.progress = on_train_progress;
  o.progress_data = &clock;
  EcgTrainResult result = { 0 };
  gboolean ok = ecg_train (copy, examples, NULL, &o, &result, error);
  ecg_train_result_clear (&result);
  if (!ok)
    return NAN;
  g_assert (clock.n_stamps == clock.capacity);

  /* Batch 1 is the warm-up; each later batch is timed from the previous batch's callback to its
   * own, i.e. one whole step of the trainer. */
  g_autofree double *times = g_new (double, plan->train_steps);
  for (int s = 0; s < plan->train_steps; s++)
    times[s] = (double) (stamps[s + 1] - stamps[s]);
  return batch / (median (times, plan->train_steps) * 1e-6);
}

/* ---- the command ------------------------------------------------------------------------ */

/* 2 × MACs per second, in GFLOP/s, at `samples_per_s`. */
static double
gflops (gint64 macs, double samples_per_s)
{
  return 2.0 * (double) macs * samples_per_s * 1e-9;
}

static EcgModel *
load_bench_model (const char *arch, const char *model_path, gint64 seed, GError **error)
{
  if (arch != NULL)
    return ecg_zoo_build (arch, FALSE, (guint64) seed, error);
  g_autoptr (EcgModelFile) file = ecg_model_file_load (model_path, error);
  if (file == NULL)
    return NULL;
  return g_steal_pointer (&file->model);
}

int
ecgwb_command_bench (int argc, char **argv)
{
  g_autofree char *arch = NULL;
  g_autofree char *model_path = NULL;
  int threads = 1;
  int batch = 0;
  gint64 seed = 0;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "arch", 0, 0, G_OPTION_ARG_STRING, &arch, "Architecture of the model zoo (see ecgwb "
      "models), freshly initialised", "NAME" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "A model file (.ecgm), run on its fp32 "
      "path", "FILE" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Inference batch (256, or 64 for 12-lead "
      "models)", "B" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Worker threads for batch inference and "
      "training (1); latency is always one thread", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the weights and the random inputs (0)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("bench", NULL, "Measures batch-1 latency (median of 300 runs, 50 "
                            "for 12-lead models, after 20 warm-ups), batch inference throughput "
                            "(256 or 64 samples) and Adam training throughput (batch 128 or 64) "
                            "of a zoo architecture or a model file, with GFLOP/s as 2 × MACs per "
                            "second, as bench/compare-torch.sh compares with PyTorch. OpenBLAS "
                            "runs on one thread.", entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if ((arch == NULL) == (model_path == NULL) || argc != 1)
    return ecgwb_usage_error ("bench", "give either --arch NAME or --model FILE");
  if (threads < 1 || threads > 256)
    return ecgwb_usage_error ("bench", "--threads must be in 1..256");
  if (batch < 0 || batch > 65536)
    return ecgwb_usage_error ("bench", "--batch must be in 1..65536");
  if (seed < 0)
    return ecgwb_usage_error ("bench", "--seed must not be negative");

  /* The process-wide BLAS pool would fight the engine's own workers (DESIGN.md §9). */
  ecg_blas_use_one_thread ();

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) model = load_bench_model (arch, model_path, seed, &error);
  if (model == NULL)
    return ecgwb_fail ("bench", error);

  /* torch_zoo.py's sizes: the 12-lead models are ~50x more work per sample. */
  gboolean big = model->input_channels == 12;
  BenchPlan plan = {
    .latency_runs = big ? 50 : 300,
    .infer_batch = batch > 0 ? batch : big ? 64 : 256,
    .infer_runs = big ? 3 : 7,
    .train_batch = big ? 64 : 128,
    .train_steps = big ? 3 : 7,
  };
  GRand *rand = g_rand_new_with_seed ((guint32) seed);
  double latency_us = bench_latency_us (model, &plan, rand);
  double infer = bench_inference (model, &plan, (guint) threads, rand);
  double train = bench_training (model, &plan, threads, rand, &error);
  g_rand_free (rand);
  if (error != NULL)
    return ecgwb_fail ("bench", error);
  gint64 macs = ecg_model_macs (model, TRUE, NULL);
  double gflops_latency = gflops (macs, 1e6 / latency_us);
  double gflops_infer = gflops (macs, infer);
  double gflops_train = gflops (macs, train);

  if (!json)
    {
      printf ("%s: %" G_GSIZE_FORMAT " params, %" G_GINT64_FORMAT " MACs, latency %.1f us "
              "(median of %d, batch 1, %.1f GFLOP/s), inference %.1f samples/s (batch %d, %.1f "
              "GFLOP/s), training %.1f samples/s (batch %d, %.1f GFLOP/s forward), %d thread%s, "
              "%s kernels\n", model->arch, model->n_params, macs, latency_us, plan.latency_runs,
              gflops_latency, infer, plan.infer_batch, gflops_infer, train, plan.train_batch,
              gflops_train, threads, threads > 1 ? "s" : "",
              ecg_simd_level_name (ecg_simd_level ()));
      return ECGWB_EXIT_OK;
    }
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, model->arch);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, (gint64) model->n_params);
  json_builder_set_member_name (b, "macs");
  json_builder_add_int_value (b, macs);
  ecgwb_builder_add_number (b, "latency_us_median", latency_us);
  ecgwb_builder_add_number (b, "infer_samples_per_s", infer);
  ecgwb_builder_add_number (b, "train_samples_per_s", train);
  ecgwb_builder_add_number (b, "gflops_latency", gflops_latency);
  ecgwb_builder_add_number (b, "gflops_infer", gflops_infer);
  ecgwb_builder_add_number (b, "gflops_train", gflops_train);
  json_builder_set_member_name (b, "batch");
  json_builder_add_int_value (b, plan.infer_batch);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, threads);
  json_builder_set_member_name (b, "simd");
  json_builder_add_string_value (b, ecg_simd_level_name (ecg_simd_level ()));
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  ecgwb_print_json (root, FALSE);
  return ECGWB_EXIT_OK;
}
