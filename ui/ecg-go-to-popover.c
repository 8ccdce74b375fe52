/* ecg-go-to-popover.c — "Go to time" popover of the waveform view. */
#include "ecg-go-to-popover.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _EcgGoToPopover
{
  GtkPopover parent_instance;

  double duration;

  /* Template children */
  GtkEntry *entry;
  GtkLabel *hint_label;
};

G_DEFINE_FINAL_TYPE (EcgGoToPopover, ecg_go_to_popover, GTK_TYPE_POPOVER)

enum
{
  TIME_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A field of digits only; FALSE when empty or too long to be a time. */
static gboolean
parse_digits (const char *text, gsize length, guint64 *value)
{
  if (length == 0 || length > 9)
    return FALSE;
  *value = 0;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      *value = *value * 10 + (guint64) (text[i] - '0');
    }
  return TRUE;
}

/* Seconds with an optional fraction: digits, then optionally '.' or ',' and digits. */
static gboolean
parse_seconds (const char *text, double *seconds)
{
  const char *point = strpbrk (text, ".,");
  gsize whole_length = point != NULL ? (gsize) (point - text) : strlen (text);
  guint64 whole;
  if (!parse_digits (text, whole_length, &whole))
    return FALSE;
  double fraction = 0.0;
  if (point != NULL)
    {
      const char *digits = point + 1;
      gsize n = strlen (digits);
      guint64 value;
      if (!parse_digits (digits, n, &value))
        return FALSE;
      fraction = (double) value / pow (10.0, (double) n);
    }
  *seconds = (double) whole + fraction;
  return TRUE;
}

gboolean
ecg_parse_time (const char *text, double *seconds)
{
  g_return_val_if_fail (seconds != NULL, FALSE);
  if (text == NULL)
    return FALSE;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_auto (GStrv) fields = g_strsplit (trimmed, ":", -1);
  guint n = g_strv_length (fields);
  if (n < 1 || n > 3)
    return FALSE;

  double secs;
  if (!parse_seconds (fields[n - 1], &secs))
    return FALSE;
  if (n == 1)
    {
      *seconds = secs;
      return TRUE;
    }
  if (secs >= 60.0)
    return FALSE;

  guint64 minutes, hours = 0;
  if (!parse_digits (fields[n - 2], strlen (fields[n - 2]), &minutes))
    return FALSE;
  if (n == 3)
    {
      if (!parse_digits (fields[0], strlen (fields[0]), &hours) || minutes >= 60)
        return FALSE;
    }
  *seconds = (double) hours * 3600.0 + (double) minutes * 60.0 + secs;
  return TRUE;
}

static void
on_entry_changed (GtkEditable *editable, EcgGoToPopover *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
}

static void
on_activate (EcgGoToPopover *self)
{
  double seconds;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  if (!ecg_parse_time (text, &seconds) || (self->duration > 0.0 && seconds > self->duration))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
      gtk_widget_error_bell (GTK_WIDGET (self->entry));
      return;
    }
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[TIME_CHOSEN], 0, seconds);
}

/* "1:02:03" for the hint, whole seconds rounded up so that the range covers the record. */
static char *
format_duration (double seconds)
{
  gint64 whole = (gint64) ceil (seconds);
  if (whole >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", whole / 3600,
                            (int) (whole / 60 % 60), (int) (whole % 60));
  return g_strdup_printf ("%d:%02d", (int) (whole / 60), (int) (whole % 60));
}

void
ecg_go_to_popover_set_duration (EcgGoToPopover *self, double seconds)
{
  g_return_if_fail (ECG_IS_GO_TO_POPOVER (self));
  self->duration = MAX (seconds, 0.0);
  g_autofree char *end = format_duration (self->duration);
  /* Translators: the range of times one can go to, e.g. "0:00 to 30:06 (m:ss or seconds)". */
  g_autofree char *hint = g_strdup_printf (_("0:00 to %s (m:ss or seconds)"), end);
  gtk_label_set_text (self->hint_label, hint);
}

void
ecg_go_to_popover_open (EcgGoToPopover *self)
{
  g_return_if_fail (ECG_IS_GO_TO_POPOVER (self));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  gtk_popover_popup (GTK_POPOVER (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

GtkEditable *
ecg_go_to_popover_get_entry (EcgGoToPopover *self)
{
  g_return_val_if_fail (ECG_IS_GO_TO_POPOVER (self), NULL);
  return GTK_EDITABLE (self->entry);
}

EcgGoToPopover *
ecg_go_to_popover_new (void)
{
  return g_object_new (ECG_TYPE_GO_TO_POPOVER, NULL);
}

static void
ecg_go_to_popover_class_init (EcgGoToPopoverClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* EcgGoToPopover::time-chosen: (double seconds) a valid time was entered. */
  signals[TIME_CHOSEN] = g_signal_new ("time-chosen", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                       G_TYPE_DOUBLE);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/ecgworkbench/Workbench/ui/ecg-go-to-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgGoToPopover, entry);
  gtk_widget_class_bind_template_child (widget_class, EcgGoToPopover, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
}

static void
ecg_go_to_popover_init (EcgGoToPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ecg_go_to_popover_set_duration (self, 0.0);
}
