// Gemm — every matrix product in Verity: OpenBLAS `cblas_sgemm` (row-major), decomposed so that
// every output element is computed by the same OpenBLAS call shape whatever the thread count and,
// for token products, whatever the batch the row sits in. Shapes in comments are row-major
// [rows, cols]; `ld*` are row strides in floats.
//
// Decision (measured with OpenBLAS 0.3.21's Haswell kernels, which COpenBLAS pins on every CPU;
// figures in NOTES and the kernels' tests):
// - OpenBLAS's result for an element depends on the call's shape: splitting a product along rows
//   or columns moves bits, and a row computed alone differs from the same row in a batch. So no
//   decomposition here may depend on the thread count, and token products use one fixed call shape.
// - Token products (rows are tokens: linear layers forward and their input gradients) run as tiles
//   of `rowTile` = 16 rows × `columnChunk` = 128 output columns. Each tile is one call in the
//   transposed orientation, Tileᵀ[cols, 16] = W[cols, k] · Xᵀ, with a ragged last tile padded
//   with zero rows. With the Haswell kernel (16×4 micro-tiles) a row gives the same bits at any
//   of the 16 positions, so a sequence decoded alone, in a batch of 7 or of 64, and in the
//   training forward gets identical projections. 8-row tiles in the usual orientation were also
//   invariant but ran at half the speed; 24- and 32-row tiles were not invariant.
// - Other products (weight gradients, attention blocks) split along their larger output
//   dimension into `generalChunk`-sized parts fixed by the shape; threads only pick parts.
// Cost: a tile call repacks its 128 weight rows, about 1/16 of the tile's multiply-adds in memory
// traffic; `verity bench` reports the whole-engine figures.
import COpenBLAS
import CTile

/// Rows of a token product per OpenBLAS call (the Haswell sgemm kernel's M unroll).
public let rowTile = 16
/// Output columns of a token product per OpenBLAS call.
public let columnChunk = 128
/// Parts of a general product along its larger output dimension.
let generalChunk = 128
/// General products smaller than this many multiply-adds run as one call.
let generalSplitWork = 32_768

/// C[m,n] = alpha · op(A)[m,k] · op(B)[k,n] + beta · C, all row-major.
/// `transA`: A is stored [k,m] and used transposed; likewise `transB` (B stored [n,k]).
/// Large products are split into parts of `generalChunk` rows (or columns, when n > m) fixed by the
/// shape alone; the pool runs the parts, each one single-threaded OpenBLAS call, so the bits do not
/// depend on the thread count.
public func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if m * n * k < generalSplitWork || max(m, n) <= generalChunk {
        blasSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    if m >= n {
        // Rows of C: A's rows (columns of the stored Aᵀ when transposed).
        let parts = (m + generalChunk - 1) / generalChunk
        Threading.parallelFor(parts) { p0, p1 in
            for p in p0..<p1 {
                let i0 = p * generalChunk, i1 = min(m, i0 + generalChunk)
                blasSgemm(transA, transB, i1 - i0, n, k, alpha, transA ? a + i0 : a + i0 * lda, lda, b, ldb, beta,
                          c + i0 * ldc, ldc)
            }
        }
    } else {
        // Columns of C: B's columns (rows of the stored Bᵀ when transposed).
        let parts = (n + generalChunk - 1) / generalChunk
        Threading.parallelFor(parts) { p0, p1 in
            for p in p0..<p1 {
                let j0 = p * generalChunk, j1 = min(n, j0 + generalChunk)
                blasSgemm(transA, transB, m, j1 - j0, k, alpha, a, lda, transB ? b + j0 * ldb : b + j0, ldb, beta,
                          c + j0, ldc)
            }
        }
    }
}

/// How the weight of a token product is stored.
public enum WeightLayout: Sendable {
    /// W[n, k]: Y = X · Wᵀ (a linear layer's forward, weights `[out, in]`).
    case outIn
    /// W[k, n]: Y = X · W (a linear layer's input gradient, dX = dY · W).
    case inOut
}

