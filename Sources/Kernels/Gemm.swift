// Gemm — every matrix product in Verity: thin wrappers over OpenBLAS `cblas_sgemm` / `cblas_sgemv`
// (row-major), plus the three products a linear layer needs forward and backward.
// Shapes in comments are row-major [rows, cols]; `ld*` are row strides in floats.
import CBLAS

/// C[m,n] = alpha · op(A)[m,k] · op(B)[k,n] + beta · C, all row-major.
/// `transA`: A is stored [k,m] and used transposed; likewise `transB` (B stored [n,k]).
/// Large products are split over the thread pool along their larger output dimension (see
/// Threading.swift); each part is one single-threaded OpenBLAS call.
@inline(__always)
public func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    let parts = Threading.parts(work: m * n * k)
    if parts <= 1 {
        cblasSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    if m >= n {
        // Rows of C: A's rows (columns of the stored Aᵀ when transposed).
        splitRows(parts: parts, count: m, align: 16) { i0, i1 in
            cblasSgemm(transA, transB, i1 - i0, n, k, alpha, transA ? a + i0 : a + i0 * lda, lda, b, ldb, beta,
                       c + i0 * ldc, ldc)
        }
    } else {
        // Columns of C: B's columns (rows of the stored Bᵀ when transposed).
        splitRows(parts: parts, count: n, align: 16) { j0, j1 in
            cblasSgemm(transA, transB, m, j1 - j0, k, alpha, a, lda, transB ? b + j0 * ldb : b + j0, ldb, beta,
                       c + j0, ldc)
        }
    }
}

/// y[m] = alpha · A[m,n] · x[n] + beta · y (or Aᵀ·x when `trans`, then y has n entries).
/// Split over the pool along y when large.
@inline(__always)
public func sgemv(trans: Bool, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                  x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
    if m == 0 || n == 0 { return }
    let parts = Threading.parts(work: m * n)
    if parts <= 1 {
        cblasSgemv(trans, m, n, alpha, a, lda, x, beta, y)
        return
    }
    if trans {
        // y[j] = Σ_i A[i,j] x[i]: columns j0..<j1 of A.
        splitRows(parts: parts, count: n, align: 16) { j0, j1 in
            cblasSgemv(true, m, j1 - j0, alpha, a + j0, lda, x, beta, y + j0)
        }
    } else {
        splitRows(parts: parts, count: m, align: 16) { i0, i1 in
            cblasSgemv(false, i1 - i0, n, alpha, a + i0 * lda, lda, x, beta, y + i0)
        }
    }
}

/// Runs `body(start, end)` on the pool for `parts` contiguous ranges of 0..<count whose bounds
/// (but the last) are multiples of `align`.
@inline(__always)
func splitRows(parts: Int, count: Int, align: Int, _ body: (Int, Int) -> Void) {
    let blocks = (count + align - 1) / align
    let k = min(parts, blocks)
    Threading.parallelFor(k, minimumPerWorker: 1) { w0, w1 in
        for w in w0..<w1 {
            let start = min(count, blocks * w / k * align)
            let end = min(count, blocks * (w + 1) / k * align)
            if start < end { body(start, end) }
        }
    }
}

@inline(__always)
func cblasSgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
                _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

@inline(__always)
func cblasSgemv(_ trans: Bool, _ m: Int, _ n: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                _ x: UnsafePointer<Float>, _ beta: Float, _ y: UnsafeMutablePointer<Float>) {
    cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
                x, 1, beta, y, 1)
}

/// Linear layer forward: out[N,O] = inp[N,I] · W[O,I]ᵀ (+ bias[O]).
/// One row uses sgemv: for a single decoding sequence sgemm is 2–5× slower here (NOTES.md).
public func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          rows n: Int, inFeatures i: Int, outFeatures o: Int) {
    if n == 1 {
        sgemv(trans: false, m: o, n: i, a: weight, lda: i, x: inp, beta: 0, y: out)
    } else {
        sgemm(transA: false, transB: true, m: n, n: o, k: i, a: inp, lda: i, b: weight, ldb: i,
              beta: 0, c: out, ldc: o)
    }
    if let bias {
        for r in 0..<n {
            let row = out + r * o
            for j in 0..<o { row[j] += bias[j] }
        }
    }
}

/// Linear layer backward. dInp[N,I] (+)= dOut[N,O] · W[O,I]; dW[O,I] += dOutᵀ · inp; dBias[O] += Σ_rows dOut.
/// `accumulateInput`: add into dInp instead of overwriting (residual branches sharing one input).
public func linearBackward(dInp: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                           inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           rows n: Int, inFeatures i: Int, outFeatures o: Int, accumulateInput: Bool = false) {
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
