// sgemm / sgemv / linear layer wrappers against naive Double products, all transpose combinations.
import Testing
@testable import Kernels

/// Naive C = alpha·op(A)·op(B) + beta·C in Double.
func naiveGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double, a: [Float], b: [Float],
               beta: Double, c: [Float]) -> [Double] {
    var out = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let av = transA ? a[p * m + i] : a[i * k + p]
                let bv = transB ? b[j * k + p] : b[p * n + j]
                s += Double(av) * Double(bv)
            }
            out[i * n + j] = alpha * s + beta * Double(c[i * n + j])
        }
    }
    return out
}

@Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
func sgemmMatchesNaive(trans: (Bool, Bool)) {
    var rng = RNG(seed: 11)
    let m = 7, n = 5, k = 9
    let a = randomFloats(m * k, rng: &rng), b = randomFloats(k * n, rng: &rng)
    var c = randomFloats(m * n, rng: &rng)
    let ref = naiveGemm(transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 0.5, a: a, b: b, beta: 2, c: c)
    a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
        sgemm(transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 0.5, a: ap.baseAddress!,
              lda: trans.0 ? m : k, b: bp.baseAddress!, ldb: trans.1 ? k : n, beta: 2, c: cp.baseAddress!, ldc: n)
    } } }
    #expect(maxRelativeDifference(c, ref) < 1e-5)
}

@Test func linearForwardSingleRowAndBatchAgree() {
    var rng = RNG(seed: 12)
    let i = 13, o = 6
    let w = randomFloats(o * i, rng: &rng), bias = randomFloats(o, rng: &rng), x = randomFloats(3 * i, rng: &rng)
    var ref = [Double](repeating: 0, count: 3 * o)
    for r in 0..<3 { for j in 0..<o {
        var s = Double(bias[j]); for p in 0..<i { s += Double(x[r * i + p]) * Double(w[j * i + p]) }
        ref[r * o + j] = s
    } }
    var y = [Float](repeating: 0, count: 3 * o)
    var y1 = [Float](repeating: 0, count: o)
    y.withUnsafeMutableBufferPointer { yp in y1.withUnsafeMutableBufferPointer { y1p in
        linearForward(out: yp.baseAddress!, inp: x, weight: w, bias: bias, rows: 3, inFeatures: i, outFeatures: o)
        linearForward(out: y1p.baseAddress!, inp: x, weight: w, bias: bias, rows: 1, inFeatures: i, outFeatures: o)
    } }
    #expect(maxRelativeDifference(y, ref) < 1e-5)
    #expect(maxRelativeDifference(y1, Array(ref[0..<o])) < 1e-5)
}

@Test func linearBackwardMatchesFiniteDifferences() {
    var rng = RNG(seed: 13)
    let n = 4, i = 5, o = 3
    let x = randomFloats(n * i, rng: &rng), w = randomFloats(o * i, rng: &rng), b = randomFloats(o, rng: &rng)
    let dy = randomFloats(n * o, rng: &rng)
    // L = Σ dy · (x·Wᵀ + b)
    func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for r in 0..<n { for j in 0..<o {
            var y = b[j]; for p in 0..<i { y += x[r * i + p] * w[j * i + p] }
            s += Double(dy[r * o + j]) * y
        } }
        return s
    }
    let xd = x.map(Double.init), wd = w.map(Double.init), bd = b.map(Double.init)
    let gx = numericGradient(xd) { loss($0, wd, bd) }
    let gw = numericGradient(wd) { loss(xd, $0, bd) }
    let gb = numericGradient(bd) { loss(xd, wd, $0) }
    var dx = [Float](repeating: 0, count: n * i), dw = [Float](repeating: 0, count: o * i), db = [Float](repeating: 0, count: o)
    dx.withUnsafeMutableBufferPointer { dxp in dw.withUnsafeMutableBufferPointer { dwp in db.withUnsafeMutableBufferPointer { dbp in
        linearBackward(dInp: dxp.baseAddress!, dWeight: dwp.baseAddress!, dBias: dbp.baseAddress!, dOut: dy, inp: x, weight: w,
                       rows: n, inFeatures: i, outFeatures: o)
    } } }
    #expect(maxRelativeDifference(dx, gx) < 1e-4)
    #expect(maxRelativeDifference(dw, gw) < 1e-4)
    #expect(maxRelativeDifference(db, gb) < 1e-4)
}

@Test func dotAndAxpyMatchNaive() {
    var rng = RNG(seed: 14)
    for n in [0, 1, 7, 8, 15, 16, 17, 33] {
        let a = randomFloats(n, rng: &rng), b = randomFloats(n, rng: &rng)
        var ref = 0.0
        for i in 0..<n { ref += Double(a[i]) * Double(b[i]) }
        #expect(abs(Double(dot(a, b, n)) - ref) < 1e-5 * Double(max(n, 1)))
        var y = b
        y.withUnsafeMutableBufferPointer { axpy(0.5, a, $0.baseAddress!, n) }
        #expect(maxRelativeDifference(y, (0..<n).map { Double(b[$0]) + 0.5 * Double(a[$0]) }) < 1e-6)
    }
}
