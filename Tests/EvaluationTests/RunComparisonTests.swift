// Comparison tests: two engine generators on the same problems, compared by the paired bootstrap,
// with accuracies checked by hand; runs over different problems are refused.
import Foundation
import Testing
import Kernels
import Models
import Tasks
@testable import Evaluation

@Suite("Run comparison")
struct RunComparisonTests {
    @Test("paired comparison of two generators on hand-checked problems")
    func compare() throws {
        let tokenizer = try runnerTokenizer()
        let sevens = try LocalGenerator(model: try steeredModel(tokenizer, favouring: try tokenID(tokenizer, "7")),
                                        tokenizer: tokenizer, name: "sevens")
        let eights = try LocalGenerator(model: try steeredModel(tokenizer, favouring: try tokenID(tokenizer, "8")),
                                        tokenizer: tokenizer, name: "eights")
        // Budget 1, 4 tokens: "7</think>77" answers 77, "8</think>88" answers 88.
        let problems = additionProblems([(40, 37), (70, 7), (1, 2), (3, 4), (80, 8)], openThinking: true)
        let dataset = testDataset(problems)
        let options = GenerationOptions(maxNewTokens: 4, temperature: 0, thinkingBudget: 1)
        let a = try evaluate(generator: sevens, dataset: dataset, problems: problems, samples: 1, options: options, seed: 1)
        let b = try evaluate(generator: eights, dataset: dataset, problems: problems, samples: 1, options: options, seed: 1)
        let result = try compareRuns(a, b, resamples: 2000, seed: 7)
        #expect(result.nameA == "sevens" && result.nameB == "eights")
        #expect(result.problems == 5)
        #expect(result.accuracyA == 0.4 && result.accuracyB == 0.2)
        #expect(abs(result.bootstrap.meanDifference - 0.2) < 1e-12)
        #expect(result.bootstrap.low <= 0.2 && result.bootstrap.high >= 0.2)
        #expect(result.bootstrap.shareAGreater > 0.5)
        // Same seed, same answer.
        #expect(try compareRuns(a, b, resamples: 2000, seed: 7) == result)

        let fewer = try evaluate(generator: eights, dataset: dataset, problems: Array(problems.prefix(3)), samples: 1,
                                 options: options, seed: 1)
        #expect(throws: EvaluationError.self) { _ = try compareRuns(a, fewer, seed: 7) }
    }
}
