/* Tests of class maps, MIT-BIH splits and beat sets. */
#include <math.h>
#include <string.h>

#include "dataset/ecg-beat-set.h"
#include "ecg-error.h"
#include "test-util.h"

static void
test_class_map_aami (void)
{
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_assert_cmpint (map->n_classes, ==, 5);
  g_assert_cmpint (map->class_of_code[ECG_ANN_NESC], ==, 0);    /* j -> N */
  g_assert_cmpint (map->class_of_code[ECG_ANN_ABERR], ==, 1);   /* a -> S */
  g_assert_cmpint (map->class_of_code[ECG_ANN_VESC], ==, 2);    /* E -> V */
  g_assert_cmpint (map->class_of_code[ECG_ANN_FUSION], ==, 3);  /* F -> F */
  g_assert_cmpint (map->class_of_code[ECG_ANN_PFUS], ==, 4);    /* f -> Q */
  g_assert_cmpint (map->class_of_code[ECG_ANN_RHYTHM], ==, -1); /* not a beat */
  g_autofree char *spec = ecg_class_map_to_string (map);
  g_assert_cmpstr (spec, ==, "N=N,L,R,j,e;S=a,J,A,S;V=V,E;F=F;Q=/,Q,f");

  g_autoptr (EcgClassMap) three = ecg_class_map_new_aami3 ();
  g_assert_cmpint (three->n_classes, ==, 3);
  g_assert_cmpint (three->class_of_code[ECG_ANN_FUSION], ==, -1);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgClassMap) nlrav = ecg_class_map_parse ("NLRAV", &error);
  g_assert_no_error (error);
  g_assert_cmpint (nlrav->class_of_code[ECG_ANN_APC], ==, 3);
  g_assert_cmpint (nlrav->class_of_code[ECG_ANN_ABERR], ==, -1);
}

static void
test_class_map_errors (void)
{
  const char *bad[] = { "N=N", "N=N;S=+", "N=N;S=N", "N=N;N=V", "N;S=A", "N=N;S=zz" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgClassMap) map = ecg_class_map_parse (bad[i], &error);
      g_assert_null (map);
      g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
    }
}

