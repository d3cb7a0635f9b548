// CPU feature check for the numeric modules' build target (Package.swift: -target-cpu haswell).
#include "CSupport.h"

int verity_cpu_runs_haswell_code(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("f16c");
#else
    return 1;
#endif
}
