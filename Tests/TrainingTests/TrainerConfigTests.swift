// Tests of the trainer config: the field table covers every stored property, presets validate and
// differ where their papers do, `set` parses and rejects, validation names the field.
import Foundation
import Testing
@testable import Training

@Suite struct TrainerConfigTests {
    @Test func fieldTableCoversEveryField() {
        let properties = Mirror(reflecting: TrainerConfig()).children.compactMap(\.label)
        let table = TrainerConfig.fields.map(\.property)
        #expect(Set(properties) == Set(table))
        #expect(properties.count == table.count)
        // Keys are unique and every field documents itself.
        #expect(Set(TrainerConfig.fields.map(\.key)).count == table.count)
        for f in TrainerConfig.fields { #expect(!f.summary.isEmpty, "\(f.key)") }
    }

    @Test func everyFieldRoundTripsThroughText() throws {
        // Setting each field to its own displayed default is accepted and changes nothing.
        var c = TrainerConfig()
        for f in TrainerConfig.fields { try c.set(f.key, to: f.defaultValue) }
        #expect(c == TrainerConfig())
    }

    @Test func setParsesAndAliases() throws {
        var c = TrainerConfig()
        try c.set("clip", to: "0.2:0.28")
        #expect(c.epsilonLow == 0.2 && c.epsilonHigh == 0.28)
        try c.set("loss", to: "seq-mean-token-sum-norm")
        #expect(c.lossAggregation == .seqMeanTokenSumNorm)
        try c.set("lr", to: "3e-4")
        #expect(c.learningRate == 3e-4)
        try c.set("dynamic_sampling", to: "on")
        #expect(c.dynamicSampling)
        try c.set("algo", to: "rloo")
        #expect(c == TrainerConfig(preset: .rloo))
    }

    @Test func badValuesAreRejectedAndLeaveTheConfig() {
        var c = TrainerConfig()
        #expect(throws: TrainingError.self) { try c.set("lr", to: "fast") }
        #expect(throws: TrainingError.self) { try c.set("lr", to: "-1") }
        #expect(throws: TrainingError.self) { try c.set("advantage", to: "median") }
        #expect(throws: TrainingError.self) { try c.set("dual_clip", to: "0.5") }
        #expect(throws: TrainingError.self) { try c.set("bogus", to: "1") }
        #expect(throws: TrainingError.self) { try c.set("n", to: "1") }   // group advantages need n ≥ 2
        #expect(c == TrainerConfig())
        do {
            try c.set("bogus", to: "1")
        } catch {
            #expect("\(error)".contains("clip_high"))   // lists the valid keys
        }
    }

    @Test func presetsValidateAndDiffer() throws {
        for p in TrainerPreset.allCases { try TrainerConfig(preset: p).validate() }
        #expect(TrainerConfig(preset: .grpo).klCoefficient > 0)
        #expect(TrainerConfig(preset: .drGRPO).advantage == .groupMean)
        #expect(TrainerConfig(preset: .drGRPO).lossAggregation == .seqMeanTokenSumNorm)
        #expect(TrainerConfig(preset: .dapo).epsilonHigh == 0.28 && TrainerConfig(preset: .dapo).dynamicSampling)
        #expect(TrainerConfig(preset: .rloo).advantage == .leaveOneOut)
        #expect(TrainerConfig(preset: .reinforce).advantage == .none)
        #expect(throws: TrainingError.self) { try TrainerConfig.preset("ppo2") }
    }

    @Test func learningRateSchedule() {
        var c = TrainerConfig()
        c.learningRate = 1
        c.warmupSteps = 10
        c.schedule = .cosine
        c.minLearningRateRatio = 0.1
        #expect(abs(c.learningRate(at: 0, runSteps: 110) - 0.1) < 1e-12)
        #expect(abs(c.learningRate(at: 9, runSteps: 110) - 1) < 1e-12)
        // Halfway through the cosine: floor + (1 − floor)/2.
        #expect(abs(c.learningRate(at: 60, runSteps: 110) - 0.55) < 1e-12)
        #expect(abs(c.learningRate(at: 110, runSteps: 110) - 0.1) < 1e-12)
        c.schedule = .constant
        #expect(c.learningRate(at: 50, runSteps: 110) == 1)
    }

    @Test func configIsCodable() throws {
        let c = TrainerConfig(preset: .dapo)
        let back = try JSONDecoder().decode(TrainerConfig.self, from: JSONEncoder().encode(c))
        #expect(back == c)
    }
}
