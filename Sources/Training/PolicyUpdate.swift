// Training/PolicyUpdate.swift — the passes of a policy-gradient update, as functions of
// (model, optimizer, rollouts) that PolicyLearner calls: select the rows that carry gradient, fill
// reference log-probs for the KL term, then μ passes × minibatches of forward → per-token loss →
// backward → guarded AdamW. Rows of similar length are forwarded together (gradients accumulate
// across chunks), so short direct answers are not padded to the length of worked ones.

import Foundation
import Kernels
import Models

/// Statistics of one batch update.
struct UpdateStatistics {
    var loss = 0.0
    var kl = 0.0
    var entropy = 0.0
    var clipLow = 0.0, clipHigh = 0.0, dualClip = 0.0
    var gradNorm = 0.0
    var learningRate = 0.0
    var updates = 0
    var tokens = 0
    var rows = 0
    /// Sampler against trainer, over the first minibatch before any update (see `LogprobGap`).
    var gap = LogprobGap()
}

/// How far the trainer's recomputed log-probabilities of the sampled tokens are from the ones the
/// sampler recorded, with the same weights: 0 exactly when sampling and training share one
/// arithmetic (they do here); with stale rollouts it also holds the policy's drift.
struct LogprobGap {
    var maxAbs = 0.0
    var sumAbs = 0.0
    var tokens = 0
    /// Largest |π_θ/π_old − 1| over the tokens (the importance ratio at μ = 1 before the update).
    var ratioDeviation = 0.0
    var mean: Double { tokens > 0 ? sumAbs / Double(tokens) : 0 }

    mutating func add(trainer: Float, sampler: Float) {
        let d = abs(Double(trainer) - Double(sampler))
        maxAbs = max(maxAbs, d)
        sumAbs += d
        tokens += 1
        ratioDeviation = max(ratioDeviation, abs(exp(Double(trainer) - Double(sampler)) - 1))
    }
}

/// Row indices grouped into chunks of similar total length (bucket width 8 tokens, at most
/// `maxRows` rows each), so each forward pads little.
func lengthChunks(_ rows: [Int], length: (Int) -> Int, maxRows: Int = 256) -> [[Int]] {
    var byBucket: [Int: [Int]] = [:]
    for r in rows { byBucket[(length(r) + 7) / 8, default: []].append(r) }
    var chunks: [[Int]] = []
    for key in byBucket.keys.sorted() {
        let members = byBucket[key] ?? []
        var s = 0
        while s < members.count {
            chunks.append(Array(members[s..<min(s + maxRows, members.count)]))
            s += maxRows
        }
    }
    return chunks
}

/// The loss mask of one rollout's completion tokens: forced tokens never count.
func completionMask(_ r: Rollout) -> [Bool] { r.forced.map { !$0 } }

/// Forward of `rows` through `model`: per-row log-probs and entropies of the completion tokens.
func completionForward(model: Transformer, rollouts: [Rollout], rows: [Int], temperature: Float,
                       padId: Int) throws -> (batch: TokenBatch, logprobs: [[Float]], entropies: [[Float]]) {
    let tb = try completionBatch(prompts: rows.map { rollouts[$0].promptTokens },
                                 completions: rows.map { rollouts[$0].tokens },
                                 masks: rows.map { completionMask(rollouts[$0]) }, padId: padId)
    let fr = try model.forward(tb, temperature: temperature)
    var lps: [[Float]] = [], ents: [[Float]] = []
    for (b, r) in rows.enumerated() {
        let P = rollouts[r].promptTokens.count
        let base = b * tb.length + P - 1
        lps.append(Array(fr.logprobs[base..<base + rollouts[r].tokens.count]))
        ents.append(Array(fr.entropies[base..<base + rollouts[r].tokens.count]))
    }
    return (tb, lps, ents)
}

/// Fills `referenceLogprobs` of the given rows from the frozen reference.
func fillReferenceLogprobs(reference: Transformer, rollouts: inout [Rollout], rows: [Int], temperature: Float, padId: Int) throws {
    for chunk in lengthChunks(rows, length: { rollouts[$0].promptTokens.count + rollouts[$0].tokens.count }) {
        let (_, lps, _) = try completionForward(model: reference, rollouts: rollouts, rows: chunk, temperature: temperature, padId: padId)
        for (k, r) in chunk.enumerated() { rollouts[r].referenceLogprobs = lps[k] }
    }
}

