/* ecgwb-detect.c — `ecgwb detect PATH`: Pan–Tompkins QRS detection, scored against the
 * reference beats when the record has them (a match within 150 ms, as EC57). */
#include "ecgwb-command.h"

#include <math.h>
#include <stdio.h>

#include "io/ecg-record.h"
#include "signal/ecg-qrs-detector.h"

int
ecgwb_command_detect (int argc, char **argv)
{
  gboolean json = FALSE, exclude_vf = FALSE, skip_learning = FALSE;
  g_autofree char *lead_name = NULL;
  GOptionEntry entries[] = {
    { "lead", 0, 0, G_OPTION_ARG_STRING, &lead_name, "Lead to detect on (default MLII, else "
      "the first)", "NAME" },
    { "exclude-vf", 0, 0, G_OPTION_ARG_NONE, &exclude_vf, "Leave reference ventricular "
      "flutter/fibrillation episodes out of the score (as PhysioNet's bxb)", NULL },
    { "skip-learning", 0, 0, G_OPTION_ARG_NONE, &skip_learning, "Score from 5 minutes on "
      "(bxb's default test period)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("detect", "PATH", "Detects the QRS complexes of a record and, "
                            "when it has reference beat annotations, reports sensitivity and "
                            "positive predictivity.", entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (argc != 2)
    return ecgwb_usage_error ("detect", "expected one record PATH");

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecord) record = ecg_record_load (argv[1], ECG_RECORD_LOAD_DEFAULT, &error);
  if (record == NULL)
    return ecgwb_fail ("detect", error);
  int lead = -1;
  if (lead_name != NULL && (lead = ecg_record_find_lead (record, lead_name)) < 0)
    {
      g_printerr ("ecgwb detect: record %s has no lead %s\n", record->name, lead_name);
      return ECGWB_EXIT_BAD_INPUT;
    }
  EcgQrsScoreFlags flags = (exclude_vf ? ECG_QRS_SCORE_EXCLUDE_VF : 0)
                           | (skip_learning ? ECG_QRS_SCORE_SKIP_LEARNING : 0);
  g_autoptr (GArray) detections = NULL;
  EcgQrsScore score = { .sensitivity = NAN, .positive_predictivity = NAN };
  gboolean has_reference = record->annotations != NULL
                           && ecg_annotation_list_count_beats (record->annotations) > 0;
  /* A clinician's own record has no reference: detect only, and report null scores. */
  gboolean ok = has_reference
                  ? ecg_qrs_detect_and_score_record (record, lead, NULL, flags, &detections,
                                                     &score, &error)
                  : (detections = ecg_qrs_detect_record (record, lead, NULL, &error)) != NULL;
  if (!ok)
    return ecgwb_fail ("detect", error);
  if (!json)
    {
      printf ("record %s: %u beats detected\n", record->name, detections->len);
      if (has_reference)
        printf ("against the reference: TP %" G_GINT64_FORMAT ", FN %" G_GINT64_FORMAT
                ", FP %" G_GINT64_FORMAT ", sensitivity %.2f %%, PPV %.2f %%\n",
                score.true_positives, score.false_negatives, score.false_positives,
                100 * score.sensitivity, 100 * score.positive_predictivity);
      return ECGWB_EXIT_OK;
    }
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "record");
  json_builder_add_string_value (b, record->name);
  json_builder_set_member_name (b, "beats");
  json_builder_add_int_value (b, detections->len);
  ecgwb_builder_add_number (b, "sensitivity", score.sensitivity);
  ecgwb_builder_add_number (b, "ppv", score.positive_predictivity);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  ecgwb_print_json (root, FALSE);
  return ECGWB_EXIT_OK;
}
