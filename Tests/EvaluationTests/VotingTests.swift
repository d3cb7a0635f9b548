// Majority vote, weighted votes and best-of-N on constructed answer lists, ties included, and the
// subset estimators against exhaustive enumeration.
import Foundation
import Testing
@testable import Evaluation

private func sample(_ key: String?, _ correct: Bool, score: Double? = nil, logprob: Double? = nil) -> ScoredSample {
    ScoredSample(answerKey: key, correct: correct, logprob: logprob, score: score)
}

@Test func majorityPicksTheMostFrequentAnswer() throws {
    #expect(try majorityVote([sample("4", true), sample("4", true), sample("5", false)]) == 1)
    #expect(try majorityVote([sample("5", false), sample("4", true), sample("5", false)]) == 0)
}

@Test func majorityTiesCountFractionally() throws {
    // Two answers tied, one right: 0.5 whatever the order.
    #expect(try majorityVote([sample("4", true), sample("5", false)]) == 0.5)
    #expect(try majorityVote([sample("5", false), sample("4", true)]) == 0.5)
    // Three-way tie with one right answer.
    #expect(abs(try majorityVote([sample("a", false), sample("b", true), sample("c", false)]) - 1.0 / 3) < 1e-15)
    // A tie below the top does not matter.
    #expect(try majorityVote([sample("a", true), sample("a", true), sample("b", false), sample("c", false)]) == 1)
}

@Test func samplesWithoutAnswerNeverWin() throws {
    #expect(try majorityVote([sample(nil, false), sample(nil, false), sample("5", true)]) == 1)
    #expect(try majorityVote([sample(nil, false), sample(nil, false), sample("5", false)]) == 0)
    #expect(try majorityVote([sample(nil, false)]) == 0)
    #expect(try majorityVote([]) == 0)
}

@Test func scoreWeightedVoteCanOverruleTheMajority() throws {
    let votes = [sample("4", false, score: 0.1), sample("4", false, score: 0.1), sample("5", true, score: 0.9)]
    #expect(try majorityVote(votes, weighting: .uniform) == 0)
    #expect(try majorityVote(votes, weighting: .score) == 1)
    // Equal weighted totals tie: 0.25 + 0.25 vs 0.5.
    let tie = [sample("4", false, score: 0.25), sample("4", false, score: 0.25), sample("5", true, score: 0.5)]
    #expect(try majorityVote(tie, weighting: .score) == 0.5)
    #expect(throws: EvaluationError.self) { try majorityVote([sample("4", true)], weighting: .score) }
    #expect(throws: EvaluationError.self) { try majorityVote([sample("4", true, score: -1)], weighting: .score) }
}

@Test func probabilityWeightedVoteSurvivesLongSequences() throws {
    // exp(−1000) underflows; relative weights are 1 vs e^−1 + e^−1.5 ≈ 0.591, so "a" wins.
    let votes = [sample("a", true, logprob: -1000), sample("b", false, logprob: -1001), sample("b", false, logprob: -1001.5)]
    #expect(try majorityVote(votes, weighting: .probability) == 1)
    #expect(try majorityVote(votes, weighting: .uniform) == 0)
    // Relative weights 1 vs e^−0.1 + e^−0.2 ≈ 1.72: "b" wins.
    let close = [sample("a", true, logprob: -50), sample("b", false, logprob: -50.1), sample("b", false, logprob: -50.2)]
    #expect(try majorityVote(close, weighting: .probability) == 0)
    #expect(throws: EvaluationError.self) { try majorityVote([sample("a", true)], weighting: .probability) }
}

/// Exact expected maj@k / best@k over all k-subsets, as an independent reference.
private func exhaustive(_ problem: ProblemSamples, k: Int, _ outcome: ([ScoredSample]) throws -> Double) throws -> Double {
    let subsets = allSubsets(n: problem.n, k: k)
    return try subsets.reduce(0.0) { $0 + (try outcome($1.map { problem.samples[$0] })) } / Double(subsets.count)
}

