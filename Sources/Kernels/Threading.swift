// Threading — how the cores are shared. Decision, from measurements on the 2-core VM (shared with
// other jobs, so ±30% swings; figures in the engine report and `verity bench`):
// - One persistent pool (CPool: the calling thread plus `threads − 1` helpers that spin ~200 µs
//   for the next job, then sleep) runs every parallel region: matrix products and the elementwise
//   and attention loops alike. OpenBLAS itself always runs on one thread.
// - Why not OpenBLAS's threads plus GCD for the rest (the first design): OpenBLAS's idle workers
//   spin with sched_yield for ~0.1 s after each product, so every GCD loop between two products
//   ran 3+ threads on 2 cores (a quarter of a batched-decoding profile was the scheduler), and
//   each concurrentPerform paid a kernel wake-up (10–50 µs) — per layer, per step. One pool
//   dispatches in about a microsecond and never oversubscribes.
// - Products are cut into parts fixed by their shape alone (Gemm.swift: token tiles and general
//   chunks); the pool only decides which thread runs which part, so no bit depends on the thread
//   count.
// - Loops split into contiguous chunks only when a chunk has enough work (`minimumPerWorker`).
// - Nested regions (a product inside a parallel loop) and calls from a second thread while a job
//   runs execute serially on their caller.
// Loops hand each index's work to exactly one thread and never combine partial sums across
// chunks, so results are the same at every thread count.
import COpenBLAS
import CPool

/// Thread settings for the numeric kernels.
public enum Threading {
    /// Threads used (the caller plus pool helpers); starts at OPENBLAS_NUM_THREADS or the core count.
    nonisolated(unsafe) private static var workers: Int = {
        let n = max(1, Int(verity_blas_get_threads()))
        verity_blas_set_threads(1)
        verity_pool_reserve(Int32(n - 1))
        return n
    }()

    /// Sets the thread count for Verity's kernels (at least 1). Outputs do not depend on it.
    public static func setThreads(_ n: Int) {
        let k = max(1, n)
        _ = workers
        workers = k
        verity_blas_set_threads(1)
        verity_pool_reserve(Int32(k - 1))
    }

    /// The current thread count.
    public static var threads: Int { workers }

    /// Runs `body(start, end)` over `0..<count` split into contiguous chunks, one per worker, when
    /// each chunk gets at least `minimumPerWorker` items. Chunks must touch disjoint memory.
    /// Products and loops inside a chunk run whole on that chunk's thread.
    public static func parallelFor(_ count: Int, minimumPerWorker: Int = 1, _ body: (Int, Int) -> Void) {
        let k = min(workers, max(1, count / max(1, minimumPerWorker)))
        if k <= 1 || count <= 1 || verity_pool_busy() != 0 {
            body(0, count)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            var job = PoolJob(count: count, parts: k, body: escapable)
            withUnsafeMutablePointer(to: &job) { p in
                verity_pool_run(k, poolTrampoline, UnsafeMutableRawPointer(p))
            }
        }
    }
}

/// One parallel loop: part w of `parts` covers count·w/parts ..< count·(w+1)/parts.
private struct PoolJob {
    let count: Int
    let parts: Int
    let body: (Int, Int) -> Void
}

/// The C entry point of a pool part.
private let poolTrampoline: verity_pool_fn = { context, part in
    guard let job = context?.assumingMemoryBound(to: PoolJob.self).pointee else { return }
    let w = Int(part)
    let start = job.count * w / job.parts
    let end = job.count * (w + 1) / job.parts
    if start < end { job.body(start, end) }
}
