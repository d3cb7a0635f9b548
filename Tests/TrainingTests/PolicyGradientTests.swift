// The full policy loss through the engine: its gradient against finite differences on a tiny
// model, one step changes the parameters, a non-finite step is rejected and restored.
import Foundation
import Kernels
import Models
import Tasks
import Testing
import TestSupport
@testable import Training

@Suite(.serialized) struct PolicyGradientTests {
    /// A batch of real rollouts with off-policy behaviour log-probs, reference log-probs and mixed
    /// advantages, so every term of the loss (clip, dual clip, KL, entropy) is active somewhere.
    func offPolicyBatch(model: Transformer) throws -> ([Rollout], TrainerConfig) {
        var config = TrainerConfig()
        config.promptsPerStep = 3
        config.samplesPerPrompt = 3
        config.sampling.maxNewTokens = 6
        config.epsilonLow = 0.2; config.epsilonHigh = 0.28; config.dualClip = 2
        config.klCoefficient = 0.1; config.klEstimator = .k3
        config.entropyCoefficient = 0.05
        config.lossAggregation = .seqMeanTokenMean
        let dataset = try Fixture.dataset()
        let sampler = RolloutSampler(tokenizer: try Fixture.tokenizer(), dataset: dataset, scorer: try scorer(SevensReward()))
        var cursor = PromptCursor(count: dataset.train.count)
        var rng = RNG(seed: 3)
        var batch = try sampler.batch(model: model, config: config, cursor: &cursor, policyVersion: 0, rng: &rng)
        var g = SplitMix64(seed: 4)
        for i in batch.rollouts.indices {
            batch.rollouts[i].advantage = (g.unit() - 0.5) * 3
            batch.rollouts[i].logprobs = batch.rollouts[i].logprobs.map { $0 + Float((g.unit() - 0.5) * 0.8) }
            batch.rollouts[i].referenceLogprobs = batch.rollouts[i].logprobs.map { $0 + Float((g.unit() - 0.5) * 0.5) }
        }
        return (batch.rollouts, config)
    }

    @Test func policyLossGradientMatchesFiniteDifferences() throws {
        let model = try Fixture.model(hidden: 16)
        let (rollouts, config) = try offPolicyBatch(model: model)
        let rows = Array(rollouts.indices)
        _ = try minibatchGradient(model: model, rollouts: rollouts, rows: rows, config: config, padId: 17)
        let grads = Array(model.gradients)
        let params = model.parameters
        var g = SplitMix64(seed: 8)
        var worst = 0.0
        var compared = 0
        // The largest gradients (well above float noise) and some random ones.
        let ranked = grads.indices.sorted { abs(grads[$0]) > abs(grads[$1]) }
        let picks = Array(ranked.prefix(12)) + (0..<12).map { _ in Int(g.next() % UInt64(grads.count)) }
        for i in picks where abs(grads[i]) > 1e-3 {
            let keep = params[i]
            let h: Float = 2e-3
            params[i] = keep + h
            let up = try minibatchGradient(model: model, rollouts: rollouts, rows: rows, config: config, padId: 17).loss
            params[i] = keep - h
            let down = try minibatchGradient(model: model, rollouts: rollouts, rows: rows, config: config, padId: 17).loss
            params[i] = keep
            let fd = (up - down) / Double(2 * h)
            let rel = abs(fd - Double(grads[i])) / max(abs(fd), abs(Double(grads[i])))
            worst = max(worst, rel)
            compared += 1
            #expect(rel < 0.05, "parameter \(i): finite difference \(fd) vs backward \(grads[i])")
        }
        #expect(compared >= 10)
    }

