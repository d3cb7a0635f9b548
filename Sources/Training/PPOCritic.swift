// Training/PPOCritic.swift — the critic half of PPO (advantage=gae), a part the trainer owns: the
// value model with its own AdamW, GAE advantages for a batch from its values, and the clipped
// value regression after the policy update. It is a separate network (why not a head on the
// policy: the policy's update stays exactly the family's, and the notebook value.md measures both
// starts). The trainer makes it on first use, hands it the settings in force at each call, and
// saves it with its state.

import Foundation
import Kernels
import Models

/// What the critic did in one step, under TRL's and veRL's metric names.
struct CriticStatistics {
    /// Mean value loss over its updates (TRL `loss/value_avg`).
    var loss = 0.0
    /// Share of trained tokens whose clipped value branch was taken (TRL `val/clipfrac_avg`).
    var clipFraction = 0.0
    /// 1 − Var(G − V)/Var(G) over trained tokens, V at sampling time (veRL `critic/vf_explained_var`).
    var explainedVariance = 0.0
    /// Mean value and mean return over trained tokens.
    var valueMean = 0.0, returnMean = 0.0
    /// Critic updates made.
    var updates = 0
    /// Why the critic's step was rejected (parameters restored), if it was.
    var rejected: String?
}

/// PPO's critic: a value network and its optimizer.
final class PPOCritic: @unchecked Sendable {
    /// The value network.
    let value: ValueModel
    /// Its AdamW (moments persist across steps; its settings follow the trainer's).
    let optimizer: AdamW

    /// A critic over `value` with a fresh optimizer.
    init(value: ValueModel, optimizer config: AdamWConfig) throws {
        self.value = value
        self.optimizer = try AdamW(model: value.model, config: config)
    }

    /// The critic's peak rate: value_lr, or the policy's lr when it is 0 (scaled by the policy's
    /// schedule at each step).
    static func learningRate(_ config: TrainerConfig) -> Double {
        config.valueLearningRate > 0 ? config.valueLearningRate : config.learningRate
    }

    /// Fills every rollout's critic values, GAE advantages and returns (whitened over the batch's
    /// unforced tokens when `whiten`), and sets its scalar `advantage` to the mean token advantage.
    func assignGAE(_ rollouts: inout [Rollout], config: TrainerConfig) throws {
        let rows = Array(rollouts.indices).filter { !rollouts[$0].tokens.isEmpty }
        for chunk in lengthChunks(rows, length: { rollouts[$0].promptTokens.count + rollouts[$0].tokens.count }) {
            let values = try value.values(prompts: chunk.map { rollouts[$0].promptTokens },
                                           completions: chunk.map { rollouts[$0].tokens })
            for (k, r) in chunk.enumerated() { rollouts[r].values = values[k] }
        }
        var advantages: [[Double]] = [], masks: [[Bool]] = []
        for r in rollouts.indices {
            let values = (rollouts[r].values ?? []).map(Double.init)
            let g = generalizedAdvantages(reward: rollouts[r].reward.total, values: values, gamma: config.gamma, lambda: config.lambda)
            rollouts[r].returns = g.returns
            advantages.append(g.advantages)
            masks.append(rollouts[r].forced.map { !$0 })
        }
        if config.whitenAdvantages { advantages = whitened(advantages, mask: masks) }
        for r in rollouts.indices {
            rollouts[r].tokenAdvantages = advantages[r]
            let counted = zip(advantages[r], masks[r]).filter(\.1).map(\.0)
            rollouts[r].advantage = counted.isEmpty ? 0 : counted.reduce(0, +) / Double(counted.count)
        }
    }

