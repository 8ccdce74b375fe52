/* ecgwb-command.h — what every `ecgwb` subcommand shares: exit codes, errors, JSON output. */
#pragma once

#include <json-glib/json-glib.h>

#include "ecg-error.h"

G_BEGIN_DECLS

/* Exit codes of the CLI contract. */
enum
{
  ECGWB_EXIT_OK = 0,
  ECGWB_EXIT_BAD_INPUT = 1, /* bad input or data */
  ECGWB_EXIT_USAGE = 2,
  ECGWB_EXIT_JOB_FAILED = 3,
  ECGWB_EXIT_CANCELLED = 130,
};

typedef int (*EcgwbCommandFunc) (int argc, char **argv);

typedef struct
{
  const char *name;
  const char *summary;
  EcgwbCommandFunc run;
} EcgwbCommand;

/* Parses `argv` with a context for "ecgwb NAME ARGS": on failure prints the one-line error and
 * returns FALSE (exit with ECGWB_EXIT_USAGE). */
gboolean ecgwb_parse_options (const char *command, const char *parameter_string,
                              const char *summary, GOptionEntry *entries, int *argc,
                              char ***argv);
/* Prints "ecgwb COMMAND: message" on stderr and returns the exit code matching the error. */
int ecgwb_fail (const char *command, const GError *error);
/* Prints a usage error on stderr and returns ECGWB_EXIT_USAGE. */
G_GNUC_PRINTF (2, 3) int ecgwb_usage_error (const char *command, const char *format, ...);
/* Prints `node` as one JSON value on stdout (pretty when `pretty`), then a newline. */
void ecgwb_print_json (JsonNode *node, gboolean pretty);
/* Adds a number member, or null when it is NaN or infinite. */
void ecgwb_builder_add_number (JsonBuilder *builder, const char *member, double value);

int ecgwb_command_info (int argc, char **argv);
int ecgwb_command_beats (int argc, char **argv);
int ecgwb_command_detect (int argc, char **argv);
int ecgwb_command_synth (int argc, char **argv);
int ecgwb_command_models (int argc, char **argv);
int ecgwb_command_train (int argc, char **argv);
int ecgwb_command_evaluate (int argc, char **argv);
int ecgwb_command_prune (int argc, char **argv);
int ecgwb_command_runs (int argc, char **argv);
int ecgwb_command_quantise (int argc, char **argv);
int ecgwb_command_sensitivity (int argc, char **argv);
int ecgwb_command_bench (int argc, char **argv);
int ecgwb_command_flops (int argc, char **argv);
int ecgwb_command_energy (int argc, char **argv);
int ecgwb_command_export (int argc, char **argv);
int ecgwb_command_reproduce (int argc, char **argv);

G_END_DECLS
