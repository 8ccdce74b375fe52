/* ecgwb-main.c — the headless command line over the engine: `ecgwb COMMAND [OPTIONS]`. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ecg-config.h"
#include "ecgwb-command.h"
#include "nn/ecg-blas.h"

static const EcgwbCommand commands[] = {
  { "info", "Describe a WFDB record: leads, gains, checksums, annotations, labels",
    ecgwb_command_info },
  { "beats", "Count reference beats per AAMI class in a record or a MIT-BIH split",
    ecgwb_command_beats },
  { "detect", "Detect QRS complexes (Pan-Tompkins) and score them against the reference",
    ecgwb_command_detect },
  { "synth", "Write a synthetic ECG record (ECGSYN) with premature S and V beats",
    ecgwb_command_synth },
  { "models", "List the model zoo: parameters, MACs, inputs and classes",
    ecgwb_command_models },
  { "train", "Train an architecture and write its model file", ecgwb_command_train },
  { "evaluate", "Test a model file: accuracy, F1, confusion, AUROC, intervals",
    ecgwb_command_evaluate },
  { "prune", "Prune a model step by step (L1 or energy-aware) into a run store",
    ecgwb_command_prune },
  { "runs", "List, show, resume, rename or delete the runs of a store", ecgwb_command_runs },
  { "quantise", "Quantise a model to INT8 and compare it with fp32", ecgwb_command_quantise },
  { "sensitivity", "Validation score with each layer pruned alone", ecgwb_command_sensitivity },
  { "bench", "Measure latency and inference/training throughput of a zoo architecture",
    ecgwb_command_bench },
  { "flops", "Count MACs or TF-profiler FLOPs per layer of an architecture or model file",
    ecgwb_command_flops },
  { "energy", "Energy per inference by each method, CO2 per million, wearable battery life",
    ecgwb_command_energy },
  { "export", "Plot runs of a store (F1, accuracy, energy, loss) as PNG, SVG, PDF or CSV",
    ecgwb_command_export },
  { "reproduce", "Reproduce the compression paper's Tables IV, V, VI, VIII (seed-tables)",
    ecgwb_command_reproduce },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: ecgwb COMMAND [OPTIONS]\n\nECG Workbench %s (%s) command line.\n\n"
                "Commands:\n", ECG_VERSION, ECG_GIT_HASH);
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\n`ecgwb COMMAND --help` describes a command's options. With --json a command\n"
                "prints one JSON value on stdout; progress and logs go to stderr.\n"
                "Exit codes: 0 success, 1 bad input or data, 2 usage, 3 job failed,\n"
                "130 cancelled.\n");
}

int
main (int argc, char **argv)
{
  /* Numbers are printed in the C locale whatever the user's locale. */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  ecg_blas_use_one_thread ();

  if (argc < 2)
    {
      print_usage (stderr);
      return ECGWB_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return ECGWB_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("ecgwb %s (%s)\n", ECG_VERSION, ECG_GIT_HASH);
      return ECGWB_EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "ecgwb: unknown command '%s' (see ecgwb --help)\n", argv[1]);
  return ECGWB_EXIT_USAGE;
}
