// Runner tests: determinism under a seed, chunked progress, cancellation discarding partial work,
// and token accounting and scoring checked against hand-computed tiny cases.
import Foundation
import Testing
import Kernels
import Models
import Tasks
@testable import Evaluation

/// A generator that counts its calls and cancels the run after `cancelAfter` of them.
final class CancellingGenerator: Generator, @unchecked Sendable {
    let inner: LocalGenerator
    var calls = 0
    let cancelAfter: Int
    var name: String { inner.name }
    init(_ inner: LocalGenerator, cancelAfter: Int) { self.inner = inner; self.cancelAfter = cancelAfter }
    func generate(prompts: [String], samplesPerPrompt: Int, options: GenerationOptions, seed: UInt64,
                  isCancelled: () -> Bool) throws -> [[GeneratedText]] {
        calls += 1
        return try inner.generate(prompts: prompts, samplesPerPrompt: samplesPerPrompt, options: options, seed: seed,
                                  isCancelled: isCancelled)
    }
}

@Suite("Runner")
struct RunnerTests {
    @Test("the same seed gives the same run; another seed another; progress per chunk")
    func determinism() throws {
        let tokenizer = try runnerTokenizer()
        let generator = try LocalGenerator(model: try tinyModel(tokenizer), tokenizer: tokenizer)
        let problems = additionProblems((0..<7).map { ($0, 7 - $0) })
        let dataset = testDataset(problems)
        let options = GenerationOptions(maxNewTokens: 12, temperature: 1)
        var calls: [[Int]] = []
        let a = try evaluate(generator: generator, dataset: dataset, problems: problems, samples: 4, options: options,
                             chunking: RunChunking(promptsPerChunk: 3), seed: 11, progress: { calls.append([$0, $1]) })
        let b = try evaluate(generator: generator, dataset: dataset, problems: problems, samples: 4, options: options,
                             chunking: RunChunking(promptsPerChunk: 3), seed: 11)
        let c = try evaluate(generator: generator, dataset: dataset, problems: problems, samples: 4, options: options,
                             chunking: RunChunking(promptsPerChunk: 3), seed: 12)
        #expect(a.texts == b.texts)
        #expect(a.samples == b.samples)
        #expect(a.texts != c.texts)
        #expect(calls == [[3, 7], [6, 7], [7, 7]])
        #expect(a.samples.map(\.problemID) == problems.map(\.id))
        #expect(a.samples.allSatisfy { $0.n == 4 })
        // Every record agrees with scoring its text directly through the data set.
        for (p, problem) in problems.enumerated() {
            for (text, sample) in zip(a.texts[p], a.samples[p].samples) {
                #expect(sample.correct == dataset.isCorrect(completion: text.text, problem: problem))
                #expect(sample.answerKey == dataset.answerKey(completion: text.text))
                #expect(sample.generatedTokens == text.tokenCount)
                #expect(sample.logprob == text.logprob)
            }
        }
    }

    // The flag turns true during the second call; the engine polls it between decode steps, so that
    // call throws too and only the first chunk ever reports progress.
    @Test("a cancelled run throws mid-run and returns nothing")
    func cancellation() throws {
        let tokenizer = try runnerTokenizer()
        let local = try LocalGenerator(model: try tinyModel(tokenizer), tokenizer: tokenizer)
        let generator = CancellingGenerator(local, cancelAfter: 2)
        let problems = additionProblems((0..<6).map { ($0, 1) })
        var kept: EvaluationRun? = nil
        var progressed: [Int] = []
        #expect(throws: CancellationError.self) {
            kept = try evaluate(generator: generator, dataset: testDataset(problems), problems: problems, samples: 2,
                                options: GenerationOptions(maxNewTokens: 8), chunking: RunChunking(promptsPerChunk: 2),
                                seed: 3, isCancelled: { generator.calls >= generator.cancelAfter },
                                progress: { done, _ in progressed.append(done) })
        }
        #expect(kept == nil)
        #expect(generator.calls == 2)
        #expect(progressed == [2])
    }

    @Test("bad arguments are errors that say what to change")
    func badArguments() throws {
        let tokenizer = try runnerTokenizer()
        let generator = try LocalGenerator(model: try tinyModel(tokenizer), tokenizer: tokenizer)
        let problems = additionProblems([(1, 2)])
        #expect(throws: EvaluationError.self) {
            _ = try evaluate(generator: generator, dataset: testDataset(problems), problems: problems, samples: 0,
                             options: GenerationOptions(), seed: 1)
        }
        #expect(throws: EvaluationError.self) {
            _ = try evaluate(generator: generator, dataset: testDataset(problems), problems: problems + problems, samples: 1,
                             options: GenerationOptions(), seed: 1)
        }
    }

    @Test("token accounting and scoring on hand-checked completions")
    func tokenAccounting() throws {
        let tokenizer = try runnerTokenizer()
        let seven = try tokenID(tokenizer, "7")
        let generator = try LocalGenerator(model: try steeredModel(tokenizer, favouring: seven), tokenizer: tokenizer)
        // "40+37=<think>" → 8 prompt tokens with <bos>; "1+2=<think>" → 6. Gold answers 77 and 3.
        let problems = additionProblems([(40, 37), (1, 2)], openThinking: true)
        let dataset = testDataset(problems)
        // Budget 3, 6 tokens: "777</think>77" — 3 thinking, 3 answer (</think> and two 7s).
        let run = try evaluate(generator: generator, dataset: dataset, problems: problems, samples: 2,
                               options: GenerationOptions(maxNewTokens: 6, temperature: 0, thinkingBudget: 3), seed: 5)
        #expect(run.texts.joined().allSatisfy { $0.text == "777</think>77" && $0.tokenCount == 6 && $0.thinkingTokens == 3 })
        #expect(run.samples.map(\.promptTokens) == [8, 6])
        #expect(run.samples[0].samples.allSatisfy { $0.correct && $0.answerKey == "77" && $0.answerTokens == 3 })
        #expect(run.samples[1].samples.allSatisfy { !$0.correct && $0.answerKey == "77" })
        let summary = try summarize(run)
        #expect(summary.greedy)
        #expect(summary.accuracy == 0.5)
        #expect(summary.passAtK == [KValue(k: 1, value: 0.5), KValue(k: 2, value: 0.5)])
        #expect(summary.majAtK == [KValue(k: 1, value: 0.5), KValue(k: 2, value: 0.5)])
        #expect(summary.perSample.generated == 6 && summary.perSample.thinking == 3 && summary.perSample.answer == 3)
        #expect(summary.perSample.prompt == 7)
        #expect(summary.perProblem.generated == 12 && summary.perProblem.total == 19)
        #expect(summary.formatFailures == 0)
        #expect(summary.finishReasons == FinishCounts(stop: 0, stopString: 0, length: 4))

        // No budget, 4 tokens: "7777" never closes thinking — no answer, a format failure each.
        let open = try evaluate(generator: generator, dataset: dataset, problems: problems, samples: 1,
                                options: GenerationOptions(maxNewTokens: 4, temperature: 0), seed: 5)
        #expect(open.texts.joined().allSatisfy { $0.text == "7777" && $0.thinkingTokens == 4 })
        let openSummary = try summarize(open)
        #expect(openSummary.formatFailures == 2 && openSummary.formatFailureRate == 1)
        #expect(openSummary.accuracy == 0)
        #expect(openSummary.perSample.answer == 0 && openSummary.perSample.thinking == 4)
    }
}
