// Training/PolicyLoss.swift — the per-token policy-gradient loss of the GRPO family and its
// derivatives with respect to the token's log-probability (and entropy), so the engine's
// backward (which takes dLoss/dLogprob and dLoss/dEntropy per token) can do the rest.
//
// For one completion token with current log-prob ℓ, behaviour log-prob b (the sampler's),
// advantage A, reference log-prob ℓ_ref and entropy H:
//   r = exp(ℓ − b)
//   ℓ_pg  = max(−A·r, −A·clip(r, 1−ε_low, 1+ε_high))        PPO (Schulman et al. 2017), DAPO clip-higher
//   ℓ_pg  = min(ℓ_pg, −c·A)  when A < 0 and c > 1             dual clip (Ye et al. 2020)
//   ℓ_tok = ℓ_pg + β·KL(ℓ, ℓ_ref) − α·H                      KL k1/k3 (Schulman 2020), entropy bonus
// The batch loss is Σ_t w_t·ℓ_tok with aggregation weights w_t (LossAggregation.swift).

import Foundation

/// Which KL estimator penalises drift from the frozen reference model (Schulman, "Approximating
/// KL divergence", 2020), with x = ℓ_ref − ℓ.
public enum KLEstimator: String, Sendable, Codable, CaseIterable, Equatable {
    /// No KL term (and no reference model is kept).
    case none
    /// k1 = ℓ − ℓ_ref = −x: unbiased, high variance, can be negative per token.
    case k1
    /// k3 = eˣ − x − 1: unbiased, always ≥ 0, low variance (GRPO's choice).
    case k3
}

/// Value and derivative with respect to ℓ of the KL estimator for one token.
public func klPenalty(logprob: Double, referenceLogprob: Double,
                      estimator: KLEstimator) -> (value: Double, dLogprob: Double) {
    let x = referenceLogprob - logprob
    switch estimator {
    case .none: return (0, 0)
    case .k1: return (-x, 1)
    case .k3:
        let ex = exp(x)
        // d/dℓ (eˣ − x − 1) = (eˣ − 1)·dx/dℓ = 1 − eˣ.
        return (ex - x - 1, 1 - ex)
    }
}

/// The clipped surrogate for one token: value, derivative with respect to ℓ, and which clip
/// (if any) was active. Clipped tokens have zero gradient: that is the point of clipping.
public struct ClippedTokenLoss: Sendable, Equatable {
    /// ℓ_pg for this token.
    public var loss: Double
    /// dℓ_pg/dℓ.
    public var dLogprob: Double
    /// The ratio fell below 1 − ε_low with A < 0 (TRL's `clip_ratio/low`).
    public var clippedLow: Bool
    /// The ratio rose above 1 + ε_high with A > 0 (TRL's `clip_ratio/high`).
    public var clippedHigh: Bool
    /// The dual clip bound −c·A was active (A < 0 and r > c).
    public var dualClipped: Bool
}

/// The PPO-clip / dual-clip per-token loss.
///
/// - Parameters:
///   - epsilonLow: ε_low; the ratio is clipped below at 1 − ε_low. 0 leaves that side unclipped.
///   - epsilonHigh: ε_high; the ratio is clipped above at 1 + ε_high. 0 leaves that side unclipped.
///   - dualClip: c > 1 bounds the loss of negative-advantage tokens by −c·A; 0 turns it off.
public func clippedTokenLoss(logprob: Double, behaviourLogprob: Double, advantage a: Double,
                             epsilonLow: Double, epsilonHigh: Double, dualClip: Double) -> ClippedTokenLoss {
    // Cap the exponent: a ratio of e^20 is already "clipped" by any sane ε, and keeps r finite.
    let r = exp(min(logprob - behaviourLogprob, 20))
    let lo = epsilonLow > 0 ? 1 - epsilonLow : -Double.infinity
    let hi = epsilonHigh > 0 ? 1 + epsilonHigh : Double.infinity
    let rc = min(max(r, lo), hi)
    let unclipped = -a * r
    let clipped = -a * rc
    var result = ClippedTokenLoss(loss: unclipped, dLogprob: -a * r,
                                  clippedLow: false, clippedHigh: false, dualClipped: false)
    if clipped > unclipped {
        // The clipped branch is the pessimistic one: constant in ℓ.
        result.loss = clipped
        result.dLogprob = 0
        result.clippedLow = r < lo && a < 0
        result.clippedHigh = r > hi && a > 0
    }
    if dualClip > 1, a < 0, result.loss > -dualClip * a {
        result.loss = -dualClip * a
        result.dLogprob = 0
        result.dualClipped = true
    }
    return result
}
