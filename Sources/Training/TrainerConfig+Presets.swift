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
    /// PPO (Schulman et al. 2017) with a critic and GAE (γ = 1, λ = 0.95), value clipping 0.2,
    /// whitened advantages, 4 minibatch updates per batch, token mean, no KL.
    case ppo
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
            // 512 prompts × 16 samples per rollout batch, 512 per minibatch: 16 updates per batch,
            // which is what lets the ratios move off 1 and the asymmetric clip act.
            minibatches = 16
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
        case .ppo:
            advantage = .gae
            epsilonLow = 0.2; epsilonHigh = 0.2
            klCoefficient = 0
            lossAggregation = .tokenMean
            // Every completion carries signal through its token advantages, rewarded or not.
            skipZeroAdvantage = false
            minibatches = 4
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

extension TrainerPreset {
    /// Where the preset's values come from, for `help rl`.
    public var citation: String {
        switch self {
        case .grpo: return "Shao et al. 2024, DeepSeekMath §4.1: group mean/std advantages, ε = 0.2, k3 KL β = 0.04, per-sequence mean"
        case .drGRPO: return "Liu et al. 2025, Understanding R1-Zero-Like Training: no std, constant divisor, no KL"
        case .dapo: return "Yu et al. 2025, DAPO: ε_low 0.2, ε_high 0.28, token mean, dynamic sampling, overlong filtering, "
            + "16 minibatch updates per rollout batch, no KL"
        case .rloo: return "Ahmadian et al. 2024, Back to Basics: leave-one-out baseline, no clip, no KL"
        case .reinforce: return "Williams 1992: the reward itself as the advantage, no clip, no KL"
        case .ppo: return "Schulman et al. 2017 with GAE (2016): a critic's per-token advantages, γ = 1, λ = 0.95, value clip 0.2, "
            + "whitened advantages, 4 minibatch updates per batch, token mean, no KL (TRL's PPO puts KL in the reward; here it is the family's loss term)"
        }
    }
}

/// A setting that differs from a preset: its key, the value in use and the preset's.
public struct PresetDifference: Sendable, Equatable {
    public var key: String
    public var value: String
    public var presetValue: String
}

extension TrainerConfig {
    /// The preset this config is nearest to (fewest differing fields; the first preset on a tie)
    /// and the fields that differ from it, so a run can say what it is as "algo=grpo + kl=0 …".
    public var closestPreset: (preset: TrainerPreset, differences: [PresetDifference]) {
        var best: (preset: TrainerPreset, differences: [PresetDifference])?
        for preset in TrainerPreset.allCases {
            let reference = TrainerConfig(preset: preset)
            let differences = Self.fields.compactMap { field -> PresetDifference? in
                let mine = field.value(in: self).description, theirs = field.value(in: reference).description
                return mine == theirs ? nil : PresetDifference(key: field.key, value: mine, presetValue: theirs)
            }
            if best == nil || differences.count < (best?.differences.count ?? .max) { best = (preset, differences) }
        }
        return best ?? (.grpo, [])
    }

    /// One line naming the settings: the nearest preset and what differs from it.
    public var settingsSummary: String {
        let (preset, differences) = closestPreset
        return "algo=\(preset.rawValue)" + (differences.isEmpty ? "" : " + " + differences.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }

    /// Knobs set to values that cannot act in this configuration, each with why and what to change.
    /// A run with them is legal (and sometimes what a person wants to show), but never silently.
    public var inertKnobWarnings: [String] {
        var out: [String] = []
        // With one pass over one minibatch and fresh rollouts, the update happens at the weights
        // that sampled the batch: every importance ratio is exactly 1 and no clip ever binds.
        let onPolicyRatios = updatesPerBatch == 1 && minibatches == 1 && maxStaleness == 0
        if onPolicyRatios, epsilonHigh != epsilonLow || dualClip > 0 {
            out.append("the ratio clip (clip_low \(MetricsLog.format(epsilonLow)), clip_high \(MetricsLog.format(epsilonHigh))"
                + (dualClip > 0 ? ", dual_clip \(MetricsLog.format(dualClip))" : "") + ") cannot act: with mu=1, minibatches=1 and "
                + "staleness=0 every importance ratio is exactly 1 — set mu>1, minibatches>1 or staleness>0 (DAPO takes many "
                + "minibatch updates per batch)")
        }
        let completions = promptsPerStep * samplesPerPrompt
        if minibatches > completions {
            out.append("minibatches=\(minibatches) exceeds the \(completions) completions of a step: it runs \(completions) "
                + "minibatches of one completion each — raise prompts or n, or lower minibatches")
        }
        if klCoefficient > 0, klEstimator == .none {
            out.append("kl=\(MetricsLog.format(klCoefficient)) has no effect with kl_estimator=none — choose k1, k2 or k3, or set kl=0")
        }
        if klCoefficient == 0, klEstimator != .none, referenceSyncInterval > 0 {
            out.append("ref_sync=\(referenceSyncInterval) has no effect with kl=0 (there is no reference model)")
        }
        // (Group advantages with n=1 are refused by `validate`; dynamic sampling is not.)
        if advantage != .gae, vineSamples > 0 || gamma != 1 || lambda != 0.95 || valueClip != 0.2 || valueLearningRate != 0 || critic != .policy {
            out.append("the critic's settings (gamma, lam, cliprange_value, value_lr, critic, vine) act only with advantage=gae (algo=ppo)")
        }
        if samplesPerPrompt == 1, dynamicSampling {
            out.append("dynamic_sampling with n=1 drops every group (one sample's rewards are always all equal) — set n ≥ 2")
        }
        return out
    }
}