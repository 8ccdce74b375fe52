/* ecgwb-models.c — `ecgwb models`: the architectures of the model zoo. */
#include "ecgwb-command.h"

#include <stdio.h>

#include "nn/ecg-zoo.h"

int
ecgwb_command_models (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON array on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("models", NULL, "Lists the architectures with their parameters, "
                            "MACs per inference, input shape and classes.", entries, &argc,
                            &argv))
    return ECGWB_EXIT_USAGE;
  if (argc != 1)
    return ecgwb_usage_error ("models", "takes no arguments");

  gsize n = 0;
  const EcgArchInfo *archs = ecg_zoo_architectures (&n);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  if (!json)
    printf ("%-22s %10s %13s %10s %8s  %s\n", "architecture", "params", "MACs", "input",
            "+RR", "classes");
  for (gsize i = 0; i < n; i++)
    {
      const EcgArchInfo *a = &archs[i];
      g_autoptr (EcgModel) m = ecg_zoo_build (a->name, FALSE, 0, NULL);
      gint64 rr_extra = -1;
      if (a->supports_rr)
        {
          g_autoptr (EcgModel) with_rr = ecg_zoo_build (a->name, TRUE, 0, NULL);
          rr_extra = (gint64) (with_rr->n_params - m->n_params);
        }
      gint64 macs = ecg_model_macs (m, FALSE, NULL);
      if (!json)
        {
          g_autofree char *input = g_strdup_printf ("%dx%d", a->input_channels,
                                                    a->input_length);
          g_autofree char *classes = g_strjoinv (" ", (char **) a->classes);
          g_autofree char *extra = rr_extra >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT,
                                                                    rr_extra)
                                                 : g_strdup ("-");
          printf ("%-22s %10" G_GSIZE_FORMAT " %13" G_GINT64_FORMAT " %10s %8s  %s%s\n",
                  a->name, m->n_params, macs, input, extra, classes,
                  a->multi_label ? " (multi-label)" : "");
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, a->name);
      json_builder_set_member_name (b, "params");
      json_builder_add_int_value (b, (gint64) m->n_params);
      json_builder_set_member_name (b, "macs");
      json_builder_add_int_value (b, macs);
      json_builder_set_member_name (b, "input");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, a->input_channels);
      json_builder_add_int_value (b, a->input_length);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "outputs");
      json_builder_add_int_value (b, a->n_outputs);
      json_builder_set_member_name (b, "classes");
      json_builder_begin_array (b);
      for (int c = 0; c < a->n_outputs; c++)
        json_builder_add_string_value (b, a->classes[c]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "rr_extra_params");
      if (rr_extra >= 0)
        json_builder_add_int_value (b, rr_extra);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (json)
    {
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      ecgwb_print_json (root, FALSE);
    }
  return ECGWB_EXIT_OK;
}
