// Serving/ServedModel.swift — the loaded model behind the server: loads a checkpoint directory
// and samples completions with per-token detail (ids, log-probabilities, text pieces).
//
// Sampling follows `LocalGenerator.generate` step for step — the same prompt encoding
// (`encodePrompt`), the same `DecodeControls(options:tokenizer:)`, one `RNG(seed:)` for the whole
// request, prompt-major order (prompt i's n samples are rows i·n … i·n+n−1), the same batch
// chunking — so a request with seed s returns exactly what `LocalGenerator` returns for seed s.
// It calls the engine directly only because `LocalGenerator` sums the log-probabilities and the
// API returns them per token. A test checks the two agree.

import Foundation
import Kernels
import Models

/// One completion with what the API reports.
public struct ServedCompletion: Sendable, Equatable {
    /// The completion text; a matched stop string is cut off (OpenAI semantics).
    public var text: String
    /// The stop string that ended it, if one did.
    public var matchedStop: String?
    /// Why it ended: `stop` (end of sequence or a stop string) or `length`.
    public var finishReason: String
    /// One entry per generated token (the end-of-sequence token included, as an empty piece).
    /// The pieces concatenate to `text`: a piece is the text the token added, cut where the
    /// returned text ends (tokens of a removed stop string have empty or shortened pieces).
    public var tokens: [String]
    /// log p(token) under softmax(logits / temperature) (temperature 1 when greedy).
    public var tokenLogprobs: [Float]
    /// Character (Unicode scalar) offset of each piece in `text`.
    public var textOffsets: [Int]
    /// The generated token ids (end-of-sequence included).
    public var tokenIDs: [Int]
}

/// A model and tokenizer served under a name. Not thread-safe; the server calls it serially.
public final class ServedModel: @unchecked Sendable {
    /// The model id clients send as `model`.
    public let name: String
    /// The transformer.
    public let model: Transformer
    /// Its tokenizer.
    public let tokenizer: any Tokenizer
    /// Sequences decoded together per engine call (LocalGenerator's default, for equal results).
    public var maxBatch = 1024

