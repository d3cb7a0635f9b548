// Thinking sweep tests, through the runner and the real engine: budget forcing ends thinking at
// exactly N tokens, W wait extensions add exactly W rounds, points carry their budget and
// measured tokens, and the TSV of a real sweep round-trips.
import Foundation
import Testing
import Kernels
import Models
import Tasks
@testable import Evaluation

@Suite("Thinking sweep")
struct ThinkingSweepTests {
    @Test("budget forcing ends thinking at exactly N tokens; points and TSV round-trip")
    func budgets() throws {
        let tokenizer = try runnerTokenizer()
        let generator = try LocalGenerator(model: try steeredModel(tokenizer, favouring: try tokenID(tokenizer, "7")),
                                           tokenizer: tokenizer)
        let problems = additionProblems([(40, 37), (1, 2), (3, 3)], openThinking: true)
        let result = try thinkingSweep(generator: generator, dataset: testDataset(problems), problems: problems, samples: 2,
                                       settings: thinkingGrid(budgets: [2, 5]), options: GenerationOptions(maxNewTokens: 8),
                                       methods: [.pass, .maj], ks: [1, 2],
                                       sweepOptions: SweepOptions(subsets: 4, resamples: 50), seed: 9)
        #expect(result.runs.count == 2)
        for (run, budget) in zip(result.runs, [2, 5]) {
            #expect(run.options.thinkingBudget == budget)
            for text in run.texts.joined() {
                #expect(text.thinkingTokens == budget)
                #expect(ThinkingSpan.thinkingCharacterCount(text.text, startsInside: true) == budget)
                #expect(text.text == String(repeating: "7", count: budget) + "</think>" + String(repeating: "7", count: 7 - budget))
            }
        }
        #expect(result.points.count == 8)
        #expect(result.points.map(\.budget) == [2, 2, 2, 2, 5, 5, 5, 5])
        // Every completion is 8 tokens, so k samples cost 8k. Budget N leaves 7 − N sevens as the
        // answer: "77" at budget 5 (right for problem 0 only, gold 77), "77777" at budget 2 (never right).
        for point in result.points {
            #expect(point.meanTokens == Double(8 * point.k))
            #expect(abs(point.accuracy - (point.budget == 5 ? 1.0 / 3.0 : 0)) < 1e-12)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verity-sweep-\(UUID().uuidString)/sweep.tsv")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try writeSweepTSV(result.points, to: url)
        #expect(try readSweepTSV(from: url) == result.points)
    }

    @Test("W wait extensions add exactly W rounds of thinking")
    func waits() throws {
        let tokenizer = try runnerTokenizer()
        let close = try tokenID(tokenizer, "</think>")
        let generator = try LocalGenerator(model: try steeredModel(tokenizer, favouring: close), tokenizer: tokenizer)
        let problems = additionProblems([(1, 2), (2, 2)], openThinking: true)
        let options = GenerationOptions(maxNewTokens: 40, stopStrings: ["</think>"], waitText: " Wait")
        var reported: [[Int]] = []
        let result = try thinkingSweep(generator: generator, dataset: testDataset(problems), problems: problems, samples: 3,
                                       settings: thinkingGrid(budgets: [nil], waits: [0, 1, 3]), options: options,
                                       methods: [.pass], ks: [1], sweepOptions: SweepOptions(subsets: 2, resamples: 20), seed: 4,
                                       progress: { reported.append([$0, $1]) })
        #expect(reported == [[2, 6], [4, 6], [6, 6]])
        let again = try thinkingSweep(generator: generator, dataset: testDataset(problems), problems: problems, samples: 3,
                                      settings: thinkingGrid(budgets: [nil], waits: [0, 1, 3]), options: options,
                                      methods: [.pass], ks: [1], sweepOptions: SweepOptions(subsets: 2, resamples: 20), seed: 4)
        #expect(again.points == result.points)
        #expect(again.runs.map(\.texts) == result.runs.map(\.texts))
        for (run, waits) in zip(result.runs, [0, 1, 3]) {
            #expect(run.options.waitExtensions == waits)
            for text in run.texts.joined() {
                #expect(text.text.components(separatedBy: " Wait").count - 1 == waits)
                #expect(text.text == String(repeating: " Wait", count: waits) + "</think>")
                #expect(text.thinkingTokens == 5 * waits)
                #expect(text.finishReason == .stopString)
            }
        }
        #expect(result.points.map(\.method) == ["pass", "pass+w1", "pass+w3"])
        #expect(result.points.map(\.meanTokens) == [1, 6, 16])
    }

    @Test("bad settings are refused")
    func badSettings() throws {
        let tokenizer = try runnerTokenizer()
        let generator = try LocalGenerator(model: try tinyModel(tokenizer), tokenizer: tokenizer)
        let problems = additionProblems([(1, 2)])
        for settings in [[], [ThinkingSetting(budget: -1)], [ThinkingSetting(budget: 4, waits: -2)]] {
            #expect(throws: EvaluationError.self) {
                _ = try thinkingSweep(generator: generator, dataset: testDataset(problems), problems: problems, samples: 1,
                                      settings: settings, options: GenerationOptions(), seed: 1)
            }
        }
    }
}
