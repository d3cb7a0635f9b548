// Threading — how the 2 cores are shared between OpenBLAS and Verity's own loops.
//
// Decision, from measurements on the 2-core Zen3 VM (shared with other jobs, so ±30% swings;
// see the engine report):
// - Matrix products use OpenBLAS's own threads. Big products (training GEMMs, the 32000-row
//   classifier sgemv) are what two threads speed up.
// - Training attention, many small products per (row, kv head), is split with
//   `DispatchQueue.concurrentPerform` over contiguous chunks, and OpenBLAS is switched to one
//   thread inside: OpenBLAS called from two threads while running its own pool serialises on its
//   queue and spins (measured 6× slower training on the small config). Decode attention is plain
//   SIMD per sequence (per-head sgemv calls cost more than their arithmetic), split the same way.
// - Small products (below `serialBLASWork` multiply-adds, e.g. every projection of a single
//   decoding sequence of the tiny model) run OpenBLAS single-threaded: its two-thread split of a
//   128×128 sgemv costs more in synchronisation than it saves, and on a loaded machine each sync
//   can wait a scheduler slice (measured: tiny B=1 sampling 12k tok/s serial vs 0.4–2.7k split).
// - Elementwise kernels (RMSNorm, RoPE, SwiGLU, log-softmax rows, sampling rows) are split over
//   rows only when a chunk has enough work to pay for the dispatch (~10 µs).
// The split depends only on the sizes and the thread count, so results are reproducible for a
// fixed thread count.
import CBLAS
import Dispatch

/// Thread settings for the numeric kernels.
public enum Threading {
    /// Worker count for `parallelFor`; starts at OpenBLAS's count (OPENBLAS_NUM_THREADS or cores).
    nonisolated(unsafe) private static var workers: Int = max(1, Int(openblas_get_num_threads()))

    /// Sets the thread count for OpenBLAS and for Verity's own parallel loops (at least 1).
    /// Same seed and same thread count give the same outputs.
    public static func setThreads(_ n: Int) {
        let k = max(1, n)
        workers = k
        openblas_set_num_threads(Int32(k))
    }

    /// The current thread count.
    public static var threads: Int { workers }

    /// Products with fewer multiply-adds than this run OpenBLAS on one thread (≈ 100 µs of work).
    nonisolated(unsafe) public static var serialBLASWork: Int = 4_000_000

    /// True while a `parallelFor(callsBLAS: true)` region runs (OpenBLAS is then single-threaded
    /// already and must not be reconfigured from the workers). Written only by the calling thread
    /// around `concurrentPerform`, which orders it before and after the workers.
    nonisolated(unsafe) static var inBLASRegion = false

    /// Runs `body` with OpenBLAS on one thread when `work` (multiply-adds) is small.
    @inline(__always)
    static func blas(work: Int, _ body: () -> Void) {
        if work >= serialBLASWork || workers <= 1 || inBLASRegion {
            body()
            return
        }
        openblas_set_num_threads(1)
        body()
        openblas_set_num_threads(Int32(workers))
    }

    /// Runs `body(start, end)` over `0..<count` split into contiguous chunks, one per worker, when
    /// each chunk gets at least `minimumPerWorker` items. `callsBLAS`: the body calls OpenBLAS,
    /// which is then kept single-threaded for the duration.
    public static func parallelFor(_ count: Int, minimumPerWorker: Int = 1, callsBLAS: Bool = false,
                                   _ body: (Int, Int) -> Void) {
        let k = min(workers, max(1, count / max(1, minimumPerWorker)))
        if k <= 1 || count <= 1 {
            body(0, count)
            return
        }
        if callsBLAS { openblas_set_num_threads(1); inBLASRegion = true }
        defer { if callsBLAS { openblas_set_num_threads(Int32(workers)); inBLASRegion = false } }
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
