// Models/Value/ValueModel.swift — a learned value V(s): the expected reward of a completion from
// any prefix s of it (the critic of PPO, the scorer of value-guided search). It is a separate
// small Transformer (same tokenizer as the policy) whose LM head has one extra row, at id V (no
// token uses it): the value of a state is that row's logit at the state's last position, a linear
// scalar head on the final normalised hidden state, v = w·h. Reading it off the head keeps every
// kernel, the backward, AdamW and the checkpoint format as they are (see `forwardLogits`).
//
// States of one completion c₁…c_T after prompt p: s_t = p + c_<t for t = 0…T (s_T is the whole
// completion); s_t's value is read at the position of its last token (p's last token for s₀).
import Foundation
import Kernels

/// What a value checkpoint stores besides the weights.
struct ValueState: Codable {
    /// Marks the directory as a value-model checkpoint.
    var kind: String
    /// The head row read as the value.
    var valueRow: Int
    static let kindName = "value-model"
}

/// A value model. A class because it owns a model's buffers; not safe to use from two threads.
public final class ValueModel: @unchecked Sendable {
    /// The network; its head's row `valueRow` is the value head.
    public let model: Transformer
    /// The tokenizer shared with the policy.
    public let tokenizer: any Tokenizer
    /// The head row read as the value (the tokenizer's vocabulary size: a row no token uses).
    public let valueRow: Int

    /// A value model over `model`, whose vocabulary must be the tokenizer's plus the value row.
    public init(model: Transformer, tokenizer: any Tokenizer, valueRow: Int) throws {
        guard valueRow >= tokenizer.vocabularySize, valueRow < model.config.vocabSize else {
            throw ModelError("value model: the value row \(valueRow) must lie past the tokenizer's \(tokenizer.vocabularySize) ids and inside the model's \(model.config.vocabSize) head rows")
        }
        self.model = model
        self.tokenizer = tokenizer
        self.valueRow = valueRow
    }

    /// A fresh value model of the given shape: the tokenizer's ids plus the value row, its head
    /// row zeroed so every value starts at 0.
    public static func fresh(tokenizer: any Tokenizer, layers: Int, hiddenSize: Int, heads: Int,
                             intermediateSize: Int, maxPositions: Int, seed: UInt64) throws -> ValueModel {
        let V = tokenizer.vocabularySize
        let config = TransformerConfig(vocabSize: V + 1, hiddenSize: hiddenSize, intermediateSize: intermediateSize,
                                       numHiddenLayers: layers, numAttentionHeads: heads,
                                       maxPositionEmbeddings: maxPositions, tieWordEmbeddings: false,
                                       bosTokenId: tokenizer.special.bos, eosTokenId: tokenizer.special.eos,
                                       padTokenId: tokenizer.special.pad)
        try config.validate()
        let model = try Transformer(config: config, seed: seed)
        let value = try ValueModel(model: model, tokenizer: tokenizer, valueRow: V)
        value.zeroValueRow()
        return value
    }

    /// A value model that starts from a policy's weights (the usual PPO critic initialisation):
    /// the same network with one zero row added to its head, so it starts at 0 everywhere with the
    /// policy's features. Tied embeddings are untied (the value row is not an input).
    public static func from(policy: Transformer, tokenizer: any Tokenizer) throws -> ValueModel {
        let V = policy.config.vocabSize, C = policy.config.hiddenSize
        var config = policy.config
        config.vocabSize = V + 1
        config.tieWordEmbeddings = false
        var tensors = policy.tensors()
        guard let embed = tensors["model.embed_tokens.weight"] else {
            throw ModelError("value model: the policy has no model.embed_tokens.weight")
        }
        let head = tensors["lm_head.weight"] ?? embed
        func widened(_ t: Tensor) throws -> Tensor {
            guard let w = Tensor(shape: [V + 1, C], values: t.values + [Float](repeating: 0, count: C)) else {
                throw ModelError("value model: a [\(V), \(C)] matrix has \(t.values.count) values")
            }
            return w
        }
        tensors["model.embed_tokens.weight"] = try widened(embed)
        tensors["lm_head.weight"] = try widened(head)
        let model = try Transformer(config: config, tensors: tensors)
        return try ValueModel(model: model, tokenizer: tokenizer, valueRow: V)
    }

    /// Sets the value head's weights to 0.
    func zeroValueRow() {
        guard let head = model.parameterEntries.first(where: { $0.name == "lm_head.weight" }) else { return }
        let C = model.config.hiddenSize
        let start = head.offset + valueRow * C
        for i in start..<start + C { model.parameters[i] = 0 }
    }

    /// The batch of `prompt + completion` sequences and the flat position of every state's last
    /// token: states s₀…s_{T−1}, plus s_T when `final`.
    func stateBatch(prompts: [[Int]], completions: [[Int]], final: Bool) throws -> (batch: TokenBatch, positions: [[Int]]) {
        guard prompts.count == completions.count, !prompts.isEmpty else {
            throw ModelError("value model: \(prompts.count) prompts for \(completions.count) completions")
        }
        if let empty = prompts.firstIndex(where: \.isEmpty) {
            throw ModelError("value model: prompt \(empty) is empty — a state needs at least one token")
        }
        let sequences = zip(prompts, completions).map { $0 + $1 }
        let T = sequences.map(\.count).max() ?? 1
        let pad = Int32(tokenizer.special.pad ?? tokenizer.special.eos ?? 0)
        var inputs = [Int32](repeating: pad, count: sequences.count * T)
        for (b, s) in sequences.enumerated() {
            for (t, id) in s.enumerated() {
                guard id >= 0, id < tokenizer.vocabularySize else {
                    throw ModelError("value model: token id \(id) is outside the tokenizer's \(tokenizer.vocabularySize) ids")
                }
                inputs[b * T + t] = Int32(id)
            }
        }
        let batch = try TokenBatch(rows: sequences.count, length: T, inputs: inputs,
                                   targets: [Int32](repeating: -1, count: inputs.count))
        let positions = zip(prompts, completions).enumerated().map { b, pair in
            let P = pair.0.count, states = pair.1.count + (final ? 1 : 0)
            return (0..<states).map { b * T + P - 1 + $0 }
        }
        return (batch, positions)
    }

