// Outcome verifier tests: AUC against a hand count, a verifier that learns a separable toy (the
// answer after </think> agrees or disagrees with the worked sum) above a set held-out accuracy,
// best-of-N with its scores beating one sample, and checkpoint save/load keeping its scores.
import Foundation
import Testing
import Kernels
import Models
import Tasks
@testable import Evaluation

/// Toy rollouts of `a+b=` for one-digit a, b with a one-digit sum s (55 problems): one correct
/// completion `<think>a+b=s</think>s` and `wrongs` wrong ones whose answer digit differs from the
/// worked sum — separable by comparing the answer with the sum in the thinking.
func toyRollouts(seed: UInt64, wrongs wrongCount: Int = 9) -> (problems: [Problem], texts: [[String]], correct: [[Bool]]) {
    var rng = RNG(seed: seed)
    var problems: [Problem] = [], texts: [[String]] = [], correct: [[Bool]] = []
    for a in 0...9 {
        for b in 0...(9 - a) {
            let s = a + b
            problems.append(Problem(id: "\(a)+\(b)", prompt: "\(a)+\(b)=", answer: String(s)))
            var row = ["<think>\(a)+\(b)=\(s)</think>\(s)"], marks = [true]
            var wrongs = Set<Int>()
            while wrongs.count < wrongCount {
                let w = rng.int(below: 10)
                if w != s { wrongs.insert(w) }
            }
            for w in wrongs.sorted() { row.append("<think>\(a)+\(b)=\(s)</think>\(w)"); marks.append(false) }
            texts.append(row); correct.append(marks)
        }
    }
    return (problems, texts, correct)
}

@Suite("Outcome verifier")
struct OutcomeVerifierTests {
    @Test("ROC AUC matches a hand count with ties")
    func auc() {
        // Positives 0.9, 0.8; negatives 0.8, 0.3: pairs 1 + 1 + ½ + 1 = 3.5 of 4.
        #expect(rocAUC(scores: [0.9, 0.8, 0.3, 0.8], labels: [true, false, false, true]) == 0.875)
        #expect(rocAUC(scores: [0.1, 0.2], labels: [true, true]) == nil)
        #expect(rocAUC(scores: [0.1, 0.2], labels: [true, false]) == 0)
    }

    @Test("learns a separable toy, ranks best-of-N, and survives save/load")
    func learnsToy() throws {
        let tokenizer = try runnerTokenizer()
        let toy = toyRollouts(seed: 1)
        let dataset = testDataset(toy.problems)
        var examples: [VerifierExample] = []
        for (p, problem) in toy.problems.enumerated() {
            for (text, right) in zip(toy.texts[p], toy.correct[p]) {
                // The data set's own verdict must agree with the toy's label.
                #expect(dataset.isCorrect(completion: text, problem: problem) == right)
                examples.append(VerifierExample(problemID: problem.id, prompt: problem.prompt, completion: text, correct: right))
            }
        }
        let judgement = try VerifierJudgement.tokens(tokenizer)
        var steps: [Int] = []
        let (verifier, report) = try trainOutcomeVerifier(
            examples: examples, tokenizer: tokenizer, judgement: judgement,
            config: VerifierTrainingConfig(steps: 600, heldOutFraction: 0.2), seed: 3, progress: { done, _ in steps.append(done) })
        #expect(steps == Array(1...600))
        #expect(report.heldOutProblems.count == 11)
        let held = try #require(report.heldOut)
        #expect(held.count == 110 && held.positives == 11)
        #expect(held.balancedAccuracy >= 0.85)
        #expect(try #require(held.auc) >= 0.9)
        #expect(report.train.balancedAccuracy >= 0.9)

        // Best-of-10 by the verifier on the held-out problems (one right answer among ten) beats one
        // random sample (pass@1 = 1/10); best-of-4 nearly reaches its oracle ceiling pass@4 = 0.4.
        let heldIDs = Set(report.heldOutProblems)
        let indices = toy.problems.indices.filter { heldIDs.contains(toy.problems[$0].id) }
        let run = try EvaluationRun(
            generatorName: "toy", datasetName: "toy", options: GenerationOptions(), seed: 0,
            problems: indices.map { toy.problems[$0] },
            texts: indices.map { p in toy.texts[p].map { GeneratedText(text: $0, tokenCount: 1, thinkingTokens: 0, finishReason: .stop) } },
            samples: indices.map { p in
                ProblemSamples(problemID: toy.problems[p].id, samples: toy.texts[p].map {
                    scoreCompletion(GeneratedText(text: $0, tokenCount: 1, thinkingTokens: 0, finishReason: .stop),
                                    problem: toy.problems[p], dataset: dataset)
                })
            })
        let scored = try verifier.score(run, dataset: dataset)
        #expect(scored.samples.allSatisfy { $0.samples.allSatisfy { $0.score != nil } })
        let best = try bestOfNAtK(scored.samples, k: 10)
        let best4 = try bestOfNAtK(scored.samples, k: 4)
        #expect(abs(try passAtK(scored.samples, k: 1) - 0.1) < 1e-12)
        #expect(best >= 0.8)
        #expect(best4 >= 0.8 * (try passAtK(scored.samples, k: 4)))

        // Save and load: same judgement ids and the same scores.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verity-verifier-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try verifier.save(to: url)
        let loaded = try OutcomeVerifier.load(from: url)
        #expect(loaded.judgement == judgement)
        let items = examples.prefix(12).map { ($0.prompt, $0.completion) }
        #expect(try loaded.scores(items) == verifier.scores(items))
    }

