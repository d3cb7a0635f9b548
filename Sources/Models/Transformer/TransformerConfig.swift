// TransformerConfig — what the model is: the Hugging Face `config.json` fields of the Llama /
// Qwen2 decoder family, mapped explicitly, with defaults for absent keys. Both forms that
// `transformers` writes are read: 4.x (`rope_theta` and `rope_scaling` at the top level,
// `torch_dtype`) and 5.x (`rope_parameters`, `dtype`). A key that would change the arithmetic and
// that Verity does not implement is an error naming it; any other unknown key is kept in
// `ignoredKeys` so that `model info` can list it.
import Kernels

/// A readable error from the model layer: what was wrong and what to do.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Architecture hyper-parameters of a Llama-family decoder (Llama, Qwen2, SmolLM, TinyLlama).
/// The tiny defaults of a model made in Verity are written once, in the memberwise initializer;
/// config.json's absent keys take transformers' defaults instead (`init(from:)`).
public struct TransformerConfig: Codable, Sendable, Equatable {
    /// Number of token ids (embedding rows and logits).
    public var vocabSize: Int
    /// Model width C.
    public var hiddenSize: Int
    /// SwiGLU inner width F.
    public var intermediateSize: Int
    /// Decoder layers L.
    public var numHiddenLayers: Int
    /// Query heads H (head size C / H).
    public var numAttentionHeads: Int
    /// Key/value heads (grouped-query attention); must divide H. Absent in config.json: equals H.
    public var numKeyValueHeads: Int
    /// RMSNorm epsilon (Llama uses 1e-5 or 1e-6).
    public var rmsNormEps: Float
    /// RoPE base θ (10000 in Llama 2, 1e6 in Qwen2).
    public var ropeTheta: Float
    /// Longest sequence the model is meant for (prompt + completion).
    public var maxPositionEmbeddings: Int
    /// lm_head shares the embedding matrix when true.
    public var tieWordEmbeddings: Bool
    /// q/k/v projections have biases (Qwen2: true).
    public var attentionBias: Bool
    public var bosTokenId: Int?
    public var eosTokenId: Int?
    public var padTokenId: Int?
    /// "llama" or "qwen2".
    public var modelType: String
    /// Hugging Face class names, e.g. ["LlamaForCausalLM"].
    public var architectures: [String]
    /// Storage dtype named in config.json; Verity computes in float32 regardless.
    public var torchDtype: String = "float32"
    /// Rescaled rotary frequencies (`rope_scaling` / `rope_parameters.rope_type`).
    public var ropeScaling: RopeScaling
    /// Keys of the config.json this was read from that Verity does not use and that do not change
    /// the arithmetic (sorted); empty for a config made in Verity.
    public var ignoredKeys: [String] = []

    enum CodingKeys: String, CodingKey, CaseIterable {
        static var allNames: [String] { allCases.map(\.rawValue) }

        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
        case maxPositionEmbeddings = "max_position_embeddings"
        case tieWordEmbeddings = "tie_word_embeddings"
        case attentionBias = "attention_bias"
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id"
        case modelType = "model_type"
        case architectures
        case torchDtype = "torch_dtype"
        case dtype
        case ropeScaling = "rope_scaling"
        case ropeParameters = "rope_parameters"
        case headDim = "head_dim"
        case hiddenAct = "hidden_act"
        case mlpBias = "mlp_bias"
        case useSlidingWindow = "use_sliding_window"
        case layerTypes = "layer_types"
        case quantizationConfig = "quantization_config"
        case partialRotaryFactor = "partial_rotary_factor"
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
        case attentionDropout = "attention_dropout"
    }

    /// Keys read and understood without a field of their own: they are harmless in the values a
    /// Llama or Qwen2 checkpoint has (the decoder checks the ones that could matter).
    static let understoodKeys: Set<String> = [
        "transformers_version", "use_cache", "initializer_range", "pretraining_tp", "sliding_window",
        "max_window_layers", "rope_type",
    ]

    /// Any JSON key, for listing the keys a config.json has.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// `rope_scaling` (4.x) or `rope_parameters` (5.x): one object for every layer.
    private struct RopeSpec: Decodable {
        var ropeType: String?
        var theta: Float?
        var factor: Float?
        var lowFreqFactor: Float?
        var highFreqFactor: Float?
        var originalMaxPositions: Int?
        var partialRotaryFactor: Float?

