// Whole-trainer behaviour: exact resume, the deterministic learning test, asynchronous rollouts
// with bounded staleness, SFT learning, STaR and the difficulty filter.
import Foundation
import Kernels
import Models
import Tasks
import Testing
@testable import Training

@Suite(.serialized) struct TrainerRunTests {
    func sevensConfig() -> TrainerConfig {
        var c = TrainerConfig()
        c.promptsPerStep = 4; c.samplesPerPrompt = 8; c.sampling.maxNewTokens = 4
        c.learningRate = 1e-2
        return c
    }

    /// Four steps straight (`straight`), and two steps whose state goes through JSON and tensors
    /// into a fresh trainer (`resumed`, made with other settings and seed) that takes the other two.
    struct Resumption {
        var straight: PolicyTrainer, full: [StepReport]
        var interrupted: PolicyTrainer, tensors: [String: Tensor]
        var resumed: PolicyTrainer, rest: [StepReport]
    }

    func resume(_ config: TrainerConfig) throws -> Resumption {
        let tok = try Fixture.tokenizer(), data = try Fixture.dataset()
        func trainer(_ model: Transformer, _ config: TrainerConfig, seed: UInt64) throws -> PolicyTrainer {
            try PolicyTrainer(model: model, tokenizer: tok, dataset: data, scorer: try scorer(SevensReward()), config: config, seed: seed)
        }
        let a = try trainer(try Fixture.model(), config, seed: 7)
        let full = try a.run(steps: 4)
        let b = try trainer(try Fixture.model(), config, seed: 7)
        b.scheduleSteps = 4
        _ = try b.step(); _ = try b.step()
        let (state, tensors) = b.exportState()
        let c = try trainer(try Transformer(config: b.model.config, tensors: b.model.tensors()), TrainerConfig(), seed: 99)
        try c.importState(try JSONDecoder().decode(PolicyTrainerState.self, from: JSONEncoder().encode(state)), tensors: tensors)
        return Resumption(straight: a, full: full, interrupted: b, tensors: tensors, resumed: c, rest: try [c.step(), c.step()])
    }

    @Test func resumedRunEqualsUninterruptedRun() throws {
        var config = sevensConfig()
        config.klCoefficient = 0.05      // a reference model in the state too
        config.minibatches = 2
        let r = try resume(config)
        #expect(Array(r.resumed.model.parameters) == Array(r.straight.model.parameters))
        #expect(r.rest.map { $0.metrics["reward"] } == r.full.suffix(2).map { $0.metrics["reward"] })
        #expect(r.rest.map { $0.metrics["loss"] } == r.full.suffix(2).map { $0.metrics["loss"] })
    }

    @Test func resumedPPORunKeepsItsCritic() throws {
        // advantage=gae: the critic's weights and its optimizer's moments are part of the state,
        // for either start (a copy of the policy, or a small fresh network).
        for start in CriticStart.allCases {
            var config = TrainerConfig(preset: .ppo)
            config.promptsPerStep = 4; config.samplesPerPrompt = 4; config.sampling.maxNewTokens = 4
            config.learningRate = 1e-2; config.critic = start
            let r = try resume(config)
            #expect(r.tensors.keys.contains { $0.hasPrefix("critic.") }, "\(start): the critic's weights are saved")
            let samePolicy = Array(r.resumed.model.parameters) == Array(r.straight.model.parameters)
            let sameCritic = r.resumed.critic.map { Array($0.model.parameters) } == r.straight.critic.map { Array($0.model.parameters) }
            #expect(r.resumed.critic != nil && samePolicy && sameCritic, "\(start): the resumed run continues bit for bit")
            #expect(r.rest.map { $0.metrics["loss/value_avg"] } == r.full.suffix(2).map { $0.metrics["loss/value_avg"] }, "\(start)")
        }
    }

