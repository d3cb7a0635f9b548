// RMSNorm — y = x · rstd · w with rstd = 1/sqrt(mean(x²) + eps), per row of C channels
// (Llama / Qwen2 normalisation, no mean subtraction, no bias). Forward and backward side by side.

/// out[N,C] = inp · rstd · weight; rstd[N] is saved for the backward pass.
public func rmsnormForward(out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                           inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           rows n: Int, channels c: Int, eps: Float) {
    for r in 0..<n {
        let x = inp + r * c
        let y = out + r * c
        let ms = dot(x, x, c) / Float(c)
        let s = 1 / (ms + eps).squareRoot()
        rstd[r] = s
        for j in 0..<c { y[j] = x[j] * s * weight[j] }
    }
}

/// dInp[N,C] += rstd·(g − x·rstd²·mean(g·x)) with g = dOut·w; dWeight[C] += Σ_rows dOut·x·rstd.
/// Accumulates into dInp because RMSNorm always sits on a residual branch.
public func rmsnormBackward(dInp: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                            dOut: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                            weight: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                            rows n: Int, channels c: Int) {
    for r in 0..<n {
        let x = inp + r * c
        let dy = dOut + r * c
        let dx = dInp + r * c
        let s = rstd[r]
        var gx: Float = 0
        for j in 0..<c { gx += dy[j] * weight[j] * x[j] }
        let k = s * s * s * gx / Float(c)
        for j in 0..<c {
            dx[j] += s * dy[j] * weight[j] - k * x[j]
            dWeight[j] += dy[j] * x[j] * s
        }
    }
}
