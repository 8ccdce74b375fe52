/* Two jobs at once give the same results as one after the other (issue 6): two different
 * pruning jobs of the bundled demo model run through ecg_job_run_async, first one after the
 * other into one store, then both at once into another store. Every figure that does not
 * depend on the clock (sparsity, sizes, MACs, accuracy, macro-F1, per-class figures, bootstrap
 * intervals, training curves), every stored step model, every stored prediction and the final
 * model files must be bit-identical. Latency, and the energies derived from it, are timings
 * and are left out.
 *
 * Job A: L1, 2 steps to 50 %, one worker thread. Job B: energy-aware with distillation, 2 steps
 * to 60 %, two worker threads (so a job's own thread pool runs beside the other job). Both
 * fine-tune on 192 of the demo1+demo3 beats and validate and test on 96 of the demo2 beats. */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "jobs/ecg-job.h"
#include "jobs/ecg-prune-job.h"
#include "store/ecg-run-store.h"
#include "test-util.h"

typedef struct
{
  EcgPruneConfig *config;
  gint64 run_id;
  int progress_calls;
  gboolean done;
  gboolean ok;
  GError *error;
} PruneJob;

static gboolean
prune_job (gpointer data, EcgJobProgressFunc progress, gpointer progress_data,
           GCancellable *cancellable, GError **error)
{
  PruneJob *job = data;
  return ecg_prune_job_run (job->config, &job->run_id, progress, progress_data, cancellable,
                            error);
}

static void
on_progress (const EcgJobProgress *p, gpointer data)
{
  PruneJob *job = data;
  job->progress_calls++;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PruneJob *job = data;
  job->ok = ecg_job_run_finish (result, &job->error);
  job->done = TRUE;
}

static EcgPruneConfig *
make_config (gboolean job_b, const char *store, const char *out)
{
  const char *root = g_getenv ("ECGWB_SOURCE_ROOT");
  EcgPruneConfig *c = ecg_prune_config_new ();
  c->model_path = g_build_filename (root, "data", "models", "CNN1D_3Class-demo.ecgm", NULL);
  c->data_dir = g_build_filename (root, "data", "demo", NULL);
  c->train_records = g_strdup ("demo1,demo3");
  c->val_records = g_strdup ("demo2");
  c->test_records = g_strdup ("demo2");
  c->steps = 2;
  c->finetune_epochs = 1;
  /* Seeded subsets (the same for both runs of a job) keep it quick under ThreadSanitizer. */
  c->max_train_examples = 192;
  c->max_val_examples = 96;
  c->max_test_examples = 96;
  c->latency_repeats = 3;
  c->energy_inferences = 3;
  c->method = job_b ? ECG_IMPORTANCE_ENERGY : ECG_IMPORTANCE_L1;
  c->target_sparsity = job_b ? 0.6 : 0.5;
  c->kd = job_b;
  c->threads = job_b ? 2 : 1;
  c->seed = job_b ? 2 : 1;
  c->store_path = g_strdup (store);
  c->out_path = g_strdup (out);
  return c;
}

/* Runs `jobs` at once in worker threads and waits for all of them in the main context. */
static void
run_jobs (PruneJob **jobs, int n)
{
  for (int i = 0; i < n; i++)
    ecg_job_run_async (prune_job, jobs[i], NULL, on_progress, jobs[i], NULL, on_done, jobs[i]);
  for (;;)
    {
      gboolean all_done = TRUE;
      for (int i = 0; i < n; i++)
        all_done &= jobs[i]->done;
      if (all_done)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  for (int i = 0; i < n; i++)
    {
      g_assert_no_error (jobs[i]->error);
      g_assert_true (jobs[i]->ok);
      g_assert_cmpint (jobs[i]->progress_calls, >, 0);
    }
}

static void
assert_same_double (double a, double b, const char *what, int step)
{
  /* Bit-identical (and NaN equals NaN: an unknown figure stays unknown). */
  if (memcmp (&a, &b, sizeof a) != 0)
    g_error ("step %d: %s differs: %.17g vs %.17g", step, what, a, b);
}

static void
assert_same_file (const char *a, const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;
  g_assert_true (g_file_get_contents (a, &x, &nx, NULL));
  g_assert_true (g_file_get_contents (b, &y, &ny, NULL));
  g_assert_cmpmem (x, nx, y, ny);
}

/* A step's metrics as JSON text without the latency percentiles. */
static char *
clock_free_metrics (JsonObject *metrics)
{
  g_assert_true (json_object_has_member (metrics, "latency_p10_ms"));
  g_assert_true (json_object_has_member (metrics, "latency_p90_ms"));
  g_autoptr (JsonObject) copy = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (metrics);
  for (GList *m = members; m != NULL; m = m->next)
    if (!g_str_has_prefix (m->data, "latency_"))
      json_object_set_member (copy, m->data,
                              json_node_copy (json_object_get_member (metrics, m->data)));
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), copy);
  return json_to_string (node, TRUE);
}

