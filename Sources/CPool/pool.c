// CPool — see include/CPool.h. Protocol:
// - The dispatcher (holding `dispatch_lock`) publishes the job, sets `remaining` to the helper
//   count and bumps `generation`; every helper runs its part (if any) and decrements `remaining`.
// - An idle helper spins on `generation` for `spin_ns`, then sleeps on `wake` after registering in
//   `sleepers` under `sleep_lock`. The dispatcher bumps `generation` before reading `sleepers`, and
//   a helper registers before re-reading `generation` (all sequentially consistent), so either the
//   dispatcher sees the sleeper and broadcasts under the lock, or the helper sees the new job.
#define _GNU_SOURCE
#include "CPool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define MAX_HELPERS 63

static pthread_mutex_t dispatch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t reserve_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static atomic_ulong generation;
static atomic_long remaining;
static atomic_int sleepers;
static atomic_int helper_count;
static atomic_int busy;
static atomic_long spin_ns = 200000;

// The current job; written by the dispatcher before the generation bump (release), read by the
// helpers after observing it (acquire).
static verity_pool_fn job_fn;
static void *job_context;
static long job_parts;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// The generation current when each helper was created (under the dispatch lock): a helper that
// starts running late must still take part in every job published after its creation.
static unsigned long start_generation[MAX_HELPERS + 1];

static void *helper_main(void *arg) {
    long id = (long)(intptr_t)arg;  // 1-based part index
    unsigned long seen = start_generation[id];
    for (;;) {
        unsigned long g = atomic_load_explicit(&generation, memory_order_acquire);
        if (g == seen) {
            long long deadline = now_ns() + atomic_load_explicit(&spin_ns, memory_order_relaxed);
            int spins = 0;
            while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
                cpu_relax();
                if (++spins < 64) continue;
                spins = 0;
                if (now_ns() < deadline) continue;
                pthread_mutex_lock(&sleep_lock);
                atomic_fetch_add(&sleepers, 1);
                while ((g = atomic_load(&generation)) == seen) pthread_cond_wait(&wake, &sleep_lock);
                atomic_fetch_sub(&sleepers, 1);
                pthread_mutex_unlock(&sleep_lock);
                break;
            }
        }
        seen = g;
        if (id < job_parts) job_fn(job_context, id);
        atomic_fetch_sub_explicit(&remaining, 1, memory_order_acq_rel);
    }
    return NULL;
}

void verity_pool_reserve(int helpers) {
    if (helpers > MAX_HELPERS) helpers = MAX_HELPERS;
    if (atomic_load(&helper_count) >= helpers) return;
    // New helpers must not join a job in flight: take the dispatch lock while adding them.
    pthread_mutex_lock(&reserve_lock);
    pthread_mutex_lock(&dispatch_lock);
    while (atomic_load(&helper_count) < helpers) {
        long id = atomic_load(&helper_count) + 1;
        start_generation[id] = atomic_load(&generation);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, helper_main, (void *)(intptr_t)id);
        pthread_attr_destroy(&attr);
        if (rc != 0) break;  // keep what exists; jobs then fall back to the caller
        atomic_fetch_add(&helper_count, 1);
    }
    pthread_mutex_unlock(&dispatch_lock);
    pthread_mutex_unlock(&reserve_lock);
}

void verity_pool_run(long parts, verity_pool_fn fn, void *context) {
    int helpers = atomic_load(&helper_count);
    if (parts <= 1 || parts - 1 > helpers || pthread_mutex_trylock(&dispatch_lock) != 0) {
        for (long i = 0; i < parts; i++) fn(context, i);
        return;
    }
    helpers = atomic_load(&helper_count);  // stable while the dispatch lock is held
    atomic_store(&busy, 1);
    job_fn = fn;
    job_context = context;
    job_parts = parts;
    atomic_store(&remaining, helpers);
    atomic_fetch_add(&generation, 1);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
    fn(context, 0);
    int spins = 0;
    while (atomic_load_explicit(&remaining, memory_order_acquire) > 0) {
        cpu_relax();
        if (++spins > 4096) { sched_yield(); spins = 0; }
    }
    atomic_store(&busy, 0);
    pthread_mutex_unlock(&dispatch_lock);
}

int verity_pool_busy(void) { return atomic_load_explicit(&busy, memory_order_relaxed); }

void verity_pool_set_spin(long microseconds) {
    if (microseconds < 0) microseconds = 0;
    atomic_store(&spin_ns, microseconds * 1000);
}
