// Value-guided search: beam width 1 with one greedy expansion is greedy decoding (text and token
// count), the search's token accounting counts pruned candidates, the process oracle keeps right
// steps, and a value model trained on the verifier's separable toy ranks completions.
import Foundation
import Testing
import Kernels
import Models
import Tasks
@testable import Evaluation

@Suite("Value-guided search")
struct ValueSearchTests {
    func stepEnds(_ tokenizer: CharTokenizer) throws -> [[Int]] {
        [[try tokenID(tokenizer, " ")], [try #require(tokenizer.special.thinkEnd)]]
    }

    @Test("width 1, one greedy expansion per step, is greedy decoding")
    func widthOneIsGreedy() throws {
        let tokenizer = try runnerTokenizer()
        let problems = additionProblems([(3, 4), (12, 9), (45, 45), (7, 0), (88, 13)])
        let dataset = testDataset(problems)
        for seed: UInt64 in [1, 2, 3] {
            let model = try tinyModel(tokenizer, seed: seed)
            let value = try ValueModel.fresh(tokenizer: tokenizer, layers: 1, hiddenSize: 16, heads: 2, intermediateSize: 32,
                                             maxPositions: 128, seed: seed)
            let config = BeamSearchConfig(width: 1, expand: 1, sampling: GenerationOptions(maxNewTokens: 24, temperature: 0), stepEnds: try stepEnds(tokenizer))
            let searched = try beamSearch(policy: model, tokenizer: tokenizer, dataset: dataset, problems: problems,
                                          scorer: ValuePrefixScorer(value: value), config: config, seed: 5)
            let generator = try LocalGenerator(model: model, tokenizer: tokenizer)
            let greedy = try generator.generate(prompts: problems.map(\.prompt), samplesPerPrompt: 1,
                                                options: GenerationOptions(maxNewTokens: 24, temperature: 0), seed: 5,
                                                isCancelled: { false })
            for (s, g) in zip(searched, greedy) {
                #expect(s.text == g[0].text)
                #expect(s.generatedTokens == g[0].tokenCount)
                #expect(s.tokens.count == g[0].tokenCount)
            }
            // Best-first with one greedy child per expansion and enough expansions walks the same chain.
            var tree = config
            tree.strategy = .bestFirst
            tree.width = 64
            let walked = try beamSearch(policy: model, tokenizer: tokenizer, dataset: dataset, problems: problems,
                                        scorer: ValuePrefixScorer(value: value), config: tree, seed: 5)
            #expect(walked.map(\.text) == greedy.map { $0[0].text })
            #expect(walked.map(\.generatedTokens) == greedy.map { $0[0].tokenCount })
        }
    }

    @Test("every sampled token counts, and a run and a point carry the cost")
    func tokenAccounting() throws {
        let tokenizer = try runnerTokenizer()
        let problems = additionProblems([(3, 4), (12, 9), (45, 45)])
        let dataset = testDataset(problems)
        let model = try tinyModel(tokenizer, seed: 4)
        let value = try ValueModel.fresh(tokenizer: tokenizer, layers: 1, hiddenSize: 16, heads: 2, intermediateSize: 32,
                                         maxPositions: 128, seed: 4)
        let config = BeamSearchConfig(width: 3, expand: 2, sampling: GenerationOptions(maxNewTokens: 16), stepEnds: try stepEnds(tokenizer))
        let outcomes = try beamSearch(policy: model, tokenizer: tokenizer, dataset: dataset, problems: problems,
                                      scorer: ValuePrefixScorer(value: value), config: config, seed: 9)
        for o in outcomes {
            // At least the chosen completion, and more: pruned and sibling candidates were sampled too.
            #expect(o.generatedTokens > o.tokens.count)
            #expect(o.tokens.count <= 16)
        }
        // Same seed, same search.
        let again = try beamSearch(policy: model, tokenizer: tokenizer, dataset: dataset, problems: problems,
                                   scorer: ValuePrefixScorer(value: value), config: config, seed: 9)
        #expect(again == outcomes)
        let run = try searchRun(outcomes, problems: problems, generatorName: "tiny", dataset: dataset,
                                options: GenerationOptions(), seed: 9)
        #expect(run.samplesPerProblem == 1)
        #expect(run.samples.map { $0.samples[0].generatedTokens } == outcomes.map(\.generatedTokens))
        var rng = RNG(seed: 1)
        let point = try searchPoint(outcomes, method: "beam-value", width: 3, using: &rng)
        #expect(point.k == 3)
        #expect(abs(point.meanTokens - Double(outcomes.reduce(0) { $0 + $1.generatedTokens }) / 3) < 1e-12)
        #expect(point.low <= point.accuracy && point.accuracy <= point.high)
        #expect(throws: EvaluationError.self) {
            _ = try beamSearch(policy: model, tokenizer: tokenizer, dataset: dataset, problems: problems,
                               scorer: ValuePrefixScorer(value: value), config: BeamSearchConfig(width: 0), seed: 1)
        }
        // Best-first: at most `width` expansions of `expand` children each.
        var tree = config
        tree.strategy = .bestFirst
        tree.width = 3
        let searchedTree = try beamSearch(policy: model, tokenizer: tokenizer, dataset: dataset, problems: problems,
                                          scorer: ValuePrefixScorer(value: value), config: tree, seed: 9)
        #expect(searchedTree.allSatisfy { $0.steps <= 3 && $0.generatedTokens >= $0.tokens.count })
    }

    @Test("the process oracle scores 1 until the first wrong step")
    func processScorer() throws {
        let tokenizer = try runnerTokenizer()
        let problem = try ArithmeticTask(operation: .add, digits: 2...2, think: .always).problem(37, 18, worked: true)
        let scorer = ProcessPrefixScorer(tokenizer: tokenizer)
        let texts = ["<think>7+8=5c1 ", "<think>7+8=4c1 ", "<think>7+8=5c1 3+1=5c0</think>55", "<think>7+8=5c1 3+1=4c0</think>45"]
        let scores = try scorer.scores(problem: problem, prompt: [1], completions: try texts.map { try tokenizer.encode($0) })
        #expect(scores == [1, 0, 1, 0])
        let plain = Problem(id: "x", prompt: "1+1=", answer: "2")
        #expect(throws: EvaluationError.self) { _ = try scorer.scores(problem: plain, prompt: [1], completions: [[1]]) }
    }

    @Test("a value model trained on the separable toy ranks right above wrong")
    func valueTrainingLearnsTheToy() throws {
        let tokenizer = try runnerTokenizer()
        let toy = toyRollouts(seed: 1)
        var examples: [VerifierExample] = []
        for (p, problem) in toy.problems.enumerated() {
            for (text, right) in zip(toy.texts[p], toy.correct[p]) {
                examples.append(VerifierExample(problemID: problem.id, prompt: problem.prompt, completion: text, correct: right))
            }
        }
        var config = ValueTrainingConfig()
        config.steps = 600
        var done: [Int] = []
        let (value, report) = try trainValueModel(examples: examples, tokenizer: tokenizer, policy: nil, config: config, seed: 3,
                                                  progress: { d, _ in done.append(d) })
        #expect(done == Array(1...600))
        let held = try #require(report.heldOut)
        print("value toy: held-out AUC \(held.judged.auc ?? -1), explained variance \(held.explainedVariance)")
        #expect(try #require(held.judged.auc) >= 0.85)
        // Uniform batches instead: calibrated to the toy's 1-in-10 base rate (mean error below 0.05).
        config.balanced = false
        config.steps = 200
        let (uniform, _) = try trainValueModel(examples: examples, tokenizer: tokenizer, policy: nil, config: config, seed: 3)
        let byProblem = Dictionary(grouping: examples, by: \.problemID)
        let sample = toy.problems.prefix(10).flatMap { byProblem[$0.id] ?? [] }
        let finals = try uniform.completionValues(prompts: try sample.map { try encodePrompt($0.prompt, tokenizer: tokenizer) },
                                                  completions: try sample.map { try tokenizer.encode($0.completion) })
        let mean = finals.reduce(0, +) / Double(finals.count)
        #expect(abs(mean - 0.1) < 0.05, "mean final value \(mean)")
        // It saves and loads with the same scores.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("value-toy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try value.save(to: dir)
        let loaded = try ValueModel.load(from: dir)
        let some = Array(examples.prefix(5))
        #expect(try loaded.metrics(on: some) == value.metrics(on: some))
        // One class only: refused with advice.
        #expect(throws: EvaluationError.self) {
            _ = try trainValueModel(examples: examples.filter(\.correct), tokenizer: tokenizer, policy: nil, seed: 1)
        }
    }
}