    @Test func oneStepChangesTheParameters() throws {
        let model = try Fixture.model()
        var config = TrainerConfig()
        config.promptsPerStep = 4; config.samplesPerPrompt = 4; config.sampling.maxNewTokens = 4
        let trainer = try PolicyTrainer(model: model, tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                        scorer: try scorer(SevensReward()), config: config, seed: 1)
        let before = Array(model.parameters)
        let report = try trainer.step()
        #expect(report.rejected == nil)
        #expect(report.metrics["train/rows"] ?? 0 > 0)
        #expect(Array(model.parameters) != before)
        #expect(trainer.step == 1 && trainer.log.rows.count == 1)
        for key in ["reward", "reward_std", "rewards/sevens/mean", "accuracy", "completions/mean_length",
                    "completions/min_length", "completions/max_length", "completions/clipped_ratio", "kl", "entropy",
                    "clip_ratio/low_mean", "clip_ratio/high_mean", "frac_reward_zero_std", "grad_norm",
                    "learning_rate", "tokens_per_second", "time/step", "thinking/mean_length", "staleness"] {
            #expect(report.metrics[key] != nil, "missing metric \(key)")
        }
        #expect(report.metrics["entropy"] ?? 0 > 0)
    }

    @Test func nonFiniteStepIsRejectedAndRestored() throws {
        let model = try Fixture.model()
        var config = TrainerConfig(preset: .reinforce)
        config.promptsPerStep = 2; config.samplesPerPrompt = 2; config.sampling.maxNewTokens = 3
        let trainer = try PolicyTrainer(model: model, tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                        scorer: try scorer(ConstantReward(value: .greatestFiniteMagnitude)), config: config, seed: 1)
        let before = Array(model.parameters)
        let optimizerBefore = trainer.optimizer.stateTensors()
        let report = try trainer.step()
        #expect(report.rejected != nil)
        #expect(Array(model.parameters) == before)
        #expect(trainer.optimizer.stateTensors() == optimizerBefore)
        #expect(trainer.optimizer.step == 0)
    }

    @Test func zeroVarianceGroupsAreDroppedByDynamicSampling() throws {
        let model = try Fixture.model()
        var config = TrainerConfig(preset: .dapo)
        config.promptsPerStep = 2; config.samplesPerPrompt = 3; config.sampling.maxNewTokens = 3; config.maxGenerationRounds = 2
        let trainer = try PolicyTrainer(model: model, tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                        scorer: try scorer(ConstantReward(value: 1)), config: config, seed: 2)
        let batch = try trainer.sample()
        #expect(batch.rollouts.isEmpty)
        #expect(batch.rounds == 2 && batch.droppedGroups == 4)
        #expect(batch.zeroStdFraction == 1)
        let before = Array(model.parameters)
        let report = try trainer.step()
        #expect(Array(model.parameters) == before)
        #expect(report.metrics["frac_reward_zero_std"] == 1)
    }

    @Test func thinkingBudgetForcesTheEndAndMasksIt() throws {
        let model = try Fixture.model(seed: 4)
        var dataset = try Fixture.dataset()
        dataset.promptPrefix = nil
        dataset.train = dataset.train.map { var p = $0; p.prompt += "<think>"; return p }
        var config = TrainerConfig()
        config.promptsPerStep = 4; config.samplesPerPrompt = 4; config.sampling.maxNewTokens = 8; config.sampling.thinkingBudget = 2
        let tok = try Fixture.tokenizer()
        let sampler = RolloutSampler(tokenizer: tok, dataset: dataset, scorer: try scorer(SevensReward()))
        var cursor = PromptCursor(count: dataset.train.count)
        var rng = RNG(seed: 9)
        let batch = try sampler.batch(model: model, config: config, cursor: &cursor, policyVersion: 0, rng: &rng)
        let end = try #require(tok.special.thinkEnd)
        var budgeted = 0
        for r in batch.rollouts {
            #expect(r.thinkingTokens <= 2)
            if let k = r.tokens.firstIndex(of: end), r.forced[k] {
                budgeted += 1
                #expect(k == 2)
                #expect(!completionMask(r)[k])
                #expect(r.finish != .stop)
            }
        }
        #expect(budgeted > 0)
    }
}
