// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). Every matrix product in Verity goes through it.
#include <cblas.h>
// Thread control, declared by OpenBLAS's cblas.h as well; repeated here for clarity.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
