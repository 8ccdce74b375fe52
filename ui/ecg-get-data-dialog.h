/* ecg-get-data-dialog.h — "Get Data": downloads a public ECG database from PhysioNet into the
 * user's data folder, each file checked against the SHA256SUMS.txt published beside it
 * (engine/fetch/ecg-download). A dataset choice (MIT-BIH Arrhythmia, PTB-XL at 100 Hz), the
 * destination folder (default: $XDG_DATA_HOME/ecg-workbench/<dataset>), a progress bar, Cancel
 * and the error, if any. The download runs in a worker thread; a cancelled or failed download
 * resumes where it stopped when started again.
 *
 * The base URL of each dataset is a GSettings key ("mitdb-url", "ptbxl-url"), so that a local
 * mirror (or a test's server) can stand in for PhysioNet.
 *
 * Actions (group "get-data"): download, cancel (stops a download, else closes), choose-folder.
 * Signal "folder-ready" (GFile *folder): the download completed and every file matched; the
 * dialog then closes. The window opens that folder.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ECG_TYPE_GET_DATA_DIALOG (ecg_get_data_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EcgGetDataDialog, ecg_get_data_dialog, ECG, GET_DATA_DIALOG, GtkWindow)

/* A new dialog, modal and transient for `parent` (may be NULL); present it to show it. */
EcgGetDataDialog *ecg_get_data_dialog_new (GtkWindow *parent);

/* The dataset by id: "mitdb" or "ptb-xl". Choosing one resets the destination to its default.
 * Ignored while a download runs. */
void ecg_get_data_dialog_set_dataset (EcgGetDataDialog *self, const char *id);
const char *ecg_get_data_dialog_get_dataset (EcgGetDataDialog *self);

/* The folder the files go into (owned by the dialog). Ignored while a download runs. */
void ecg_get_data_dialog_set_destination (EcgGetDataDialog *self, GFile *folder);
GFile *ecg_get_data_dialog_get_destination (EcgGetDataDialog *self);

/* TRUE while a download runs ("running"). */
gboolean ecg_get_data_dialog_get_running (EcgGetDataDialog *self);

/* The error or cancellation notice shown, or NULL. Owned by the dialog. */
const char *ecg_get_data_dialog_get_message (EcgGetDataDialog *self);

G_END_DECLS