    /// μ passes × minibatches of clipped value regression of the critic on the rows' returns
    /// (token mean within a minibatch). A non-finite loss or gradient rejects the critic's step
    /// and restores it; the policy's update stands.
    func update(rollouts: [Rollout], rows: [Int], config: TrainerConfig, learningRateScale: Double, rng: inout RNG) throws -> CriticStatistics {
        var stats = CriticStatistics()
        guard !rows.isEmpty else { return stats }
        // Explained variance and means at sampling-time values, over trained tokens.
        var v: [Double] = [], g: [Double] = []
        for r in rows {
            let ro = rollouts[r]
            for j in ro.tokens.indices where !ro.forced[j] {
                v.append(Double(ro.values?[j] ?? 0)); g.append(ro.returns?[j] ?? 0)
            }
        }
        func variance(_ x: [Double]) -> Double {
            guard !x.isEmpty else { return 0 }
            let m = x.reduce(0, +) / Double(x.count)
            return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)
        }
        let residual = zip(g, v).map { $0 - $1 }
        let vg = variance(g)
        stats.explainedVariance = vg > 0 ? 1 - variance(residual) / vg : 0
        stats.valueMean = v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count)
        stats.returnMean = g.isEmpty ? 0 : g.reduce(0, +) / Double(g.count)

        let lr = Self.learningRate(config) * learningRateScale
        let snapshot = ParameterSnapshot(model: value.model, optimizer: optimizer)
        var clipSum = 0.0
        do {
            for _ in 0..<config.updatesPerBatch {
                var order = rows
                if config.minibatches > 1 { order.shuffle(using: &rng) }
                let parts = min(config.minibatches, order.count)
                for m in 0..<parts {
                    let part = Array(order[m * order.count / parts..<(m + 1) * order.count / parts])
                    let tokens = part.reduce(0) { $0 + rollouts[$1].forced.filter { !$0 }.count }
                    guard tokens > 0 else { continue }
                    value.model.zeroGradients()
                    var loss = 0.0, clipped = 0.0
                    for chunk in lengthChunks(part, length: { rollouts[$0].promptTokens.count + rollouts[$0].tokens.count }) {
                        let r = try value.accumulateRegression(
                            prompts: chunk.map { rollouts[$0].promptTokens }, completions: chunk.map { rollouts[$0].tokens },
                            targets: chunk.map { rollouts[$0].returns ?? [] },
                            weights: chunk.map { rollouts[$0].forced.map { $0 ? 0 : 1 / Double(tokens) } },
                            old: chunk.map { rollouts[$0].values ?? [] }, clip: config.valueClip)
                        loss += r.loss
                        let chunkTokens = chunk.reduce(0) { $0 + rollouts[$1].forced.filter { !$0 }.count }
                        clipped += r.clipFraction * Double(chunkTokens) / Double(tokens)
                    }
                    _ = try guardedUpdate(model: value.model, optimizer: optimizer, loss: loss,
                                          maxGradNorm: config.maxGradNorm, learningRate: lr)
                    stats.loss += loss
                    clipSum += clipped
                    stats.updates += 1
                }
            }
        } catch let e as RejectedUpdate {
            try snapshot.restore(model: value.model, optimizer: optimizer)
            stats.rejected = "critic: " + e.message
        }
        stats.loss /= Double(max(stats.updates, 1))
        stats.clipFraction = clipSum / Double(max(stats.updates, 1))
        return stats
    }
}

extension PolicyTrainer {
    /// The critic, created on first use as `config.critic` says.
    func ensureCritic() throws -> PPOCritic {
        if let ppoCritic { return ppoCritic }
        let value: ValueModel
        switch config.critic {
        case .policy:
            value = try ValueModel.from(policy: model, tokenizer: sampler.tokenizer)
        case .small:
            value = try ValueModel.fresh(tokenizer: sampler.tokenizer, layers: 2, hiddenSize: 64, heads: 4, intermediateSize: 172,
                                         maxPositions: model.config.maxPositionEmbeddings, seed: criticSeed)
        }
        return try installCritic(value)
    }

    /// Makes `value` the critic (a fresh optimizer for it). Its tokenizer must be the policy's.
    public func setCritic(_ value: ValueModel) throws {
        guard value.tokenizer.vocabularySize == sampler.tokenizer.vocabularySize else {
            throw TrainingError("the value model reads \(value.tokenizer.vocabularySize) token ids but the policy's tokenizer has \(sampler.tokenizer.vocabularySize) — use a value model made for this policy")
        }
        try installCritic(value)
    }

    @discardableResult
    private func installCritic(_ value: ValueModel) throws -> PPOCritic {
        let made = try PPOCritic(value: value, optimizer: PolicyLearner.adamConfig(config))
        ppoCritic = made
        return made
    }

    /// The seed of a fresh critic's weights.
    var criticSeed: UInt64 { 0x5EED_C417 }

    /// The critic's peak rate in force.
    var criticLearningRate: Double { PPOCritic.learningRate(config) }

    /// GAE advantages from the critic (made on first use).
    func assignGAE(_ rollouts: inout [Rollout]) throws { try ensureCritic().assignGAE(&rollouts, config: config) }

    /// The critic's regression after the policy update; nothing when there is no critic.
    func criticUpdate(rollouts: [Rollout], rows: [Int], learningRateScale: Double, rng: inout RNG) throws -> CriticStatistics {
        guard let ppoCritic else { return CriticStatistics() }
        return try ppoCritic.update(rollouts: rollouts, rows: rows, config: config, learningRateScale: learningRateScale, rng: &rng)
    }
}
