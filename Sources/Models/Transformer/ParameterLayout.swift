// ParameterLayout — where every named parameter lives inside the model's one contiguous buffer.
// Names are Hugging Face's, so the same table serves checkpoints, the optimizer state and tests.

import Kernels

/// One named tensor inside the parameter buffer.
public struct ParameterEntry: Sendable, Equatable {
    /// Hugging Face tensor name, e.g. `model.layers.0.self_attn.q_proj.weight`.
    public let name: String
    /// First float of the tensor in the buffer.
    public let offset: Int
    /// Row-major shape (`[out, in]` for linear weights).
    public let shape: [Int]
    /// Whether AdamW applies weight decay (false for norms and biases).
    public let decay: Bool
    /// Number of floats.
    public var count: Int { shape.reduce(1, *) }
    /// The floats' index range in the buffer.
    public var range: Range<Int> { offset..<(offset + count) }
}

/// Offsets of one decoder layer's tensors. `wq` starts the fused q|k|v weight and `bq` (−1 when
/// absent) the fused bias; `wGate` starts the fused gate|up weight.
struct LayerOffsets: Sendable {
    var inputNorm = 0, wq = 0, bq = -1, wk = 0, bk = -1, wv = 0, bv = -1, wo = 0
    var postNorm = 0, wGate = 0, wUp = 0, wDown = 0
}

/// The full name → (offset, shape) table for a configuration.
struct ParameterLayout: Sendable {
    var entries: [ParameterEntry] = []
    var index: [String: Int] = [:]
    var embed = 0
    var layers: [LayerOffsets] = []
    var finalNorm = 0
    /// Equals `embed` when embeddings are tied.
    var lmHead = 0
    var count = 0

    /// The number of floats `init(config:)` would lay out, or nil when it does not fit in an Int.
    /// Computed without building the table, so that sizes from an untrusted config.json can be
    /// checked before anything is allocated (the table itself has one entry per layer tensor).
    static func floatCount(_ c: TransformerConfig) -> Int? {
        let C = c.hiddenSize, KV = c.kvDim, F = c.intermediateSize, V = c.vocabSize
        typealias B = MemoryBudget
        let embedding = B.product(V, C)
        let layer = B.sum(C, B.product(C, C), B.product(2, KV, C), c.attentionBias ? B.sum(C, B.product(2, KV)) : 0,
                          B.product(C, C), C, B.product(3, F, C))
        let layers = layer.flatMap { B.product($0, c.numHiddenLayers) }
        return B.sum(embedding, layers, C, c.tieWordEmbeddings ? 0 : embedding)
    }

    init(config c: TransformerConfig) {
        let C = c.hiddenSize, KV = c.kvDim, F = c.intermediateSize, V = c.vocabSize
        func add(_ name: String, _ shape: [Int], decay: Bool) -> Int {
            let e = ParameterEntry(name: name, offset: count, shape: shape, decay: decay)
            index[name] = entries.count
            entries.append(e)
            count += e.count
            return e.offset
        }
        embed = add("model.embed_tokens.weight", [V, C], decay: true)
        for l in 0..<c.numHiddenLayers {
            let p = "model.layers.\(l)."
            var o = LayerOffsets()
            o.inputNorm = add(p + "input_layernorm.weight", [C], decay: false)
            // q, k, v weights back to back form one [C + 2·KV, C] matrix (one GEMM), and so do
            // their biases; gate and up likewise form one [2F, C] matrix.
            o.wq = add(p + "self_attn.q_proj.weight", [C, C], decay: true)
            o.wk = add(p + "self_attn.k_proj.weight", [KV, C], decay: true)
            o.wv = add(p + "self_attn.v_proj.weight", [KV, C], decay: true)
            if c.attentionBias {
                o.bq = add(p + "self_attn.q_proj.bias", [C], decay: false)
                o.bk = add(p + "self_attn.k_proj.bias", [KV], decay: false)
                o.bv = add(p + "self_attn.v_proj.bias", [KV], decay: false)
            }
            o.wo = add(p + "self_attn.o_proj.weight", [C, C], decay: true)
            o.postNorm = add(p + "post_attention_layernorm.weight", [C], decay: false)
            o.wGate = add(p + "mlp.gate_proj.weight", [F, C], decay: true)
            o.wUp = add(p + "mlp.up_proj.weight", [F, C], decay: true)
            o.wDown = add(p + "mlp.down_proj.weight", [C, F], decay: true)
            layers.append(o)
        }
        finalNorm = add("model.norm.weight", [C], decay: false)
        lmHead = c.tieWordEmbeddings ? embed : add("lm_head.weight", [V, C], decay: true)
    }
}