/* The clock-free figures of run `ra` of `sa` and run `rb` of `sb` are identical. */
static void
assert_same_run (EcgRunStore *sa, gint64 ra, EcgRunStore *sb, gint64 rb)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRun) a = ecg_run_store_get_run (sa, ra, &error);
  g_assert_no_error (error);
  g_autoptr (EcgRun) b = ecg_run_store_get_run (sb, rb, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpint (b->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpuint (a->steps->len, ==, 3);
  g_assert_cmpuint (b->steps->len, ==, 3);
  for (guint s = 0; s < a->steps->len; s++)
    {
      const EcgStepRecord *x = g_ptr_array_index (a->steps, s);
      const EcgStepRecord *y = g_ptr_array_index (b->steps, s);
      int step = x->step;
      g_assert_cmpint (x->step, ==, y->step);
      assert_same_double (x->sparsity, y->sparsity, "sparsity", step);
      g_assert_cmpint (x->n_params, ==, y->n_params);
      g_assert_cmpint (x->nonzero_params, ==, y->nonzero_params);
      g_assert_cmpint (x->prunable_params, ==, y->prunable_params);
      g_assert_cmpint (x->nonzero_prunable_params, ==, y->nonzero_prunable_params);
      g_assert_cmpint (x->macs, ==, y->macs);
      g_assert_cmpint (x->tf_flops, ==, y->tf_flops);
      assert_same_double (x->energy_tf_flops_0_45pj_j, y->energy_tf_flops_0_45pj_j,
                          "TF-FLOPs energy", step);
      assert_same_double (x->energy_op_model_45nm_j, y->energy_op_model_45nm_j,
                          "45 nm op-model energy", step);
      assert_same_double (x->accuracy, y->accuracy, "accuracy", step);
      assert_same_double (x->macro_f1, y->macro_f1, "macro-F1", step);

      /* The evaluation (confusion, per-class figures, bootstrap intervals) and the pruning
       * report, without the latency percentiles. */
      g_autofree char *jx = clock_free_metrics (x->metrics);
      g_autofree char *jy = clock_free_metrics (y->metrics);
      g_assert_cmpstr (jx, ==, jy);

      g_assert_cmpuint (x->per_class->len, ==, 3);
      g_assert_cmpuint (x->per_class->len, ==, y->per_class->len);
      for (guint c = 0; c < x->per_class->len; c++)
        {
          const EcgStepClass *cx = &g_array_index (x->per_class, EcgStepClass, c);
          const EcgStepClass *cy = &g_array_index (y->per_class, EcgStepClass, c);
          g_assert_cmpstr (cx->name, ==, cy->name);
          assert_same_double (cx->sensitivity, cy->sensitivity, "sensitivity", step);
          assert_same_double (cx->ppv, cy->ppv, "PPV", step);
          assert_same_double (cx->f1, cy->f1, "F1", step);
          g_assert_cmpint (cx->support, ==, cy->support);
        }
      /* Step 0 is not trained: no curve; steps 1 and 2: train_loss and val_score of 1 epoch. */
      g_assert_cmpuint (x->curve->len, ==, step == 0 ? 0 : 2);
      g_assert_cmpuint (x->curve->len, ==, y->curve->len);
      for (guint p = 0; p < x->curve->len; p++)
        {
          const EcgCurvePoint *px = &g_array_index (x->curve, EcgCurvePoint, p);
          const EcgCurvePoint *py = &g_array_index (y->curve, EcgCurvePoint, p);
          g_assert_cmpstr (px->key, ==, py->key);
          g_assert_cmpint (px->epoch, ==, py->epoch);
          assert_same_double (px->value, py->value, px->key, step);
        }

      g_autoptr (GBytes) model_x = ecg_run_store_load_model (sa, ra, step, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) model_y = ecg_run_store_load_model (sb, rb, step, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (model_x, model_y));

      g_autoptr (EcgPredictions) px = ecg_run_store_load_predictions (sa, ra, step, &error);
      g_assert_no_error (error);
      g_autoptr (EcgPredictions) py = ecg_run_store_load_predictions (sb, rb, step, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (px->n, ==, 96); /* of the 452 demo2 beats */
      g_assert_cmpuint (px->n, ==, py->n);
      g_assert_cmpint (px->n_scores, ==, py->n_scores);
      g_assert_cmpmem (px->predicted, px->n * sizeof (gint32), py->predicted,
                       py->n * sizeof (gint32));
      g_assert_cmpmem (px->scores, px->n * (gsize) px->n_scores * sizeof (float), py->scores,
                       py->n * (gsize) py->n_scores * sizeof (float));
    }
}

static void
test_two_prune_jobs_at_once (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *seq_store = g_build_filename (dir, "one-after-the-other.db", NULL);
  g_autofree char *par_store = g_build_filename (dir, "at-once.db", NULL);
  g_autofree char *seq_a = g_build_filename (dir, "a-one-after-the-other.ecgm", NULL);
  g_autofree char *seq_b = g_build_filename (dir, "b-one-after-the-other.ecgm", NULL);
  g_autofree char *par_a = g_build_filename (dir, "a-at-once.ecgm", NULL);
  g_autofree char *par_b = g_build_filename (dir, "b-at-once.ecgm", NULL);

  g_autoptr (EcgPruneConfig) config_sa = make_config (FALSE, seq_store, seq_a);
  g_autoptr (EcgPruneConfig) config_sb = make_config (TRUE, seq_store, seq_b);
  g_autoptr (EcgPruneConfig) config_pa = make_config (FALSE, par_store, par_a);
  g_autoptr (EcgPruneConfig) config_pb = make_config (TRUE, par_store, par_b);
  PruneJob sa = { config_sa }, sb = { config_sb }, pa = { config_pa }, pb = { config_pb };

  gint64 started = g_get_monotonic_time ();
  PruneJob *first[] = { &sa }, *second[] = { &sb }, *both[] = { &pa, &pb };
  run_jobs (first, 1);
  run_jobs (second, 1);
  gint64 sequential = g_get_monotonic_time () - started;
  started = g_get_monotonic_time ();
  run_jobs (both, 2);
  gint64 together = g_get_monotonic_time () - started;
  g_test_message ("one after the other %.1f s, at once %.1f s", sequential / 1e6,
                  together / 1e6);
  /* One store, two runs each: ids 1 and 2, in either order when at once. */
  g_assert_cmpint (sa.run_id, ==, 1);
  g_assert_cmpint (sb.run_id, ==, 2);
  g_assert_cmpint (MIN (pa.run_id, pb.run_id), ==, 1);
  g_assert_cmpint (MAX (pa.run_id, pb.run_id), ==, 2);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) seq = ecg_run_store_open (seq_store, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (EcgRunStore) par = ecg_run_store_open (par_store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (ecg_run_store_check_integrity (par, &error));
  g_assert_no_error (error);
  assert_same_run (seq, sa.run_id, par, pa.run_id);
  assert_same_run (seq, sb.run_id, par, pb.run_id);
  assert_same_file (seq_a, par_a);
  assert_same_file (seq_b, par_b);
  /* The jobs did differ (else the comparison proves little). */
  g_autoptr (EcgRun) ra = ecg_run_store_get_run (seq, sa.run_id, &error);
  g_autoptr (EcgRun) rb = ecg_run_store_get_run (seq, sb.run_id, &error);
  const EcgStepRecord *last_a = g_ptr_array_index (ra->steps, 2);
  const EcgStepRecord *last_b = g_ptr_array_index (rb->steps, 2);
  g_assert_cmpfloat (fabs (last_a->sparsity - 0.5), <=, 0.005);
  g_assert_cmpfloat (fabs (last_b->sparsity - 0.6), <=, 0.005);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/jobs/concurrent/two-prune-jobs-at-once", test_two_prune_jobs_at_once);
  return g_test_run ();
}
