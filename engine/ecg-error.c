#include "ecg-error.h"

G_DEFINE_QUARK (ecg-error-quark, ecg_error)
