// RunSummary — what an evaluation run amounts to in a few numbers: accuracy (greedy, or the mean
// over samples), pass@k and maj@k for k = 1, 2, 4, … up to n, token accounting (thinking, answer,
// generated per problem; the prompt counted once), format failures and finish reasons. Pure: the
// REPL's `eval` command formats it.
import Foundation
import Kernels
import Models

/// One estimate at one k.
public struct KValue: Sendable, Equatable, Codable {
    /// Samples per problem.
    public var k: Int
    /// The estimate (accuracy in 0…1).
    public var value: Double
}

/// How many completions ended for each reason.
public struct FinishCounts: Sendable, Equatable, Codable {
    /// End-of-sequence sampled.
    public var stop = 0
    /// A stop string produced.
    public var stopString = 0
    /// Cut at the token limit (truncated).
    public var length = 0

    /// All completions counted.
    public var total: Int { stop + stopString + length }
}

/// The summary of one evaluation run.
public struct RunSummary: Sendable, Equatable, Codable {
    /// Problems evaluated.
    public var problems: Int
    /// Samples per problem, n.
    public var samplesPerProblem: Int
    /// True when sampled at temperature 0 (then `accuracy` is greedy accuracy).
    public var greedy: Bool
    /// Mean over problems of the share of correct samples (greedy accuracy when n = 1 and greedy;
    /// otherwise the mean accuracy of one sample, pass@1).
    public var accuracy: Double
    /// pass@k (unbiased estimator) for k = 1, 2, 4, … and n.
    public var passAtK: [KValue]
    /// maj@k (plain majority vote, exact expectation over k-subsets) for the same k.
    public var majAtK: [KValue]
    /// Mean tokens of one sample per problem (k = 1): generated, thinking, answer, prompt.
    public var perSample: TokenCost
    /// Mean tokens spent per problem by all n samples (the prompt counted once).
    public var perProblem: TokenCost
    /// Samples from which no answer could be extracted.
    public var formatFailures: Int
    /// `formatFailures` as a share of all samples.
    public var formatFailureRate: Double
    /// Why completions ended.
    public var finishReasons: FinishCounts
}

/// Summarises a run. Every figure is exact (no random subsets), so a summary never changes.
public func summarize(_ run: EvaluationRun) throws -> RunSummary {
    let problems = run.samples
    guard let n = problems.map(\.n).min(), n >= 1 else {
        throw EvaluationError("summary: the run has no samples — evaluate some problems first")
    }
    let ks = coverageKs(upTo: n)
    let pass = try ks.map { KValue(k: $0, value: try passAtK(problems, k: $0)) }
    let maj = try ks.map { KValue(k: $0, value: try majorityAtK(problems, k: $0)) }
    let all = problems.flatMap(\.samples)
    let failures = all.filter { $0.answerKey == nil }.count
    var finish = FinishCounts()
    for text in run.texts.joined() {
        switch text.finishReason {
        case .stop: finish.stop += 1
        case .stopString: finish.stopString += 1
        case .length: finish.length += 1
        }
    }
    let accuracy = problems.reduce(0.0) { $0 + Double($1.correctCount) / Double($1.n) } / Double(problems.count)
    return RunSummary(problems: problems.count, samplesPerProblem: n, greedy: run.options.temperature == 0,
                      accuracy: accuracy, passAtK: pass, majAtK: maj,
                      perSample: try tokenCost(problems, k: 1), perProblem: try tokenCost(problems, k: n),
                      formatFailures: failures, formatFailureRate: Double(failures) / Double(max(all.count, 1)),
                      finishReasons: finish)
}
