// sgemm and the token products against naive Double products (all transpose combinations); token
// products are batch-invariant: a row gives the same bits alone, in a batch of 7 and in a batch of 64.
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

/// Y = X · op(W) through `tokenProduct` for the given rows of `x` (each `k` floats).
func tokenRows(_ x: [Float], rows: Range<Int>, n: Int, k: Int, w: [Float], layout: WeightLayout,
               accumulateOnto y0: [Float]? = nil) -> [Float] {
    let m = rows.count
    var y = y0 ?? [Float](repeating: 0, count: m * n)
    x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in y.withUnsafeMutableBufferPointer { yp in
        tokenProduct(m: m, n: n, k: k, x: xp.baseAddress! + rows.lowerBound * k, ldx: k, weight: wp.baseAddress!,
                     layout: layout, y: yp.baseAddress!, ldy: n, accumulate: y0 != nil)
    } } }
    return y
}

// Shapes of this project's models (q|k|v and the MLP of 'small', a character vocabulary head, a
// ragged width) in both weight layouts.
@Test(arguments: [(288, 864), (18, 128), (200, 77), (768, 288)])
func tokenProductsAreBatchInvariant(shape: (n: Int, k: Int)) {
    var rng = RNG(seed: 15)
    let (n, k) = shape
    let x = randomFloats(64 * k, rng: &rng), w = randomFloats(n * k, rng: &rng)
    for layout in [WeightLayout.outIn, .inOut] {
        let batch = withThreads(2) { tokenRows(x, rows: 0..<64, n: n, k: k, w: w, layout: layout) }
        // Against Double: op(W) is W[n,k]ᵀ (outIn) or W[k,n] (inOut).
        var ref = [Double](repeating: 0, count: 64 * n)
        for r in 0..<64 { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(x[r * k + p]) * Double(layout == .outIn ? w[j * k + p] : w[p * n + j]) }
            ref[r * n + j] = s
        } }
        #expect(maxRelativeDifference(batch, ref) < 1e-4)
        for threads in [1, 3, 4] {
            #expect(withThreads(threads) { tokenRows(x, rows: 0..<64, n: n, k: k, w: w, layout: layout) } == batch,
                    "\(threads) threads")
        }
        for r in [0, 5, 15, 16, 37, 63] {
            let alone = tokenRows(x, rows: r..<(r + 1), n: n, k: k, w: w, layout: layout)
            #expect(alone == Array(batch[(r * n)..<((r + 1) * n)]), "row \(r) alone, layout \(layout)")
        }
        let seven = tokenRows(x, rows: 5..<12, n: n, k: k, w: w, layout: layout)
        #expect(seven == Array(batch[(5 * n)..<(12 * n)]), "batch of 7 at offset 5, layout \(layout)")
        // Accumulating adds the same product in one rounding.
        let y0 = randomFloats(7 * n, rng: &rng)
        let summed = tokenRows(x, rows: 5..<12, n: n, k: k, w: w, layout: layout, accumulateOnto: y0)
        #expect(summed == (0..<(7 * n)).map { y0[$0] + seven[$0] })
    }
}

// The few-row kernel reproduces the 16-row OpenBLAS tiles bit for bit: every column class, blocked
// reductions (k > 320), ragged chunks, both layouts, 1 to 15 rows, accumulating or not.
@Test(arguments: [(147, 37), (131, 700), (864, 128), (18, 1000), (33, 321)])
func exactRowsEqualTheTiles(shape: (n: Int, k: Int)) {
    if Arithmetic.kernelFamily == "Haswell" { #expect(ExactRows.available) }
    guard ExactRows.available else { return }
    var rng = RNG(seed: 16)
    let (n, k) = shape
    let x = randomFloats(15 * k, rng: &rng), w = randomFloats(n * k, rng: &rng), y0 = randomFloats(15 * n, rng: &rng)
    for layout in [WeightLayout.outIn, .inOut] {
        let packed = w.withUnsafeBufferPointer { PackedProjection(weight: $0.baseAddress!, n: n, k: k, layout: layout) }
        for m in [1, 2, 7, 15] {
            for acc in [false, true] {
                let start: [Float]? = acc ? Array(y0[0..<(m * n)]) : nil
                let tiles = tokenRows(x, rows: 0..<m, n: n, k: k, w: w, layout: layout, accumulateOnto: start)
                var exact = start ?? [Float](repeating: 0, count: m * n)
                x.withUnsafeBufferPointer { xp in exact.withUnsafeMutableBufferPointer { ep in
                    exactRows(m: m, x: xp.baseAddress!, ldx: k, packed: packed, y: ep.baseAddress!, ldy: n, accumulate: acc)
                } }
                #expect(exact == tiles, "n \(n) k \(k) m \(m) \(layout) accumulate \(acc)")
            }
        }
    }
}
