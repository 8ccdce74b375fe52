/* ecg-window-private.h — EcgWindow's state, shared by ecg-window.c (folder, records, loading)
 * and ecg-window-actions.c (actions, dialogs, recent folders). */
#pragma once

#include "ecg-multilabel-view.h"
#include "ecg-window.h"

G_BEGIN_DECLS

struct _EcgWindow
{
  GtkApplicationWindow parent_instance;

  GSettings *settings;

  /* The folder and its records: directory list → .hea filter → name sort → selection. */
  GFile *folder;
  GtkDirectoryList *directory_list;
  GtkSingleSelection *selection;
  GtkFilterListModel *headers; /* the .hea filter, owned by the selection's sort model */
  /* A PTB-XL tree (ptbxl_database.csv + records100/ or records500/): the records folder's
   * listing, then one directory list per subfolder, flattened into the filter's source once
   * all are read so that the records arrive sorted in one batch and the first is selected. */
  GtkDirectoryList *ptbxl_records_dir;
  GListStore *ptbxl_subfolders; /* being read */
  GListStore *ptbxl_listed;     /* read: the flatten model's source */
  GtkFlattenListModel *ptbxl_records;
  char *pending_record_name; /* to select once the directory list delivers it */
  guint folder_idle_id;

  /* The record being read, if any. */
  GCancellable *load_cancellable;
  guint load_idle_id;
  gboolean loading;
  /* Record path → its reference beats per AAMI class ("N 334 · S 15 · V 16"), for the rows of
   * the records read so far. */
  GHashTable *record_beats;

  /* Template children */
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkSpinner *spinner;
  GtkButton *zoom_button;
  GtkListView *record_list;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkStack *content_stack;
  GtkSpinner *loading_spinner;
  GtkLabel *empty_title;
  GtkLabel *empty_description;
  EcgWaveformView *waveform_view;
  GtkLabel *record_info_label;
  GMenu *recent_section;
  GtkStack *page_stack;
  GtkWidget *zoom_box;
  EcgCompressionPanel *compression_panel;
  EcgRunsView *runs_view;
  EcgErrorBrowser *error_browser;
  EcgEnergyView *energy_view;
  EcgMultilabelView *multilabel_view;
};

/* ecg-window-actions.c */
void _ecg_window_class_actions_init (GtkWidgetClass *widget_class);
void _ecg_window_actions_init (EcgWindow *self);
/* "/home/ana/data/mitdb" → "~/data/mitdb", for labels. Returns an owned string. */
char *_ecg_window_display_path (const char *path);
/* Puts `folder` first in the recent-folders setting. */
void _ecg_window_remember_folder (EcgWindow *self, GFile *folder);

G_END_DECLS
