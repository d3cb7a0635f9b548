// The "Thinking pays" recipe (RECIPES.md), run only when VERITY_RECIPE=1 (it takes minutes):
// after the SFT warm start, GRPO must raise held-out greedy accuracy by ≥ 15 points within
// 5 minutes on 2 cores, with the mean completion length and the worked share rising too. Prints
// the table (about 2.5 minutes here). VERITY_RECIPE_PROBE=1 runs the SFT probe instead; the
// VERITY_RECIPE_* variables of `settings()` override single settings for experiments.
import Foundation
import Testing
@testable import Training
import Models
import Tasks

@Suite struct RecipeTests {
    /// Progress to stderr (unbuffered, so a log file shows it as it happens).
    static func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    /// The recipe's settings with the VERITY_RECIPE_* overrides of the environment.
    static func settings() -> ThinkingPaysSettings {
        let env = ProcessInfo.processInfo.environment
        var settings = ThinkingPaysSettings()
        if let steps = env["VERITY_RECIPE_SFT_STEPS"].flatMap(Int.init) { settings.sftSteps = steps }
        if let steps = env["VERITY_RECIPE_RL_STEPS"].flatMap(Int.init) { settings.rlSteps = steps }
        if let width = env["VERITY_RECIPE_BUCKET"].flatMap(Int.init) { settings.sftBucketWidth = width }
        if let seed = env["VERITY_RECIPE_SEED"].flatMap(UInt64.init) { settings.seed = seed }
        if let train = env["VERITY_RECIPE_TRAIN"].flatMap(Int.init) { settings.trainProblems = train }
        if let schedule = env["VERITY_RECIPE_SCHEDULE"].flatMap(Int.init) { settings.sftScheduleSteps = schedule }
        if let initialization = env["VERITY_RECIPE_INIT"].flatMap(WeightInitialization.init(rawValue:)) {
            settings.initialization = initialization
        }
        return settings
    }

    /// SFT diagnostics only (VERITY_RECIPE_PROBE=1): greedy, forced-direct and forced-worked accuracy
    /// at several steps of one warm start. The reference's start: direct ≈ 8%, worked ≈ 88%.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VERITY_RECIPE_PROBE"] == "1"))
    func probe() throws {
        let steps = ProcessInfo.processInfo.environment["VERITY_RECIPE_PROBE_STEPS"]?.split(separator: ",").compactMap { Int($0) }
            ?? [600, 900, 1_200, 1_400]
        let rows = try ThinkingPays.probeSFT(Self.settings(), steps: steps, progress: { Self.log($0) })
        #expect(rows.map { $0.step } == Array(Set(steps)).sorted())
        // Every measured share is a share.
        #expect(rows.allSatisfy { (0...1).contains($0.direct) && (0...1).contains($0.worked) })
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["VERITY_RECIPE"] == "1"))
    func thinkingPays() throws {
        let settings = Self.settings()
        let report = try ThinkingPays.run(settings, progress: { Self.log($0) })
        print(String(format: "params %d  SFT %.1f s (%.0f tok/s, loss %.4f)  GRPO step %.3f s = sampling %.3f + training %.3f",
                     report.parameters, report.sftSeconds, report.sftTokensPerSecond, report.sftLoss,
                     report.stepSeconds, report.samplingSeconds, report.trainingSeconds))
        print("| RL step | seconds | worked share (T=1) | mean length | held-out greedy accuracy | T=1 accuracy |")
        for r in report.rows {
            print(String(format: "| %d | %.1f | %.2f | %.1f | %.1f%% | %.1f%% |", r.step, r.seconds, r.workedShare, r.meanLength,
                         100 * r.greedyAccuracy, 100 * r.sampledAccuracy))
        }
        let first = try #require(report.rows.first), best = try #require(report.rows.max { $0.greedyAccuracy < $1.greedyAccuracy })
        #expect(best.greedyAccuracy - first.greedyAccuracy >= 0.15)
        #expect(best.seconds <= 300)
        #expect(report.rows.last?.meanLength ?? 0 > first.meanLength)
        // The chapter's claim: accuracy rises because the policy learns to think.
        #expect(report.rows.last?.workedShare ?? 0 > first.workedShare + 0.3)
    }

    /// The recipe conditions on the prompt alone: its 18-symbol vocabulary has no `<bos>`, so no
    /// fixed first token gives a rotary model an anchor for absolute positions.
    @Test func recipePromptsHaveNoBos() throws {
        var s = ThinkingPaysSettings()
        s.trainProblems = 10
        s.testProblems = 2
        let setup = try ThinkingPays.prepare(s)
        #expect(setup.tokenizer.vocabularySize == 18 && setup.tokenizer.special.bos == nil)
        #expect(setup.model.config.vocabSize == 18)
        let ids = try encodePrompt("123+456=", tokenizer: setup.tokenizer)
        #expect(setup.tokenizer.decode(ids) == "123+456=" && ids.count == 8)
        let examples = try sftExamples(problems: setup.dataset.train, dataset: setup.dataset, tokenizer: setup.tokenizer)
        #expect(examples.allSatisfy { $0.prompt.count == 8 && $0.completion.last == setup.tokenizer.special.eos })
    }

    /// The GRPO benchmark on the recipe's shapes: one warm-up and `steps` timed steps, each split
    /// into sampling and training, with 128 samples of at most 48 tokens.
    @Test func grpoTimingSplitsTheStep() throws {
        let timings = try ThinkingPays.timeGRPO(steps: 2, threads: 1, seed: 5)
        #expect(timings.count == 2)
        for t in timings {
            #expect(t.samplingSeconds > 0 && t.trainingSeconds > 0)
            #expect(t.meanLength >= 1 && t.meanLength <= 48)
            #expect(abs(t.samplingTokensPerSecond * t.samplingSeconds - 128 * t.meanLength) < 1e-6 * 128 * 48)
        }
        #expect(throws: TrainingError.self) { try ThinkingPays.timeGRPO(steps: 0) }
    }

    /// The probe's forced forms: the direct form is `<think></think>`, the worked form starts with
    /// the first operand's last digit, as every worked solution of the task does.
    @Test func forcedPrefixesMatchTheSolutions() throws {
        let task = try ArithmeticTask(operation: .add, digits: 3...3, think: .always)
        let p = task.problem(123, 456, worked: true)
        #expect(ThinkingPays.workedPrefix(p) == "<think>3")
        #expect(try #require(p.solution).hasPrefix(ThinkingPays.workedPrefix(p)))
        let direct = task.problem(123, 456, worked: false)
        #expect(try #require(direct.solution).hasPrefix(ThinkingPays.directPrefix(direct)))
        let (forced, prefixes) = ThinkingPays.forcing([p, direct], ThinkingPays.workedPrefix)
        #expect(forced.map(\.prompt) == ["123+456=<think>3", "123+456=<think>3"] && prefixes == ["<think>3", "<think>3"])
    }
}
