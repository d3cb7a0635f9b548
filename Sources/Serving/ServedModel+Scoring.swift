// Serving/ServedModel+Scoring.swift — log-probabilities of given tokens from one forward pass:
// the prompt's tokens for `echo` and the k most likely alternatives at each position for
// `top_logprobs` (what lm-evaluation-harness reads to score multiple-choice answers and check
// greedy continuations). The sampler does not keep whole distributions, so these come from
// re-reading the sequence; values agree with the sampler's to float rounding.

import Foundation
import Models

/// The score of one position: the actual next token's log-probability and the top-k.
struct PositionScore: Equatable {
    /// log p(actual next token).
    var logprob: Float
    /// The k most likely tokens and their log-probabilities, most likely first.
    var top: [(id: Int, logprob: Float)]

    static func == (a: PositionScore, b: PositionScore) -> Bool {
        a.logprob == b.logprob && a.top.map(\.id) == b.top.map(\.id) && a.top.map(\.logprob) == b.top.map(\.logprob)
    }
}

extension ServedModel {
    /// Scores `sequence[1...]`: entry i is token i+1 given tokens 0…i, under
    /// softmax(logits / temperature) (temperature 1 when 0, as the sampler reports greedy picks).
    func score(_ sequence: [Int], temperature: Float, top k: Int) throws -> [PositionScore] {
        try score(batch: [sequence], temperature: temperature, top: k).first ?? []
    }

    /// Scores several sequences, right-padded into batched forward passes of at most
    /// `tokensPerForward` positions (bounds the activations and the [rows, T, V] logits).
    func score(batch sequences: [[Int]], temperature: Float, top k: Int, tokensPerForward: Int = 8192) throws -> [[PositionScore]] {
        let V = model.config.vocabSize
        // Also keep the logits under ~256 MB for large vocabularies.
        let budget = max(1, min(tokensPerForward, (64 << 20) / max(V, 1)))
        var out: [[PositionScore]] = []
        out.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            // Grow the chunk while rows × longest fits the budget (at least one row).
            var end = start + 1
            var longest = max(1, sequences[start].count - 1)
            while end < sequences.count, (end - start + 1) * max(longest, sequences[end].count - 1) <= budget {
                longest = max(longest, sequences[end].count - 1)
                end += 1
            }
            out += try scoreChunk(Array(sequences[start..<end]), length: longest, temperature: temperature, top: k)
            start = end
        }
        return out
    }

    /// One batched forward over `rows` sequences padded to `length` inputs.
    func scoreChunk(_ rows: [[Int]], length T: Int, temperature: Float, top k: Int) throws -> [[PositionScore]] {
        let V = model.config.vocabSize
        var inputs = [Int32](repeating: 0, count: rows.count * T)
        for (b, s) in rows.enumerated() {
            for t in 0..<max(0, s.count - 1) { inputs[b * T + t] = Int32(s[t]) }
        }
        let batch = try TokenBatch(rows: rows.count, length: T, inputs: inputs, targets: [Int32](repeating: -1, count: rows.count * T))
        let logits = try model.logits(batch)   // [rows, T, V]; causal, so padding after a row's end cannot change it
        let invT = Double(1 / scoringTemperature(temperature))
        return rows.enumerated().map { b, sequence in
            (0..<max(0, sequence.count - 1)).map { t in
                positionScore(logits, base: (b * T + t) * V, vocabulary: V, next: sequence[t + 1], invT: invT, top: k)
            }
        }
    }

    /// log-softmax at one position (in Double), the actual token's value and the top-k.
    func positionScore(_ logits: [Float], base: Int, vocabulary V: Int, next: Int, invT: Double, top k: Int) -> PositionScore {
        var maximum = -Double.infinity
        for i in base..<(base + V) { maximum = max(maximum, Double(logits[i]) * invT) }
        var sum = 0.0
        for i in base..<(base + V) { sum += Foundation.exp(Double(logits[i]) * invT - maximum) }
        let logZ = maximum + Foundation.log(sum)
        func lp(_ id: Int) -> Float { Float(Double(logits[base + id]) * invT - logZ) }
        var top: [(id: Int, logprob: Float)] = []
        if k > 0 {
            // Insertion into a sorted list of at most k (k ≤ 5).
            for id in 0..<V {
                let value = logits[base + id]
                guard top.count < k || value > logits[base + top[top.count - 1].id] else { continue }
                if top.count == k { top.removeLast() }
                let at = top.firstIndex { value > logits[base + $0.id] } ?? top.count
                top.insert((id, 0), at: at)
            }
            top = top.map { ($0.id, lp($0.id)) }
        }
        return PositionScore(logprob: lp(next), top: top)
    }
}
