/* ecgwb-synth.c — `ecgwb synth --out DIR --seed N ...`: a synthetic ECG (ECGSYN after McSharry
 * et al. 2003) with premature S and V beats, written as a WFDB record with its .atr. */
#include "ecgwb-command.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "signal/ecg-synth.h"

int
ecgwb_command_synth (int argc, char **argv)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  g_autofree char *out_dir = NULL;
  g_autofree char *name = NULL;
  gint64 seed = options.seed;
  int format = 212;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, "Folder to write the record into", "DIR" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Record name (default synthN, N the seed)",
      "NAME" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed: the same seed gives the same "
      "record, bit for bit", "N" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &options.duration_s, "Length in seconds (300)",
      "S" },
    { "fs", 0, 0, G_OPTION_ARG_DOUBLE, &options.fs, "Sampling frequency in Hz (360)", "HZ" },
    { "heart-rate", 0, 0, G_OPTION_ARG_DOUBLE, &options.heart_rate_bpm, "Mean heart rate in "
      "beats per minute (60)", "BPM" },
    { "hrv", 0, 0, G_OPTION_ARG_DOUBLE, &options.hrv_std_bpm, "Heart-rate standard deviation "
      "in bpm (1)", "BPM" },
    { "noise", 0, 0, G_OPTION_ARG_DOUBLE, &options.noise_std_mv, "Measurement noise, mV "
      "standard deviation (0.01)", "MV" },
    { "baseline-wander", 0, 0, G_OPTION_ARG_DOUBLE, &options.baseline_wander_mv,
      "Respiratory baseline wander amplitude, mV (0.05)", "MV" },
    { "s-rate", 0, 0, G_OPTION_ARG_DOUBLE, &options.s_beat_rate, "Fraction of premature "
      "atrial (S) beats (0.03)", "F" },
    { "v-rate", 0, 0, G_OPTION_ARG_DOUBLE, &options.v_beat_rate, "Fraction of premature "
      "ventricular (V) beats (0.02)", "F" },
    { "format", 0, 0, G_OPTION_ARG_INT, &format, "Signal format, 212 or 16 (212)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("synth", NULL, "Writes a synthetic two-lead (MLII, V5) ECG record "
                            "with reference beat annotations.", entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (out_dir == NULL || argc != 1)
    return ecgwb_usage_error ("synth", "--out DIR is required");
  if (seed < 0 || seed > G_MAXUINT32)
    return ecgwb_usage_error ("synth", "--seed must be in 0..%u", G_MAXUINT32);
  if (format != 16 && format != 212)
    return ecgwb_usage_error ("synth", "--format must be 16 or 212");
  options.seed = (guint32) seed;
  if (name == NULL)
    name = g_strdup_printf ("synth%" G_GINT64_FORMAT, seed);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecord) record = ecg_synth_record (name, &options, &error);
  if (record == NULL)
    return ecgwb_fail ("synth", error);
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      g_printerr ("ecgwb synth: %s: %s\n", out_dir, g_strerror (errno));
      return ECGWB_EXIT_BAD_INPUT;
    }
  if (!ecg_record_save (record, out_dir, format, &error))
    return ecgwb_fail ("synth", error);

  gsize n = 0, s = 0, v = 0;
  for (gsize i = 0; i < record->annotations->n_items; i++)
    switch (record->annotations->items[i].code)
      {
      case ECG_ANN_NORMAL: n++; break;
      case ECG_ANN_APC: s++; break;
      case ECG_ANN_PVC: v++; break;
      default: break;
      }
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  if (!json)
    {
      printf ("wrote %s (.hea, .dat, .atr): %.0f s at %g Hz, beats N %" G_GSIZE_FORMAT
              ", S %" G_GSIZE_FORMAT ", V %" G_GSIZE_FORMAT "\n", path,
              options.duration_s, options.fs, n, s, v);
      return ECGWB_EXIT_OK;
    }
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "record");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, seed);
  json_builder_set_member_name (b, "beats");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "N");
  json_builder_add_int_value (b, (gint64) n);
  json_builder_set_member_name (b, "S");
  json_builder_add_int_value (b, (gint64) s);
  json_builder_set_member_name (b, "V");
  json_builder_add_int_value (b, (gint64) v);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  ecgwb_print_json (root, FALSE);
  return ECGWB_EXIT_OK;
}
