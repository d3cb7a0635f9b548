// The trainer's separately callable pieces: sample → rescore with a new reward → step, config
// changes that add or drop the reference model, and cancellation that leaves no trace.
import Foundation
import Kernels
import Models
import Tasks
import Testing
@testable import Training

@Suite(.serialized) struct TrainerControlTests {
    func trainer() throws -> PolicyTrainer {
        var c = TrainerConfig()
        c.promptsPerStep = 3; c.samplesPerPrompt = 4; c.sampling.maxNewTokens = 4
        return try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                 scorer: try scorer(SevensReward()), config: c, seed: 4)
    }

    @Test func sampleRescoreStep() throws {
        let t = try trainer()
        let batch = try t.sample()
        #expect(batch.rollouts.count == 12 && batch.groups == 3)
        #expect(batch.rollouts.allSatisfy { $0.reward.names == ["sevens"] && !$0.text.isEmpty || $0.length <= 1 })
        try t.setScorer(try scorer(ConstantReward(value: 0.5)))
        let rescored = try #require(t.pending)
        #expect(rescored.rollouts.allSatisfy { $0.reward.total == 0.5 && $0.advantage == 0 })
        #expect(rescored.rollouts.map(\.tokens) == batch.rollouts.map(\.tokens))
        let before = Array(t.model.parameters)
        let report = try t.step()
        #expect(t.pending == nil)
        #expect(report.metrics["reward"] == 0.5)
        #expect(Array(t.model.parameters) == before)       // all advantages 0: nothing to learn
    }

    @Test func configChangesManageTheReference() throws {
        let t = try trainer()
        #expect(t.reference == nil)
        var c = t.config
        c.klCoefficient = 0.1
        try t.setConfig(c)
        #expect(t.reference != nil)
        c.klCoefficient = 0
        try t.setConfig(c)
        #expect(t.reference == nil)
        c.samplesPerPrompt = 1
        #expect(throws: TrainingError.self) { try t.setConfig(c) }
    }

    @Test func cancelledSamplingLeavesNoTrace() throws {
        let t = try trainer()
        let (stateBefore, _) = t.exportState()
        #expect(throws: CancellationError.self) { try t.sample(isCancelled: { true }) }
        let reports = try t.run(steps: 3, isCancelled: { true })
        #expect(reports.isEmpty)
        let (stateAfter, _) = t.exportState()
        #expect(stateAfter == stateBefore)
        #expect(t.pending == nil)
    }

    @Test func gatedRewardComponentsReachTheMetrics() throws {
        let data = try Fixture.dataset()
        let reward = try WeightedReward([.init(CorrectnessReward(dataset: data)), .init(FormatReward(), weight: 0.1)],
                                        gate: FormatReward())
        var c = TrainerConfig()
        c.promptsPerStep = 2; c.samplesPerPrompt = 2; c.sampling.maxNewTokens = 4
        let t = try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(), dataset: data,
                                  scorer: RolloutScorer(reward: reward, dataset: data), config: c, seed: 1)
        let report = try t.step()
        #expect(report.metrics["rewards/correct/mean"] != nil)
        #expect(report.metrics["rewards/format/mean"] != nil)
        let csv = t.log.csv
        #expect(csv.hasPrefix("step,reward,reward_std,rewards/correct/mean,rewards/format/mean,accuracy"))
    }
}
