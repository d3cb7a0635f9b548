// SwiGLU — the Llama MLP nonlinearity h = silu(gate) · up, silu(g) = g·σ(g).

/// out[n] = silu(gate[n]) · up[n] over `count` elements.
public func swigluForward(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>,
                          up: UnsafePointer<Float>, count: Int) {
    for i in 0..<count {
        let g = gate[i]
        let sig = 1 / (1 + expf_(-g))
        out[i] = g * sig * up[i]
    }
}

/// dGate = dOut·up·σ(g)·(1 + g·(1 − σ(g))); dUp = dOut·silu(g). Overwrites both.
public func swigluBackward(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>,
                           dOut: UnsafePointer<Float>, gate: UnsafePointer<Float>,
                           up: UnsafePointer<Float>, count: Int) {
    for i in 0..<count {
        let g = gate[i]
        let sig = 1 / (1 + expf_(-g))
        let d = dOut[i]
        dUp[i] = d * g * sig
        dGate[i] = d * up[i] * sig * (1 + g * (1 - sig))
    }
}
