// Threading — how the 2 cores are shared between OpenBLAS and Verity's own loops.
//
// Decision (measured on the 2-core Zen3 VM, see the engine report): matrix products use
// OpenBLAS's own threads (2 threads ≈ 1.8× one thread on sgemm 2048², but little gain on the
// skinny products of small models); attention, which is many small per-(row, head) products and
// softmaxes, is split over the cores with `DispatchQueue.concurrentPerform` on contiguous chunks
// of rows, calling OpenBLAS single-threaded inside (OpenBLAS runs small products on the calling
// thread anyway). Elementwise kernels stay serial: they are memory-bound and too short to pay for
// a dispatch.
import CBLAS
import Dispatch

/// Thread settings for the numeric kernels.
public enum Threading {
    /// Worker count used by `parallelFor`; set together with OpenBLAS's by `setThreads`.
    nonisolated(unsafe) private static var workers: Int = 2

    /// Sets the thread count for OpenBLAS and for Verity's own parallel loops (at least 1).
    /// Same seed and same thread count give the same outputs.
    public static func setThreads(_ n: Int) {
        let k = max(1, n)
        workers = k
        openblas_set_num_threads(Int32(k))
    }

    /// The current thread count.
    public static var threads: Int { workers }

    /// Runs `body(start, end)` over `0..<count` split into contiguous chunks, one per worker.
    /// The split depends only on `count` and the thread count, so results are deterministic.
    public static func parallelFor(_ count: Int, minimumPerWorker: Int = 1,
                                   _ body: (Int, Int) -> Void) {
        let k = min(workers, max(1, count / max(1, minimumPerWorker)))
        if k <= 1 || count <= 1 {
            body(0, count)
            return
        }
        // OpenBLAS called from several threads at once while it runs its own pool serialises on
        // its queue lock and spins (measured: 6× slower training on the small config); inside a
        // parallel region each worker calls it single-threaded.
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(workers)) }
        // The chunks touch disjoint memory by construction (the callers' contract), which the
        // compiler cannot see through raw pointers; hence the unchecked hand-over.
        withoutActuallyEscaping(body) { escapable in
            nonisolated(unsafe) let work = escapable
            DispatchQueue.concurrentPerform(iterations: k) { w in
                let start = count * w / k
                let end = count * (w + 1) / k
                if start < end { work(start, end) }
            }
        }
    }
}