    @Test("examples from a real run carry its prompts, texts and verdicts")
    func examplesFromRun() throws {
        let tokenizer = try runnerTokenizer()
        let generator = try LocalGenerator(model: try tinyModel(tokenizer), tokenizer: tokenizer)
        let problems = additionProblems([(1, 2), (3, 4), (5, 0)])
        var dataset = testDataset(problems)
        dataset.promptPrefix = "0+0=0 "
        let run = try evaluate(generator: generator, dataset: dataset, problems: problems, samples: 3,
                               options: GenerationOptions(maxNewTokens: 10), seed: 2)
        let examples = verifierExamples(from: [run, run], dataset: dataset)
        #expect(examples.count == 18)
        for (i, example) in examples.prefix(9).enumerated() {
            let p = i / 3, s = i % 3
            #expect(example.problemID == problems[p].id)
            #expect(example.prompt == "0+0=0 " + problems[p].prompt)
            #expect(example.completion == run.texts[p][s].text)
            #expect(example.correct == run.samples[p].samples[s].correct)
        }
        #expect(throws: EvaluationError.self) {
            _ = try EvaluationRun(generatorName: "x", datasetName: "x", options: GenerationOptions(), seed: 0,
                                  problems: problems, texts: [], samples: run.samples)
        }
    }

    @Test("training needs both classes; judgement tokens must be single and distinct")
    func refusals() throws {
        let tokenizer = try runnerTokenizer()
        let judgement = try VerifierJudgement.tokens(tokenizer)
        let allRight = [VerifierExample(problemID: "a", prompt: "1+1=", completion: "<think></think>2", correct: true)]
        #expect(throws: EvaluationError.self) {
            _ = try trainOutcomeVerifier(examples: allRight, tokenizer: tokenizer, judgement: judgement, seed: 1)
        }
        #expect(throws: EvaluationError.self) { _ = try VerifierJudgement.tokens(tokenizer, correct: "11") }
        #expect(throws: EvaluationError.self) { _ = try VerifierJudgement.tokens(tokenizer, correct: "0", wrong: "0") }
        #expect(throws: (any Error).self) { _ = try OutcomeVerifier.load(from: URL(fileURLWithPath: "/nonexistent/verifier")) }
        // A policy checkpoint (no verifier trainer state) is refused with advice.
        let policy = try tinyModel(tokenizer)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verity-policy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(to: url, config: policy.config, tensors: policy.tensors(), tokenizer: tokenizer)
        #expect(throws: EvaluationError.self) { _ = try OutcomeVerifier.load(from: url) }
    }
}