/// One minibatch: the aggregated loss over `rows`, its gradient accumulated chunk by chunk into
/// `model`'s (zeroed) gradients. `dLogprob`/`dEntropy` of the result are left empty.
/// `gap`, when given, collects the sampler-versus-trainer log-probability gap of these rows.
func minibatchGradient(model: Transformer, rollouts: [Rollout], rows: [Int], config: TrainerConfig,
                       padId: Int, gap: UnsafeMutablePointer<LogprobGap>? = nil) throws -> PolicyLossResult {
    let counts = rows.map { r in rollouts[r].forced.filter { !$0 }.count }
    let weights = aggregationWeights(tokenCounts: counts, aggregation: config.lossAggregation,
                                     normalizer: config.effectiveLossNormalizer)
    var weightOf: [Int: Double] = [:]
    for (k, r) in rows.enumerated() { weightOf[r] = weights[k] }
    let temperature = scoringTemperature(config.sampling.temperature)
    let settings = config.lossSettings
    var total = PolicyLossResult(loss: 0, dLogprob: [], dEntropy: nil, kl: 0, entropy: 0, clipLow: 0, clipHigh: 0, dualClip: 0, tokens: 0)
    model.zeroGradients()
    for chunk in lengthChunks(rows, length: { rollouts[$0].promptTokens.count + rollouts[$0].tokens.count }) {
        let tb = try completionBatch(prompts: chunk.map { rollouts[$0].promptTokens },
                                     completions: chunk.map { rollouts[$0].tokens },
                                     masks: chunk.map { completionMask(rollouts[$0]) }, padId: padId)
        let fr = try model.forward(tb, temperature: temperature)
        // Per-position inputs of the loss, laid out like the batch (zero weight elsewhere).
        let n = tb.rows * tb.length
        var behaviour = [Float](repeating: 0, count: n)
        var reference: [Float]? = settings.kl != .none ? [Float](repeating: 0, count: n) : nil
        var w = [Double](repeating: 0, count: n)
        var adv = [Double](repeating: 0, count: n)
        for (b, r) in chunk.enumerated() {
            let ro = rollouts[r]
            let base = b * tb.length + ro.promptTokens.count - 1
            for j in ro.tokens.indices where !ro.forced[j] {
                behaviour[base + j] = ro.logprobs[j]
                gap?.pointee.add(trainer: fr.logprobs[base + j], sampler: ro.logprobs[j])
                reference?[base + j] = ro.referenceLogprobs?[j] ?? fr.logprobs[base + j]
                w[base + j] = weightOf[r] ?? 0
                adv[base + j] = ro.tokenAdvantages?[j] ?? ro.advantage
            }
        }
        let res = policyLoss(logprobs: fr.logprobs, entropies: fr.entropies, behaviour: behaviour, reference: reference,
                             weights: w, advantages: adv, settings: settings)
        if res.loss.isFinite { try model.backward(dLogprob: res.dLogprob, dEntropy: res.dEntropy) }
        // Token-weighted running means of the statistics.
        let t = Double(res.tokens), t0 = Double(total.tokens)
        let sum = max(t + t0, 1)
        total.kl = (total.kl * t0 + res.kl * t) / sum
        total.entropy = (total.entropy * t0 + res.entropy * t) / sum
        total.clipLow = (total.clipLow * t0 + res.clipLow * t) / sum
        total.clipHigh = (total.clipHigh * t0 + res.clipHigh * t) / sum
        total.dualClip = (total.dualClip * t0 + res.dualClip * t) / sum
        total.tokens += res.tokens
        total.loss += res.loss
    }
    return total
}

/// One minibatch: its gradient, then a guarded update. Returns the loss statistics and the
/// gradient norm before clipping.
func minibatchUpdate(model: Transformer, optimizer: AdamW, rollouts: [Rollout], rows: [Int], config: TrainerConfig,
                     learningRate: Double, padId: Int,
                     gap: UnsafeMutablePointer<LogprobGap>? = nil) throws -> (PolicyLossResult, Double) {
    let total = try minibatchGradient(model: model, rollouts: rollouts, rows: rows, config: config, padId: padId, gap: gap)
    let norm = try guardedUpdate(model: model, optimizer: optimizer, loss: total.loss,
                                 maxGradNorm: config.maxGradNorm, learningRate: learningRate)
    return (total, norm)
}

/// The rows of a batch that enter the loss: not truncated when `maskTruncated`, not zero-advantage
/// when `skipZeroAdvantage`, with at least one unforced token.
func trainableRows(_ rollouts: [Rollout], config: TrainerConfig) -> [Int] {
    rollouts.indices.filter { i in
        let r = rollouts[i]
        if config.maskTruncated && r.finish == .length { return false }
        if config.skipZeroAdvantage && r.advantage == 0 { return false }
        return r.forced.contains(false)
    }
}

/// μ passes over `rows` in `minibatches` shuffled minibatches each.
/// - Parameter learningRate: the scheduled rate of this step, used by each of its optimizer updates.
func policyUpdate(model: Transformer, optimizer: AdamW, rollouts: [Rollout], rows: [Int], config: TrainerConfig,
                  padId: Int, rng: inout RNG, learningRate lr: Double) throws -> UpdateStatistics {
    var stats = UpdateStatistics()
    stats.rows = rows.count
    guard !rows.isEmpty else { return stats }
    var tokenSum = 0
    for _ in 0..<config.updatesPerBatch {
        var order = rows
        if config.minibatches > 1 { order.shuffle(using: &rng) }
        let parts = min(config.minibatches, order.count)
        for m in 0..<parts {
            let lo = m * order.count / parts, hi = (m + 1) * order.count / parts
            // The first minibatch is scored with the weights that sampled it: measure the gap there.
            let first = stats.updates == 0
            let (res, norm) = try withUnsafeMutablePointer(to: &stats.gap) { g in
                try minibatchUpdate(model: model, optimizer: optimizer, rollouts: rollouts, rows: Array(order[lo..<hi]),
                                    config: config, learningRate: lr, padId: padId, gap: first ? g : nil)
            }
            let t = Double(res.tokens), t0 = Double(tokenSum), sum = max(t + t0, 1)
            stats.kl = (stats.kl * t0 + res.kl * t) / sum
            stats.entropy = (stats.entropy * t0 + res.entropy * t) / sum
            stats.clipLow = (stats.clipLow * t0 + res.clipLow * t) / sum
            stats.clipHigh = (stats.clipHigh * t0 + res.clipHigh * t) / sum
            stats.dualClip = (stats.dualClip * t0 + res.dualClip * t) / sum
            tokenSum += res.tokens
            stats.loss += res.loss
            stats.gradNorm += norm
            stats.learningRate = lr
            stats.updates += 1
        }
    }
    stats.loss /= Double(max(stats.updates, 1))
    stats.gradNorm /= Double(max(stats.updates, 1))
    stats.tokens = tokenSum
    return stats
}
