// Tests of the trainer config: the field table covers every stored property, presets validate and
// differ where their papers do, `set` parses and rejects, validation names the field.
import Fields
import Foundation
import Testing
import Models
@testable import Training

@Suite struct TrainerConfigTests {
    @Test func fieldTableCoversEveryField() {
        // The sampling value's fields count one by one, except its text pieces the trainer does
        // not set (it has no stop strings, keeps the default wait text, and prompts with the data
        // set's system turn).
        let sampling = Mirror(reflecting: GenerationOptions()).children.compactMap(\.label)
            .filter { !["stopStrings", "waitText", "system"].contains($0) }.map { "sampling." + $0 }
        let properties = Mirror(reflecting: TrainerConfig()).children.compactMap(\.label).filter { $0 != "sampling" } + sampling
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
        for f in TrainerConfig.fields { try c.set(f.key, to: f.defaultText) }
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

    @Test func validateChecksEachFieldByItsDeclaredBounds() {
        // A config built in Swift (or decoded from a file) meets the same bounds as the REPL's keys.
        func refusal(_ change: (inout TrainerConfig) -> Void) -> String? {
            var c = TrainerConfig()
            change(&c)
            do { try c.validate(); return nil } catch { return "\(error)" }
        }
        #expect(refusal { _ in } == nil)
        #expect(refusal { $0.samplesPerPrompt = 2000 } == "n=2000 is outside 1…1024")
        #expect(refusal { $0.gamma = 1.5 } == "gamma=1.5 is outside 0…1")
        #expect(refusal { $0.vineSamples = 300 } == "vine=300 is outside 0…256")
        #expect(refusal { $0.sampling.maxNewTokens = 40_000 } == "max_tokens=40000 is outside 1…32768")
        #expect(refusal { $0.klCoefficient = .nan }?.hasPrefix("kl=") == true)
        // Rules a range cannot say are still checked after the bounds.
        #expect(refusal { $0.learningRate = 0 } == "lr=0.0 — must be > 0")
        #expect(refusal { $0.dualClip = 0.5 }?.contains("must exceed 1") == true)
    }

    @Test func docCommentsStateTheDefaultsTheInitializerGives() throws {
        // The defaults are written once, on the properties; their doc comments repeat them for the
        // reader ("Default 0.2"), so this keeps each repetition equal to the field's default.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Training/TrainerConfig.swift")
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var doc: [String] = []
        var checked = 0
        for raw in lines {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("///") { doc.append(String(line.dropFirst(3))); continue }
            defer { doc = [] }
            guard line.hasPrefix("public var "), let name = line.dropFirst("public var ".count).split(separator: ":").first,
                  let field = TrainerConfig.fields.first(where: { $0.property == String(name) }) else { continue }
            let comment = doc.joined(separator: " ")
            guard let r = comment.range(of: #"Default \S+?(?=[;:,)]|\.(\s|$)|\s|$)"#, options: .regularExpression) else { continue }
            let stated = String(comment[r].dropFirst("Default ".count))
            let actual = field.defaultText
            if let s = Double(stated), let a = Double(actual) {
                #expect(s == a, "\(name): the comment says \(stated), the default is \(actual)")
            } else if stated == "on" || stated == "off" {
                #expect(actual == stated || actual == (stated == "on" ? "true" : "false"), "\(name): the comment says \(stated), the default is \(actual)")
            } else if case .choice(let words) = field.spec.kind, words.contains(stated) {
                #expect(actual == stated, "\(name): the comment says \(stated), the default is \(actual)")
            } else {
                continue  // prose ("group mean/std (GRPO)")
            }
            checked += 1
        }
        #expect(checked >= 25, "only \(checked) stated defaults were found")
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

    /// Each preset against the values its paper states (the citation `help rl` shows).
    @Test func presetsAreThePapers() {
        let grpo = TrainerConfig(preset: .grpo)      // DeepSeekMath §4.1: ε 0.2, β 0.04 (k3), per-sequence mean, μ 1
        #expect(grpo.advantage == .groupMeanStd && grpo.epsilonLow == 0.2 && grpo.epsilonHigh == 0.2)
        #expect(grpo.klCoefficient == 0.04 && grpo.klEstimator == .k3 && grpo.lossAggregation == .seqMeanTokenMean)
        #expect(grpo.updatesPerBatch == 1 && grpo.minibatches == 1)
        let dr = TrainerConfig(preset: .drGRPO)      // Dr. GRPO: no std, constant normaliser, no KL
        #expect(dr.advantage == .groupMean && dr.lossAggregation == .seqMeanTokenSumNorm && dr.klCoefficient == 0)
        let dapo = TrainerConfig(preset: .dapo)      // DAPO: clip-higher 0.2/0.28, token mean, dynamic sampling, 16 updates
        #expect(dapo.epsilonLow == 0.2 && dapo.epsilonHigh == 0.28 && dapo.lossAggregation == .tokenMean)
        #expect(dapo.dynamicSampling && dapo.maskTruncated && dapo.klCoefficient == 0 && dapo.minibatches == 16)
        let rloo = TrainerConfig(preset: .rloo)
        #expect(rloo.advantage == .leaveOneOut && rloo.klCoefficient == 0)
        #expect(TrainerPreset.allCases.allSatisfy { !$0.citation.isEmpty })
        #expect(TrainerPreset.dapo.citation.contains("Yu et al. 2025") && TrainerPreset.grpo.citation.contains("0.04"))
    }

    @Test func settingsNameTheNearestPresetAndTheDifferences() throws {
        for p in TrainerPreset.allCases {
            let c = TrainerConfig(preset: p)
            #expect(c.closestPreset.preset == p && c.closestPreset.differences.isEmpty)
            #expect(c.settingsSummary == "algo=\(p.rawValue)")
        }
        var c = TrainerConfig(preset: .grpo)
        try c.set("kl", to: "0")
        try c.set("loss", to: "token-mean")
        let (preset, differences) = c.closestPreset
        #expect(preset == .grpo)
        #expect(differences.count == 2)
        #expect(c.settingsSummary.hasPrefix("algo=grpo + "))
        #expect(differences.contains { $0.presetValue == "0.04" && $0.value == "0" })
    }

    @Test func inertKnobsAreWarnedAbout() throws {
        // DAPO's clip-higher with one update per batch: every ratio is 1.
        var c = TrainerConfig(preset: .dapo)
        #expect(c.inertKnobWarnings.isEmpty)
        c.minibatches = 1
        #expect(c.inertKnobWarnings.count == 1 && c.inertKnobWarnings[0].contains("cannot act"))
        c.updatesPerBatch = 2
        #expect(c.inertKnobWarnings.isEmpty)
        c = TrainerConfig(preset: .dapo)
        c.promptsPerStep = 2; c.samplesPerPrompt = 4          // 8 completions, 16 minibatches
        #expect(c.inertKnobWarnings.contains { $0.contains("minibatches=16 exceeds the 8 completions") })
        // KL with no estimator, ref_sync with no KL.
        c = TrainerConfig(preset: .grpo)
        c.klEstimator = .none
        #expect(c.inertKnobWarnings.contains { $0.contains("kl_estimator=none") })
        c = TrainerConfig(preset: .grpo)
        c.klCoefficient = 0; c.referenceSyncInterval = 10
        #expect(c.inertKnobWarnings.contains { $0.contains("ref_sync=10") })
        // n = 1: dynamic sampling drops everything; group baselines are the sample itself.
        c = TrainerConfig(preset: .dapo)
        c.samplesPerPrompt = 1; c.advantage = .none; c.minibatches = 1; c.epsilonHigh = 0.2
        try c.validate()
        #expect(c.inertKnobWarnings == [c.inertKnobWarnings.first { $0.contains("dynamic_sampling with n=1") } ?? "missing"])
    }

    @Test func learningRateScheduleIsTheOneSchedule() {
        // The config names a schedule (its values are tested once, in OptimizerTests).
        var c = TrainerConfig()
        c.learningRate = 1
        c.warmupSteps = 10
        c.schedule = .cosine
        c.minLearningRateRatio = 0.1
        #expect(c.learningRateSchedule(runSteps: 110) == LearningRateSchedule(peak: 1, warmupSteps: 10, decay: .cosine(totalSteps: 110, floorRatio: 0.1)))
        c.totalSteps = 50
        #expect(c.learningRateSchedule(runSteps: 110).decay == .cosine(totalSteps: 50, floorRatio: 0.1))
        c.schedule = .constant
        #expect(c.learningRateSchedule(runSteps: 110) == LearningRateSchedule(peak: 1, warmupSteps: 10))
        #expect(c.learningRate(at: 50, runSteps: 110) == 1)
    }

    @Test func configIsCodable() throws {
        let c = TrainerConfig(preset: .dapo)
        let back = try JSONDecoder().decode(TrainerConfig.self, from: JSONEncoder().encode(c))
        #expect(back == c)
        // Every field, changed alone, survives the round trip (the decoder reads the field table).
        for field in TrainerConfig.fields {
            var changed = TrainerConfig()
            let current = field.value(in: changed).description
            var candidates = field.spec.choices.filter { $0 != current }
            if let bounds = field.spec.bounds {
                let value: Double = Double(current) ?? bounds.lowerBound
                let options: [Double] = [value + 1, value / 2, bounds.upperBound, bounds.lowerBound]
                for option in options where bounds.contains(option) && option != value {
                    let whole: Bool = option == option.rounded() && abs(option) < 1e15
                    candidates.append(whole ? String(Int(option)) : String(option))
                }
            }
            var set = false
            for candidate in candidates where !set {
                var copy = changed
                if (try? copy.set(field.key, to: candidate)) != nil, copy != changed { changed = copy; set = true }
            }
            #expect(set, "found no other valid value for \(field.key)")
            let decoded = try JSONDecoder().decode(TrainerConfig.self, from: JSONEncoder().encode(changed))
            #expect(decoded == changed, "\(field.key) did not survive encoding")
        }
    }

    @Test func aConfigSavedWithFlatSamplingFieldsStillLoads() throws {
        // The shape trainer_state.json had before the sampling fields moved into `sampling`.
        let old = #"{"temperature": 0.7, "topK": 5, "topP": 0.9, "maxNewTokens": 12, "thinkingBudget": 0, "waitExtensions": 1, "learningRate": 0.001}"#
        let c = try JSONDecoder().decode(TrainerConfig.self, from: Data(old.utf8))
        #expect(c.sampling.temperature == 0.7 && c.sampling.topK == 5 && c.sampling.topP == 0.9)
        #expect(c.sampling.maxNewTokens == 12 && c.sampling.waitExtensions == 1 && c.learningRate == 0.001)
        #expect(c.sampling.thinkingBudget == nil, "a saved budget of 0 meant no cap")
        let capped = try JSONDecoder().decode(TrainerConfig.self, from: Data(#"{"thinkingBudget": 8}"#.utf8))
        #expect(capped.sampling.thinkingBudget == 8)
        // A sampling value saved without some of its keys keeps their defaults.
        let partial = try JSONDecoder().decode(TrainerConfig.self, from: Data(#"{"sampling": {"temperature": 0.5}}"#.utf8))
        #expect(partial.sampling == GenerationOptions(temperature: 0.5))
        // The new shape round-trips.
        #expect(try JSONDecoder().decode(TrainerConfig.self, from: JSONEncoder().encode(c)) == c)
    }

    @Test func typedValuesSetFieldsWithoutText() throws {
        var c = TrainerConfig()
        try c.set("temperature", to: .real(0.7))
        #expect(c.sampling.temperature == 0.7)
        #expect(try c.value(of: "temperature") == "0.7", "a Float setting shows its own shortest text")
        try c.set("mu", to: .whole(2))
        #expect(c.updatesPerBatch == 2)
        try c.set("lr", to: .whole(1))  // a whole number is a real number
        #expect(c.learningRate == 1)
        try c.set("budget", to: .whole(8))
        #expect(c.sampling.thinkingBudget == 8)
        try c.set("budget", to: .whole(0))
        #expect(c.sampling.thinkingBudget == 0, "0 answers without thinking, as in eval")
        try c.set("budget", to: .word("off"))
        #expect(c.sampling.thinkingBudget == nil)
        try c.set("budget", to: "12")
        #expect(c.sampling.thinkingBudget == 12)
        #expect(throws: TrainingError.self) { try c.set("budget", to: .word("lots")) }
        let before = c
        #expect(throws: TrainingError.self) { try c.set("mu", to: .real(1.5)) }
        #expect(throws: TrainingError.self) { try c.set("loss", to: .whole(3)) }
        #expect(throws: TrainingError.self) { try c.set("top_p", to: .real(2)) }
        #expect(c == before, "a refused value leaves the config as it was")
        // The field's kind parses text the same way the REPL's parser would.
        let mu = try TrainerConfig.field("mu")
        #expect(mu.spec.kind == .whole)
        #expect(try mu.spec.parse("3") == .whole(3))
        #expect(throws: FieldError.self) { try mu.spec.parse("3.5") }
    }

    @Test func samplingRangesAreCheckedOnceForEveryUser() {
        // The trainer, the decoder and the remote client all report the sampling value's problem.
        var bad = TrainerConfig()
        bad.sampling.topP = 0
        #expect(bad.sampling.problem?.contains("top_p=0.0") == true)
        #expect(throws: TrainingError.self) { try bad.validate() }
        var controls = DecodeControls(sampling: bad.sampling)
        #expect(throws: ModelError.self) { try controls.validate(vocabSize: 8) }
        controls.sampling.topP = 1
        #expect(throws: Never.self) { try controls.validate(vocabSize: 8) }
    }
}
