/* ecg-about.h — the About dialog: version, licence, the method's sources and the datasets'
 * attributions and citations (their licences require them). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A new About dialog, transient for `parent` (may be NULL) and destroyed when closed. The
 * caller presents it; GTK owns the toplevel. */
GtkWidget *ecg_about_dialog_new (GtkWindow *parent);

G_END_DECLS