@Test func majorityAtKConvergesToTheExhaustiveMean() throws {
    let problems = [problem("p1", answers: ["a", "a", "b", nil, "a"], right: "a"),
                    problem("p2", answers: ["x", "y", "y", "z"], right: "x")]
    let k = 2
    let exact = try problems.reduce(0.0) { $0 + (try exhaustive($1, k: k) { try majorityVote($0) }) } / 2
    var generator = SplitMix64(seed: 7)
    let estimate = try majorityAtK(problems, k: k, subsets: 4000, using: &generator)
    #expect(abs(estimate.mean - exact) < 0.02, "\(estimate.mean) vs \(exact)")
    #expect(estimate.std > 0)
    #expect(estimate.draws == 4000)
}

@Test func majorityAtNIsExactAndMatchesKEqualsN() throws {
    let problems = [problem("p1", answers: ["a", "b", "b"], right: "a"),
                    problem("p2", answers: ["c", "c", "d"], right: "c"),
                    problem("p3", answers: ["e", "f", nil], right: "f")]
    // p1 → 0, p2 → 1, p3 → tie 0.5.
    #expect(try majorityAtN(problems) == 0.5)
    var generator = SplitMix64(seed: 1)
    let atN = try majorityAtK(problems, k: 3, subsets: 50, using: &generator)
    #expect(atN == SubsetEstimate(mean: 0.5, std: 0, draws: 1))
    #expect(throws: EvaluationError.self) { try majorityAtK(problems, k: 4, using: &generator) }
    #expect(throws: EvaluationError.self) { try majorityAtK(problems, k: 2, subsets: 0, using: &generator) }
}

@Test func majorityAtKIsDeterministicUnderASeed() throws {
    let problems = (0..<20).map { p in
        problem("p\(p)", answers: (0..<8).map { i in ["a", "b", "c"][(i * 7 + p) % 3] }, right: "a")
    }
    var first = SplitMix64(seed: 42), second = SplitMix64(seed: 42)
    let a = try majorityAtK(problems, k: 3, subsets: 30, using: &first)
    let b = try majorityAtK(problems, k: 3, subsets: 30, using: &second)
    #expect(a == b)
}

@Test func bestOfNPicksTheTopScore() throws {
    let samples = [sample("a", false, score: 0.2), sample("b", true, score: 0.9), sample("c", false, score: 0.5)]
    #expect(try bestOfN(samples) == 1)
    #expect(try bestOfN([sample("a", false, score: 0.9), sample("b", true, score: 0.1)]) == 0)
    // Tie at the top: fraction correct among tied.
    #expect(try bestOfN([sample("a", false, score: 0.9), sample("b", true, score: 0.9), sample("c", true, score: 0.1)]) == 0.5)
    // By log-probability instead.
    #expect(try bestOfN([sample("a", true, logprob: -3), sample("b", false, logprob: -9)], by: .logprob) == 1)
    #expect(throws: EvaluationError.self) { try bestOfN([sample("a", true)]) }
}

@Test func bestOfNAtKConvergesToTheExhaustiveMean() throws {
    let scored = ProblemSamples(problemID: "p", samples: [
        sample("a", true, score: 0.3), sample("b", false, score: 0.8), sample("a", true, score: 0.6),
        sample("c", false, score: 0.1), sample("a", true, score: 0.95)])
    let exact = try exhaustive(scored, k: 2) { try bestOfN($0) }
    var generator = SplitMix64(seed: 3)
    let estimate = try bestOfNAtK([scored], k: 2, subsets: 4000, using: &generator)
    #expect(abs(estimate.mean - exact) < 0.03, "\(estimate.mean) vs \(exact)")
    let full = try bestOfNAtK([scored], k: 5, using: &generator)
    #expect(full.mean == 1 && full.std == 0)   // the top score 0.95 is correct
}