        private enum Keys: String, CodingKey, CaseIterable {
            case ropeType = "rope_type", type, theta = "rope_theta", factor
            case lowFreqFactor = "low_freq_factor", highFreqFactor = "high_freq_factor"
            case originalMaxPositions = "original_max_position_embeddings"
            case partialRotaryFactor = "partial_rotary_factor"
        }

        init(from decoder: Decoder) throws {
            let all = try decoder.container(keyedBy: AnyKey.self)
            let known = Set(Keys.allCases.map(\.rawValue))
            // Per-layer-type tables ({"full_attention": {…}, "sliding_attention": {…}}) or the
            // parameters of a type Verity lacks (yarn's beta_fast, …) are not silently dropped.
            let extra = all.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
            let c = try decoder.container(keyedBy: Keys.self)
            ropeType = try c.decodeIfPresent(String.self, forKey: .ropeType) ?? c.decodeIfPresent(String.self, forKey: .type)
            if !extra.isEmpty, (ropeType ?? "default") == "default" || ropeType == "linear" || ropeType == "llama3" {
                throw ModelError("model config: the RoPE settings have keys Verity does not implement (\(extra.joined(separator: ", "))) "
                                 + "— per-layer RoPE tables and extra scaling parameters are not supported")
            }
            theta = try c.decodeIfPresent(Float.self, forKey: .theta)
            factor = try c.decodeIfPresent(Float.self, forKey: .factor)
            lowFreqFactor = try c.decodeIfPresent(Float.self, forKey: .lowFreqFactor)
            highFreqFactor = try c.decodeIfPresent(Float.self, forKey: .highFreqFactor)
            originalMaxPositions = try c.decodeIfPresent(Int.self, forKey: .originalMaxPositions)
            partialRotaryFactor = try c.decodeIfPresent(Float.self, forKey: .partialRotaryFactor)
        }
    }

