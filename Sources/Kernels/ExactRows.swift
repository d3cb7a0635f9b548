// ExactRows — token products for a few rows (decoding 1–15 sequences) at memory speed, with the
// bits of the 16-row OpenBLAS tiles.
//
// A row decoded alone would otherwise be padded to a 16-row tile: 16× the multiply-adds, and an
// OpenBLAS call that repacks every weight, where one sequence's decoding is bound by reading the
// weights once. This kernel computes each output with the exact operation sequence of OpenBLAS
// 0.3.21's Haswell sgemm (sgemm_kernel_16x4_haswell) in the transposed tile call of `tokenProduct`,
// determined by measurement against the library and re-checked at run time (`ExactRows.available`):
// - the reduction dimension is cut into blocks (GEMM_Q = 320, a remainder between 320 and 640
//   halved and rounded up to 8): C = block₀, then C = C + blockᵢ;
// - within a block every output is a fused multiply-add chain from 0 in k order, except in
//   "two-accumulator" columns, where even and odd k (of the block's first L − L mod 8) feed two
//   chains, the last L mod 8 terms the first chain, and the block is c₀ + c₁;
// - which columns use two accumulators depends on the column's place j in its call of n columns:
//   j < 12⌊n/12⌋: j mod 12 < 6; then groups of four columns: two accumulators; then a pair and a
//   single column: one chain.
// The weights are repacked once per `PackedProjection` (transposed, two-accumulator columns first)
// so that eight outputs advance together in one SIMD register.

/// The reduction blocks of one OpenBLAS call with reduction length k (GEMM_Q = 320, unroll 8).
func reductionBlocks(_ k: Int) -> [Range<Int>] {
    let q = 320, unroll = 8
    var blocks: [Range<Int>] = []
    var start = 0
    while start < k {
        var len = k - start
        if len >= 2 * q { len = q } else if len > q { len = ((len / 2 + unroll - 1) / unroll) * unroll }
        blocks.append(start..<(start + len))
        start += len
    }
    return blocks
}

/// Whether column j of an OpenBLAS call with n output columns sums with two accumulators.
func usesTwoAccumulators(column j: Int, of n: Int) -> Bool {
    let main = (n / 12) * 12
    if j < main { return j % 12 < 6 }
    let fours = ((n - main) / 4) * 4
    return j - main < fours
}

/// A token product's weight, repacked for `exactRows`: groups of 8 output columns, each group's
/// [k, 8] slice of Wᵀ contiguous (so a row streams the weight front to back), two-accumulator
/// columns (of every `columnChunk`-wide call) first, then one-chain columns, each class padded to 8.
public final class PackedProjection: @unchecked Sendable {
    public let n: Int, k: Int
    let width: Int              // P
    let twoAccGroups: Int       // groups of 8 packed columns that use two accumulators
    let columns: [Int32]        // original column of each packed column, −1 for padding
    let packed: UnsafeMutablePointer<Float>

    /// Packs W [n, k] (`.outIn`) or W [k, n] (`.inOut`).
    public init(weight: UnsafePointer<Float>, n: Int, k: Int, layout: WeightLayout) {
        self.n = n; self.k = k
        var two: [Int32] = [], one: [Int32] = []
        for j0 in stride(from: 0, to: n, by: columnChunk) {
            let cols = min(columnChunk, n - j0)
            for j in 0..<cols {
                if usesTwoAccumulators(column: j, of: cols) { two.append(Int32(j0 + j)) } else { one.append(Int32(j0 + j)) }
            }
        }
        func padded(_ a: [Int32]) -> [Int32] { a + [Int32](repeating: -1, count: (8 - a.count % 8) % 8) }
        let cols = padded(two) + padded(one)
        columns = cols
        twoAccGroups = padded(two).count / 8
        width = cols.count
        packed = .allocate(capacity: max(1, k * cols.count))
        let p = packed
        cols.withUnsafeBufferPointer { cp in
            Threading.parallelFor(cols.count / 8, minimumPerWorker: max(1, 16_384 / max(k, 1))) { g0, g1 in
                for g in g0..<g1 {
                    let dst = p + g * k * 8
                    for l in 0..<8 {
                        let j = Int(cp[g * 8 + l])
                        if j < 0 {
                            for kk in 0..<k { dst[kk * 8 + l] = 0 }
                        } else if layout == .outIn {
                            let src = weight + j * k
                            for kk in 0..<k { dst[kk * 8 + l] = src[kk] }
                        } else {
                            for kk in 0..<k { dst[kk * 8 + l] = weight[kk * n + j] }
                        }
                    }
                }
            }
        }
    }

