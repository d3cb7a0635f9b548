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
        guard sequence.count >= 2 else { return [] }
        let T = sequence.count - 1
        let batch = try TokenBatch(rows: 1, length: T, inputs: sequence[..<T].map { Int32($0) },
                                   targets: [Int32](repeating: -1, count: T))
        let logits = try model.logits(batch)   // [T, V]
        let V = model.config.vocabSize
        let invT = Double(temperature > 0 ? 1 / temperature : 1)
        var out: [PositionScore] = []
        out.reserveCapacity(T)
        for t in 0..<T {
            let row = logits[(t * V)..<((t + 1) * V)]
            var maximum = -Double.infinity
            for x in row { maximum = max(maximum, Double(x) * invT) }
            var sum = 0.0
            for x in row { sum += Foundation.exp(Double(x) * invT - maximum) }
            let logZ = maximum + Foundation.log(sum)
            func lp(_ id: Int) -> Float { Float(Double(logits[t * V + id]) * invT - logZ) }
            var top: [(id: Int, logprob: Float)] = []
            if k > 0 {
                // Partial selection: keep the k best seen so far (k ≤ 5).
                for id in 0..<V {
                    let value = logits[t * V + id]
                    if top.count < k || value > logits[t * V + top[top.count - 1].id] {
                        if top.count == k { top.removeLast() }
                        let at = top.firstIndex { value > logits[t * V + $0.id] } ?? top.count
                        top.insert((id, 0), at: at)
                    }
                }
                top = top.map { ($0.id, lp($0.id)) }
            }
            out.append(PositionScore(logprob: lp(sequence[t + 1]), top: top))
        }
        return out
    }
}
