/* ecg-workbench-main.c — entry point of the GTK workbench. */
#include <glib/gi18n.h>
#include <locale.h>

#include "ecg-application.h"
#include "ecg-config.h"
#include "nn/ecg-blas.h"

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, ECG_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ecg_blas_use_one_thread ();

  g_autoptr (EcgApplication) application = ecg_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
