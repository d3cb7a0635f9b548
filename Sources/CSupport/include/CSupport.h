// Small C helpers Swift cannot express safely: an async-signal-safe Ctrl-C flag.
#ifndef VERITY_CSUPPORT_H
#define VERITY_CSUPPORT_H

/// Installs a SIGINT handler (without SA_RESTART) that only sets a flag.
void verity_sigint_install(void);
/// Restores the default SIGINT disposition.
void verity_sigint_uninstall(void);
/// 1 when Ctrl-C was pressed since the last clear, else 0.
int verity_sigint_pending(void);
/// Clears the flag.
void verity_sigint_clear(void);

/// 1 when this CPU runs code built with `-target-cpu haswell` (AVX2, FMA, BMI2, F16C), or when not
/// on x86-64; else 0.
int verity_cpu_runs_haswell_code(void);

#endif

#include <stddef.h>

/// Opens the master side of a new pseudo-terminal and writes the slave's device path into
/// `slave_name` (at most `size` bytes). Returns the master descriptor, or -1 on failure.
int verity_pty_open(char *slave_name, size_t size);
