// TransformerConfig — what the model is: the Hugging Face `config.json` fields of the Llama /
// Qwen2 decoder family, mapped explicitly, with defaults for absent keys (unknown keys ignored).

/// A readable error from the model layer: what was wrong and what to do.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Architecture hyper-parameters of a Llama-family decoder (Llama, Qwen2, SmolLM, TinyLlama).
public struct TransformerConfig: Codable, Sendable, Equatable {
    /// Number of token ids (embedding rows and logits).
    public var vocabSize: Int = 32
    /// Model width C.
    public var hiddenSize: Int = 128
    /// SwiGLU inner width F.
    public var intermediateSize: Int = 512
    /// Decoder layers L.
    public var numHiddenLayers: Int = 4
    /// Query heads H (head size C / H).
    public var numAttentionHeads: Int = 4
    /// Key/value heads (grouped-query attention); must divide H. Absent in config.json: equals H.
    public var numKeyValueHeads: Int = 4
    /// RMSNorm epsilon (Llama uses 1e-5 or 1e-6).
    public var rmsNormEps: Float = 1e-5
    /// RoPE base θ (10000 in Llama 2, 1e6 in Qwen2).
    public var ropeTheta: Float = 10_000
    /// Longest sequence the model is meant for (prompt + completion).
    public var maxPositionEmbeddings: Int = 2048
    /// lm_head shares the embedding matrix when true.
    public var tieWordEmbeddings: Bool = false
    /// q/k/v projections have biases (Qwen2: true).
    public var attentionBias: Bool = false
    public var bosTokenId: Int? = nil
    public var eosTokenId: Int? = nil
    public var padTokenId: Int? = nil
    /// "llama" or "qwen2".
    public var modelType: String = "llama"
    /// Hugging Face class names, e.g. ["LlamaForCausalLM"].
    public var architectures: [String] = ["LlamaForCausalLM"]
    /// Storage dtype named in config.json; Verity computes in float32 regardless.
    public var torchDtype: String = "float32"

    enum CodingKeys: String, CodingKey {
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
    }

    /// A configuration; every argument has the default of a tiny Llama.
    public init(vocabSize: Int = 32, hiddenSize: Int = 128, intermediateSize: Int = 512,
                numHiddenLayers: Int = 4, numAttentionHeads: Int = 4, numKeyValueHeads: Int? = nil,
                rmsNormEps: Float = 1e-5, ropeTheta: Float = 10_000, maxPositionEmbeddings: Int = 2048,
                tieWordEmbeddings: Bool = false, attentionBias: Bool = false, bosTokenId: Int? = nil,
                eosTokenId: Int? = nil, padTokenId: Int? = nil, modelType: String = "llama") {
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
        ropeTheta = try get(.ropeTheta, 10_000)
        maxPositionEmbeddings = try get(.maxPositionEmbeddings, 2048)
        tieWordEmbeddings = try get(.tieWordEmbeddings, false)
        // Qwen2 always has q/k/v biases and its config.json has no attention_bias key.
        attentionBias = try get(.attentionBias, modelType == "qwen2")
        bosTokenId = try Self.decodeTokenId(c, .bosTokenId)
        eosTokenId = try Self.decodeTokenId(c, .eosTokenId)
        padTokenId = try Self.decodeTokenId(c, .padTokenId)
        architectures = try get(.architectures, modelType == "qwen2" ? ["Qwen2ForCausalLM"] : ["LlamaForCausalLM"])
        torchDtype = try get(.torchDtype, "float32")
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
