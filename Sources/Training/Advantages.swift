// Training/Advantages.swift — advantage estimators: how a group of G scored completions of one
// prompt becomes one scalar per completion that the policy gradient weighs its tokens by.
// Pure functions over arrays; rewards are laid out group after group ([prompt][sample] flattened).

/// How rewards become advantages. Rewards arrive as consecutive groups of `G` samples.
public enum AdvantageEstimator: String, Sendable, Codable, CaseIterable, Equatable {
    /// GRPO (Shao et al. 2024, DeepSeekMath): Aᵢ = (rᵢ − mean(r_group)) / (std(r_group) + ε),
    /// std with Bessel's correction as TRL computes it.
    case groupMeanStd = "group-mean-std"
    /// Dr. GRPO (Liu et al. 2025, "Understanding R1-Zero-Like Training"): Aᵢ = rᵢ − mean(r_group);
    /// dropping the std division removes the bias towards too-easy and too-hard questions.
    case groupMean = "group-mean"
    /// RLOO (Ahmadian et al. 2024; Kool et al. 2019): Aᵢ = rᵢ − mean_{j≠i} r_j
    /// = G/(G−1) · (rᵢ − mean(r_group)); an unbiased baseline that excludes the sample itself.
    case leaveOneOut = "leave-one-out"
    /// REINFORCE++ (Hu 2025): Aᵢ = (rᵢ − mean(r_batch)) / (std(r_batch) + ε), normalised over the
    /// whole batch instead of per group.
    case batchNormalized = "batch-normalized"
    /// Plain REINFORCE (Williams 1992): Aᵢ = rᵢ, no baseline.
    case none
    /// PPO (Schulman et al. 2017) with a learned critic: per-token generalised advantage
    /// estimates (Schulman et al. 2016) from the critic's values (see GAE.swift). Before the
    /// critic has run, a completion's advantage is its reward.
    case gae

    /// Whether the estimator compares samples within a group (so it needs n ≥ 2, and greedy
    /// decoding makes every advantage 0).
    public var comparesWithinGroup: Bool {
        switch self {
        case .groupMeanStd, .groupMean, .leaveOneOut: return true
        case .batchNormalized, .none, .gae: return false
        }
    }
}

/// Mean and standard deviation of one group of rewards.
struct GroupStatistics: Equatable {
    var mean: Double
    var std: Double
}

/// Mean and sample standard deviation (Bessel's 1/(n−1), as `torch.std` computes it in TRL and
/// the reference recipe) of `values`; std is 0 for fewer than two values.
func groupStatistics(_ values: ArraySlice<Double>) -> GroupStatistics {
    guard !values.isEmpty else { return GroupStatistics(mean: 0, std: 0) }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    guard values.count > 1 else { return GroupStatistics(mean: mean, std: 0) }
    let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return GroupStatistics(mean: mean, std: (ss / (n - 1)).squareRoot())
}

/// Computes one advantage per completion.
///
/// - Parameters:
///   - rewards: `groupCount × groupSize` rewards, group after group.
///   - groupSize: G, the completions per prompt (≥ 1).
///   - estimator: which formula (see `AdvantageEstimator`).
///   - epsilon: ε added to the std before dividing (GRPO, batch-normalized); keeps
///     zero-variance groups finite (they get advantage exactly 0 since rᵢ − mean = 0).
/// - Throws: when the reward count is not a multiple of the group size, or a reward is not finite.
public func computeAdvantages(rewards: [Double], groupSize: Int, estimator: AdvantageEstimator,
                              epsilon: Double = 1e-6) throws -> [Double] {
    guard groupSize >= 1 else {
        throw TrainingError("group size must be at least 1 (got \(groupSize)) — set samples per prompt n≥1")
    }
    guard rewards.count % groupSize == 0 else {
        throw TrainingError("\(rewards.count) rewards do not split into groups of \(groupSize) — "
            + "every prompt needs exactly n scored completions")
    }
    if let bad = rewards.firstIndex(where: { !$0.isFinite }) {
        throw TrainingError("reward \(bad) is \(rewards[bad]) — rewards must be finite numbers; check the reward function")
    }
    var out = [Double](repeating: 0, count: rewards.count)
    switch estimator {
    case .none, .gae:
        return rewards
    case .batchNormalized:
        let s = groupStatistics(rewards[...])
        for i in rewards.indices { out[i] = (rewards[i] - s.mean) / (s.std + epsilon) }
    case .groupMeanStd, .groupMean, .leaveOneOut:
        for start in stride(from: 0, to: rewards.count, by: groupSize) {
            let group = rewards[start..<start + groupSize]
            let s = groupStatistics(group)
            // Exactly 0 for a zero-variance group, whatever rounding the mean picked up.
            let constant = group.min() == group.max()
            for i in group.indices {
                let centred = constant ? 0 : rewards[i] - s.mean
                switch estimator {
                case .groupMeanStd: out[i] = constant ? 0 : centred / (s.std + epsilon)
                case .groupMean: out[i] = centred
                default:
                    // mean of the others = (G·mean − rᵢ)/(G−1), so rᵢ − that = G/(G−1)·(rᵢ − mean).
                    out[i] = groupSize > 1 ? centred * Double(groupSize) / Double(groupSize - 1) : 0
                }
            }
        }
    }
    return out
}

/// Indices of groups whose rewards are all equal: such groups carry no learning signal under any
/// group baseline; DAPO's dynamic sampling drops and refills them, and their share is TRL's
/// `frac_reward_zero_std`.
public func zeroVarianceGroups(rewards: [Double], groupSize: Int) -> [Int] {
    guard groupSize >= 1, rewards.count % groupSize == 0 else { return [] }
    var result: [Int] = []
    for g in 0..<(rewards.count / groupSize) {
        let group = rewards[g * groupSize..<(g + 1) * groupSize]
        if let lo = group.min(), let hi = group.max(), hi - lo <= 1e-12 { result.append(g) }
    }
    return result
}
