// Gemm — every matrix product in Verity: thin wrappers over OpenBLAS `cblas_sgemm` / `cblas_sgemv`
// (row-major), plus the three products a linear layer needs forward and backward.
// Shapes in comments are row-major [rows, cols]; `ld*` are row strides in floats.
import CBLAS

/// C[m,n] = alpha · op(A)[m,k] · op(B)[k,n] + beta · C, all row-major.
/// `transA`: A is stored [k,m] and used transposed; likewise `transB` (B stored [n,k]).
@inline(__always)
public func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    Threading.blas(work: m * n * k) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

/// y[m] = alpha · A[m,n] · x[n] + beta · y (or Aᵀ·x when `trans`, then y has n entries).
@inline(__always)
public func sgemv(trans: Bool, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                  x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
    if m == 0 || n == 0 { return }
    Threading.blas(work: m * n) {
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
                    x, 1, beta, y, 1)
    }
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