    /// A configuration; every argument has the default of a tiny Llama.
    public init(vocabSize: Int = 32, hiddenSize: Int = 128, intermediateSize: Int = 512,
                numHiddenLayers: Int = 4, numAttentionHeads: Int = 4, numKeyValueHeads: Int? = nil,
                rmsNormEps: Float = 1e-5, ropeTheta: Float = 10_000, maxPositionEmbeddings: Int = 2048,
                tieWordEmbeddings: Bool = false, attentionBias: Bool = false, bosTokenId: Int? = nil,
                eosTokenId: Int? = nil, padTokenId: Int? = nil, modelType: String = "llama",
                ropeScaling: RopeScaling = .none) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads ?? numAttentionHeads
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.tieWordEmbeddings = tieWordEmbeddings
        self.attentionBias = attentionBias
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.padTokenId = padTokenId
        self.modelType = modelType
        self.architectures = modelType == "qwen2" ? ["Qwen2ForCausalLM"] : ["LlamaForCausalLM"]
        self.ropeScaling = ropeScaling
    }

    /// Decodes config.json. Absent keys take the defaults of transformers' `LlamaConfig` (vocab
    /// 32000, width 4096, 32 layers, …), not the tiny defaults of the memberwise initializer.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func get<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        modelType = try get(.modelType, "llama")
        vocabSize = try get(.vocabSize, 32000)
        hiddenSize = try get(.hiddenSize, 4096)
        intermediateSize = try get(.intermediateSize, 11008)
        numHiddenLayers = try get(.numHiddenLayers, 32)
        numAttentionHeads = try get(.numAttentionHeads, 32)
        numKeyValueHeads = try get(.numKeyValueHeads, numAttentionHeads)
        rmsNormEps = try get(.rmsNormEps, 1e-6)  // transformers' LlamaConfig / Qwen2Config default
        maxPositionEmbeddings = try get(.maxPositionEmbeddings, 2048)
        tieWordEmbeddings = try get(.tieWordEmbeddings, false)
        // Qwen2 always has q/k/v biases and its config.json has no attention_bias key.
        attentionBias = try get(.attentionBias, modelType == "qwen2")
        bosTokenId = try Self.decodeTokenId(c, .bosTokenId)
        eosTokenId = try Self.decodeTokenId(c, .eosTokenId)
        padTokenId = try Self.decodeTokenId(c, .padTokenId)
        architectures = try get(.architectures, modelType == "qwen2" ? ["Qwen2ForCausalLM"] : ["LlamaForCausalLM"])
        torchDtype = try c.decodeIfPresent(String.self, forKey: .dtype) ?? get(.torchDtype, "float32")
        (ropeTheta, ropeScaling) = try Self.decodeRope(c, maxPositions: maxPositionEmbeddings)
        try checkArithmeticKeys(c)
        let modelled = Set(CodingKeys.allNames)
        ignoredKeys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
            .filter { !modelled.contains($0) && !Self.understoodKeys.contains($0) }.sorted()
        // Verity trains without dropout; a checkpoint that asks for some is told so in model info.
        if let dropout = try? c.decodeIfPresent(Double.self, forKey: .attentionDropout), dropout != 0 {
            ignoredKeys = (ignoredKeys + ["attention_dropout"]).sorted()
        }
    }

    /// RoPE base and scaling from either form; 5.x's `rope_parameters` wins over 4.x's keys.
    private static func decodeRope(_ c: KeyedDecodingContainer<CodingKeys>, maxPositions: Int) throws -> (theta: Float, scaling: RopeScaling) {
        let spec = try c.decodeIfPresent(RopeSpec.self, forKey: .ropeParameters)
            ?? c.decodeIfPresent(RopeSpec.self, forKey: .ropeScaling)
        let theta = try spec?.theta ?? c.decodeIfPresent(Float.self, forKey: .ropeTheta) ?? 10_000
        let partial = try spec?.partialRotaryFactor ?? c.decodeIfPresent(Float.self, forKey: .partialRotaryFactor) ?? 1
        guard partial == 1 else {
            throw ModelError("model config: partial_rotary_factor \(partial) is not supported — Verity rotates whole heads")
        }
        func need(_ value: Float?, _ key: String, _ type: String) throws -> Float {
            guard let value, value.isFinite, value > 0 else {
                throw ModelError("model config: rope type '\(type)' needs a positive \(key)")
            }
            return value
        }
        switch spec?.ropeType ?? "default" {
        case "default":
            return (theta, .none)
        case "linear":
            return (theta, .linear(factor: try need(spec?.factor, "factor", "linear")))
        case "llama3":
            let original = try spec?.originalMaxPositions ?? c.decodeIfPresent(Int.self, forKey: .originalMaxPositionEmbeddings)
                ?? maxPositions
            let low = try need(spec?.lowFreqFactor, "low_freq_factor", "llama3")
            let high = try need(spec?.highFreqFactor, "high_freq_factor", "llama3")
            guard high > low, original > 0 else {
                throw ModelError("model config: rope type 'llama3' needs high_freq_factor > low_freq_factor and a positive "
                                 + "original_max_position_embeddings")
            }
            return (theta, .llama3(factor: try need(spec?.factor, "factor", "llama3"), lowFreqFactor: low,
                                   highFreqFactor: high, originalMaxPositions: original))
        case let other:
            throw ModelError("model config: rope type '\(other)' is not supported — Verity implements 'default', 'linear' "
                             + "and 'llama3' (Llama 3.x); remove the scaling to run within the pre-training context")
        }
    }

    /// Keys whose non-default values change the arithmetic in ways Verity does not implement.
    private func checkArithmeticKeys(_ c: KeyedDecodingContainer<CodingKeys>) throws {
        if let act = try c.decodeIfPresent(String.self, forKey: .hiddenAct), act != "silu" {
            throw ModelError("model config: hidden_act '\(act)' is not supported — Verity's MLP is SwiGLU with silu")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .mlpBias) == true {
            throw ModelError("model config: mlp_bias true is not supported — Verity's MLP projections have no biases")
        }
        if let head = try c.decodeIfPresent(Int.self, forKey: .headDim), head != headDim {
            throw ModelError("model config: head_dim \(head) differs from hidden_size/num_attention_heads = \(headDim), "
                             + "which Verity's attention assumes")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .useSlidingWindow) == true {
            throw ModelError("model config: use_sliding_window true is not supported — Verity's attention sees the whole context")
        }
        if let kinds = try c.decodeIfPresent([String].self, forKey: .layerTypes), let other = kinds.first(where: { $0 != "full_attention" }) {
            throw ModelError("model config: layer_types has '\(other)' — Verity implements only full_attention layers")
        }
        if c.contains(.quantizationConfig), !(try c.decodeNil(forKey: .quantizationConfig)) {
            throw ModelError("model config: quantized checkpoints (quantization_config) are not supported — "
                             + "load a float32, float16 or bfloat16 copy")
        }
    }

    /// Writes the 4.x form, which `transformers` 4.x and 5.x both read.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encodeIfPresent(bosTokenId, forKey: .bosTokenId)
        try c.encodeIfPresent(eosTokenId, forKey: .eosTokenId)
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(architectures, forKey: .architectures)
        try c.encode(torchDtype, forKey: .torchDtype)
        switch ropeScaling {
        case .none: break
        case .linear(let factor):
            try c.encode(["rope_type": RopeValue.text("linear"), "factor": .real(factor)], forKey: .ropeScaling)
        case .llama3(let factor, let low, let high, let original):
            try c.encode(["rope_type": RopeValue.text("llama3"), "factor": .real(factor), "low_freq_factor": .real(low),
                          "high_freq_factor": .real(high), "original_max_position_embeddings": .whole(original)],
                         forKey: .ropeScaling)
        }
    }

    /// One value of an encoded `rope_scaling` object.
    private enum RopeValue: Encodable {
        case text(String), real(Float), whole(Int)
        func encode(to encoder: Encoder) throws {
            var single = encoder.singleValueContainer()
            switch self {
            case .text(let v): try single.encode(v)
            case .real(let v): try single.encode(v)
            case .whole(let v): try single.encode(v)
            }
        }
    }

    /// Token ids are an integer, null, or (Llama 3 style) a list whose first entry is used.
    private static func decodeTokenId(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int? {
        if let v = try? c.decodeIfPresent(Int.self, forKey: key) { return v }
        if let list = try? c.decodeIfPresent([Int].self, forKey: key) { return list.first }
        return nil
    }

    /// Head size C / H.
    public var headDim: Int { hiddenSize / max(numAttentionHeads, 1) }
    /// Width of the key and value projections, KVH · headDim.
    public var kvDim: Int { numKeyValueHeads * headDim }

    /// Checks the sizes fit together; the message says which field to change.
    /// The largest vocabulary a model may have (4M entries; real ones are under 300k).
    public static let maxVocabulary = 1 << 22

    public func validate() throws {
        func need(_ ok: Bool, _ message: String) throws { if !ok { throw ModelError("model config: " + message) } }
        try need(vocabSize > 0, "vocab_size must be positive, got \(vocabSize)")
        try need(hiddenSize > 0, "hidden_size must be positive, got \(hiddenSize)")
        try need(intermediateSize > 0, "intermediate_size must be positive, got \(intermediateSize)")
        try need(numHiddenLayers > 0, "num_hidden_layers must be positive, got \(numHiddenLayers)")
        try need(numAttentionHeads > 0, "num_attention_heads must be positive, got \(numAttentionHeads)")
        try need(numKeyValueHeads > 0, "num_key_value_heads must be positive, got \(numKeyValueHeads)")
        try need(hiddenSize % numAttentionHeads == 0,
                 "num_attention_heads (\(numAttentionHeads)) must divide hidden_size (\(hiddenSize)) — choose heads so the head size is a whole number")
        try need(headDim % 2 == 0,
                 "head size hidden_size/num_attention_heads = \(headDim) must be even for rotary embeddings")
        try need(numAttentionHeads % numKeyValueHeads == 0,
                 "num_key_value_heads (\(numKeyValueHeads)) must divide num_attention_heads (\(numAttentionHeads))")
        try need(rmsNormEps > 0 && rmsNormEps.isFinite, "rms_norm_eps must be a small positive number, got \(rmsNormEps)")
        try need(ropeTheta > 1 && ropeTheta.isFinite, "rope_theta must be greater than 1, got \(ropeTheta)")
        try need(maxPositionEmbeddings > 0, "max_position_embeddings must be positive, got \(maxPositionEmbeddings)")
        // Upper limits far beyond any model this CPU engine can run, so that sizes read from a
        // config.json cannot overflow the layout's arithmetic; memory is checked separately.
        for (name, value, limit) in [("vocab_size", vocabSize, Self.maxVocabulary), ("hidden_size", hiddenSize, 1 << 16),
                                     ("intermediate_size", intermediateSize, 1 << 18), ("num_hidden_layers", numHiddenLayers, 1 << 10),
                                     ("num_attention_heads", numAttentionHeads, 1 << 10),
                                     ("max_position_embeddings", maxPositionEmbeddings, 1 << 24)] {
            try need(value <= limit, "\(name) \(value) is larger than Verity supports (at most \(limit))")
        }
        try need(modelType == "llama" || modelType == "qwen2",
                 "model_type '\(modelType)' is not supported — use \"llama\" or \"qwen2\"")
        for (name, id) in [("bos_token_id", bosTokenId), ("eos_token_id", eosTokenId), ("pad_token_id", padTokenId)] {
            if let id { try need(id >= 0 && id < vocabSize, "\(name) \(id) is outside the vocabulary 0..<\(vocabSize)") }
        }
    }
}
