// Training/TrainerConfig+Presets.swift — the algorithms of the GRPO family as small presets of
// the one `TrainerConfig`: each sets only the knobs that define it (nanoGPT-style config files).

/// The named algorithm presets.
public enum TrainerPreset: String, Sendable, Codable, CaseIterable, Equatable {
    /// GRPO (Shao et al. 2024): group mean/std advantages, PPO clip ε = 0.2, k3 KL with β = 0.04,
    /// per-sequence token-mean loss.
    case grpo
    /// Dr. GRPO (Liu et al. 2025): no std division, no length normalisation (constant divisor), no KL.
    case drGRPO = "dr-grpo"
    /// DAPO (Yu et al. 2025): clip-higher (0.2, 0.28), token-mean, dynamic sampling, overlong
    /// filtering, no KL. (Soft overlong punishment is a reward: add it with the Tasks rewards.)
    case dapo
    /// RLOO (Ahmadian et al. 2024): leave-one-out baseline, sequence-level (token-sum) loss, no clip, no KL.
    case rloo
    /// REINFORCE (Williams 1992): the raw reward as the advantage, no clip, no KL.
    case reinforce
}

extension TrainerConfig {
    /// The config of a preset: the defaults with the preset's knobs set.
    public init(preset: TrainerPreset) {
        self.init()
        switch preset {
        case .grpo:
            advantage = .groupMeanStd
            epsilonLow = 0.2; epsilonHigh = 0.2
            klCoefficient = 0.04; klEstimator = .k3
            lossAggregation = .seqMeanTokenMean
        case .drGRPO:
            advantage = .groupMean
            epsilonLow = 0.2; epsilonHigh = 0.2
            klCoefficient = 0
            lossAggregation = .seqMeanTokenSumNorm
        case .dapo:
            advantage = .groupMeanStd
            epsilonLow = 0.2; epsilonHigh = 0.28
            klCoefficient = 0
            lossAggregation = .tokenMean
            dynamicSampling = true
            maskTruncated = true
        case .rloo:
            advantage = .leaveOneOut
            epsilonLow = 0; epsilonHigh = 0
            klCoefficient = 0
            lossAggregation = .seqMeanTokenSumNorm
        case .reinforce:
            advantage = .none
            epsilonLow = 0; epsilonHigh = 0
            klCoefficient = 0
            lossAggregation = .seqMeanTokenSumNorm
            // Raw rewards: a zero reward is not "no signal" without a baseline, but it is no gradient.
            skipZeroAdvantage = true
        }
    }

    /// The config of the preset named `name` (`grpo`, `dr-grpo`, `dapo`, `rloo`, `reinforce`).
    /// - Throws: an error listing the presets when the name is unknown.
    public static func preset(_ name: String) throws -> TrainerConfig {
        guard let p = TrainerPreset(rawValue: name.lowercased()) else {
            throw TrainingError("unknown algorithm '\(name)' — choose one of "
                + TrainerPreset.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return TrainerConfig(preset: p)
    }
}
