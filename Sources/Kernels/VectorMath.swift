// VectorMath — a vectorised exp for the softmax, log-softmax, SwiGLU and sampling loops, where a
// libm call per element cost 3–10% of a training step and most of the sampler's time.
// Cephes-style: exp(x) = 2^n · p(r), n = round(x / ln 2), r = x − n·ln 2 (split in two parts),
// p a degree-6 polynomial. Max relative error ≈ 2e-7 over the clamped range; inputs below
// −87.3 give ~1e-38 rather than 0, far below anything that matters in a sum of exps.
// Written with SSE2-level integer and float SIMD only (the default x86-64 target has no
// SSE4.1 rounding or FMA), using the 1.5·2²³ trick for round-to-nearest.

@inline(__always)
public func vexp(_ xIn: SIMD8<Float>) -> SIMD8<Float> {
    // Masked replace rather than pointwiseMin/Max, which compiled to an out-of-line lane loop.
    var x = xIn
    let lo = SIMD8<Float>(repeating: -87.33654), hi = SIMD8<Float>(repeating: 88.0)
    x.replace(with: lo, where: x .< lo)
    x.replace(with: hi, where: x .> hi)
    let magic = SIMD8<Float>(repeating: 12_582_912)       // 1.5·2²³
    let t = x * SIMD8(repeating: 1.442_695_04) + magic     // n + magic, rounded to nearest
    let n = t - magic
    let r = x - n * SIMD8(repeating: 0.693_359_375) - n * SIMD8(repeating: -2.121_944_4e-4)
    var p = SIMD8<Float>(repeating: 1.987_569_1e-4)
    p = p * r + SIMD8(repeating: 1.398_199_9e-3)
    p = p * r + SIMD8(repeating: 8.333_452e-3)
    p = p * r + SIMD8(repeating: 4.166_579_6e-2)
    p = p * r + SIMD8(repeating: 1.666_666_5e-1)
    p = p * r + SIMD8(repeating: 0.5)
    p = p * (r * r) + r + SIMD8(repeating: 1)
    // 2^n from the integer in t's low mantissa bits.
    let ti = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    let scale = unsafeBitCast((ti &+ 127) &<< 23, to: SIMD8<Float>.self)
    return p * scale
}

/// Scalar exp through the same polynomial, so scalar tails agree with vector bodies.
@inline(__always)
public func vexp(_ x: Float) -> Float { vexp(SIMD8<Float>(repeating: x))[0] }

/// out[i] = exp(scale · (inp[i] − shift)) for i < n; returns Σ out. `out` may alias `inp`.
@inline(__always)
public func expShiftedSum(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count n: Int,
                          shift: Float, scale: Float) -> Float {
    var acc = SIMD8<Float>()
    let vs = SIMD8<Float>(repeating: shift), vc = SIMD8<Float>(repeating: scale)
    var i = 0
    while i + 8 <= n {
        let v = UnsafeRawPointer(inp + i).loadUnaligned(as: SIMD8<Float>.self)
        let e = vexp((v - vs) * vc)
        UnsafeMutableRawPointer(out + i).storeBytes(of: e, as: SIMD8<Float>.self)
        acc += e
        i += 8
    }
    var s = acc.sum()
    while i < n { let e = vexp((inp[i] - shift) * scale); out[i] = e; s += e; i += 1 }
    return s
}

/// Largest of n > 0 values.
@inline(__always)
public func maxValue(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var m = -Float.infinity
    var i = 0
    if n >= 8 {
        var vm = SIMD8<Float>(repeating: -.infinity)
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            vm.replace(with: v, where: v .> vm)
            i += 8
        }
        m = vm.max()
    }
    while i < n { if x[i] > m { m = x[i] }; i += 1 }
    return m
}
