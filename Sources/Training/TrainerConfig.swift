// Training/TrainerConfig.swift — the one documented configuration of the policy-gradient
// trainer (TRL `GRPOConfig` style): every knob with its meaning, default, paper symbol and what
// 0/off means. GRPO, Dr. GRPO, DAPO, RLOO and REINFORCE are presets of it (TrainerConfig+Presets),
// and a field table (TrainerConfig+Fields) drives the REPL's `help rl`, the keys of `rl` and
// `sample`, and `show trainer`. How it samples is the one sampling value (`sampling`).

import Fields
import Foundation
import Models

/// How a PPO critic is initialised.
public enum CriticStart: String, Sendable, Codable, CaseIterable, Equatable {
    /// A copy of the policy with one zeroed head row as the value head.
    case policy
    /// A fresh 2-layer, 64-wide network (the verifier's shape), value head zeroed.
    case small
}

/// Learning-rate schedule shape (`learningRateSchedule(runSteps:)` makes the schedule).
public enum ScheduleKind: String, Sendable, Codable, CaseIterable, Equatable {
    /// Linear warm-up, then constant.
    case constant
    /// Linear warm-up, then cosine decay to `minLearningRateRatio`·lr at `totalSteps`.
    case cosine
}

/// Every setting of the policy-gradient trainer. Defaults reproduce the GRPO of the measured
/// "Thinking pays" recipe (RECIPES.md): 16 prompts × 8 samples at T = 1, group-normalised
/// advantages, one on-policy update, no KL, no entropy bonus, token-mean loss, Adam lr 1e-4,
/// betas (0.9, 0.99), gradient clip 1.
public struct TrainerConfig: Sendable, Codable, Equatable {
    // MARK: sampling
    /// B — prompts per step. Default 16.
    public var promptsPerStep: Int = 16
    /// G — completions sampled per prompt (a group). Default 8; group baselines need ≥ 2.
    public var samplesPerPrompt: Int = 8
    /// How completions are sampled: T (temperature, default 1 = on-policy log-probs; 0 is greedy
    /// and gives identical groups), top-k and top-p (default off), L_max (`maxNewTokens`, most new
    /// tokens per completion, forced ones included; default 64), the thinking budget (`</think>` is
    /// forced after this many thinking tokens; default nil = no cap) and s1-style wait extensions
    /// (default 0 = off). The same value the evaluation commands and the decoder use.
    public var sampling = GenerationOptions()

    // MARK: advantages
    /// The advantage estimator. Default group mean/std (GRPO).
    public var advantage: AdvantageEstimator = .groupMeanStd
    /// ε added to the std in normalised advantages. Default 1e-6 (the recipe's).
    public var advantageEpsilon: Double = 1e-6

    // MARK: policy loss
    /// ε_low — the ratio is clipped below at 1 − ε_low. Default 0.2; 0 = no lower clip.
    public var epsilonLow: Double = 0.2
    /// ε_high — the ratio is clipped above at 1 + ε_high (DAPO clip-higher: 0.28). Default 0.2; 0 = no upper clip.
    public var epsilonHigh: Double = 0.2
    /// c — dual clip for negative advantages (Ye et al. 2020), must exceed 1. Default 0 = off.
    public var dualClip: Double = 0
    /// β — KL penalty coefficient against the frozen reference. Default 0 = no KL, no reference model.
    public var klCoefficient: Double = 0
    /// The KL estimator (k1 or k3). Default k3.
    public var klEstimator: KLEstimator = .k3
    /// Copy the policy into the reference every N steps (TR-DPO/veRL style). Default 0 = never.
    public var referenceSyncInterval: Int = 0
    /// Loss aggregation. Default token-mean.
    public var lossAggregation: LossAggregation = .tokenMean
    /// L — the constant divisor of seq-mean-token-sum-norm. Default 0 = use `maxNewTokens`.
    public var lossNormalizer: Double = 0
    /// α — entropy bonus coefficient (the loss subtracts α·H). Default 0 = off (entropy still reported).
    public var entropyCoefficient: Double = 0
    /// Leave truncated completions (finish reason `length`) out of the loss (DAPO overlong filtering). Default off.
    public var maskTruncated: Bool = false
    /// Leave completions with zero advantage out of the update (they add no gradient but would
    /// dilute token-mean and cost time). Default on, as in the recipe.
    public var skipZeroAdvantage: Bool = true

