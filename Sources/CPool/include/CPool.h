// CPool — a tiny persistent worker pool for Verity's numeric kernels (C11 atomics + pthreads).
// Swift has no portable spin hint and no low-latency fork/join primitive: GCD's concurrentPerform
// wakes its workers through the kernel on every call (tens of µs), and OpenBLAS's own pool spins
// with sched_yield while Verity's loops run, so the two competed for the same 2 cores. One pool for
// every parallel region (OpenBLAS itself stays single-threaded) removes both costs.
#ifndef VERITY_CPOOL_H
#define VERITY_CPOOL_H

/// A job body: called once per part index.
typedef void (*verity_pool_fn)(void *context, long part);

/// Sets the number of helper threads taking part in jobs (at most 63), creating threads as
/// needed; helpers beyond it park (they are never destroyed).
void verity_pool_reserve(int helpers);

/// Runs fn(context, i) for every i in 0..<parts: part 0 on the calling thread, part i on helper i,
/// and returns when all are done. Runs every part on the caller, in order, when `parts` exceeds
/// 1 + the helper count or another job is in flight (nested or concurrent calls), so the call
/// always completes all parts.
void verity_pool_run(long parts, verity_pool_fn fn, void *context);

/// 1 while a job runs (read from inside a part to run nested work serially), else 0.
int verity_pool_busy(void);

/// Microseconds a helper spins for the next job before sleeping (default 200).
void verity_pool_set_spin(long microseconds);

#endif