    /// Serves `model` with `tokenizer` as `name`.
    public init(name: String, model: Transformer, tokenizer: any Tokenizer) throws {
        guard tokenizer.vocabularySize <= model.config.vocabSize else {
            throw ModelError("the tokenizer has \(tokenizer.vocabularySize) ids but the model only \(model.config.vocabSize) — use the model's own tokenizer")
        }
        self.name = name
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Loads a checkpoint directory (config.json, model.safetensors, tokenizer.json). The name
    /// defaults to the directory's last path component.
    public static func load(directory: URL, name: String? = nil) throws -> ServedModel {
        let contents = try Checkpoint.load(from: directory)
        let config = try contents.config(as: TransformerConfig.self)
        let model = try Transformer(config: config, tensors: contents.tensors)
        let fallback = directory.standardizedFileURL.lastPathComponent
        return try ServedModel(name: name ?? (fallback.isEmpty ? "verity" : fallback), model: model, tokenizer: contents.tokenizer)
    }

    /// Encodes every prompt; a prompt the tokenizer cannot encode is a 400 naming it.
    public func encode(_ prompts: [String]) throws(APIError) -> [[Int]] {
        var out: [[Int]] = []
        for (i, p) in prompts.enumerated() {
            do { out.append(try encodePrompt(p, tokenizer: tokenizer)) } catch {
                throw APIError(400, "prompt \(i) cannot be encoded: \(error)", parameter: "prompt")
            }
        }
        return out
    }

    /// Samples `n` completions of every prompt, `[prompt i · n + j]`. `promptIDs` come from
    /// `encode`. Stop strings the tokenizer cannot encode can never be generated and are dropped.
    public func complete(promptIDs: [[Int]], n: Int, options: GenerationOptions, seed: UInt64,
                  isCancelled: () -> Bool) throws -> [ServedCompletion] {
        var usable = options
        usable.stopStrings = options.stopStrings.filter { !$0.isEmpty && (try? tokenizer.encode($0)) != nil }
        let controls = try DecodeControls(options: usable, tokenizer: tokenizer)
        var rows: [[Int]] = []
        rows.reserveCapacity(promptIDs.count * n)
        for ids in promptIDs { for _ in 0..<n { rows.append(ids) } }
        var rng = RNG(seed: seed)
        var sequences: [SampledSequence] = []
        var start = 0
        while start < rows.count {
            let end = min(start + max(1, maxBatch), rows.count)
            sequences += try model.generate(prompts: Array(rows[start..<end]), controls: controls, rng: &rng, isCancelled: isCancelled)
            start = end
        }
        return sequences.map { describe($0, controls: controls, stops: usable.stopStrings) }
    }

    /// Text, pieces and finish reason of one sampled sequence.
    func describe(_ s: SampledSequence, controls: DecodeControls, stops: [String]) -> ServedCompletion {
        // Pieces: what each token adds to the decoded text (an incomplete UTF-8 character shows
        // up in the token that completes it). The final end-of-sequence token adds nothing.
        var visibleCount = s.tokens.count
        if controls.isEnd(s.tokens.last) { visibleCount -= 1 }
        let visible = Array(s.tokens[0..<visibleCount])
        let decoded = tokenizer.decode(visible)
        var pieces = self.pieces(of: visible, decoded: decoded)
        if visibleCount < s.tokens.count { pieces.append("") }   // the end-of-sequence token adds no text
        var text = decoded   // what LocalGenerator returns: the visible tokens decoded together
        let finish = s.finishReason == .length ? "length" : "stop"
        var matched: String? = nil
        // The engine stops when a stop string's token encoding has been generated (as
        // LocalGenerator does); the API then cuts that string from the text, as OpenAI does.
        // Matching is on tokens, not text: a stop string produced by a different tokenization
        // (possible with BPE) does not stop generation — the same for the local generator.
        if s.finishReason == .stopString,
           let hit = stops.filter({ text.hasSuffix($0) }).max(by: { $0.unicodeScalars.count < $1.unicodeScalars.count }) {
            matched = hit
            text = String(text.unicodeScalars.dropLast(hit.unicodeScalars.count))
        }
        // Cut the pieces so they concatenate to the returned text.
        var offsets: [Int] = []
        var remaining = text.unicodeScalars.count
        var offset = 0
        for i in pieces.indices {
            offsets.append(offset)
            let count = pieces[i].unicodeScalars.count
            if count > remaining { pieces[i] = String(pieces[i].unicodeScalars.prefix(remaining)) }
            let kept = min(count, remaining)
            remaining -= kept
            offset += kept
        }
        return ServedCompletion(text: text, matchedStop: matched, finishReason: finish, tokens: pieces,
                                tokenLogprobs: s.logprobs, textOffsets: offsets, tokenIDs: s.tokens)
    }

    /// What each token adds to `decoded` (= `tokenizer.decode(ids)`); the pieces concatenate to it.
    func pieces(of ids: [Int], decoded: String) -> [String] {
        // Fast path: tokens that decode on their own (characters, whole UTF-8 characters).
        let single = ids.map { tokenizer.decode([$0]) }
        if single.joined() == decoded { return single }
        // Slow path, O(n²): what each prefix adds, so a character split across tokens is
        // credited to the token that completes it. Trailing U+FFFD marks an incomplete UTF-8
        // sequence; it is not committed until the character completes. Comparison is on
        // scalars (a combining mark must not fail it).
        var pieces: [String] = []
        var committed: [Unicode.Scalar] = []
        for i in ids.indices {
            var next = Array(tokenizer.decode(Array(ids[0...i])).unicodeScalars)
            if i < ids.count - 1 { while next.last == "\u{FFFD}" { next.removeLast() } }
            if next.starts(with: committed) {
                var piece = String.UnicodeScalarView()
                piece.append(contentsOf: next[committed.count...])
                pieces.append(String(piece))
                committed = next
            } else {
                pieces.append(single[i])   // an unusual decoder: best effort
            }
        }
        return pieces
    }
}