    // MARK: updates
    /// μ — optimisation passes over each batch of rollouts. Default 1 (strictly on-policy).
    public var updatesPerBatch: Int = 1
    /// Minibatches per pass (one optimizer step each). Default 1.
    public var minibatches: Int = 1
    /// η — peak learning rate. Default 1e-4.
    public var learningRate: Double = 1e-4
    /// β₁ of AdamW. Default 0.9.
    public var beta1: Double = 0.9
    /// β₂ of AdamW. Default 0.99.
    public var beta2: Double = 0.99
    /// ε of AdamW. Default 1e-8.
    public var adamEpsilon: Double = 1e-8
    /// λ — decoupled weight decay (not applied to norms and biases). Default 0 = off.
    public var weightDecay: Double = 0
    /// Linear warm-up steps. Default 0 = none.
    public var warmupSteps: Int = 0
    /// Schedule after warm-up. Default constant.
    public var schedule: ScheduleKind = .constant
    /// Steps of the cosine schedule. Default 0 = the number of steps of the current `rl` run.
    public var totalSteps: Int = 0
    /// Floor of the cosine schedule as a fraction of the peak. Default 0.1.
    public var minLearningRateRatio: Double = 0.1
    /// Gradient-norm clip. Default 1; 0 = off.
    public var maxGradNorm: Double = 1.0

    // MARK: sampling strategy
    /// DAPO dynamic sampling: drop groups whose rewards are all equal and sample more prompts to
    /// refill the batch. Default off.
    public var dynamicSampling: Bool = false
    /// Most generation rounds per step under dynamic sampling. Default 3.
    public var maxGenerationRounds: Int = 3
    /// K — asynchronous rollouts: a producer thread samples with a policy snapshot at most K steps
    /// stale while the trainer updates. Default 0 = synchronous, on-policy.
    public var maxStaleness: Int = 0

    // MARK: PPO critic (advantage=gae)
    /// γ — discount of GAE (Schulman et al. 2016). Default 1: a completion's one terminal reward
    /// counts undiscounted at every token (TRL's PPO default).
    public var gamma: Double = 1.0
    /// λ — GAE's bias–variance trade-off: 1 is the Monte-Carlo return minus the value, 0 the
    /// one-step TD error. Default 0.95 (TRL's `lam`).
    public var lambda: Double = 0.95
    /// ε_v — the critic's values move at most this far from the values at sampling time per batch
    /// (PPO's clipped value loss; TRL's `cliprange_value`). Default 0.2; 0 = no value clipping.
    public var valueClip: Double = 0.2
    /// Peak learning rate of the critic's own AdamW. Default 0 = the policy's `lr`.
    public var valueLearningRate: Double = 0
    /// Whiten GAE advantages over the batch (zero mean, unit variance over trained tokens), as TRL
    /// and OpenRLHF do. Default on.
    public var whitenAdvantages: Bool = true
    /// How the critic starts: a copy of the policy with a zeroed value row (TRL, OpenRLHF), or a
    /// small fresh network (2 layers × 64). Default policy.
    public var critic: CriticStart = .policy
    /// K — VinePPO (Kazemnejad et al. 2024): estimate the value of each reasoning-step boundary by
    /// K Monte-Carlo continuations from it with the current policy, instead of a learned critic.
    /// Default 0 = the learned critic. Needs advantage=gae.
    public var vineSamples: Int = 0

    /// The defaults (the recipe's GRPO).
    public init() {}

    /// The divisor of seq-mean-token-sum-norm actually used.
    public var effectiveLossNormalizer: Double { lossNormalizer > 0 ? lossNormalizer : Double(sampling.maxNewTokens) }

    /// The per-token loss settings slice.
    public var lossSettings: PolicyLossSettings {
        PolicyLossSettings(epsilonLow: epsilonLow, epsilonHigh: epsilonHigh, dualClip: dualClip,
                           kl: klCoefficient > 0 ? klEstimator : .none, klCoefficient: klCoefficient,
                           entropyCoefficient: entropyCoefficient)
    }

    /// Whether a frozen reference model is needed.
    public var needsReference: Bool { klCoefficient > 0 && klEstimator != .none }

