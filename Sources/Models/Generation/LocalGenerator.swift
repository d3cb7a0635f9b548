// Models/Generation/LocalGenerator.swift — the local model as a text-level generator: encodes
// prompts with the tokenizer, maps `GenerationOptions` to the engine's `DecodeControls`, samples
// every prompt × sample in one batched `generate` call, decodes the texts. Also the one prompt
// encoding convention shared by SFT, RL sampling and evaluation.

import Kernels

/// Encodes a prompt the way every Verity component conditions the model: the tokenizer's `bos`
/// (when it has one) followed by the text's ids — or, when the tokenizer prompts through a chat
/// template (`tokenizer.chat`), the rendered conversation (an optional `system` turn, the text as
/// the user turn, the assistant's opening) encoded as it stands: the template writes `bos` itself
/// where the model wants it, as `apply_chat_template(tokenize=True)` does. SFT, RL sampling and
/// evaluation all use this, so a model is always scored on the prompts it was trained on.
public func encodePrompt(_ text: String, tokenizer: any Tokenizer, system: String? = nil) throws -> [Int] {
    if let chat = tokenizer.chat {
        let ids = try tokenizer.encode(try chat.text(user: text, system: system))
        guard !ids.isEmpty else { throw ModelError("the chat template rendered an empty prompt") }
        return ids
    }
    let ids = try tokenizer.encode(text)
    if let bos = tokenizer.special.bos { return [bos] + ids }
    guard !ids.isEmpty else {
        throw ModelError("the prompt is empty and the tokenizer has no bos token — give a non-empty prompt")
    }
    return ids
}

/// The local transformer behind the text-level `Generator` protocol, so evaluation and scaling
/// sweeps run the same code against it or a remote server. Exact thinking-token counts and
/// summed log-probabilities come from the engine.
///
/// Not safe to call from two threads at once (the model's decode state is shared); use one
/// generator per model copy.
public final class LocalGenerator: Generator, @unchecked Sendable {
    /// The model sampled from.
    public let model: Transformer
    /// Its tokenizer.
    public let tokenizer: any Tokenizer
    /// Shown in tables and plots.
    public var name: String
    /// Most sequences decoded together in one `generate` call; more are split into consecutive
    /// calls with the same random stream (bounds the KV cache's memory). Default 1024.
    public var maxBatch: Int

    /// A generator over `model` and `tokenizer`; the name defaults to `local LxD`.
    public init(model: Transformer, tokenizer: any Tokenizer, name: String? = nil, maxBatch: Int = 1024) throws {
        guard tokenizer.vocabularySize <= model.config.vocabSize else {
            throw ModelError("the tokenizer has \(tokenizer.vocabularySize) ids but the model only \(model.config.vocabSize) — use the model's own tokenizer")
        }
        self.model = model
        self.tokenizer = tokenizer
        self.name = name ?? "local \(model.config.numHiddenLayers)x\(model.config.hiddenSize)"
        self.maxBatch = max(1, maxBatch)
    }

    /// Samples `samplesPerPrompt` completions of every prompt — all prompts × samples decoded
    /// together (in chunks of `maxBatch`) — and returns them as `[prompt][sample]`. The text
    /// excludes a final end-of-sequence token; a matched stop string is kept.
    public func generate(prompts: [String], samplesPerPrompt: Int, options: GenerationOptions, seed: UInt64,
                         isCancelled: () -> Bool) throws -> [[GeneratedText]] {
        guard samplesPerPrompt >= 1 else {
            throw ModelError("samples per prompt must be at least 1 (got \(samplesPerPrompt))")
        }
        if prompts.isEmpty { return [] }
        let controls = try DecodeControls(options: options, tokenizer: tokenizer)
        var ids: [[Int]] = []
        ids.reserveCapacity(prompts.count * samplesPerPrompt)
        for p in prompts {
            let encoded = try encodePrompt(p, tokenizer: tokenizer, system: options.system)
            for _ in 0..<samplesPerPrompt { ids.append(encoded) }
        }
        var rng = RNG(seed: seed)
        var sequences: [SampledSequence] = []
        sequences.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let end = min(start + maxBatch, ids.count)
            sequences += try model.generate(prompts: Array(ids[start..<end]), controls: controls, rng: &rng,
                                            isCancelled: isCancelled)
            start = end
        }
        var out: [[GeneratedText]] = []
        out.reserveCapacity(prompts.count)
        for i in 0..<prompts.count {
            var row: [GeneratedText] = []
            for s in sequences[(i * samplesPerPrompt)..<((i + 1) * samplesPerPrompt)] {
                var visible = s.tokens
                if controls.isEnd(visible.last) { visible.removeLast() }
                let logprob = s.logprobs.reduce(0.0) { $0 + Double($1) }
                row.append(GeneratedText(text: tokenizer.decode(visible), tokenCount: s.tokens.count,
                                         thinkingTokens: s.thinkingTokens, finishReason: s.finishReason, logprob: logprob))
            }
            out.append(row)
        }
        return out
    }
}
