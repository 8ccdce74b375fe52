/* ecg-application.h — the GtkApplication of ECG Workbench (io.github.ecgworkbench.Workbench).
 *
 * `ecg-workbench` opens the bundled demo folder; `ecg-workbench FOLDER` lists a folder's
 * records; `ecg-workbench RECORD` (path with or without .hea/.dat/.atr) lists its folder and
 * opens it. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ECG_TYPE_APPLICATION (ecg_application_get_type ())
G_DECLARE_FINAL_TYPE (EcgApplication, ecg_application, ECG, APPLICATION, GtkApplication)

EcgApplication *ecg_application_new (void);

/* Sets up gettext before any string is translated: the locale from the environment, and the
 * "ecg-workbench" catalogue in UTF-8 as the default domain, which _() and the GtkBuilder
 * templates (they have no domain of their own) translate through. The catalogue comes from
 * $ECG_WORKBENCH_LOCALEDIR when set (`meson devenv` and the tests point it at the build tree's
 * po/), otherwise from the installed localedir. Call it first in main(). */
void ecg_application_init_i18n (void);

/* The demo records: data/demo of the source tree when it exists (running uninstalled),
 * otherwise the installed $datadir/ecg-workbench/demo. Returns an owned GFile. */
GFile *ecg_application_get_demo_folder (void);
/* The bundled demo model, models/CNN1D_3Class-demo.ecgm beside the demo folder (source tree
 * first, then installed). Returns an owned GFile. */
GFile *ecg_application_get_demo_model (void);

/* Splits a command-line argument into the folder to list and the record to open in it:
 * a folder gives (folder, NULL); "dir/100", "dir/100.hea", ".dat" or ".atr" give
 * (dir, "100"). Returns the owned folder; `record_name` receives an owned name or NULL. */
GFile *ecg_application_resolve_argument (GFile *file, char **record_name);

G_END_DECLS