    @Test func meanRewardRisesOnAnEasyTask() throws {
        // Fixed seed: the share of sevens in 4-token completions from a random 18-symbol model starts
        // near 1/18 and must rise by at least 0.5 within 20 GRPO steps.
        let trainer = try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                        scorer: try scorer(SevensReward()), config: sevensConfig(), seed: 11)
        let reports = try trainer.run(steps: 20)
        let first = reports.prefix(3).map { $0.metrics["reward"] ?? 0 }.reduce(0, +) / 3
        let last = reports.suffix(3).map { $0.metrics["reward"] ?? 0 }.reduce(0, +) / 3
        #expect(last - first >= 0.5, "reward \(first) → \(last)")
    }

    @Test func asynchronousRolloutsAreBoundedAndReproducible() throws {
        var config = sevensConfig()
        config.maxStaleness = 2
        func run() throws -> ([StepReport], [Float]) {
            let t = try PolicyTrainer(model: try Fixture.model(), tokenizer: try Fixture.tokenizer(), dataset: try Fixture.dataset(),
                                      scorer: try scorer(SevensReward()), config: config, seed: 5)
            let r = try t.run(steps: 6)
            return (r, Array(t.model.parameters))
        }
        let (r1, p1) = try run()
        let (r2, p2) = try run()
        #expect(r1.count == 6)
        #expect(r1.map { $0.metrics["staleness"] ?? -1 } == [0, 1, 2, 2, 2, 2])
        #expect(p1 == p2)
        #expect(r1.map { $0.metrics["reward"] } == r2.map { $0.metrics["reward"] })
    }

    @Test func sftLearnsDirectAnswers() throws {
        let tok = try Fixture.tokenizer()
        let data = try Fixture.dataset(train: 80)
        let examples = try sftExamples(problems: data.train, dataset: data, tokenizer: tok)
        #expect(examples.count == 80)
        #expect(examples[0].completion.last == tok.special.eos)
        var config = SFTConfig()
        config.batchSize = 32; config.warmupSteps = 5
        let sft = try SFTTrainer(model: try Fixture.model(), examples: examples, config: config, padId: 17, seed: 3)
        let reports = try sft.run(steps: 60)
        #expect(reports.count == 60)
        #expect(reports.allSatisfy { $0.rejected == nil })
        let first = reports[0].loss, last = reports.suffix(5).map(\.loss).reduce(0, +) / 5
        #expect(first > 2 && last < first * 0.5, "SFT loss \(first) → \(last)")
    }

    @Test func sftResumesExactly() throws {
        let tok = try Fixture.tokenizer()
        let data = try Fixture.dataset(train: 50)
        let examples = try sftExamples(problems: data.train, dataset: data, tokenizer: tok)
        var config = SFTConfig(); config.batchSize = 8
        let a = try SFTTrainer(model: try Fixture.model(), examples: examples, config: config, padId: 17, seed: 3)
        _ = try a.run(steps: 6)
        let b = try SFTTrainer(model: try Fixture.model(), examples: examples, config: config, padId: 17, seed: 3)
        _ = try b.run(steps: 3)
        let (state, tensors) = b.exportState()
        let c = try SFTTrainer(model: try Transformer(config: b.model.config, tensors: b.model.tensors()), examples: examples,
                               config: config, padId: 17, seed: 0)
        try c.importState(state, tensors: tensors)
        for _ in 0..<3 { _ = try c.step(runSteps: 6) }
        #expect(Array(c.model.parameters) == Array(a.model.parameters))
    }

    @Test func starKeepsOnlyCorrectAndFilterReportsHistogram() throws {
        let tok = try Fixture.tokenizer()
        let data = try Fixture.dataset(train: 40)
        // A briefly SFT-trained model gets some 1-digit sums right.
        var sftConfig = SFTConfig(); sftConfig.batchSize = 32
        let model = try Fixture.model()
        _ = try SFTTrainer(model: model, examples: try sftExamples(problems: data.train, dataset: data, tokenizer: tok),
                           config: sftConfig, padId: 17, seed: 1).run(steps: 80)
        let trainer = try PolicyTrainer(model: model, tokenizer: tok, dataset: data, config: TrainerConfig(), seed: 2)
        var star = STaRConfig(); star.prompts = 16; star.samples = 4; star.sftSteps = 5; star.sft.batchSize = 8
        let rounds = try trainer.star(star)
        #expect(rounds.count == 1)
        #expect(rounds[0].sampled == 64)
        #expect(rounds[0].kept <= rounds[0].correct)
        #expect(rounds[0].correct > 0)
        let filter = try trainer.filterByDifficulty(samples: 4, lo: 0.25, hi: 0.75, apply: false)
        #expect(filter.histogram.reduce(0, +) == 40)
        #expect(filter.kept.allSatisfy { (0.25...0.75).contains(filter.passRates[$0]) })
    }
}
