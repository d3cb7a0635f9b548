// The worker pool (CPool via Threading) and products run on it: every product gives the same bits
// at 1, 2, 3 and 4 threads (its decomposition is fixed by the shape), and stays close to a naive
// Double product; parallel loops cover every index exactly once, nested and concurrent regions
// complete, and helpers that went to sleep wake for the next job.
import CPool
import Dispatch
import Testing
@testable import Kernels

/// Runs `body` at `threads` threads (restored afterwards).
func withThreads<T>(_ threads: Int, _ body: () -> T) -> T {
    let savedThreads = Threading.threads
    Threading.setThreads(threads)
    defer { Threading.setThreads(savedThreads) }
    return body()
}

/// C = op(A)·op(B) with alpha 0.7 and beta 0.3 onto a fixed C, through `sgemm`.
func gemmResult(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: [Float], b: [Float], c0: [Float]) -> [Float] {
    var c = c0
    a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
        sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.7, a: ap.baseAddress!, lda: transA ? m : k,
              b: bp.baseAddress!, ldb: transB ? k : n, beta: 0.3, c: cp.baseAddress!, ldc: n)
    } } }
    return c
}

// Shapes that split by rows (m ≥ n) and by columns (n > m), with ragged edges, and a small one
// that runs as a single call.
@Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
func sgemmGivesTheSameBitsAtEveryThreadCount(trans: (Bool, Bool)) {
    var rng = RNG(seed: 71)
    for (m, n, k) in [(203, 37, 45), (29, 181, 33), (64, 1000, 40), (9, 7, 5)] {
        let a = randomFloats(m * k, rng: &rng), b = randomFloats(k * n, rng: &rng), c0 = randomFloats(m * n, rng: &rng)
        let one = withThreads(1) { gemmResult(transA: trans.0, transB: trans.1, m: m, n: n, k: k, a: a, b: b, c0: c0) }
        for threads in [2, 3, 4] {
            let many = withThreads(threads) {
                gemmResult(transA: trans.0, transB: trans.1, m: m, n: n, k: k, a: a, b: b, c0: c0)
            }
            #expect(many.elementsEqual(one), "m \(m) n \(n) k \(k): \(threads) threads differ from 1")
        }
        let ref = naiveGemm(transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 0.7, a: a, b: b, beta: 0.3, c: c0)
        #expect(maxRelativeDifference(one, ref) < 1e-5)
    }
}

@Test func parallelForCoversEveryIndexOnceAcrossThreadCounts() {
    for threads in [1, 2, 3, 5] {
        withThreads(threads) {
            for count in [0, 1, 2, 7, 1000] {
                var hits = [Int](repeating: 0, count: count)
                hits.withUnsafeMutableBufferPointer { h in
                    Threading.parallelFor(count) { a, b in for i in a..<b { h[i] += 1 } }
                }
                #expect(hits.allSatisfy { $0 == 1 }, "threads \(threads) count \(count)")
            }
        }
    }
}

@Test func nestedRegionsRunSeriallyAndComplete() {
    withThreads(2) {
        var sums = [Int](repeating: 0, count: 8)
        sums.withUnsafeMutableBufferPointer { s in
            Threading.parallelFor(8) { a, b in
                for i in a..<b {
                    // Inside a part the pool is busy: the inner loop must run whole on this thread.
                    #expect(verity_pool_busy() == 1)
                    var local = [Int](repeating: 0, count: 100)
                    local.withUnsafeMutableBufferPointer { l in
                        Threading.parallelFor(100) { c, d in for j in c..<d { l[j] = j } }
                    }
                    s[i] = local.reduce(0, +) + i
                }
            }
        }
        #expect(sums == (0..<8).map { 4950 + $0 })
        #expect(verity_pool_busy() == 0)
    }
}

@Test func concurrentCallersBothComplete() {
    withThreads(2) {
        // Two threads issue parallel loops at once; whichever finds the pool busy runs serially.
        let total = 200
        nonisolated(unsafe) var results = [[Int]](repeating: [], count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { t in
            var acc = [Int](repeating: 0, count: 64)
            for round in 0..<total {
                acc.withUnsafeMutableBufferPointer { p in
                    Threading.parallelFor(64) { a, b in for i in a..<b { p[i] += round + t } }
                }
            }
            results[t] = acc
        }
        let expected0 = (0..<total).reduce(0, +), expected1 = expected0 + total
        #expect(results[0] == [Int](repeating: expected0, count: 64))
        #expect(results[1] == [Int](repeating: expected1, count: 64))
    }
}

@Test func sleepingHelpersWakeForTheNextJob() {
    withThreads(2) {
        verity_pool_set_spin(0)  // helpers sleep right after each job
        defer { verity_pool_set_spin(200) }
        for round in 0..<300 {
            var marks = [Int](repeating: 0, count: 2)
            marks.withUnsafeMutableBufferPointer { m in
                Threading.parallelFor(2) { a, b in for i in a..<b { m[i] = round + 1 } }
            }
            #expect(marks == [round + 1, round + 1])
        }
    }
}
