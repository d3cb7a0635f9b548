// model new — a freshly initialised Llama-style model with a character tokenizer, sized by keys
// whose defaults are the recipe's model (width 128, 4 layers, 4 heads, SwiGLU 336, untied, no
// bias: about 0.78M parameters for the 3-digit addition task). Seeded from the session stream.
import Models
import Tasks

extension CommandDefinition {
    /// `model new key=value …`
    static let modelNew = CommandDefinition(CommandDeclaration(
        name: "model", subverb: "new",
        summary: "create a Llama-style model: model new layers=4 dim=128 heads=4 ffn=336",
        help: "Initialises a decoder (RMSNorm, rotary positions, SwiGLU, grouped-query attention) with weights "
            + "drawn from the session's generator. The tokenizer is a character tokenizer over the current data "
            + "set's alphabet (or printable ASCII without a data set) plus <pad> <bos> <eos> <think> </think>; "
            + "vocab=auto sizes the embedding to it. bos=false leaves <bos> out, so prompts start with their first "
            + "character: the \"Thinking pays\" recipe's 18-symbol vocabulary (a fixed first token lets a rotary "
            + "model recover absolute positions).",
        keys: [
            // The recipe's model: small enough to train in minutes on two cores, big enough to learn carries.
            ArgumentSpec("layers", .int, default: .int(4), bounds: 1...128, help: "transformer blocks"),
            ArgumentSpec("dim", .int, default: .int(128), bounds: 2...16_384, help: "hidden width (hidden_size)"),
            ArgumentSpec("heads", .int, default: .int(4), bounds: 1...256, help: "attention heads; must divide dim"),
            ArgumentSpec("kv_heads", .int, bounds: 1...256, help: "key/value heads (grouped-query); default = heads"),
            // 336 ≈ 8/3 · 128 rounded to a multiple of 16: SwiGLU's usual width at the same parameter count as a 4× MLP.
            ArgumentSpec("ffn", .int, default: .int(336), bounds: 1...65_536, help: "SwiGLU inner width (intermediate_size)"),
            ArgumentSpec("vocab", .string, default: .string("auto"), help: "auto (the tokenizer's size) or a number at least that large"),
            ArgumentSpec("rope_theta", .float, default: .float(10_000), bounds: 2...1e9, help: "rotary base frequency"),
            ArgumentSpec("tie", .bool, default: .bool(false), help: "share the embedding and output matrices"),
            ArgumentSpec("bias", .bool, default: .bool(false), help: "q/k/v projection biases (Qwen2 style)"),
            // Completions here are under 100 tokens; 1024 leaves room for long prompts without a large RoPE table.
            ArgumentSpec("max_pos", .int, default: .int(1024), bounds: 1...1_048_576, help: "longest sequence (max_position_embeddings)"),
            ArgumentSpec("bos", .bool, default: .bool(true), help: "give the tokenizer a <bos> token that starts every prompt"),
            // torch = a plain-PyTorch model's start (nn.Embedding N(0,1), nn.Linear U(±1/√fan_in)): the Thinking-pays recipe's.
            ArgumentSpec("init", .choice(WeightInitialization.allCases.map(\.rawValue)), default: .choice("gpt2"),
                         help: "weights: gpt2 (N(0, 0.02²)) or torch (PyTorch layer defaults)"),
        ],
        examples: ["model new layers=1 dim=16 heads=2 kv_heads=1 ffn=32 vocab=auto max_pos=128",
                   "model new layers=1 dim=16 heads=2 ffn=24 vocab=120 rope_theta=10000 tie=true bias=true",
                   "model new layers=4 dim=128 heads=4 ffn=336 bos=false init=torch"]
    )) { invocation, session in
        let layers = try invocation.int(defaulted: "layers")
        let dim = try invocation.int(defaulted: "dim")
        let heads = try invocation.int(defaulted: "heads")
        let kvHeads = try invocation.int("kv_heads") ?? heads
        let ffn = try invocation.int(defaulted: "ffn")
        let vocabText = try invocation.string(defaulted: "vocab")
        let theta = try invocation.double(defaulted: "rope_theta")
        let tie = try invocation.bool(defaulted: "tie")
        let bias = try invocation.bool(defaulted: "bias")
        let maxPos = try invocation.int(defaulted: "max_pos")
        let bos = try invocation.bool(defaulted: "bos")
        let initText = try invocation.string(defaulted: "init")
        guard let initialization = WeightInitialization(rawValue: initText) else {
            throw CommandError("model new: init=\(initText) — use gpt2 or torch")
        }
        let tokenizer = try ModelFactory.characterTokenizer(for: session[DatasetSlot.self], bos: bos)
        let vocab: Int
        if vocabText == "auto" {
            vocab = tokenizer.vocabularySize
        } else {
            guard let number = Int(vocabText), number > 0 else {
                throw CommandError("model new: vocab=\(vocabText) — use vocab=auto or a whole number")
            }
            guard number >= tokenizer.vocabularySize else {
                throw CommandError("model new: vocab=\(number) is smaller than the tokenizer's \(tokenizer.vocabularySize) tokens — use vocab=auto or a larger number")
            }
            vocab = number
        }
        let special = tokenizer.special
        let config = TransformerConfig(vocabSize: vocab, hiddenSize: dim, intermediateSize: ffn, numHiddenLayers: layers,
                                       numAttentionHeads: heads, numKeyValueHeads: kvHeads, ropeTheta: Float(theta),
                                       maxPositionEmbeddings: maxPos, tieWordEmbeddings: tie, attentionBias: bias,
                                       bosTokenId: special.bos, eosTokenId: special.eos, padTokenId: special.pad)
        try domain("model new") { try config.validate() }
        let seed = session.commandSeed()
        let transformer = try domain("model new") { try Transformer(config: config, seed: seed, initialization: initialization) }
        let model = LocalModel(transformer: transformer, tokenizer: tokenizer, name: "\(layers)x\(dim)",
                               source: invocation.command.source)
        session[ModelSlot.self] = .local(model)
        return ModelInfoView.render(.local(model), precision: session.settings.precision)
    }
}

/// Tokenizers for new models.
enum ModelFactory {
    /// A character tokenizer over the data set's alphabet (its plain characters; the specials are
    /// added by `CharTokenizer`), or over every character of its problems when it is open text, or
    /// printable ASCII when there is no data set. Without `bos` the specials are `<pad> <eos>
    /// <think> </think>`: with the add task's alphabet, exactly the recipe's 18 symbols.
    static func characterTokenizer(for dataset: Dataset?, bos: Bool = true) throws -> CharTokenizer {
        var corpus: [String]
        if let dataset {
            if let alphabet = dataset.alphabet {
                corpus = [String(alphabet.sorted())]
            } else {
                corpus = dataset.all.flatMap { [$0.prompt, $0.answer, $0.solution ?? ""] }
                if let prefix = dataset.promptPrefix { corpus.append(prefix) }
            }
        } else {
            corpus = [String((32...126).compactMap { Unicode.Scalar($0).map(Character.init) })]
        }
        // Specials' spellings (`<think>`) are matched as wholes; their letters stay plain characters.
        let specials = bos ? CharTokenizer.defaultSpecials : CharTokenizer.defaultSpecials.filter { $0 != "<bos>" }
        return try domain("model new") { try CharTokenizer(corpus: corpus, specials: specials) }
    }
}
