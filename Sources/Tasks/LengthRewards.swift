// Tasks/LengthRewards.swift — owns the length-based rewards: the per-token length term, DAPO's
// soft overlong punishment and L1's target-length rewards (exact and max). Each takes the
// completion length |y| in tokens from the caller.

/// Completion length in tokens: r = |y|. Used with a (negative) weight in a `WeightedReward`,
/// it is the per-token length penalty r = w·|y| (e.g. w = −0.001 costs 0.03 for 30 tokens),
/// as in the length penalties surveyed by Kimi k1.5 (2025) and Dr. GRPO (Liu et al., 2025).
/// Keeping the raw length as the component value makes "mean length" a free metric.
public struct LengthReward: Reward, Equatable {
    /// A length term; set its per-token coefficient as the weight in a `WeightedReward`.
    public init() {}
    public var name: String { "length" }
    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        Double(tokenCount)
    }
}

/// DAPO's soft overlong punishment (Yu et al., 2025, "DAPO", eq. 13), with L = |y|:
///
///     R(y) = 0                                  if L ≤ L_max − L_cache
///     R(y) = ((L_max − L_cache) − L) / L_cache  if L_max − L_cache < L ≤ L_max
///     R(y) = −1                                 if L > L_max
///
/// The penalty ramps linearly from 0 to −1 over the last `L_cache` tokens before `L_max`.
/// The paper uses L_max = 20,480 and L_cache = 4,096; scale both to the task.
public struct OverlongPenalty: Reward, Equatable {
    /// L_max: the length at which the penalty reaches −1.
    public var maxLength: Int
    /// L_cache: the width of the linear ramp before `maxLength`.
    public var cacheLength: Int

    /// Throws unless 0 < L_cache ≤ L_max.
    public init(maxLength: Int, cacheLength: Int) throws {
        guard cacheLength > 0, maxLength >= cacheLength else {
            throw TasksError("overlong=\(maxLength):\(cacheLength) — need 0 < L_cache ≤ L_max (e.g. overlong=64:16)")
        }
        self.maxLength = maxLength
        self.cacheLength = cacheLength
    }

    public var name: String { "overlong" }

    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        let start = maxLength - cacheLength
        if tokenCount <= start { return 0 }
        if tokenCount <= maxLength { return Double(start - tokenCount) / Double(cacheLength) }
        return -1
    }
}

/// L1's length-controlled rewards (Aggarwal & Welleck, 2025, "L1: Controlling How Long a
/// Reasoning Model Thinks with Reinforcement Learning", LCPO), with n_y = |y| and n_gold the
/// target length:
///
///     exact:  r = 𝟙(y correct) − α·|n_gold − n_y|                 (paper: α = 0.0003)
///     max:    r = 𝟙(y correct) · clip(α·(n_gold − n_y) + δ, 0, 1)  (paper: δ = 0.5)
///
/// n_gold is `target` when set, otherwise the problem's `target_tokens` metadata; without
/// either the reward does not apply (nil).
public struct TargetLengthReward: Reward, Equatable {
    /// Which LCPO variant.
    public enum Mode: String, Sendable, CaseIterable, Equatable {
        /// Penalize any distance from the target length.
        case exact
        /// Only penalize exceeding the target; the reward is gated by correctness.
        case max
    }

    /// LCPO-Exact or LCPO-Max.
    public var mode: Mode
    /// n_gold in tokens, or nil to read `target_tokens` from each problem's metadata.
    public var target: Int?
    /// α, the per-token slope (paper: 0.0003).
    public var alpha: Double
    /// δ, the offset of the max variant (paper: 0.5).
    public var delta: Double
    /// How correctness is judged.
    public var correctness: CorrectnessReward

    /// An L1 reward; defaults follow the paper.
    public init(mode: Mode = .exact, target: Int? = nil, alpha: Double = 0.0003, delta: Double = 0.5,
                correctness: CorrectnessReward = CorrectnessReward()) {
        self.mode = mode
        self.target = target
        self.alpha = alpha
        self.delta = delta
        self.correctness = correctness
    }

    public var name: String { "l1-\(mode.rawValue)" }

    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        guard let gold = target ?? problem.metadata["target_tokens"].flatMap({ Int($0) }),
              let correct = correctness.score(completion: completion, problem: problem, tokenCount: tokenCount)
        else { return nil }
        let difference = Double(gold - tokenCount)
        switch mode {
        case .exact: return correct - alpha * abs(difference)
        case .max: return correct * min(1, max(0, alpha * difference + delta))
        }
    }
}
