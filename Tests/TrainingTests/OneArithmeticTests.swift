// One arithmetic in training: the trainer's recomputed log-probabilities of sampled tokens equal
// the sampler's bit for bit (so the importance ratio before the first update is exactly 1), and a
// whole SFT + GRPO run gives the same weights and metrics at 1, 2, 3 and 4 threads.
import Foundation
import Kernels
import Models
import Tasks
import Testing
@testable import Training

@Suite(.serialized) struct OneArithmeticTests {
    func config(temperature: Double) -> TrainerConfig {
        var c = TrainerConfig()
        c.promptsPerStep = 4; c.samplesPerPrompt = 8; c.sampling.maxNewTokens = 6
        c.learningRate = 1e-2
        c.sampling.temperature = Float(temperature)
        return c
    }

    @Test(arguments: [1.0, 0.7])
    func samplerAndTrainerLogprobsAgreeExactly(temperature: Double) throws {
        let trainer = try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(),
                                        dataset: try Fixture.dataset(), scorer: try scorer(SevensReward()),
                                        config: config(temperature: temperature), seed: 3)
        let reports = try trainer.run(steps: 4)
        for r in reports {
            #expect(r.metrics["rollout/logprob_diff_max"] == 0, "step \(r.step)")
            #expect(r.metrics["rollout/logprob_diff_mean"] == 0, "step \(r.step)")
            #expect(r.metrics["rollout/ratio_deviation_max"] == 0, "step \(r.step)")
        }
        // The metric is not vacuous: it saw tokens, and the policy moved between steps.
        #expect(reports.allSatisfy { ($0.metrics["train/tokens"] ?? 0) > 0 })
        #expect(reports.first?.metrics["loss"] != reports.last?.metrics["loss"])
    }

    @Test func staleRolloutsShowTheirGap() throws {
        var c = config(temperature: 1)
        c.maxStaleness = 1
        let trainer = try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(),
                                        dataset: try Fixture.dataset(), scorer: try scorer(SevensReward()), config: c, seed: 3)
        let reports = try trainer.run(steps: 4)
        // Rollouts sampled one update earlier are scored by newer weights: the gap is the drift.
        let stale = reports.filter { ($0.metrics["staleness"] ?? 0) > 0 }
        #expect(!stale.isEmpty)
        #expect(stale.contains { ($0.metrics["rollout/logprob_diff_max"] ?? 0) > 0 })
    }

    @Test func sftAndGRPOGiveTheSameBitsAtEveryThreadCount() throws {
        func run(threads: Int) throws -> (weights: [Float], metrics: [Double]) {
            let saved = Threading.threads
            Threading.setThreads(threads)
            defer { Threading.setThreads(saved) }
            let tok = try Fixture.tokenizer(), data = try Fixture.dataset()
            var sftConfig = SFTConfig()
            sftConfig.batchSize = 16; sftConfig.warmupSteps = 2
            let sft = try SFTTrainer(model: try Fixture.model(seed: 4, hidden: 64),
                                     examples: try sftExamples(problems: data.train, dataset: data, tokenizer: tok),
                                     config: sftConfig, padId: 17, seed: 9)
            _ = try sft.run(steps: 20)
            let model = sft.model
            let trainer = try PolicyTrainer(model: model, tokenizer: tok, dataset: data,
                                            scorer: try scorer(SevensReward()), config: config(temperature: 1), seed: 5)
            let reports = try trainer.run(steps: 3)
            let keys = ["reward", "loss", "grad_norm", "entropy", "completions/mean_length"]
            return (Array(model.parameters), reports.flatMap { r in keys.map { r.metrics[$0] ?? .nan } })
        }
        let one = try run(threads: 1)
        for threads in [2, 3, 4] {
            let other = try run(threads: threads)
            #expect(other.weights == one.weights, "weights at \(threads) threads differ from 1 thread")
            #expect(other.metrics == one.metrics, "metrics at \(threads) threads differ from 1 thread")
        }
    }
}
