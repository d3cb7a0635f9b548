// SwiGLU — the Llama MLP nonlinearity h = silu(gate) · up, silu(g) = g·σ(g).

/// out[n] = silu(gate[n]) · up[n] over `count` elements.
/// Split over threads in chunks (elementwise, so any split gives identical results).
public func swigluForward(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>,
                          up: UnsafePointer<Float>, count: Int) {
    Threading.parallelFor(count / 8, minimumPerWorker: 4096) { a, b in
        let one = SIMD8<Float>(repeating: 1)
        for c in a..<b {
            let i = c * 8
            let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD8<Float>.self)
            let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD8<Float>.self)
            let sig = one / (one + vexp(-g))
            UnsafeMutableRawPointer(out + i).storeBytes(of: g * sig * u, as: SIMD8<Float>.self)
        }
    }
    for i in (count / 8 * 8)..<count {
        let g = gate[i]
        let sig = 1 / (1 + vexp(-g))
        out[i] = g * sig * up[i]
    }
}

/// dGate = dOut·up·σ(g)·(1 + g·(1 − σ(g))); dUp = dOut·silu(g). Overwrites both.
public func swigluBackward(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>,
                           dOut: UnsafePointer<Float>, gate: UnsafePointer<Float>,
                           up: UnsafePointer<Float>, count: Int) {
    Threading.parallelFor(count / 8, minimumPerWorker: 4096) { a, b in
        let one = SIMD8<Float>(repeating: 1)
        for c in a..<b {
            let i = c * 8
            let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD8<Float>.self)
            let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD8<Float>.self)
            let d = UnsafeRawPointer(dOut + i).loadUnaligned(as: SIMD8<Float>.self)
            let sig = one / (one + vexp(-g))
            UnsafeMutableRawPointer(dUp + i).storeBytes(of: d * g * sig, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dGate + i).storeBytes(of: d * u * sig * (one + g * (one - sig)), as: SIMD8<Float>.self)
        }
    }
    for i in (count / 8 * 8)..<count {
        let g = gate[i]
        let sig = 1 / (1 + vexp(-g))
        let d = dOut[i]
        dUp[i] = d * g * sig
        dGate[i] = d * up[i] * sig * (1 + g * (1 - sig))
    }
}
