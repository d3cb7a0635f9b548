// Under dynamic sampling a step's `reward` and `accuracy` cover every rollout it generated, while
// `kept/reward` and `kept/accuracy` cover only the groups it trained on — so filtering cannot make
// a run look better than its policy. Also the KL reference: which it is, and setting it.
import Foundation
import Kernels
import Models
import Tasks
import Testing
@testable import Training

/// Reward 1 (and "correct") on problems whose answer is even — a flat, all-right group — and the
/// share of sevens otherwise, which varies inside a group.
struct EvenOrSevensReward: Reward {
    var name: String { "even_or_sevens" }
    func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        if let n = Int(problem.answer), n % 2 == 0 { return 1 }
        return SevensReward().score(completion: completion, problem: problem, tokenCount: tokenCount)
    }
}

@Suite(.serialized) struct HonestMetricsTests {
    func trainer(dynamic: Bool, kl: Double = 0) throws -> PolicyTrainer {
        var c = TrainerConfig()
        c.promptsPerStep = 4; c.samplesPerPrompt = 4; c.sampling.maxNewTokens = 4
        c.dynamicSampling = dynamic; c.maxGenerationRounds = 3
        c.klCoefficient = kl
        let scorer = RolloutScorer(reward: try WeightedReward([.init(EvenOrSevensReward())]),
                                   verifier: { _, p in (Int(p.answer) ?? 1) % 2 == 0 })
        return try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                 scorer: scorer, config: c, seed: 9)
    }

    static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }

    @Test func dynamicSamplingLogsBothViews() throws {
        let t = try trainer(dynamic: true)
        let batch = try t.sample()
        // Every generated rollout is either trained on or kept aside, none lost: B prompts per round.
        #expect(batch.rollouts.count + batch.notKept.count == batch.rounds * 4 * 4)
        #expect(!batch.notKept.isEmpty, "the fixture must produce flat groups for this test to mean anything")
        #expect(batch.rollouts.allSatisfy { (Int($0.problem.answer) ?? 1) % 2 == 1 })
        let all = batch.rollouts + batch.notKept
        let m = rolloutMetrics(batch)
        let sampledReward = Self.mean(all.map(\.reward.total))
        let keptReward = Self.mean(batch.rollouts.map(\.reward.total))
        #expect(abs((m["reward"] ?? .nan) - sampledReward) < 1e-12)
        #expect(abs((m["kept/reward"] ?? .nan) - keptReward) < 1e-12)
        #expect(abs((m["accuracy"] ?? .nan) - Self.mean(all.map { $0.correct ? 1 : 0 })) < 1e-12)
        #expect(m["kept/accuracy"] == 0)                    // the kept groups are the odd answers
        #expect((m["reward"] ?? 0) > (m["kept/reward"] ?? 1)) // here the dropped groups were the all-right ones
        // The step logs the same numbers.
        let report = try t.step()
        #expect(report.metrics["reward"] == m["reward"] && report.metrics["kept/reward"] == m["kept/reward"])
    }

    @Test func withoutFilteringTheViewsAgree() throws {
        let t = try trainer(dynamic: false)
        let batch = try t.sample()
        #expect(batch.notKept.isEmpty && batch.rollouts.count == 16)
        let m = rolloutMetrics(batch)
        #expect(m["reward"] == m["kept/reward"] && m["accuracy"] == m["kept/accuracy"])
    }

    @Test func rescoringCoversTheRolloutsNotKept() throws {
        let t = try trainer(dynamic: true)
        _ = try t.sample()
        try t.setScorer(try scorer(ConstantReward(value: 0.25)))
        let batch = try #require(t.pending)
        #expect((batch.rollouts + batch.notKept).allSatisfy { $0.reward.total == 0.25 })
        #expect(rolloutMetrics(batch)["reward"] == 0.25)
    }

    @Test func theReferenceSaysWhatItIs() throws {
        let t = try trainer(dynamic: false)
        #expect(t.reference == nil && t.referenceSource == nil)
        #expect(throws: TrainingError.self) { try t.setReference(nil, source: "now") }
        _ = try t.step()
        var c = t.config
        c.klCoefficient = 0.04
        try t.setConfig(c)
        #expect(t.referenceSource == "the policy at step 1, when kl was switched on")
        #expect(Array(try #require(t.reference).parameters) == Array(t.model.parameters))
        // A given checkpoint's weights become the reference; a different shape is refused.
        let other = try Fixture.model(seed: 77)
        try t.setReference(other, source: "sft.ckpt")
        #expect(t.referenceSource == "sft.ckpt")
        #expect(Array(try #require(t.reference).parameters) == Array(other.parameters))
        #expect(throws: TrainingError.self) { try t.setReference(try Fixture.model(hidden: 16), source: "small") }
        #expect(t.referenceSource == "sft.ckpt")
        c.klCoefficient = 0
        try t.setConfig(c)
        #expect(t.reference == nil && t.referenceSource == nil)
    }
}
