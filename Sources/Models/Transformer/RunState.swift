// RunState — the activations of one training forward pass and the backward pass's scratch,
// sized from the config and the batch shape. Reused across calls while the shape fits, so a
// training loop with a repeating batch shape allocates nothing per step.
import Kernels

/// A raw Float buffer owned by the run state.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int
    init(_ capacity: Int) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
        pointer.initialize(repeating: 0, count: self.capacity)
    }
    deinit { pointer.deallocate() }
}

/// Per-layer activations stored layer-major: layer l of a buffer is at `base + l·N·width`.
final class RunState {
    let tokenCapacity: Int       // N = B·T the buffers hold
    let attentionCapacity: Int   // B·H·T·T per layer
    let headRowCapacity: Int     // rows of logits held
    // Shape of the pass currently stored.
    var rows = 0, length = 0
    var invTemperature: Float = 1
    /// Positions whose logits were computed (the non-ignored targets), in order.
    var headRows: [Int] = []
    var rowStats: [LogSoftmaxRow] = []
    var targets: [Int32] = []
    var inputs: [Int32] = []
    /// True between a forward and the backward that consumes its logits.
    var backwardReady = false
    /// The last forward was `forwardLogits` (its backward takes dLogits, not dLogprob).
    var logitHead = false

    // Forward activations.
    let resid: FloatBuffer      // (L+1)·N·C, resid[l] = input of layer l
    let xn1, xn2: FloatBuffer   // L·N·C normalised inputs of attention / MLP
    let rstd1, rstd2: FloatBuffer // L·N
    let qkv: FloatBuffer        // L·N·(C+2KV): row = q | k | v, q and k after RoPE
    let probs: FloatBuffer      // L·B·H·T·T
    let attOut: FloatBuffer     // L·N·C, attention output before o_proj
    let mid: FloatBuffer        // L·N·C, residual after attention
    let gateUp: FloatBuffer     // L·N·2F: row = gate | up
    let hidden: FloatBuffer     // L·N·F, silu(gate)·up
    let rstdF: FloatBuffer      // N
    let xf: FloatBuffer         // N·C final normalised stream
    let xfRows: FloatBuffer     // M·C rows of xf feeding the head
    let logits: FloatBuffer     // M·V, overwritten by dlogits in backward
    // Backward scratch.
    let dResid, dxn, dAtt: FloatBuffer // N·C
    let dqkv: FloatBuffer       // N·(C+2KV)
    let dGateUp: FloatBuffer    // N·2F
    let dHidden: FloatBuffer    // N·F

    init(config c: TransformerConfig, tokens n: Int, attention a: Int, headRows m: Int) {
        let L = c.numHiddenLayers, C = c.hiddenSize, KV = c.kvDim, F = c.intermediateSize, V = c.vocabSize
        tokenCapacity = n; attentionCapacity = a; headRowCapacity = m
        resid = FloatBuffer((L + 1) * n * C)
        xn1 = FloatBuffer(L * n * C); xn2 = FloatBuffer(L * n * C)
        rstd1 = FloatBuffer(L * n); rstd2 = FloatBuffer(L * n)
        qkv = FloatBuffer(L * n * (C + 2 * KV))
        probs = FloatBuffer(L * a)
        attOut = FloatBuffer(L * n * C); mid = FloatBuffer(L * n * C)
        gateUp = FloatBuffer(L * n * 2 * F); hidden = FloatBuffer(L * n * F)
        rstdF = FloatBuffer(n); xf = FloatBuffer(n * C); xfRows = FloatBuffer(m * C)
        logits = FloatBuffer(m * V)
        dResid = FloatBuffer(n * C); dxn = FloatBuffer(n * C); dAtt = FloatBuffer(n * C)
        dqkv = FloatBuffer(n * (C + 2 * KV))
        dGateUp = FloatBuffer(n * 2 * F); dHidden = FloatBuffer(n * F)
    }

    /// Bytes the buffers above take (nil when the count overflows), for the memory check.
    static func bytes(config c: TransformerConfig, tokens n: Int, attention a: Int, headRows m: Int) -> Int? {
        let L = c.numHiddenLayers, C = c.hiddenSize, KV = c.kvDim, F = c.intermediateSize, V = c.vocabSize
        typealias B = MemoryBudget
        // Per token, per layer: resid, xn1, xn2, attOut, mid (5C), qkv (C+2KV), gateUp and hidden (3F), 2 rstd.
        let perLayerToken = 5 * C + (C + 2 * KV) + 3 * F + 2
        // Per token once: resid's extra layer, xf, the backward scratch (3C, C+2KV, 3F) and rstdF.
        let perToken = 5 * C + (C + 2 * KV) + 3 * F + 1
        let floats = B.sum(B.product(L, n, perLayerToken), B.product(n, perToken), B.product(L, a),
                           B.product(m, C + V))
        return floats.flatMap { B.bytes($0, of: MemoryLayout<Float>.size) }
    }

    func fits(tokens n: Int, attention a: Int, headRows m: Int) -> Bool {
        n <= tokenCapacity && a <= attentionCapacity && m <= headRowCapacity
    }
}

extension Transformer {
    /// The run state for a batch of `rows`×`length`, reusing the current one when it is large
    /// enough. The head buffers hold every position so any mix of ignored targets fits.
    /// - Throws: `MemoryBudgetError` when the activations of a batch this large do not fit.
    func runState(rows b: Int, length t: Int) throws -> RunState {
        typealias B = MemoryBudget
        guard let n = B.product(b, t), let a = B.product(b, config.numAttentionHeads, t, t) else {
            throw MemoryBudgetError(purpose: "a batch of \(b) sequences of \(t) tokens", needed: Int.max,
                                    available: MemoryBudget.available(), advice: "use smaller batches or shorter sequences")
        }
        let m = n
        if let s = runState, s.fits(tokens: n, attention: a, headRows: m) { return s }
        runState = nil  // free the old buffers before allocating the new ones
        try MemoryBudget.check(RunState.bytes(config: config, tokens: n, attention: a, headRows: m),
                               for: "the activations of a batch of \(b) sequences of \(t) tokens",
                               advice: "use a smaller batch (fewer prompts or samples per step) or shorter completions")
        let s = RunState(config: config, tokens: n, attention: a, headRows: m)
        runState = s
        return s
    }
}
