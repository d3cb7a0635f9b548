// SwiGLU — the Llama MLP nonlinearity h = silu(gate) · up, silu(g) = g·σ(g), with σ through the
// vectorised exp. Two layouts: separate gate and up buffers, and the fused [N, 2F] buffer the
// model uses (one GEMM computes gate and up: row n holds gate[n, 0..<F] then up[n, 0..<F]).

/// out[i] = silu(gate[i])·up[i] for i < n, serially.
@inline(__always)
func swigluSpan(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count n: Int) {
    let one = SIMD8<Float>(repeating: 1)
    var i = 0
    while i + 8 <= n {
        let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD8<Float>.self)
        let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD8<Float>.self)
        let sig = one / (one + vexp(-g))
        UnsafeMutableRawPointer(out + i).storeBytes(of: g * sig * u, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        let g = gate[i]
        out[i] = g / (1 + vexp(-g)) * up[i]
        i += 1
    }
}

/// dGate = dOut·up·σ(g)·(1 + g·(1 − σ(g))), dUp = dOut·silu(g) for i < n, serially.
@inline(__always)
func swigluBackwardSpan(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                        gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count n: Int) {
    let one = SIMD8<Float>(repeating: 1)
    var i = 0
    while i + 8 <= n {
        let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD8<Float>.self)
        let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD8<Float>.self)
        let d = UnsafeRawPointer(dOut + i).loadUnaligned(as: SIMD8<Float>.self)
        let sig = one / (one + vexp(-g))
        UnsafeMutableRawPointer(dUp + i).storeBytes(of: d * g * sig, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(dGate + i).storeBytes(of: d * u * sig * (one + g * (one - sig)), as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        let g = gate[i], sig = 1 / (1 + vexp(-g)), d = dOut[i]
        dUp[i] = d * g * sig
        dGate[i] = d * up[i] * sig * (1 + g * (1 - sig))
        i += 1
    }
}

/// out[n] = silu(gate[n]) · up[n] over `count` elements, split over threads.
public func swigluForward(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>,
                          up: UnsafePointer<Float>, count: Int) {
    Threading.parallelFor(count, minimumPerWorker: 8_192) { a, b in
        swigluSpan(out: out + a, gate: gate + a, up: up + a, count: b - a)
    }
}

/// Backward of `swigluForward`; overwrites dGate and dUp.
public func swigluBackward(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>,
                           dOut: UnsafePointer<Float>, gate: UnsafePointer<Float>,
                           up: UnsafePointer<Float>, count: Int) {
    Threading.parallelFor(count, minimumPerWorker: 8_192) { a, b in
        swigluBackwardSpan(dGate: dGate + a, dUp: dUp + a, dOut: dOut + a, gate: gate + a, up: up + a, count: b - a)
    }
}

/// Fused layout: out[N,F] = silu(gu[:, :F]) · gu[:, F:] for gu [N, 2F].
public func swigluFusedForward(out: UnsafeMutablePointer<Float>, gateUp: UnsafePointer<Float>, rows n: Int, width f: Int) {
    Threading.parallelFor(n, minimumPerWorker: max(1, 8_192 / max(f, 1))) { a, b in
        for r in a..<b {
            swigluSpan(out: out + r * f, gate: gateUp + r * 2 * f, up: gateUp + r * 2 * f + f, count: f)
        }
    }
}

/// Backward of `swigluFusedForward`: dGateUp[N, 2F] (gate half, up half) from dOut[N, F]; overwrites.
public func swigluFusedBackward(dGateUp: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                gateUp: UnsafePointer<Float>, rows n: Int, width f: Int) {
    Threading.parallelFor(n, minimumPerWorker: max(1, 8_192 / max(f, 1))) { a, b in
        for r in a..<b {
            let g = gateUp + r * 2 * f, dg = dGateUp + r * 2 * f
            swigluBackwardSpan(dGate: dg, dUp: dg + f, dOut: dOut + r * f, gate: g, up: g + f, count: f)
        }
    }
}
