// Training/VinePPO.swift — values without a critic (Kazemnejad et al. 2024, "VinePPO"): the
// value of each reasoning-step boundary of a rollout is the mean reward of K continuations
// sampled from it with the current policy. Every token of step j then has the advantage
// A_j = V̂(s_{j+1}) − V̂(s_j), where the state after the last step is terminal with the
// rollout's own reward R. Steps end at a space or `</think>` (the arithmetic worked form); a
// direct answer is one step, whose advantage is R − V̂(prompt).
//
// Shortcut: a continuation's thinking budget counts from the boundary, not from the rollout's
// start (only matters with budget > 0).

import Foundation
import Kernels
import Models

/// What the Monte-Carlo value estimates cost in one step.
struct VineStatistics {
    /// Continuations sampled.
    var continuations = 0
    /// Tokens they generated.
    var tokens = 0
    /// Mean estimated value over boundaries.
    var valueMean = 0.0
}

extension PolicyTrainer {
    /// Token ids that end a reasoning step: a single-token space and `</think>`.
    var stepEndTokens: Set<Int> {
        var ends = Set<Int>()
        if let space = try? sampler.tokenizer.encode(" "), space.count == 1, let id = space.first { ends.insert(id) }
        if let end = sampler.tokenizer.special.thinkEnd { ends.insert(end) }
        return ends
    }

    /// Fills every rollout's per-token advantages from Monte-Carlo values at its step boundaries
    /// (whitened over the batch's unforced tokens when `whiten`), and its scalar advantage with
    /// their mean.
    func assignVine(_ rollouts: inout [Rollout], rng: inout RNG) throws -> VineStatistics {
        let K = config.vineSamples
        let ends = stepEndTokens
        var controls = try sampler.controls(config.sampling)
        // Boundaries b (token offsets where a step starts) of every rollout, the terminal excluded.
        var boundaries: [[Int]] = []
        for r in rollouts {
            var b = [0]
            for (t, id) in r.tokens.enumerated() where ends.contains(id) && t + 1 < r.tokens.count { b.append(t + 1) }
            boundaries.append(r.tokens.isEmpty ? [] : b)
        }
        // One batched generation per offset (the remaining token budget is shared within it).
        var requests: [Int: [(rollout: Int, boundary: Int)]] = [:]
        for (i, bs) in boundaries.enumerated() {
            for (j, b) in bs.enumerated() { requests[b, default: []].append((i, j)) }
        }
        var estimates = boundaries.map { [Double](repeating: 0, count: $0.count) }
        var stats = VineStatistics()
        for offset in requests.keys.sorted() {
            guard let list = requests[offset] else { continue }
            controls.sampling.maxNewTokens = config.sampling.maxNewTokens - offset
            guard controls.sampling.maxNewTokens > 0 else { continue }
            var prompts: [[Int]] = []
            for (i, _) in list {
                let prefix = rollouts[i].promptTokens + rollouts[i].tokens.prefix(offset)
                for _ in 0..<K { prompts.append(prefix) }
            }
            let sequences = try model.generate(prompts: prompts, controls: controls, rng: &rng)
            for (k, (i, j)) in list.enumerated() {
                var sum = 0.0
                for s in sequences[k * K..<(k + 1) * K] {
                    var ids = Array(rollouts[i].tokens.prefix(offset)) + s.tokens
                    if controls.isEnd(ids.last) { ids.removeLast() }
                    let text = sampler.tokenizer.decode(ids)
                    sum += sampler.scorer.score(completion: text, problem: rollouts[i].problem, tokenCount: offset + s.tokens.count).reward.total
                    stats.tokens += s.tokens.count
                }
                estimates[i][j] = sum / Double(K)
                stats.continuations += K
            }
        }
        var advantages: [[Double]] = [], masks: [[Bool]] = []
        var valueSum = 0.0, valueCount = 0
        for (i, r) in rollouts.enumerated() {
            var a = [Double](repeating: 0, count: r.tokens.count)
            let bs = boundaries[i]
            for (j, start) in bs.enumerated() {
                let stop = j + 1 < bs.count ? bs[j + 1] : r.tokens.count
                let next = j + 1 < bs.count ? estimates[i][j + 1] : r.reward.total
                for t in start..<stop { a[t] = next - estimates[i][j] }
                valueSum += estimates[i][j]; valueCount += 1
            }
            advantages.append(a)
            masks.append(r.forced.map { !$0 })
        }
        if config.whitenAdvantages { advantages = whitened(advantages, mask: masks) }
        for i in rollouts.indices {
            rollouts[i].tokenAdvantages = advantages[i]
            rollouts[i].values = nil
            rollouts[i].returns = nil
            let counted = zip(advantages[i], masks[i]).filter(\.1).map(\.0)
            rollouts[i].advantage = counted.isEmpty ? 0 : counted.reduce(0, +) / Double(counted.count)
        }
        stats.valueMean = valueCount > 0 ? valueSum / Double(valueCount) : 0
        return stats
    }
}
