// Transformer — the Llama-family decoder's weights: all parameters in one contiguous Float buffer
// (Hugging Face names → offsets in `ParameterLayout`), gradients in a second buffer of the same
// layout, a per-tensor weight-decay mask, seeded initialisation and tensor import/export.
// The passes live in Transformer+Forward / +Backward, decoding in Generation/.
import Kernels
#if canImport(Glibc)
import Glibc
#endif

/// A Llama / Qwen2 / SmolLM / TinyLlama style decoder (RMSNorm, RoPE, SwiGLU, grouped-query
/// attention, optional q/k/v biases, tied or untied head), trainable on the CPU.
///
/// A class because it owns large buffers; it is not safe to use one instance from two threads at
/// once (forward/backward reuse one run state). Use `copy()` for a second, independent model.
public final class Transformer: @unchecked Sendable {
    /// What the model is.
    public let config: TransformerConfig
    let layout: ParameterLayout
    let paramBuffer: UnsafeMutableBufferPointer<Float>
    let gradBuffer: UnsafeMutableBufferPointer<Float>
    /// Rotary tables, grown on demand to the longest position seen.
    var rope: RopeTable
    /// Activations of the last training forward pass, reused while the batch shape fits.
    var runState: RunState?

    /// Number of scalar parameters (tied embeddings counted once).
    public var parameterCount: Int { layout.count }

    /// All parameters, in `parameterEntries` layout. Mutating them changes the model.
    public var parameters: UnsafeMutableBufferPointer<Float> { paramBuffer }
    /// Gradients accumulated by `backward`, same layout as `parameters`.
    public var gradients: UnsafeMutableBufferPointer<Float> { gradBuffer }
    /// Every named tensor: name, offset, shape and whether weight decay applies.
    public var parameterEntries: [ParameterEntry] { layout.entries }

    private init(validated config: TransformerConfig) throws(MemoryBudgetError) {
        let layout = ParameterLayout(config: config)
        // Weights and gradients, 4 bytes each per parameter.
        try MemoryBudget.check(MemoryBudget.bytes(layout.count, of: 8),
                               for: "a model of \(layout.count) parameters (weights and gradients)",
                               advice: "use fewer layers or a smaller dim, ffn or vocab")
        self.config = config
        self.layout = layout
        paramBuffer = .allocate(capacity: layout.count)
        paramBuffer.initialize(repeating: 0)
        // Zeroed by calloc, whose large blocks are fresh mappings: the pages cost no memory until a
        // backward pass writes them, so a model that only samples holds its weights alone.
        guard let zeroed = calloc(max(1, layout.count), MemoryLayout<Float>.stride) else {
            throw MemoryBudgetError(purpose: "the gradients of a model of \(layout.count) parameters", needed: layout.count * 4,
                                    available: 0, advice: "use fewer layers or a smaller dim, ffn or vocab")
        }
        gradBuffer = UnsafeMutableBufferPointer(start: zeroed.bindMemory(to: Float.self, capacity: layout.count), count: layout.count)
        rope = RopeTable(headDim: config.headDim, positions: 0, theta: config.ropeTheta, scaling: config.ropeScaling)
    }

    deinit {
        paramBuffer.deallocate()
        free(gradBuffer.baseAddress)
    }

    /// A freshly initialised model: weights ~ N(0, 0.02²), norm weights 1, biases 0, drawn in
    /// `parameterEntries` order from a generator seeded with `seed`.
    public convenience init(config: TransformerConfig, seed: UInt64) throws {
        try config.validate()
        try self.init(validated: config)
        var rng = RNG(seed: seed)
        for e in layout.entries {
            let isNorm = e.name.hasSuffix("layernorm.weight") || e.name == "model.norm.weight"
            let isBias = e.name.hasSuffix(".bias")
            for i in e.range {
                paramBuffer[i] = isNorm ? 1 : (isBias ? 0 : 0.02 * rng.normal())
            }
        }
    }

