// Training/GAE.swift — generalised advantage estimation (Schulman et al. 2016, "High-Dimensional
// Continuous Control Using GAE") over one completion, the per-token advantages of PPO.
//
// A completion c₁…c_T is T actions; state s_t = prompt + c_<t. Verifiable rewards arrive once,
// at the last token: r_t = 0 for t < T−1 and r_{T−1} = R. With the critic's values V(s_t) and the
// terminal V(s_T) = 0:
//   δ_t = r_t + γ·V(s_{t+1}) − V(s_t)
//   A_t = δ_t + γλ·A_{t+1}            (A_T = 0)
//   G_t = A_t + V(s_t)                (the critic's regression target, "returns")
// λ = 1 gives A_t = γ^{T−1−t}·R − V(s_t) (Monte-Carlo return minus a learned baseline); λ = 0
// gives the one-step TD error δ_t.

/// Per-token advantages and returns of one completion.
public struct GAEResult: Sendable, Equatable {
    /// A_t, one per token.
    public var advantages: [Double]
    /// G_t = A_t + V(s_t), the value targets.
    public var returns: [Double]
}

/// GAE of one completion with its reward at the last token.
/// - Parameters:
///   - reward: R, the completion's (scalar) reward.
///   - values: V(s₀)…V(s_{T−1}), one per token; the state after the last token is terminal (0).
///   - gamma: γ ∈ [0, 1].
///   - lambda: λ ∈ [0, 1].
public func generalizedAdvantages(reward: Double, values: [Double], gamma: Double, lambda: Double) -> GAEResult {
    let T = values.count
    var advantages = [Double](repeating: 0, count: T)
    var running = 0.0
    for t in stride(from: T - 1, through: 0, by: -1) {
        let r = t == T - 1 ? reward : 0
        let next = t == T - 1 ? 0 : values[t + 1]
        let delta = r + gamma * next - values[t]
        running = delta + gamma * lambda * running
        advantages[t] = running
    }
    return GAEResult(advantages: advantages, returns: zip(advantages, values).map { $0 + $1 })
}

/// Whitens `values` where `mask` is true: (x − mean)/(std + 1e-8) with the population std, as
/// TRL's `masked_whiten`; entries outside the mask are left as they are.
public func whitened(_ values: [[Double]], mask: [[Bool]]) -> [[Double]] {
    var sum = 0.0, count = 0.0
    for (row, m) in zip(values, mask) { for (v, on) in zip(row, m) where on { sum += v; count += 1 } }
    guard count > 0 else { return values }
    let mean = sum / count
    var ss = 0.0
    for (row, m) in zip(values, mask) { for (v, on) in zip(row, m) where on { ss += (v - mean) * (v - mean) } }
    let std = (ss / count).squareRoot()
    return zip(values, mask).map { row, m in zip(row, m).map { v, on in on ? (v - mean) / (std + 1e-8) : v } }
}
