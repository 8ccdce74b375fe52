/* ecg-workbench-main.c — entry point of the GTK workbench. */
#include "ecg-application.h"
#include "nn/ecg-blas.h"

int
main (int argc, char *argv[])
{
  ecg_application_init_i18n ();
  ecg_blas_use_one_thread ();

  g_autoptr (EcgApplication) application = ecg_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
