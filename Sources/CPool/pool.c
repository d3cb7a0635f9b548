// CPool — see include/CPool.h. Protocol:
// - `state` packs a job counter (bits 16+), the active helper count (bits 8–15) and the job's part
//   count (bits 0–7). The dispatcher (holding `dispatch_lock`) publishes the job body, sets
//   `remaining` to the active helper count and stores a new `state`. Each active helper runs its
//   part (if it has one) and decrements `remaining`; helpers beyond the active count take no part
//   and park until `verity_pool_reserve` activates them again.
// - An idle active helper spins on `state` for `spin_ns`, then sleeps on `wake` after registering
//   in `sleepers` under `sleep_lock`. The dispatcher stores `state` before reading `sleepers`, and
//   a helper registers before re-reading `state` (all sequentially consistent), so either the
//   dispatcher sees the sleeper and broadcasts under the lock, or the helper sees the new job.
// - Everything a helper needs about a job (whether it takes part, which part) comes from one
//   load of `state`, so a slow helper can never mistake one job's counts for another's.
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
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t unpark = PTHREAD_COND_INITIALIZER;

static atomic_ulong state;          // counter << 16 | active << 8 | parts
static atomic_long remaining;
static atomic_int sleepers;
static atomic_int helper_count;     // threads created
static atomic_int active_count;     // helpers taking part in jobs (ids 1...active)
static atomic_int busy;
static atomic_long spin_ns = 200000;

// The current job body; written by the dispatcher before the state store (release), read by the
// taking-part helpers after observing it (acquire), and not rewritten until they all finished.
static verity_pool_fn job_fn;
static void *job_context;

// The state current when each helper was created or last activated (under the dispatch lock).
static unsigned long start_state[MAX_HELPERS + 1];

static inline unsigned long pack(unsigned long counter, long active, long parts) {
    return (counter << 16) | ((unsigned long)active << 8) | (unsigned long)parts;
}

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

/// Waits until `state` differs from `seen`: spins for spin_ns, then sleeps on `wake`.
static unsigned long wait_for_job(unsigned long seen) {
    unsigned long s = atomic_load_explicit(&state, memory_order_acquire);
    if (s != seen) return s;
    long long deadline = now_ns() + atomic_load_explicit(&spin_ns, memory_order_relaxed);
    int spins = 0;
    while ((s = atomic_load_explicit(&state, memory_order_acquire)) == seen) {
        cpu_relax();
        if (++spins < 64) continue;
        spins = 0;
        if (now_ns() < deadline) continue;
        pthread_mutex_lock(&sleep_lock);
        atomic_fetch_add(&sleepers, 1);
        while ((s = atomic_load(&state)) == seen) pthread_cond_wait(&wake, &sleep_lock);
        atomic_fetch_sub(&sleepers, 1);
        pthread_mutex_unlock(&sleep_lock);
        break;
    }
    return s;
}

static void *helper_main(void *arg) {
    long id = (long)(intptr_t)arg;  // 1-based part index
    unsigned long seen = start_state[id];
    for (;;) {
        if (id > atomic_load(&active_count)) {
            // Parked: not taking part until activated (which records the state to start from).
            pthread_mutex_lock(&sleep_lock);
            while (id > atomic_load(&active_count)) pthread_cond_wait(&unpark, &sleep_lock);
            pthread_mutex_unlock(&sleep_lock);
            seen = start_state[id];
            continue;
        }
        unsigned long s = wait_for_job(seen);
        seen = s;
        long active = (long)((s >> 8) & 0xff), parts = (long)(s & 0xff);
        if (id > active) continue;  // deactivated before this job: park at the loop's top
        if (id < parts) job_fn(job_context, id);
        atomic_fetch_sub_explicit(&remaining, 1, memory_order_acq_rel);
    }
    return NULL;
}

void verity_pool_reserve(int helpers) {
    if (helpers < 0) helpers = 0;
    if (helpers > MAX_HELPERS) helpers = MAX_HELPERS;
    pthread_mutex_lock(&dispatch_lock);  // no job in flight while helpers join or leave
    unsigned long s = atomic_load(&state);
    while (atomic_load(&helper_count) < helpers) {
        long id = atomic_load(&helper_count) + 1;
        start_state[id] = s;
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, helper_main, (void *)(intptr_t)id);
        pthread_attr_destroy(&attr);
        if (rc != 0) break;  // keep what exists; larger jobs then run on the caller
        atomic_fetch_add(&helper_count, 1);
    }
    int target = helpers < atomic_load(&helper_count) ? helpers : atomic_load(&helper_count);
    int old = atomic_load(&active_count);
    for (long id = old + 1; id <= target; id++) start_state[id] = s;
    pthread_mutex_lock(&sleep_lock);
    atomic_store(&active_count, target);
    if (target > old) pthread_cond_broadcast(&unpark);
    pthread_mutex_unlock(&sleep_lock);
    pthread_mutex_unlock(&dispatch_lock);
}

void verity_pool_run(long parts, verity_pool_fn fn, void *context) {
    if (parts <= 1 || parts - 1 > atomic_load(&active_count) || parts > 255 ||
        pthread_mutex_trylock(&dispatch_lock) != 0) {
        for (long i = 0; i < parts; i++) fn(context, i);
        return;
    }
    long active = atomic_load(&active_count);  // stable while the dispatch lock is held
    if (parts - 1 > active) {
        pthread_mutex_unlock(&dispatch_lock);
        for (long i = 0; i < parts; i++) fn(context, i);
        return;
    }
    atomic_store(&busy, 1);
    job_fn = fn;
    job_context = context;
    atomic_store(&remaining, active);
    unsigned long counter = (atomic_load(&state) >> 16) + 1;
    atomic_store(&state, pack(counter, active, parts));
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
