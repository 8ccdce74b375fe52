#include "ecg-error.h"

G_DEFINE_QUARK (ecg-error-quark, ecg_error)

gboolean
ecg_error_set_if_cancelled (GCancellable *cancellable, GError **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, ECG_ERROR, ECG_ERROR_CANCELLED, "cancelled");
  return TRUE;
}
