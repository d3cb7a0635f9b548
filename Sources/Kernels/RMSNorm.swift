// RMSNorm — y = x · rstd · w with rstd = 1/sqrt(mean(x²) + eps), per row of C channels
// (Llama / Qwen2 normalisation, no mean subtraction, no bias). Forward and backward side by side.
// Rows are split over threads; the weight gradient is reduced over rows per column chunk, so the
// result does not depend on the thread count.

/// out[N,C] = inp · rstd · weight; rstd[N] is saved for the backward pass. `out` may alias `inp`.
public func rmsnormForward(out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                           inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           rows n: Int, channels c: Int, eps: Float) {
    Threading.parallelFor(n, minimumPerWorker: max(1, 4_096 / max(c, 1))) { a, b in
        for r in a..<b {
            let x = inp + r * c
            let y = out + r * c
            let ms = dot(x, x, c) / Float(c)
            let s = 1 / (ms + eps).squareRoot()
            rstd[r] = s
            for j in 0..<c { y[j] = x[j] * s * weight[j] }
        }
    }
}

/// dInp[N,C] += rstd·(g − x·rstd²·mean(g·x)) with g = dOut·w; dWeight[C] += Σ_rows dOut·x·rstd.
/// Accumulates into dInp because RMSNorm always sits on a residual branch.
public func rmsnormBackward(dInp: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                            dOut: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                            weight: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                            rows n: Int, channels c: Int) {
    Threading.parallelFor(n, minimumPerWorker: max(1, 4_096 / max(c, 1))) { a, b in
        let g = UnsafeMutablePointer<Float>.allocate(capacity: c)
        defer { g.deallocate() }
        for r in a..<b {
            let x = inp + r * c
            let dy = dOut + r * c
            let dx = dInp + r * c
            let s = rstd[r]
            for j in 0..<c { g[j] = dy[j] * weight[j] }
            let gx = dot(g, x, c)
            let k = s * s * s * gx / Float(c)
            for j in 0..<c { dx[j] += s * g[j] - k * x[j] }
        }
    }
    // dWeight over column chunks: every column sums its rows in the same order on any thread count.
    Threading.parallelFor(c, minimumPerWorker: 64) { a, b in
        for r in 0..<n {
            let x = inp + r * c, dy = dOut + r * c
            let s = rstd[r]
            for j in a..<b { dWeight[j] += dy[j] * x[j] * s }
        }
    }
}
