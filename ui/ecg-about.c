/* ecg-about.c — the About dialog. Citations go in credit sections (one per source) with a link
 * to each: GtkAboutDialog shows the text before a URL as the link's label, and keeps line
 * breaks, so long references are broken by hand. */
#include "ecg-about.h"

#include <glib/gi18n.h>

#include "ecg-config.h"

GtkWidget *
ecg_about_dialog_new (GtkWindow *parent)
{
  GtkAboutDialog *about = GTK_ABOUT_DIALOG (gtk_about_dialog_new ());

  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), parent != NULL);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (about), TRUE);

  gtk_about_dialog_set_program_name (about, _("ECG Workbench"));
  gtk_about_dialog_set_logo_icon_name (about, ECG_APP_ID);
  gtk_about_dialog_set_version (about, ECG_VERSION " (" ECG_GIT_HASH ")");
  gtk_about_dialog_set_comments (about,
                                 _("Energy-aware compression of ECG arrhythmia classifiers.\n"
                                   "Research use only — not a medical device."));
  gtk_about_dialog_set_license_type (about, GTK_LICENSE_GPL_3_0);
  gtk_about_dialog_set_translator_credits (about, _("translator-credits"));

  /* The compression method and its energy accounting come from these two studies. */
  const char *method[] = {
    _("Lakshmi Kota (Georgia State University):\n"
      "Energy-Efficient AI for Wearable Health: A Compression Framework\n"
      "for ECG Arrhythmia Detection"),
    _("Ritanjit Das, supervised by Manojit Ghose (IIIT Guwahati):\n"
      "Energy Efficiency Evaluation of Cardiac Arrest Detection Models (2025)"),
    NULL,
  };
  gtk_about_dialog_add_credit_section (about, _("Method based on"), method);

  /* Translators: the licence names stay in English (they are the licences' titles). */
  const char *mitdb[] = {
    _("Moody GB, Mark RG. The impact of the MIT-BIH Arrhythmia Database.\n"
      "IEEE Engineering in Medicine and Biology 20(3):45–50 (2001)"
      " https://doi.org/10.1109/51.932724"),
    _("Open Data Commons Attribution License v1.0"
      " https://opendatacommons.org/licenses/by/1-0/"),
    NULL,
  };
  gtk_about_dialog_add_credit_section (about, _("MIT-BIH Arrhythmia Database"), mitdb);

  const char *ptbxl[] = {
    _("Wagner P, Strodthoff N, Bousseljot R-D, Kreiseler D, Lunze FI, Samek W,\n"
      "Schaeffter T. PTB-XL, a large publicly available electrocardiography dataset.\n"
      "Scientific Data 7:154 (2020) https://doi.org/10.1038/s41597-020-0495-6"),
    _("Creative Commons Attribution 4.0 International"
      " https://creativecommons.org/licenses/by/4.0/"),
    NULL,
  };
  gtk_about_dialog_add_credit_section (about, _("PTB-XL"), ptbxl);

  const char *physionet[] = {
    _("Goldberger AL, Amaral LAN, Glass L, Hausdorff JM, Ivanov PCh, Mark RG,\n"
      "Mietus JE, Moody GB, Peng C-K, Stanley HE. PhysioBank, PhysioToolkit, and\n"
      "PhysioNet: Components of a new research resource for complex physiologic\n"
      "signals. Circulation 101(23):e215–e220 (2000)"
      " https://doi.org/10.1161/01.CIR.101.23.e215"),
    NULL,
  };
  gtk_about_dialog_add_credit_section (about, _("PhysioNet"), physionet);

  return GTK_WIDGET (about);
}