/// The token product Y[m, n] = X[m, k] · op(W) (+ Y when `accumulate`), batch-invariant: row r of Y
/// has the same bits whatever m is and wherever row r sits, at any thread count. X rows are `ldx`
/// floats apart; Y rows `ldy`. Runs as tiles of `rowTile` rows × `columnChunk` columns (see the header).
/// With `packed` (the same weight repacked), the rows past the last full tile run through
/// `exactRows` instead of a zero-padded tile: the same bits at the cost of reading the weight once.
public func tokenProduct(m: Int, n: Int, k: Int, x: UnsafePointer<Float>, ldx: Int,
                         weight: UnsafePointer<Float>, layout: WeightLayout,
                         y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool,
                         packed: PackedProjection? = nil) {
    if m == 0 || n == 0 { return }
    if let packed, m % rowTile != 0, ExactRows.available {
        let full = m - m % rowTile
        tokenProduct(m: full, n: n, k: k, x: x, ldx: ldx, weight: weight, layout: layout, y: y, ldy: ldy,
                     accumulate: accumulate)
        exactRows(m: m - full, x: x + full * ldx, ldx: ldx, packed: packed, y: y + full * ldy, ldy: ldy,
                  accumulate: accumulate)
        return
    }
    let rowTiles = (m + rowTile - 1) / rowTile
    let chunks = (n + columnChunk - 1) / columnChunk
    let units = rowTiles * chunks
    // Tiles of one row block share their padded copy of X; scratch per worker range.
    let perUnit = rowTile * columnChunk * max(k, 1)
    Threading.parallelFor(units, minimumPerWorker: max(1, 65_536 / perUnit)) { u0, u1 in
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: columnChunk * rowTile)
        var padded: UnsafeMutablePointer<Float>? = nil
        defer { tile.deallocate(); padded?.deallocate() }
        for u in u0..<u1 {
            let t = u / chunks, ch = u % chunks
            let i0 = t * rowTile, rows = min(rowTile, m - i0)
            let j0 = ch * columnChunk, cols = min(columnChunk, n - j0)
            var xs = x + i0 * ldx, lx = ldx
            if rows < rowTile {
                let p = padded ?? UnsafeMutablePointer<Float>.allocate(capacity: rowTile * max(k, 1))
                padded = p
                p.update(repeating: 0, count: rowTile * k)
                for r in 0..<rows { (p + r * k).update(from: x + (i0 + r) * ldx, count: k) }
                xs = UnsafePointer(p); lx = k
            }
            // tile[cols, 16] = op(W)ᵀ[cols, k] · X_tileᵀ[k, 16]
            switch layout {
            case .outIn:
                blasSgemm(false, true, cols, rowTile, k, 1, weight + j0 * k, k, xs, lx, 0, tile, rowTile)
            case .inOut:
                blasSgemm(true, true, cols, rowTile, k, 1, weight + j0, n, xs, lx, 0, tile, rowTile)
            }
            verity_tile_store(tile, Int32(rowTile), Int32(cols), Int32(rows), y + i0 * ldy + j0, ldy, accumulate ? 1 : 0)
        }
    }
}

@inline(__always)
func blasSgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
               _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
               _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
    verity_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                 beta, c, Int32(ldc))
}

/// Linear layer forward: out[N,O] = inp[N,I] · W[O,I]ᵀ (+ bias[O]); a token product, so each row's
/// bits do not depend on N or on the row's place in the batch.
public func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          rows n: Int, inFeatures i: Int, outFeatures o: Int, packed: PackedProjection? = nil) {
    tokenProduct(m: n, n: o, k: i, x: inp, ldx: i, weight: weight, layout: .outIn, y: out, ldy: o, accumulate: false,
                 packed: packed)
    if let bias {
        for r in 0..<n {
            let row = out + r * o
            for j in 0..<o { row[j] += bias[j] }
        }
    }
}

/// Residual projection: out[N,O] += inp[N,I] · W[O,I]ᵀ (a token product added in one rounding).
public func linearAccumulate(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                             weight: UnsafePointer<Float>, rows n: Int, inFeatures i: Int, outFeatures o: Int,
                             packed: PackedProjection? = nil) {
    tokenProduct(m: n, n: o, k: i, x: inp, ldx: i, weight: weight, layout: .outIn, y: out, ldy: o, accumulate: true,
                 packed: packed)
}

/// Linear layer backward. dInp[N,I] (+)= dOut[N,O] · W[O,I]; dW[O,I] += dOutᵀ · inp; dBias[O] += Σ_rows dOut.
/// `accumulateInput`: add into dInp instead of overwriting (residual branches sharing one input).
public func linearBackward(dInp: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                           inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           rows n: Int, inFeatures i: Int, outFeatures o: Int, accumulateInput: Bool = false) {
    // dInp needs thread invariance only (no sampler computes it): one general product.
    if let dInp {
        sgemm(transA: false, transB: false, m: n, n: i, k: o, a: dOut, lda: o, b: weight, ldb: i,
              beta: accumulateInput ? 1 : 0, c: dInp, ldc: i)
    }
    // dW[O,I] += dOut[N,O]ᵀ · inp[N,I]
    sgemm(transA: true, transB: false, m: o, n: i, k: n, a: dOut, lda: o, b: inp, ldb: i,
          beta: 1, c: dWeight, ldc: i)
    if let dBias {
        for r in 0..<n {
            let row = dOut + r * o
            for j in 0..<o { dBias[j] += row[j] }
        }
    }
}

/// Dot product of two contiguous Float vectors with SIMD accumulators (plain loops do not vectorise
/// float reductions without fast-math).
@inline(__always)
public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        let a0 = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        let b0 = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        let a1 = UnsafeRawPointer(a + i + 8).loadUnaligned(as: SIMD8<Float>.self)
        let b1 = UnsafeRawPointer(b + i + 8).loadUnaligned(as: SIMD8<Float>.self)
        acc0 += a0 * b0
        acc1 += a1 * b1
        i += 16
    }
    if i + 8 <= n {
        let a0 = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        let b0 = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        acc0 += a0 * b0
        i += 8
    }
    var s = (acc0 + acc1).sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// y[0..<n] += alpha · x[0..<n] with SIMD.
@inline(__always)
public func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    let va = SIMD8<Float>(repeating: alpha)
    while i + 8 <= n {
        let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(y + i).storeBytes(of: yv + va * xv, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n { y[i] += alpha * x[i]; i += 1 }
}