    /// The values of every state of each completion (s₀…s_{T−1}, plus s_T when `final`).
    public func values(prompts: [[Int]], completions: [[Int]], final: Bool = false) throws -> [[Float]] {
        let (batch, positions) = try stateBatch(prompts: prompts, completions: completions, final: final)
        let flat = positions.flatMap { $0 }
        let logits = try model.forwardLogits(batch, rows: flat)
        let V = model.config.vocabSize
        var out: [[Float]] = []
        var k = 0
        for row in positions {
            out.append(row.indices.map { logits[(k + $0) * V + valueRow] })
            k += row.count
        }
        return out
    }

    /// The value of a completion as a whole: V at its last trained state. A completion that ends
    /// with an end token is scored at the state before that token — the state after it is terminal
    /// (V = 0 by definition) and never a regression target — so the answer is fully written.
    public func completionValues(prompts: [[Int]], completions: [[Int]]) throws -> [Double] {
        let trimmed = completions.map { c -> [Int] in
            guard let last = c.last, last == tokenizer.special.eos || tokenizer.special.moreEnds.contains(last) else { return c }
            return Array(c.dropLast())
        }
        return try values(prompts: prompts, completions: trimmed, final: true).map { Double($0.last ?? 0) }
    }

    /// Accumulates into the model's gradients the value loss
    /// L = Σ_{i,t} w_{i,t} · ½·max((v − y)², (v_clip − y)²), v_clip = v_old + clip(v − v_old, ±ε_v)
    /// (PPO's clipped value loss; ε_v = 0 or no `old` values: plain ½(v − y)²), over the states
    /// s₀…s_{T−1} of each completion, with targets y and weights w laid out like `values`.
    /// - Returns: the loss, the weight share of states whose clipped branch was taken, and the values.
    public func accumulateRegression(prompts: [[Int]], completions: [[Int]], targets: [[Double]], weights: [[Double]],
                                     old: [[Float]]? = nil, clip: Double = 0) throws -> (loss: Double, clipFraction: Double, values: [[Float]]) {
        let (batch, positions) = try stateBatch(prompts: prompts, completions: completions, final: false)
        guard targets.count == positions.count, weights.count == positions.count,
              zip(positions, zip(targets, weights)).allSatisfy({ $0.count == $1.0.count && $0.count == $1.1.count }),
              old.map({ $0.count == positions.count && zip($0, positions).allSatisfy { $0.count == $1.count } }) ?? true else {
            throw ModelError("value model: targets, weights and old values must have one entry per state of each completion")
        }
        let flat = positions.flatMap { $0 }
        let logits = try model.forwardLogits(batch, rows: flat)
        let V = model.config.vocabSize
        var dLogits = [Float](repeating: 0, count: logits.count)
        var loss = 0.0, clipped = 0.0, weightSum = 0.0
        var values: [[Float]] = []
        var k = 0
        for (i, row) in positions.enumerated() {
            var vs: [Float] = []
            for t in row.indices {
                let v = Double(logits[(k + t) * V + valueRow])
                vs.append(Float(v))
                let y = targets[i][t], w = weights[i][t]
                guard w != 0 else { continue }
                guard y.isFinite, w.isFinite else { throw ModelError("value model: a target or weight is not finite") }
                var l = 0.5 * (v - y) * (v - y)
                var d = v - y
                if clip > 0, let o = old?[i][t] {
                    let vo = Double(o)
                    let vc = vo + min(max(v - vo, -clip), clip)
                    let lc = 0.5 * (vc - y) * (vc - y)
                    if lc > l {
                        // Only possible where the clip is active, where v_clip is constant in v.
                        l = lc
                        d = 0
                        clipped += abs(w)
                    }
                }
                loss += w * l
                weightSum += abs(w)
                dLogits[(k + t) * V + valueRow] = Float(w * d)
            }
            values.append(vs)
            k += row.count
        }
        try model.backward(dLogits: dLogits)
        return (loss, weightSum > 0 ? clipped / weightSum : 0, values)
    }

    /// Saves as a checkpoint directory (config.json, model.safetensors, tokenizer.json,
    /// trainer_state.json of kind "value-model"), atomically.
    public func save(to url: URL) throws {
        try Checkpoint.save(to: url, config: model.config, tensors: model.tensors(), tokenizer: tokenizer,
                            trainerState: ValueState(kind: ValueState.kindName, valueRow: valueRow))
    }

    /// Loads a value model saved by `save(to:)`; throws when the directory is not one.
    public static func load(from url: URL) throws -> ValueModel {
        let contents = try Checkpoint.load(from: url)
        let state = try? contents.trainerState(as: ValueState.self)
        guard let state = state ?? nil, state.kind == ValueState.kindName else {
            throw ModelError("\(url.path) is not a value-model checkpoint (no trainer_state.json of kind '\(ValueState.kindName)') — "
                + "save one with 'value save' or give the value model's directory")
        }
        let config = try contents.config(as: TransformerConfig.self)
        let model = try Transformer(config: config, tensors: contents.tensors)
        return try ValueModel(model: model, tokenizer: contents.tokenizer, valueRow: state.valueRow)
    }
}