static void
test_splits (void)
{
  gsize n[4] = { 0 };
  for (int s = ECG_MITBIH_DS1; s <= ECG_MITBIH_ALL; s++)
    for (const char *const *r = ecg_mitbih_split_records (s); *r != NULL; r++)
      n[s]++;
  g_assert_cmpuint (n[ECG_MITBIH_DS1], ==, 22);
  g_assert_cmpuint (n[ECG_MITBIH_DS2], ==, 22);
  g_assert_cmpuint (n[ECG_MITBIH_PACED], ==, 4);
  g_assert_cmpuint (n[ECG_MITBIH_ALL], ==, 48);
  /* The three partial splits are disjoint and cover all 48. */
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (int s = ECG_MITBIH_DS1; s <= ECG_MITBIH_PACED; s++)
    for (const char *const *r = ecg_mitbih_split_records (s); *r != NULL; r++)
      g_assert_true (g_hash_table_add (seen, (gpointer) *r));
  g_assert_cmpuint (g_hash_table_size (seen), ==, 48);

  EcgMitbihSplit split;
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_mitbih_split_from_string ("ds2", &split, NULL));
  g_assert_cmpint (split, ==, ECG_MITBIH_DS2);
  g_assert_false (ecg_mitbih_split_from_string ("DS3", &split, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

/* A synthetic record with beats at known places: RR features and edge drops by hand. */
static void
test_synthetic_windows_and_rr (void)
{
  const gint64 n = 3600; /* 10 s at 360 Hz */
  g_autofree float *mlii = g_new (float, n);
  g_autofree float *v5 = g_new (float, n);
  for (gint64 t = 0; t < n; t++)
    {
      mlii[t] = (float) t / 1000.0f;
      v5[t] = -1.0f;
    }
  /* Beats at 50 (too early for 90 before), 400 (N), 760 (A), 1000 (V), 3500 (too late),
   * plus a rhythm annotation that is not a beat. */
  g_autoptr (EcgAnnotationList) anns = ecg_annotation_list_new (6);
  anns->items[0] = (EcgAnnotation) { .sample = 10, .code = ECG_ANN_RHYTHM };
  anns->items[1] = (EcgAnnotation) { .sample = 50, .code = ECG_ANN_NORMAL };
  anns->items[2] = (EcgAnnotation) { .sample = 400, .code = ECG_ANN_NORMAL };
  anns->items[3] = (EcgAnnotation) { .sample = 760, .code = ECG_ANN_APC };
  anns->items[4] = (EcgAnnotation) { .sample = 1000, .code = ECG_ANN_PVC };
  anns->items[5] = (EcgAnnotation) { .sample = 3500, .code = ECG_ANN_NORMAL };
  const char *names[] = { "V5", "MLII" };
  const float *samples[] = { v5, mlii };
  g_autoptr (EcgRecord) rec
    = ecg_record_new_from_samples ("syn", 360, n, 2, names, samples, 1000, anns);

  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (EcgBeatSet) set = ecg_beat_set_new (map, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_beat_set_add_record (set, rec, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (set->n_beats, ==, 3);
  g_assert_cmpuint (set->dropped_at_edges, ==, 2);
  g_assert_cmpuint (set->class_counts[0], ==, 3);
  g_assert_cmpuint (set->class_counts[1], ==, 1);
  g_assert_cmpuint (set->class_counts[2], ==, 1);
  g_assert_cmpint (set->labels[1], ==, 1);
  g_assert_cmpint (set->r_peaks[2], ==, 1000);
  /* MLII is found by name (lead 1); window of beat 400 starts at 310. */
  const EcgBeatSetRecord *r = &g_array_index (set->records, EcgBeatSetRecord, 0);
  g_assert_cmpstr (r->lead, ==, "MLII");
  g_assert_cmpfloat_with_epsilon (set->windows[0], 0.310f, 1e-6);
  g_assert_cmpfloat_with_epsilon (set->windows[255], 0.565f, 1e-6);

  /* Mean RR = (3500 - 50) / 4 = 862.5 samples = 2.395833 s. Beat 760: previous 360 samples
   * (1 s), next 240 (0.6667 s), local mean of its two previous RRs (760 - 50) / 2 = 355 samples. */
  const float *rr = set->rr_features + 1 * ECG_RR_N_FEATURES;
  double mean_s = 862.5 / 360.0;
  g_assert_cmpfloat_with_epsilon (r->mean_rr_s, mean_s, 1e-9);
  g_assert_cmpfloat_with_epsilon (rr[ECG_RR_PREVIOUS_S], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (rr[ECG_RR_NEXT_S], 240.0 / 360.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (rr[ECG_RR_LOCAL_MEAN_S], 355.0 / 360.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (rr[ECG_RR_PREVIOUS_RATIO], 1.0 / mean_s, 1e-6);
  g_assert_cmpfloat_with_epsilon (rr[ECG_RR_LOCAL_MEAN_RATIO], (355.0 / 360.0) / mean_s, 1e-6);
}

static void
test_record_without_beats (void)
{
  float zeros[400] = { 0 };
  const float *samples[] = { zeros };
  const char *names[] = { "I" };
  g_autoptr (EcgRecord) rec = ecg_record_new_from_samples ("x", 100, 400, 1, names, samples, 200,
                                                            NULL);
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (EcgBeatSet) set = ecg_beat_set_new (map, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (ecg_beat_set_add_record (set, rec, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
}

static void
assert_record_counts (const char *dir, const char *name, gsize n, gsize s, gsize v, gsize f,
                      gsize q)
{
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  const char *records[] = { name, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgBeatSet) set = ecg_beat_set_load (dir, records, map, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->class_counts[0], ==, n);
  g_assert_cmpuint (set->class_counts[1], ==, s);
  g_assert_cmpuint (set->class_counts[2], ==, v);
  g_assert_cmpuint (set->class_counts[3], ==, f);
  g_assert_cmpuint (set->class_counts[4], ==, q);
  g_assert_cmpuint (set->n_beats + set->dropped_at_edges, ==, n + s + v + f + q);
}

static void
test_mitdb_record_counts (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  /* Published per-record AAMI counts (MIT-BIH directory; de Chazal 2004). */
  assert_record_counts (dir, "100", 2239, 33, 1, 0, 0);
  assert_record_counts (dir, "208", 1586, 2, 992, 373, 2);
}

static void
test_mitdb_lead_choice (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  const char *records[] = { "102", "114", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgBeatSet) set = ecg_beat_set_load (dir, records, map, NULL, NULL, &error);
  g_assert_no_error (error);
  /* 102 has no MLII (V5, V2): its first lead; 114 has V5 first and MLII second. */
  g_assert_cmpstr (g_array_index (set->records, EcgBeatSetRecord, 0).lead, ==, "V5");
  g_assert_cmpstr (g_array_index (set->records, EcgBeatSetRecord, 1).lead, ==, "MLII");
}

static void
test_mitdb_ds1_totals (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgBeatSet) set
    = ecg_beat_set_load_split (dir, ECG_MITBIH_DS1, map, NULL, NULL, &error);
  g_assert_no_error (error);
  /* de Chazal et al. 2004, Table: DS1 N 45,866, S 944, V 3,788, F 415, Q 8. */
  g_assert_cmpuint (set->class_counts[0], ==, 45866);
  g_assert_cmpuint (set->class_counts[1], ==, 944);
  g_assert_cmpuint (set->class_counts[2], ==, 3788);
  g_assert_cmpuint (set->class_counts[3], ==, 415);
  g_assert_cmpuint (set->class_counts[4], ==, 8);
  g_assert_cmpuint (set->records->len, ==, 22);

  /* The subset of two records has exactly their beats. */
  const char *two[] = { "201", "209", NULL };
  g_autoptr (EcgBeatSet) sub = ecg_beat_set_subset (set, two, &error);
  g_assert_no_error (error);
  gsize expected = g_array_index (set->records, EcgBeatSetRecord, 12).n_beats
                   + g_array_index (set->records, EcgBeatSetRecord, 17).n_beats;
  g_assert_cmpstr (g_array_index (set->records, EcgBeatSetRecord, 12).name, ==, "201");
  g_assert_cmpuint (sub->n_beats, ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/dataset/class-map/aami", test_class_map_aami);
  g_test_add_func ("/engine/dataset/class-map/errors", test_class_map_errors);
  g_test_add_func ("/engine/dataset/mitbih/splits", test_splits);
  g_test_add_func ("/engine/dataset/beat-set/synthetic-windows-and-rr",
                   test_synthetic_windows_and_rr);
  g_test_add_func ("/engine/dataset/beat-set/record-without-beats", test_record_without_beats);
  g_test_add_func ("/engine/dataset/beat-set/mitdb-record-counts", test_mitdb_record_counts);
  g_test_add_func ("/engine/dataset/beat-set/mitdb-lead-choice", test_mitdb_lead_choice);
  g_test_add_func ("/engine/dataset/beat-set/mitdb-ds1-totals", test_mitdb_ds1_totals);
  return g_test_run ();
}
