// The worker pool (CPool via Threading) and products split over it: split results match one
// whole OpenBLAS call to rounding and repeat bit for bit (OpenBLAS's edge kernels order some sums
// differently, so split and whole differ in the last bits), in both split directions and every
// transpose; parallel loops
// cover every index exactly once, nested and concurrent regions complete, and helpers that went
// to sleep wake for the next job.
import CPool
import Dispatch
import Testing
@testable import Kernels

/// Runs `body` with products split from `work` multiply-adds on (restored afterwards).
func withSplitThreshold<T>(_ work: Int, threads: Int = 2, _ body: () -> T) -> T {
    let saved = Threading.parallelGemmWork, savedThreads = Threading.threads
    Threading.parallelGemmWork = work
    Threading.setThreads(threads)
    defer { Threading.parallelGemmWork = saved; Threading.setThreads(savedThreads) }
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

// Shapes that split by rows (m ≥ n) and by columns (n > m), with ragged edges.
@Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
func splitSgemmMatchesOneCallAndRepeats(trans: (Bool, Bool)) {
    var rng = RNG(seed: 71)
    for (m, n, k) in [(203, 37, 45), (29, 181, 33), (64, 1000, 40)] {
        let a = randomFloats(m * k, rng: &rng), b = randomFloats(k * n, rng: &rng), c0 = randomFloats(m * n, rng: &rng)
        let whole = withSplitThreshold(Int.max) {
            gemmResult(transA: trans.0, transB: trans.1, m: m, n: n, k: k, a: a, b: b, c0: c0)
        }
        for threads in [2, 3] {
            let split = withSplitThreshold(1, threads: threads) {
                gemmResult(transA: trans.0, transB: trans.1, m: m, n: n, k: k, a: a, b: b, c0: c0)
            }
            let again = withSplitThreshold(1, threads: threads) {
                gemmResult(transA: trans.0, transB: trans.1, m: m, n: n, k: k, a: a, b: b, c0: c0)
            }
            #expect(split.elementsEqual(again), "m \(m) n \(n) k \(k) threads \(threads): not reproducible")
            #expect(maxRelativeDifference(split, whole.map(Double.init)) < 1e-6, "m \(m) n \(n) k \(k) threads \(threads)")
        }
        let ref = naiveGemm(transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 0.7, a: a, b: b, beta: 0.3, c: c0)
        #expect(maxRelativeDifference(whole, ref) < 1e-5)
    }
}

@Test(arguments: [false, true])
func splitSgemvMatchesOneCallAndRepeats(trans: Bool) {
    var rng = RNG(seed: 72)
    let m = 333, n = 517
    let a = randomFloats(m * n, rng: &rng), x = randomFloats(trans ? m : n, rng: &rng)
    let y0 = randomFloats(trans ? n : m, rng: &rng)
    func run() -> [Float] {
        var y = y0
        a.withUnsafeBufferPointer { ap in x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
            sgemv(trans: trans, m: m, n: n, alpha: 1.5, a: ap.baseAddress!, lda: n, x: xp.baseAddress!, beta: 0.5,
                  y: yp.baseAddress!)
        } } }
        return y
    }
    let whole = withSplitThreshold(Int.max) { run() }
    let split = withSplitThreshold(1) { run() }
    #expect(split.elementsEqual(withSplitThreshold(1) { run() }))
    #expect(maxRelativeDifference(split, whole.map(Double.init)) < 1e-6)
    var ref = [Double](repeating: 0, count: y0.count)
    for i in 0..<m { for j in 0..<n {
        let v = Double(a[i * n + j])
        if trans { ref[j] += v * Double(x[i]) } else { ref[i] += v * Double(x[j]) }
    } }
    for r in ref.indices { ref[r] = 1.5 * ref[r] + 0.5 * Double(y0[r]) }
    #expect(maxRelativeDifference(whole, ref) < 1e-5)
}

@Test func parallelForCoversEveryIndexOnceAcrossThreadCounts() {
    for threads in [1, 2, 3, 5] {
        withSplitThreshold(1, threads: threads) {
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
    withSplitThreshold(1) {
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
    withSplitThreshold(1) {
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
    withSplitThreshold(1) {
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
