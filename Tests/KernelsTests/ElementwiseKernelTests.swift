// RMSNorm, RoPE, SwiGLU, embedding: fast Float kernels vs naive Double references, and each
// backward vs central finite differences of the reference.
import Foundation
import Testing
@testable import Kernels

/// Naive RMSNorm in Double.
func refRMSNorm(_ x: [Double], _ w: [Double], rows: Int, c: Int, eps: Double) -> [Double] {
    var y = x
    for r in 0..<rows {
        var ms = 0.0
        for j in 0..<c { ms += x[r * c + j] * x[r * c + j] }
        let s = 1 / (ms / Double(c) + eps).squareRoot()
        for j in 0..<c { y[r * c + j] = x[r * c + j] * s * w[j] }
    }
    return y
}

func weighted(_ y: [Double], _ dy: [Float]) -> Double {
    var s = 0.0
    for i in y.indices { s += y[i] * Double(dy[i]) }
    return s
}

@Test func rmsnormForwardBackward() {
    var rng = RNG(seed: 21)
    let rows = 3, c = 10, eps: Float = 1e-5
    let x = randomFloats(rows * c, rng: &rng), w = randomFloats(c, rng: &rng), dy = randomFloats(rows * c, rng: &rng)
    var y = [Float](repeating: 0, count: rows * c), rstd = [Float](repeating: 0, count: rows)
    var dx = [Float](repeating: 0, count: rows * c), dw = [Float](repeating: 0, count: c)
    y.withUnsafeMutableBufferPointer { yp in rstd.withUnsafeMutableBufferPointer { rp in
        rmsnormForward(out: yp.baseAddress!, rstd: rp.baseAddress!, inp: x, weight: w, rows: rows, channels: c, eps: eps)
    } }
    let xd = x.map(Double.init), wd = w.map(Double.init)
    #expect(maxRelativeDifference(y, refRMSNorm(xd, wd, rows: rows, c: c, eps: Double(eps))) < 1e-5)
    dx.withUnsafeMutableBufferPointer { dxp in dw.withUnsafeMutableBufferPointer { dwp in
        rmsnormBackward(dInp: dxp.baseAddress!, dWeight: dwp.baseAddress!, dOut: dy, inp: x, weight: w, rstd: rstd,
                        rows: rows, channels: c)
    } }
    let gx = numericGradient(xd) { weighted(refRMSNorm($0, wd, rows: rows, c: c, eps: Double(eps)), dy) }
    let gw = numericGradient(wd) { weighted(refRMSNorm(xd, $0, rows: rows, c: c, eps: Double(eps)), dy) }
    #expect(maxRelativeDifference(dx, gx) < 1e-4)
    #expect(maxRelativeDifference(dw, gw) < 1e-4)
}

/// Naive rotate_half RoPE in Double for `heads` heads of size d at position pos.
func refRope(_ x: [Double], heads: Int, d: Int, pos: Int, theta: Double) -> [Double] {
    var y = x
    let half = d / 2
    for h in 0..<heads {
        for j in 0..<half {
            let invFreq = Double(Float(1 / pow(theta, Double(2 * j) / Double(d))))
            let a = Double(pos) * invFreq
            let x1 = x[h * d + j], x2 = x[h * d + j + half]
            y[h * d + j] = x1 * cos(a) - x2 * sin(a)
            y[h * d + j + half] = x2 * cos(a) + x1 * sin(a)
        }
    }
    return y
}

@Test func ropeForwardBackwardRotateHalfLayout() {
    var rng = RNG(seed: 22)
    let heads = 2, d = 8, pos = 5
    let table = RopeTable(headDim: d, positions: 8, theta: 10_000)
    let x = randomFloats(heads * d, rng: &rng), dy = randomFloats(heads * d, rng: &rng)
    var y = x
    y.withUnsafeMutableBufferPointer { ropeForward($0.baseAddress!, heads: heads, headDim: d, pos: pos, cos: table.cos, sin: table.sin) }
    let xd = x.map(Double.init)
    #expect(maxRelativeDifference(y, refRope(xd, heads: heads, d: d, pos: pos, theta: 10_000)) < 1e-5)
    // Dimension 0 pairs with d/2, not with 1: rotating a vector with only x[0] set moves weight to x[d/2].
    var e = [Float](repeating: 0, count: d); e[0] = 1
    e.withUnsafeMutableBufferPointer { ropeForward($0.baseAddress!, heads: 1, headDim: d, pos: pos, cos: table.cos, sin: table.sin) }
    #expect(e[1] == 0 && abs(e[d / 2] - Float(sin(Double(pos)))) < 1e-5)
    var dx = dy
    dx.withUnsafeMutableBufferPointer { ropeBackward($0.baseAddress!, heads: heads, headDim: d, pos: pos, cos: table.cos, sin: table.sin) }
    let g = numericGradient(xd) { weighted(refRope($0, heads: heads, d: d, pos: pos, theta: 10_000), dy) }
    #expect(maxRelativeDifference(dx, g) < 1e-4)
}

@Test func swigluForwardBackward() {
    var rng = RNG(seed: 23)
    let n = 17
    let g = randomFloats(n, std: 2, rng: &rng), u = randomFloats(n, rng: &rng), dy = randomFloats(n, rng: &rng)
    func ref(_ g: [Double], _ u: [Double]) -> [Double] { g.indices.map { g[$0] / (1 + exp(-g[$0])) * u[$0] } }
    var y = [Float](repeating: 0, count: n), dg = y, du = y
    y.withUnsafeMutableBufferPointer { swigluForward(out: $0.baseAddress!, gate: g, up: u, count: n) }
    let gd = g.map(Double.init), ud = u.map(Double.init)
    #expect(maxRelativeDifference(y, ref(gd, ud)) < 1e-5)
    dg.withUnsafeMutableBufferPointer { dgp in du.withUnsafeMutableBufferPointer { dup in
        swigluBackward(dGate: dgp.baseAddress!, dUp: dup.baseAddress!, dOut: dy, gate: g, up: u, count: n)
    } }
    #expect(maxRelativeDifference(dg, numericGradient(gd) { weighted(ref($0, ud), dy) }) < 1e-4)
    #expect(maxRelativeDifference(du, numericGradient(ud) { weighted(ref(gd, $0), dy) }) < 1e-4)
}

@Test func embeddingGatherAndScatterAdd() {
    var rng = RNG(seed: 24)
    let v = 5, c = 4
    let table = randomFloats(v * c, rng: &rng)
    let tokens: [Int32] = [3, 1, 3, 0]
    var out = [Float](repeating: 0, count: tokens.count * c)
    out.withUnsafeMutableBufferPointer { embeddingForward(out: $0.baseAddress!, tokens: tokens, table: table, count: 4, channels: c) }
    for (n, t) in tokens.enumerated() { #expect(Array(out[n * c..<(n + 1) * c]) == Array(table[Int(t) * c..<(Int(t) + 1) * c])) }
    let dy = randomFloats(tokens.count * c, rng: &rng)
    var dt = [Float](repeating: 0, count: v * c)
    dt.withUnsafeMutableBufferPointer { embeddingBackward(dTable: $0.baseAddress!, dOut: dy, tokens: tokens, count: 4, channels: c) }
    let g = numericGradient(table.map(Double.init)) { tb in
        var s = 0.0
        for (n, t) in tokens.enumerated() { for j in 0..<c { s += tb[Int(t) * c + j] * Double(dy[n * c + j]) } }
        return s
    }
    #expect(maxRelativeDifference(dt, g) < 1e-6)
    #expect(dt[2 * c] == 0)  // token 2 never appears
}