    /// A model from named tensors (a checkpoint). Every tensor of the layout must be present with
    /// its exact shape; extra tensors (e.g. a redundant `lm_head.weight` when tied) are ignored.
    public convenience init(config: TransformerConfig, tensors: [String: Tensor]) throws {
        try config.validate()
        // The sizes come from config.json, which may be damaged or hostile: a 300-byte file can
        // describe billions of parameters. The tensors are already in memory, so a config that
        // needs more floats than they hold cannot match them; say so before allocating anything.
        let available = tensors.values.reduce(0) { $0 + $1.values.count }
        guard let needed = ParameterLayout.floatCount(config), needed <= available else {
            let size = ParameterLayout.floatCount(config).map { "\($0) parameters" } ?? "more parameters than fit in 64 bits"
            throw ModelError("config.json describes a model of \(size), but the checkpoint's tensors hold only \(available) "
                             + "values — the checkpoint does not match config.json (check hidden_size, intermediate_size, "
                             + "num_hidden_layers and vocab_size)")
        }
        try self.init(validated: config)
        var missing: [String] = []
        for e in layout.entries {
            guard let t = tensors[e.name] else { missing.append(e.name); continue }
            guard t.shape == e.shape, t.values.count == e.count else {
                throw ModelError("tensor '\(e.name)' has shape \(t.shape) but this config needs \(e.shape) — the checkpoint does not match config.json")
            }
            t.values.withUnsafeBufferPointer { src in
                _ = UnsafeMutableBufferPointer(rebasing: paramBuffer[e.range]).initialize(from: src)
            }
        }
        if !missing.isEmpty {
            let list = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", … (\(missing.count) in all)" : "")
            throw ModelError("checkpoint is missing tensor(s) \(list) — check that config.json (attention_bias, tie_word_embeddings, num_hidden_layers) matches the weights")
        }
    }

    /// Every parameter as a named tensor (Hugging Face names; no `lm_head.weight` when tied).
    public func tensors() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for e in layout.entries {
            var t = Tensor(zeros: e.shape)
            t.values.withUnsafeMutableBufferPointer { dst in
                _ = dst.initialize(from: paramBuffer[e.range])
            }
            out[e.name] = t
        }
        return out
    }

    /// Gradients as named tensors (same names as `tensors()`), for tests and inspection.
    public func gradientTensors() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for e in layout.entries {
            var t = Tensor(zeros: e.shape)
            t.values.withUnsafeMutableBufferPointer { dst in
                _ = dst.initialize(from: gradBuffer[e.range])
            }
            out[e.name] = t
        }
        return out
    }

    /// A deep copy: same config, parameters and gradients; its own run state.
    /// - Throws: `MemoryBudgetError` when a second copy of the model does not fit in memory.
    public func copy() throws -> Transformer {
        let m = try Transformer(validated: config)
        _ = m.paramBuffer.update(fromContentsOf: paramBuffer)
        _ = m.gradBuffer.update(fromContentsOf: gradBuffer)
        return m
    }

    /// Overwrites this model's parameters with `other`'s (e.g. refreshing a reference model).
    public func copyParameters(from other: Transformer) throws {
        guard other.config == config else {
            throw ModelError("cannot copy parameters between models of different configurations (\(other.parameterCount) vs \(parameterCount) parameters)")
        }
        if other === self { return }
        _ = paramBuffer.update(fromContentsOf: other.paramBuffer)
    }

    /// Sets every gradient to zero.
    public func zeroGradients() {
        gradBuffer.update(repeating: 0)
    }

    /// L2 norm of all gradients (accumulated in Double).
    public func gradientNorm() -> Float {
        var s: Double = 0
        let n = gradBuffer.count
        guard let g = gradBuffer.baseAddress else { return 0 }
        var i = 0
        while i < n {
            let m = min(4096, n - i)
            s += Double(dot(g + i, g + i, m))
            i += m
        }
        return Float(s.squareRoot())
    }

    /// Makes sure the rotary tables cover positions 0..<n.
    func ensureRope(_ n: Int) {
        if rope.positions < n {
            rope = RopeTable(headDim: config.headDim, positions: max(n, rope.positions * 2, 64),
                             theta: config.ropeTheta, scaling: config.ropeScaling)
        }
    }
}
