// PPO with a critic: GAE against hand-computed cases, whitening, a saved config without the PPO
// keys still decoding, the critic learning its returns, per-token advantages reaching the loss,
// and `algo=ppo` training end to end with its metrics.
import Foundation
import Testing
import Kernels
import Models
import Tasks
@testable import Training

@Suite(.serialized) struct PPOTests {
    @Test func gaeMatchesAHandComputedCase() {
        // R = 1 at the last of three tokens, V = (0.5, 0.2, 0.8), γ = 0.9, λ = 0.5:
        // δ₂ = 1 − 0.8 = 0.2;            A₂ = 0.2
        // δ₁ = 0.9·0.8 − 0.2 = 0.52;     A₁ = 0.52 + 0.45·0.2 = 0.61
        // δ₀ = 0.9·0.2 − 0.5 = −0.32;    A₀ = −0.32 + 0.45·0.61 = −0.0455
        let g = generalizedAdvantages(reward: 1, values: [0.5, 0.2, 0.8], gamma: 0.9, lambda: 0.5)
        for (a, e) in zip(g.advantages, [-0.0455, 0.61, 0.2]) { #expect(abs(a - e) < 1e-12) }
        for (r, e) in zip(g.returns, [0.4545, 0.81, 1.0]) { #expect(abs(r - e) < 1e-12) }
        // λ = 1, γ = 1: the Monte-Carlo return minus the value at every token.
        let mc = generalizedAdvantages(reward: 0.7, values: [0.1, 0.4, -0.2], gamma: 1, lambda: 1)
        for (a, v) in zip(mc.advantages, [0.1, 0.4, -0.2]) { #expect(abs(a - (0.7 - v)) < 1e-12) }
        // λ = 0: the one-step TD error.
        let td = generalizedAdvantages(reward: 2, values: [1, 3], gamma: 0.5, lambda: 0)
        let expectedTD: [Double] = [0.5, -1]
        #expect(td.advantages == expectedTD)
        #expect(generalizedAdvantages(reward: 1, values: [], gamma: 1, lambda: 1).advantages.isEmpty)
    }

    @Test func ppoLossWithPerTokenAdvantagesByHand() {
        // Token 1: A = +1, r = e^0.1 = 1.10517 inside [0.8, 1.2]: −A·r, gradient −A·r.
        // Token 2: A = −2, r = e^−0.5 = 0.60653 below 0.8: the clipped −A·0.8 = 1.6 is larger, gradient 0.
        let r = policyLoss(logprobs: [-1, -2], entropies: [0, 0], behaviour: [-1.1, -1.5], reference: nil,
                           weights: [0.5, 0.5], advantages: [1, -2], settings: PolicyLossSettings(epsilonLow: 0.2, epsilonHigh: 0.2))
        let r1 = exp(Double(Float(-1) - Float(-1.1)))
        #expect(abs(r.loss - (0.5 * -r1 + 0.5 * 1.6)) < 1e-6)
        #expect(abs(Double(r.dLogprob[0]) - 0.5 * -r1) < 1e-6)
        #expect(r.dLogprob[1] == 0)
        #expect(r.clipLow == 0.5 && r.clipHigh == 0)
    }

    @Test func whiteningUsesOnlyMaskedEntries() {
        let w = whitened([[1, 2, 100], [3]], mask: [[true, true, false], [true]])
        // Mean 2, population std √(2/3) over 1, 2, 3; the masked-out 100 stays.
        let s = (2.0 / 3).squareRoot()
        #expect(abs(w[0][0] + 1 / s) < 1e-6 && abs(w[0][1]) < 1e-9 && abs(w[1][0] - 1 / s) < 1e-6)
        #expect(w[0][2] == 100)
    }

    @Test func aConfigSavedBeforeThePPOKeysStillDecodes() throws {
        var c = TrainerConfig(preset: .ppo)
        c.learningRate = 3e-4
        let full = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(TrainerConfig.self, from: full) == c)
        var object = try #require(try JSONSerialization.jsonObject(with: full) as? [String: Any])
        for key in ["gamma", "lambda", "valueClip", "valueLearningRate", "whitenAdvantages", "critic"] { object[key] = nil }
        let old = try JSONDecoder().decode(TrainerConfig.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.gamma == 1 && old.lambda == 0.95 && old.critic == .policy && old.learningRate == 3e-4 && old.advantage == .gae)
    }

    func ppoTrainer(seed: UInt64 = 9, configure: (inout TrainerConfig) -> Void = { _ in }) throws -> PolicyTrainer {
        var c = TrainerConfig(preset: .ppo)
        c.promptsPerStep = 4; c.samplesPerPrompt = 4; c.sampling.maxNewTokens = 6
        c.learningRate = 1e-3
        configure(&c)
        let scorer = RolloutScorer(reward: try WeightedReward([.init(SevensReward())]), verifier: { _, _ in false })
        return try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                 scorer: scorer, config: c, seed: seed)
    }

    @Test func theCriticLearnsItsReturns() throws {
        let t = try ppoTrainer { $0.valueLearningRate = 1e-2; $0.valueClip = 0 }
        var batch = try t.sample()
        try t.assignGAE(&batch.rollouts)
        let rows = trainableRows(batch.rollouts, config: t.config)
        #expect(!rows.isEmpty)
        // Every value starts at 0 (the zeroed value row), so the returns are the λ-discounted rewards.
        #expect(batch.rollouts.allSatisfy { ($0.values ?? []).allSatisfy { $0 == 0 } })
        var rng = RNG(seed: 1)
        var losses: [Double] = []
        for _ in 0..<15 {
            let stats = try t.criticUpdate(rollouts: batch.rollouts, rows: rows, learningRateScale: 1, rng: &rng)
            #expect(stats.rejected == nil)
            losses.append(stats.loss)
        }
        let first = try #require(losses.first), last = try #require(losses.last)
        #expect(last < 0.5 * first, "value loss \(first) → \(last)")
    }

    @Test func tokenAdvantagesReachTheLoss() throws {
        let t = try ppoTrainer()
        let batch = try t.sample()
        var rollouts = batch.rollouts
        let row = try #require(rollouts.indices.first { rollouts[$0].forced.contains(false) && rollouts[$0].tokens.count >= 2 })
        // All-zero token advantages: no policy gradient at all. One non-zero token: a gradient.
        rollouts[row].tokenAdvantages = [Double](repeating: 0, count: rollouts[row].tokens.count)
        rollouts[row].advantage = 1
        _ = try minibatchGradient(model: t.model, rollouts: rollouts, rows: [row], config: t.config, padId: t.padId)
        #expect(t.model.gradientNorm() == 0)
        let j = try #require(rollouts[row].forced.firstIndex(of: false))
        rollouts[row].tokenAdvantages?[j] = 1
        _ = try minibatchGradient(model: t.model, rollouts: rollouts, rows: [row], config: t.config, padId: t.padId)
        #expect(t.model.gradientNorm() > 0)
    }

    @Test func ppoTrainsEndToEndWithItsMetrics() throws {
        let t = try ppoTrainer()
        let reports = try t.run(steps: 3)
        #expect(reports.count == 3)
        let critic = try #require(t.critic)
        #expect(critic.valueRow == 18)
        for r in reports {
            #expect(r.rejected == nil)
            for key in ["loss/value_avg", "val/clipfrac_avg", "critic/vf_explained_var", "critic/values_mean"] {
                #expect(r.metrics[key] != nil, "\(key) missing")
            }
        }
        // The critic moved off its zero start.
        #expect((reports.last?.metrics["critic/values_mean"] ?? 0) != 0)
        // Same seed, same run: PPO replays exactly.
        let again = try ppoTrainer()
        let replay = try again.run(steps: 3)
        #expect(replay.map { $0.metrics["loss/value_avg"] } == reports.map { $0.metrics["loss/value_avg"] })
        #expect(Array(again.model.parameters) == Array(t.model.parameters))
        // A small fresh critic instead of the policy copy.
        let small = try ppoTrainer { $0.critic = .small }
        _ = try small.run(steps: 1)
        #expect(small.critic?.model.config.hiddenSize == 64)
    }

    @Test func vineGivesEachStepOneAdvantageThatTelescopes() throws {
        let t = try ppoTrainer { $0.vineSamples = 3; $0.whitenAdvantages = false; $0.sampling.maxNewTokens = 10 }
        var batch = try t.sample()
        var rng = RNG(seed: 4)
        let stats = try t.assignVine(&batch.rollouts, rng: &rng)
        #expect(stats.continuations > 0 && stats.tokens > 0)
        let ends = t.stepEndTokens
        #expect(!ends.isEmpty)
        for r in batch.rollouts where !r.tokens.isEmpty {
            let a = try #require(r.tokenAdvantages)
            // Steps: split after every step-end token; one advantage per step.
            var stepAdvantages: [Double] = []
            var current: Double?
            for (j, id) in r.tokens.enumerated() {
                if let c = current { #expect(a[j] == c) } else { current = a[j]; stepAdvantages.append(a[j]) }
                if ends.contains(id) && j + 1 < r.tokens.count { current = nil }
            }
            // Σ_j (V̂_{j+1} − V̂_j) = R − V̂(prompt), and V̂ is a mean of rewards in [0, 1].
            let total = stepAdvantages.reduce(0, +)
            #expect(total <= r.reward.total + 1e-12 && total >= r.reward.total - 1 - 1e-12)
        }
        // A constant reward leaves nothing to learn: every advantage is 0.
        var c = TrainerConfig(preset: .ppo)
        c.promptsPerStep = 2; c.samplesPerPrompt = 2; c.sampling.maxNewTokens = 6; c.vineSamples = 2; c.whitenAdvantages = false
        let flat = try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                     scorer: try scorer(ConstantReward(value: 0.5)), config: c, seed: 2)
        var flatBatch = try flat.sample()
        _ = try flat.assignVine(&flatBatch.rollouts, rng: &rng)
        #expect(flatBatch.rollouts.allSatisfy { ($0.tokenAdvantages ?? []).allSatisfy { $0 == 0 } })
        // End to end: no critic is made, the vine metrics are logged.
        let reports = try t.run(steps: 2)
        #expect(t.critic == nil)
        #expect(reports.allSatisfy { ($0.metrics["vine/continuations"] ?? 0) > 0 && $0.metrics["loss/value_avg"] == nil })
    }

    @Test func theCriticFollowsTheSettings() throws {
        let t = try ppoTrainer()
        _ = try t.run(steps: 1)
        let first = try #require(t.critic)
        var c = t.config
        c.valueLearningRate = 5e-3
        c.beta2 = 0.95
        try t.setConfig(c)
        #expect(t.critic === first)
        #expect(t.criticLearningRate == 5e-3)
        #expect(t.criticOptimizer?.config.beta2 == 0.95)
        c.critic = .small
        try t.setConfig(c)
        #expect(t.critic == nil)
        _ = try t.run(steps: 1)
        #expect(t.critic?.model.config.hiddenSize == 64)
    }

    @Test func ppoRefusesAsynchronousRollouts() {
        var c = TrainerConfig(preset: .ppo)
        c.maxStaleness = 1
        #expect(throws: TrainingError.self) { try c.validate() }
    }
}