    deinit { packed.deallocate() }
}

/// The exact small-row kernel and its run-time check.
public enum ExactRows {
    /// True when this machine's OpenBLAS computes token tiles exactly as `exactRows` does (checked
    /// once on random data covering blocked reductions and every column class); otherwise token
    /// products pad rows to tiles instead.
    public static let available: Bool = selfCheck()

    static func selfCheck() -> Bool {
        var rng = RNG(seed: 0x5EED)
        for (n, k) in [(147, 37), (131, 700), (18, 333), (7, 96)] {
            let x = (0..<(3 * k)).map { _ in rng.normal() }, w = (0..<(n * k)).map { _ in rng.normal() }
            for layout in [WeightLayout.outIn, .inOut] {
                var tiled = [Float](repeating: 0, count: 3 * n), exact = tiled
                x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in
                    tiled.withUnsafeMutableBufferPointer { tp in
                        tokenProduct(m: 3, n: n, k: k, x: xp.baseAddress!, ldx: k, weight: wp.baseAddress!, layout: layout,
                                     y: tp.baseAddress!, ldy: n, accumulate: false)
                    }
                    let packed = PackedProjection(weight: wp.baseAddress!, n: n, k: k, layout: layout)
                    exact.withUnsafeMutableBufferPointer { ep in
                        exactRows(m: 3, x: xp.baseAddress!, ldx: k, packed: packed, y: ep.baseAddress!, ldy: n, accumulate: false)
                    }
                } }
                if tiled != exact { return false }
            }
        }
        return true
    }
}

/// Y[m, n] = X[m, k] · op(W) (+ Y when `accumulate`) for a few rows, with the bits of `tokenProduct`
/// (see the header). Work is split over groups of eight output columns.
public func exactRows(m: Int, x: UnsafePointer<Float>, ldx: Int, packed pw: PackedProjection,
                      y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool) {
    let k = pw.k, groups = pw.width / 8
    let blocks = reductionBlocks(k)
    let w = UnsafePointer(pw.packed)
    pw.columns.withUnsafeBufferPointer { cols in
        Threading.parallelFor(groups, minimumPerWorker: max(1, 2048 / max(1, k * m))) { g0, g1 in
            for g in g0..<g1 {
                let two = g < pw.twoAccGroups
                let wg = w + g * k * 8
                for r in 0..<m {
                    let xr = x + r * ldx
                    var total = SIMD8<Float>()
                    for (b, block) in blocks.enumerated() {
                        var part: SIMD8<Float>
                        if two {
                            let len = block.count, main = len - len % 8
                            var c0 = SIMD8<Float>(), c1 = SIMD8<Float>()
                            var kk = block.lowerBound
                            let mainEnd = block.lowerBound + main
                            while kk < mainEnd {
                                c0 = c0.addingProduct(SIMD8(repeating: xr[kk]), load8(wg + kk * 8))
                                c1 = c1.addingProduct(SIMD8(repeating: xr[kk + 1]), load8(wg + (kk + 1) * 8))
                                kk += 2
                            }
                            while kk < block.upperBound {
                                c0 = c0.addingProduct(SIMD8(repeating: xr[kk]), load8(wg + kk * 8))
                                kk += 1
                            }
                            part = c0 + c1
                        } else {
                            var c = SIMD8<Float>()
                            for kk in block { c = c.addingProduct(SIMD8(repeating: xr[kk]), load8(wg + kk * 8)) }
                            part = c
                        }
                        total = b == 0 ? part : total + part
                    }
                    let yr = y + r * ldy
                    for l in 0..<8 {
                        let j = Int(cols[g * 8 + l])
                        if j < 0 { continue }
                        yr[j] = accumulate ? yr[j] + total[l] : total[l]
                    }
                }
            }
        }
    }
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
