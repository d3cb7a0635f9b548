// A run's correct completions as fine-tuning data: wrong and cut-off samples dropped, repeats kept
// once per problem, end markers cut, and `workedOnly` keeping only the samples that show work.
import Testing
@testable import Evaluation
import Models
import Tasks

@Suite struct DistillationTests {
    static func text(_ t: String, _ finish: FinishReason = .stop) -> GeneratedText {
        GeneratedText(text: t, tokenCount: t.count, thinkingTokens: 0, finishReason: finish)
    }

    @Test func keepsEachCorrectFinishedCompletionOnce() throws {
        let problems = [Problem(id: "a", prompt: "1+2=", answer: "3", solution: "gold", metadata: ["op": "add"]),
                        Problem(id: "b", prompt: "4+4=", answer: "8")]
        let texts = [[Self.text("<think>1+2=3c0</think>3"), Self.text("<think></think>3<eos>junk"),
                      Self.text("<think>1+2=3c0</think>3"), Self.text("<think></think>4"),
                      Self.text("<think>1+2=3c0 </think>3", .length)],
                     [Self.text("<think></think>9")]]
        let correct = [[true, true, true, false, true], [false]]
        let samples = zip(problems, correct).map { p, c in
            ProblemSamples(problemID: p.id, samples: c.map { ScoredSample(answerKey: nil, correct: $0) })
        }
        let run = try EvaluationRun(generatorName: "teacher", datasetName: "toy", options: GenerationOptions(), seed: 0,
                                    problems: problems, texts: texts, samples: samples)
        let all = run.correctCompletions()
        #expect(all.map(\.solution) == ["<think>1+2=3c0</think>3", "<think></think>3"])
        #expect(all.allSatisfy { $0.id == "a" && $0.metadata["source"] == "teacher" && $0.metadata["op"] == "add" })
        let worked = run.correctCompletions(workedOnly: true)
        #expect(worked.map(\.solution) == ["<think>1+2=3c0</think>3"])
    }
}