    /// The schedule of a run of `runSteps` steps (the cosine's length when `totalSteps` is 0).
    public func learningRateSchedule(runSteps: Int) -> LearningRateSchedule {
        switch schedule {
        case .constant: return LearningRateSchedule(peak: learningRate, warmupSteps: warmupSteps)
        case .cosine:
            return LearningRateSchedule(peak: learningRate, warmupSteps: warmupSteps,
                                        decay: .cosine(totalSteps: totalSteps > 0 ? totalSteps : runSteps, floorRatio: minLearningRateRatio))
        }
    }

    /// The learning rate at optimizer step `step` (0-based) of a run of `runSteps` steps.
    public func learningRate(at step: Int, runSteps: Int) -> Double {
        learningRateSchedule(runSteps: runSteps).rate(at: step)
    }

    /// Checks every field and their combinations: each value within the bounds its field declares
    /// (`fields`, the same check the REPL's keys make), then the rules a range cannot say.
    /// - Throws: a `TrainingError` naming the field, its value, the valid range and what to set.
    public func validate() throws {
        func need(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw TrainingError(message()) }
        }
        try FieldError.mapped(to: { TrainingError($0) }) { try Field.check(Self.fields, in: self) }
        let grouped = advantage.comparesWithinGroup
        try need(!grouped || samplesPerPrompt >= 2,
                 "advantage=\(advantage.rawValue) compares samples within a group, but n=\(samplesPerPrompt) — set n≥2 or advantage=batch-normalized")
        if let problem = sampling.problem { throw TrainingError(problem) }
        try need(!(grouped && sampling.temperature == 0),
                 "temperature=0 is greedy: every sample of a group is the same and all advantages are 0 — use temperature>0 (e.g. 1)")
        try need(epsilonLow < 1, "clip_low=\(epsilonLow) — ε_low must lie in [0, 1) (0 = no lower clip)")
        try need(dualClip == 0 || dualClip > 1, "dual_clip=\(dualClip) — the dual clip c must exceed 1 (e.g. 3), or 0 for off")
        try need(learningRate > 0, "lr=\(learningRate) — must be > 0")
        try need(beta1 < 1, "beta1=\(beta1) — must lie in [0, 1)")
        try need(beta2 < 1, "beta2=\(beta2) — must lie in [0, 1)")
        try need(adamEpsilon > 0, "adam_eps=\(adamEpsilon) — must be > 0")
        try need(!(advantage == .gae && maxStaleness > 0),
                 "advantage=gae with staleness=\(maxStaleness): the critic is trained on the trainer's thread and PPO here is synchronous — set staleness=0")
    }
}

extension TrainerConfig {
    /// Decodes a saved config; a key that is absent (a file written before the field existed)
    /// keeps its default, so older checkpoints still resume.
    public init(from decoder: Decoder) throws {
        self.init()
        // Every knob by its property name, from the field table; the sampling value decodes itself.
        try Field.restore(Self.fields, from: decoder.container(keyedBy: FieldCodingKey.self), into: &self)
        try decoder.container(keyedBy: CodingKeys.self).take(.sampling, into: &sampling)
        // Files written before the one sampling value kept its fields flat.
        let flat = try decoder.container(keyedBy: FlatSamplingKeys.self)
        func old<T: Decodable>(_ key: FlatSamplingKeys, _ type: T.Type) throws -> T? { try flat.decodeIfPresent(type, forKey: key) }
        if let t = try old(.temperature, Float.self) { sampling.temperature = t }
        if let k = try old(.topK, Int.self) { sampling.topK = k }
        if let p = try old(.topP, Float.self) { sampling.topP = p }
        if let n = try old(.maxNewTokens, Int.self) { sampling.maxNewTokens = n }
        if let b = try old(.thinkingBudget, Int.self) { sampling.thinkingBudget = b > 0 ? b : nil }
        if let w = try old(.waitExtensions, Int.self) { sampling.waitExtensions = w }
    }

    /// The sampling keys of a config saved before they moved into `sampling` (0 budget = no cap).
    private enum FlatSamplingKeys: String, CodingKey {
        case temperature, topK, topP, maxNewTokens, thinkingBudget, waitExtensions
    }
}
