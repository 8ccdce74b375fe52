/* Tests of `ecgwb export` as users run it (a spawned ecgwb, ECGWB_PATH): the files it writes
 * and the exit codes of the CLI contract (1 bad store or run, 2 usage). */
#include <string.h>
#include <sys/wait.h>

#include "plot-fixture.h"
#include "test-util.h"

typedef struct
{
  char *dir;
  char *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = ecg_test_tmpdir_new ();
  f->store = plot_fixture_store (f->dir);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->store);
  ecg_test_tmpdir_free (f->dir);
}

/* Runs `ecgwb export ARGS...` (NULL-terminated) and returns its exit code; stdout and stderr
 * go to *out and *err when those are given. */
static int
run_export (char **out, char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *ecgwb = g_getenv ("ECGWB_PATH");
  g_assert_nonnull (ecgwb);
  g_ptr_array_add (argv, (gpointer)ecgwb);
  g_ptr_array_add (argv, (gpointer) "export");
  va_list args;
  va_start (args, err);
  for (const char *arg = va_arg (args, const char *); arg != NULL;
       arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text,
                &stderr_text, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (g_test_verbose ())
    g_printerr ("%s", stderr_text);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return WEXITSTATUS (status);
}

static void
test_png (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "f1.png", NULL);
  g_assert_cmpint (run_export (NULL, NULL, "--store", f->store, "--runs", "1,2", "--plot",
                               "f1-vs-sparsity", "--format", "png", "--out", path, NULL),
                   ==, 0);
  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &n, NULL));
  g_assert_cmpuint (n, >, 1000);
  g_assert_cmpmem (bytes, 4, "\x89PNG", 4);
  /* IHDR: the default 800 × 500 page. */
  g_assert_cmpmem (bytes + 16, 8, "\0\0\x03\x20\0\0\x01\xf4", 8);
}

static void
test_csv_and_json (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "pareto.csv", NULL);
  g_autofree char *out = NULL;
  g_assert_cmpint (run_export (&out, NULL, "--store", f->store, "--runs", "2", "--plot",
                               "f1-vs-energy", "--energy", "proxy", "--out", path, "--json", NULL),
                   ==, 0);
  /* Format from the extension; run 2 alone: (10, .88) (7, .89) (3, .70) are all on the front. */
  g_autofree char *csv = NULL;
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_cmpstr (csv, ==,
                   "run,label,step,x,y\n"
                   "2,#2 L1 +KD,0,10,0.88\n"
                   "2,#2 L1 +KD,1,7,0.89\n"
                   "2,#2 L1 +KD,2,3,0.7\n"
                   "2,Pareto front,2,3,0.7\n"
                   "2,Pareto front,1,7,0.89\n");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  JsonObject *summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (summary, "format"), ==, "csv");
  g_assert_cmpstr (json_object_get_string_member (summary, "plot"), ==, "f1-vs-energy");
  g_assert_cmpstr (json_object_get_string_member (summary, "energy"), ==, "proxy");
  g_assert_cmpstr (json_object_get_string_member (summary, "x_label"), ==,
                   "Energy proxy, MMACs × latency (MMAC·ms)");
  g_assert_cmpint (json_object_get_int_member (summary, "pareto_points"), ==, 2);
  JsonArray *series = json_object_get_array_member (summary, "series");
  g_assert_cmpuint (json_array_get_length (series), ==, 1);
  JsonObject *first = json_array_get_object_element (series, 0);
  g_assert_cmpint (json_object_get_int_member (first, "run"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (first, "points"), ==, 3);
}

static void
test_svg_pdf_sizes (Fixture *f, gconstpointer data)
{
  g_autofree char *svg = g_build_filename (f->dir, "loss.svg", NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "loss.pdf", NULL);
  g_assert_cmpint (run_export (NULL, NULL, "--store", f->store, "--runs", "1,2", "--plot",
                               "loss-curves", "--out", svg, "--width", "640", "--height", "480",
                               NULL),
                   ==, 0);
  g_assert_cmpint (run_export (NULL, NULL, "--store", f->store, "--runs", "1", "--plot",
                               "energy-vs-sparsity", "--energy", "tf-flops", "--format", "pdf",
                               "--out", pdf, NULL),
                   ==, 0);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  g_assert_nonnull (strstr (text, "width=\"640pt\" height=\"480pt\""));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (pdf, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "%PDF-"));
}

static void
test_usage_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "x.png", NULL);
  const char *s = f->store;
  /* Missing options, unknown names, bad lists and sizes: exit 2, nothing written. */
  g_assert_cmpint (
      run_export (NULL, NULL, "--store", s, "--plot", "f1-vs-sparsity", "--out", out, NULL), ==, 2);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "1", "--plot", "f1-vs-time",
                               "--out", out, NULL),
                   ==, 2);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "1,x", "--plot",
                               "f1-vs-sparsity", "--out", out, NULL),
                   ==, 2);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "1,1", "--plot",
                               "f1-vs-sparsity", "--out", out, NULL),
                   ==, 2);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "0", "--plot", "f1-vs-sparsity",
                               "--out", out, NULL),
                   ==, 2);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "1", "--plot", "f1-vs-energy",
                               "--energy", "rapl", "--out", out, NULL),
                   ==, 2);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "1", "--plot", "f1-vs-sparsity",
                               "--format", "gif", "--out", out, NULL),
                   ==, 2);
  g_autofree char *no_extension = g_build_filename (f->dir, "plot", NULL);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "1", "--plot", "f1-vs-sparsity",
                               "--out", no_extension, NULL),
                   ==, 2);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "1", "--plot", "f1-vs-sparsity",
                               "--out", out, "--width", "20", NULL),
                   ==, 2);
  g_assert_cmpint (run_export (NULL, NULL, "--store", s, "--runs", "1", "--plot", "f1-vs-sparsity",
                               "--out", out, "extra", NULL),
                   ==, 2);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "x.png", NULL);
  g_autofree char *err = NULL;
  /* An unknown run, a missing store, a file that is no store, a plot with no data, an
   * unwritable output: exit 1. */
  g_assert_cmpint (run_export (NULL, &err, "--store", f->store, "--runs", "1,9", "--plot",
                               "f1-vs-sparsity", "--out", out, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "9"));
  g_autofree char *missing = g_build_filename (f->dir, "missing.db", NULL);
  g_assert_cmpint (run_export (NULL, NULL, "--store", missing, "--runs", "1", "--plot",
                               "f1-vs-sparsity", "--out", out, NULL),
                   ==, 1);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_autofree char *text = ecg_test_write_file (f->dir, "notes.db", "not a database\n", -1);
  g_assert_cmpint (run_export (NULL, NULL, "--store", text, "--runs", "1", "--plot",
                               "f1-vs-sparsity", "--out", out, NULL),
                   ==, 1);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_export (NULL, &err, "--store", f->store, "--runs", "1,2", "--plot",
                               "auroc-vs-sparsity", "--out", out, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "AUROC"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_autofree char *unwritable = g_build_filename (f->dir, "no-dir", "x.png", NULL);
  g_assert_cmpint (run_export (NULL, NULL, "--store", f->store, "--runs", "1", "--plot",
                               "f1-vs-sparsity", "--out", unwritable, NULL),
                   ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func)                                                                            \
  g_test_add ("/cli/export/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("png", test_png);
  ADD ("csv-and-json", test_csv_and_json);
  ADD ("svg-pdf-sizes", test_svg_pdf_sizes);
  ADD ("usage-errors", test_usage_errors);
  ADD ("bad-input", test_bad_input);
#undef ADD
  return g_test_run ();
}
