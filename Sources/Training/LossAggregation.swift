// Training/LossAggregation.swift — how per-token losses of a (mini)batch add up to one scalar,
// expressed as a weight per token, and the batched policy loss that applies it: given the
// engine's per-token log-probs and entropies it returns the loss and dLoss/dLogprob,
// dLoss/dEntropy per position for `Transformer.backward`.

/// The aggregation of per-token losses ℓ_{i,t} over the S sequences of a minibatch
/// (veRL's `loss_agg_mode` names). Only counted tokens (completion, not forced, not masked) enter.
public enum LossAggregation: String, Sendable, Codable, CaseIterable, Equatable {
    /// Σ_{i,t} ℓ_{i,t} / Σ_i |o_i| — every token weighs the same (DAPO; TRL's "dapo"/"bnpo").
    case tokenMean = "token-mean"
    /// (1/S) Σ_i (1/|o_i|) Σ_t ℓ_{i,t} — every sequence weighs the same (original GRPO).
    case seqMeanTokenMean = "seq-mean-token-mean"
    /// (1/S) Σ_i Σ_t ℓ_{i,t} / L — a constant divisor L, so no length bias (Dr. GRPO).
    case seqMeanTokenSumNorm = "seq-mean-token-sum-norm"
}

/// The weight every counted token of each sequence gets, so the loss is Σ_{i,t} wᵢ·ℓ_{i,t}.
///
/// S counts the sequences with at least one counted token (a fully masked sequence adds
/// nothing and does not dilute the others).
/// - Parameters:
///   - tokenCounts: |o_i|, the counted tokens of each sequence.
///   - normalizer: L for `seqMeanTokenSumNorm` (must be > 0; usually the max completion length).
public func aggregationWeights(tokenCounts: [Int], aggregation: LossAggregation,
                               normalizer: Double) -> [Double] {
    let active = tokenCounts.filter { $0 > 0 }.count
    let total = tokenCounts.reduce(0) { $0 + max($1, 0) }
    guard active > 0 else { return [Double](repeating: 0, count: tokenCounts.count) }
    return tokenCounts.map { n in
        guard n > 0 else { return 0 }
        switch aggregation {
        case .tokenMean: return 1 / Double(total)
        case .seqMeanTokenMean: return 1 / (Double(active) * Double(n))
        case .seqMeanTokenSumNorm: return 1 / (Double(active) * max(normalizer, 1e-12))
        }
    }
}

/// The knobs of the per-token loss (a slice of `TrainerConfig`).
public struct PolicyLossSettings: Sendable, Equatable {
    /// ε_low of the ratio clip; 0: no lower clip.
    public var epsilonLow: Double
    /// ε_high of the ratio clip; 0: no upper clip.
    public var epsilonHigh: Double
    /// Dual-clip c (> 1); 0: off.
    public var dualClip: Double
    /// KL estimator against the reference.
    public var kl: KLEstimator
    /// β, the KL coefficient.
    public var klCoefficient: Double
    /// α, the entropy bonus coefficient (the loss subtracts α·H).
    public var entropyCoefficient: Double

    /// Creates settings; defaults are plain on-policy GRPO without KL or entropy terms.
    public init(epsilonLow: Double = 0.2, epsilonHigh: Double = 0.2, dualClip: Double = 0,
                kl: KLEstimator = .none, klCoefficient: Double = 0, entropyCoefficient: Double = 0) {
        self.epsilonLow = epsilonLow; self.epsilonHigh = epsilonHigh; self.dualClip = dualClip
        self.kl = kl; self.klCoefficient = klCoefficient; self.entropyCoefficient = entropyCoefficient
    }
}

/// The loss of a packed minibatch and its derivatives, plus TRL-style token statistics.
public struct PolicyLossResult: Sendable {
    /// Σ_t w_t·ℓ_tok.
    public var loss: Double
    /// dLoss/dLogprob per position (0 where not counted).
    public var dLogprob: [Float]
    /// dLoss/dEntropy per position; nil when α = 0 (the engine then skips the entropy backward).
    public var dEntropy: [Float]?
    /// Mean KL estimate over counted tokens (0 without a reference).
    public var kl: Double
    /// Mean entropy over counted tokens.
    public var entropy: Double
    /// Share of counted tokens clipped low / high / by the dual clip.
    public var clipLow: Double, clipHigh: Double, dualClip: Double
    /// Counted tokens.
    public var tokens: Int
}

/// Evaluates the policy loss over positions p = 0..<count of a packed batch.
///
/// - Parameters:
///   - logprobs, entropies: from the engine's forward of the current policy.
///   - behaviour: the sampler's log-probs at the same positions (the ratio's denominator).
///   - reference: the frozen reference's log-probs, or nil when KL is off.
///   - weights: w_t per position (0 where the token is not counted).
///   - advantages: A per position (the sequence's advantage, repeated).
func policyLoss(logprobs: [Float], entropies: [Float], behaviour: [Float], reference: [Float]?,
                weights: [Double], advantages: [Double], settings: PolicyLossSettings) -> PolicyLossResult {
    let n = logprobs.count
    var dLogprob = [Float](repeating: 0, count: n)
    var dEntropy: [Float]? = settings.entropyCoefficient != 0 ? [Float](repeating: 0, count: n) : nil
    var loss = 0.0, klSum = 0.0, entSum = 0.0
    var low = 0, high = 0, dual = 0, tokens = 0
    let useKL = settings.kl != .none && reference != nil
    for p in 0..<n where weights[p] != 0 {
        let w = weights[p]
        let l = Double(logprobs[p])
        let c = clippedTokenLoss(logprob: l, behaviourLogprob: Double(behaviour[p]), advantage: advantages[p],
                                 epsilonLow: settings.epsilonLow, epsilonHigh: settings.epsilonHigh,
                                 dualClip: settings.dualClip)
        var tokenLoss = c.loss
        var d = c.dLogprob
        if useKL, let reference {
            let k = klPenalty(logprob: l, referenceLogprob: Double(reference[p]), estimator: settings.kl)
            tokenLoss += settings.klCoefficient * k.value
            d += settings.klCoefficient * k.dLogprob
            klSum += k.value
        }
        let h = Double(entropies[p])
        if dEntropy != nil {
            tokenLoss -= settings.entropyCoefficient * h
            dEntropy?[p] = Float(-settings.entropyCoefficient * w)
        }
        loss += w * tokenLoss
        dLogprob[p] = Float(w * d)
        entSum += h
        tokens += 1
        if c.clippedLow { low += 1 }
        if c.clippedHigh { high += 1 }
        if c.dualClipped { dual += 1 }
    }
    let t = Double(max(tokens, 1))
    return PolicyLossResult(loss: loss, dLogprob: dLogprob, dEntropy: dEntropy, kl: klSum / t,
                            entropy: entSum / t, clipLow: Double(low) / t, clipHigh: Double(high) / t,
                            dualClip: Double(dual) / t, tokens: tokens)
}
