/* ecg-window.h — the main window: four pages switched in the header bar — Records (a folder's
 * records in a sidebar and the selected record on ECG paper), Compress (EcgCompressionPanel),
 * Runs (EcgRunsView, showing the store the panel writes) and Energy (EcgEnergyView, the cost
 * of the panel's model or another). */
#pragma once

#include <gtk/gtk.h>

#include "ecg-compression-panel.h"
#include "ecg-energy-view.h"
#include "ecg-error-browser.h"
#include "ecg-runs-view.h"
#include "ecg-waveform-view.h"

G_BEGIN_DECLS

#define ECG_TYPE_WINDOW (ecg_window_get_type ())
G_DECLARE_FINAL_TYPE (EcgWindow, ecg_window, ECG, WINDOW, GtkApplicationWindow)

/* `application` may be NULL (tests). */
EcgWindow *ecg_window_new (GtkApplication *application);

/* Lists the WFDB records of `folder` (every *.hea) in the sidebar and opens `record_name`
 * (a record name without extension), or the first record when NULL. The folder is read
 * asynchronously; errors appear in the window. */
void ecg_window_open_folder (EcgWindow *self, GFile *folder, const char *record_name);
/* Opens what was dropped on the window: a record's file (.hea, .dat or .atr) opens its folder
 * at that record; anything else is taken for a folder. */
void ecg_window_open_file (EcgWindow *self, GFile *file);

/* The folder shown, owned by the window; NULL before the first ecg_window_open_folder(). */
GFile *ecg_window_get_folder (EcgWindow *self);
/* The sidebar's model (a GtkSingleSelection of GFileInfo, one per .hea file, sorted by name),
 * owned by the window. */
GListModel *ecg_window_get_records (EcgWindow *self);
EcgWaveformView *ecg_window_get_waveform_view (EcgWindow *self);
EcgCompressionPanel *ecg_window_get_compression_panel (EcgWindow *self);
EcgRunsView *ecg_window_get_runs_view (EcgWindow *self);
/* The misclassified-beats panel under the ECG paper: the current model (the demo model until
 * "Open Model…", win.open-model) classifies the record shown. */
EcgErrorBrowser *ecg_window_get_error_browser (EcgWindow *self);
/* The Energy page; its current model follows the Compress page's. */
EcgEnergyView *ecg_window_get_energy_view (EcgWindow *self);
/* The page shown: "records", "compress", "runs" or "energy" (also the action win.show-page,
 * Alt+1..4). */
void ecg_window_show_page (EcgWindow *self, const char *page);
const char *ecg_window_get_page (EcgWindow *self);
/* TRUE while a record is being read in the worker thread ("loading" is notified). */
gboolean ecg_window_get_loading (EcgWindow *self);
/* The message shown in the info bar, or NULL when none is shown. Owned by the window. */
const char *ecg_window_get_message (EcgWindow *self);

G_END_DECLS
