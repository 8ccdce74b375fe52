/* ecg-go-to-popover.h — a popover asking for a record time ("1:30", "90.5", "0:01:30").
 *
 * Emits "time-chosen" (double seconds) when a valid time is entered and hides itself; an
 * invalid or out-of-range entry is marked with the "error" style class and the popover stays.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ECG_TYPE_GO_TO_POPOVER (ecg_go_to_popover_get_type ())
G_DECLARE_FINAL_TYPE (EcgGoToPopover, ecg_go_to_popover, ECG, GO_TO_POPOVER, GtkPopover)

EcgGoToPopover *ecg_go_to_popover_new (void);

/* The record length in seconds: later times are refused, and the hint shows the range. */
void ecg_go_to_popover_set_duration (EcgGoToPopover *self, double seconds);

/* Clears the entry, shows the popover and focuses the entry. */
void ecg_go_to_popover_open (EcgGoToPopover *self);

/* The time entry (tests type into it). */
GtkEditable *ecg_go_to_popover_get_entry (EcgGoToPopover *self);

/* Parses "s", "m:ss" or "h:mm:ss", each with an optional fraction after '.' or ',' on the
 * seconds (e.g. "90", "90.5", "1:30", "1:30,25", "1:02:03"). With colons, minutes and seconds
 * are below 60 after the first field. Leading and trailing spaces are ignored. Returns FALSE
 * for anything else, negative values included. */
gboolean ecg_parse_time (const char *text, double *seconds);

G_END_DECLS
