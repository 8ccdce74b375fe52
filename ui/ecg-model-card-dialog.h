/* ecg-model-card-dialog.h — a window with the card of one model (EcgModelCard): the research-use
 * notice, architecture, parameters, MACs, classes, the data and protocol it was trained and
 * tested under, its metrics and their limits.
 *
 * The card is read in a GTask (model file, side file and cost table); Escape closes. */
#pragma once

#include <gtk/gtk.h>

#include "measure/ecg-model-card.h"

G_BEGIN_DECLS

#define ECG_TYPE_MODEL_CARD_DIALOG (ecg_model_card_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EcgModelCardDialog, ecg_model_card_dialog, ECG, MODEL_CARD_DIALOG,
                      GtkWindow)

/* A dialog transient for `parent` (may be NULL), destroyed when closed. */
EcgModelCardDialog *ecg_model_card_dialog_new (GtkWindow *parent);

/* Reads and shows the card of the model file `path`, or of zoo architecture `arch`. */
void ecg_model_card_dialog_show_model_file (EcgModelCardDialog *self, const char *path);
void ecg_model_card_dialog_show_architecture (EcgModelCardDialog *self, const char *arch);

/* TRUE while the card is being read ("loading"). */
gboolean ecg_model_card_dialog_get_loading (EcgModelCardDialog *self);
/* The card shown, NULL while none. Owned by the dialog. */
const EcgModelCard *ecg_model_card_dialog_get_card (EcgModelCardDialog *self);
/* The error shown, or NULL. Owned by the dialog. */
const char *ecg_model_card_dialog_get_message (EcgModelCardDialog *self);

G_END_DECLS
