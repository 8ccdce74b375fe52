/* ecg-blas.c — process-wide BLAS settings. */
#include "nn/ecg-blas.h"

#include <cblas.h>

void
ecg_blas_use_one_thread (void)
{
  openblas_set_num_threads (1);
}
