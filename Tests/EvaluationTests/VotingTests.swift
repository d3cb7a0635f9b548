// Majority vote, weighted votes and best-of-N on constructed answer lists, ties included, and the
// exact k-subset expectations against exhaustive enumeration.
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

@Test func majorityAtKEqualsTheExhaustiveMean() throws {
    let problems = [problem("p1", answers: ["a", "a", "b", nil, "a"], right: "a"),
                    problem("p2", answers: ["x", "y", "y", "z"], right: "x")]
    for k in 1...4 {
        let exact = try problems.reduce(0.0) { $0 + (try exhaustive($1, k: k) { try majorityVote($0) }) } / 2
        #expect(abs(try majorityAtK(problems, k: k) - exact) < 1e-12, "k = \(k)")
    }
}

/// Random small problems (answers, silent samples, several correct keys, ties at every level),
/// each k: the count-based expectation equals the mean over every enumerated subset.
@Test func exactVoteMatchesEnumerationOnRandomProblems() throws {
    var generator = SplitMix64(seed: 11)
    for trial in 0..<300 {
        let n = Int.random(in: 1...11, using: &generator)
        let alphabet = Int.random(in: 1...5, using: &generator)
        let rightKeys = Set((0..<alphabet).filter { _ in Bool.random(using: &generator) }.map { "k\($0)" })
        let samples = (0..<n).map { _ -> ScoredSample in
            let draw = Int.random(in: 0...alphabet, using: &generator)
            let key: String? = draw == alphabet ? nil : "k\(draw)"
            return ScoredSample(answerKey: key, correct: key.map(rightKeys.contains) ?? false,
                                logprob: -Double(Int.random(in: 1...4, using: &generator)),
                                score: Double(Int.random(in: 0...3, using: &generator)) / 3)
        }
        let problem = ProblemSamples(problemID: "t\(trial)", samples: samples)
        for k in 1...n {
            let vote = try exhaustive(problem, k: k) { try majorityVote($0) }
            #expect(abs(try exactMajorityVote(samples, k: k) - vote) < 1e-12, "trial \(trial) k \(k)")
            let best = try exhaustive(problem, k: k) { try bestOfN($0, by: .score) }
            #expect(abs(try exactBestOfN(samples, k: k, by: .score) - best) < 1e-12, "trial \(trial) k \(k)")
            let weighted = try exhaustive(problem, k: k) { try majorityVote($0, weighting: .probability) }
            #expect(abs(try weightedVoteAtK(samples, k: k, weighting: .probability) - weighted) < 1e-12)
        }
    }
}

/// A vote of one sample is that sample: maj@1 and best@1 equal pass@1 exactly, for every weighting.
@Test func majAndBestAtOneArePassAtOne() throws {
    var generator = SplitMix64(seed: 5)
    let problems = (0..<40).map { p in
        ProblemSamples(problemID: "p\(p)", samples: (0..<16).map { _ in
            let key = ["1", "2", "3", nil][Int.random(in: 0...3, using: &generator)]
            return ScoredSample(answerKey: key, correct: key == "1", logprob: -1, score: 0.5)
        })
    }
    let pass1 = try passAtK(problems, k: 1)
    #expect(abs(try majorityAtK(problems, k: 1) - pass1) < 1e-12)
    #expect(abs(try majorityAtK(problems, k: 1, weighting: .score) - pass1) < 1e-12)
    #expect(abs(try bestOfNAtK(problems, k: 1) - pass1) < 1e-12)
}

@Test func majorityAtNIsExactAndMatchesKEqualsN() throws {
    let problems = [problem("p1", answers: ["a", "b", "b"], right: "a"),
                    problem("p2", answers: ["c", "c", "d"], right: "c"),
                    problem("p3", answers: ["e", "f", nil], right: "f")]
    // p1 → 0, p2 → 1, p3 → tie 0.5.
    #expect(try majorityAtN(problems) == 0.5)
    #expect(try majorityAtK(problems, k: 3) == 0.5)
    #expect(throws: EvaluationError.self) { try majorityAtK(problems, k: 4) }
    #expect(throws: EvaluationError.self) { try majorityAtK(problems, k: 0) }
}

/// Many samples, many answers: the exact vote stays finite and within [0, 1], agrees with a large
/// Monte-Carlo average, and a weighted vote past the enumeration limit gives the same value twice.
@Test func largeProblemsStayExactAndStable() throws {
    var generator = SplitMix64(seed: 9)
    let samples = (0..<256).map { _ -> ScoredSample in
        let key = "a\(min(Int.random(in: 0...40, using: &generator), Int.random(in: 0...40, using: &generator)))"
        return ScoredSample(answerKey: key, correct: key == "a1", logprob: -Double.random(in: 1...5, using: &generator))
    }
    for k in [2, 16, 64, 200] {
        let exact = try exactMajorityVote(samples, k: k)
        var total = 0.0
        for _ in 0..<3000 { total += try majorityVote(drawSubset(n: 256, k: k, using: &generator).map { samples[$0] }) }
        #expect(abs(exact - total / 3000) < 0.03, "k = \(k): \(exact) vs \(total / 3000)")
    }
    let first = try weightedVoteAtK(samples, k: 8, weighting: .probability)
    #expect(first == (try weightedVoteAtK(samples, k: 8, weighting: .probability)))
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

@Test func bestOfNAtKEqualsTheExhaustiveMean() throws {
    let scored = ProblemSamples(problemID: "p", samples: [
        sample("a", true, score: 0.3), sample("b", false, score: 0.8), sample("a", true, score: 0.6),
        sample("c", false, score: 0.1), sample("a", true, score: 0.95)])
    for k in 1...5 {
        let exact = try exhaustive(scored, k: k) { try bestOfN($0) }
        #expect(abs(try bestOfNAtK([scored], k: k) - exact) < 1e-12)
    }
    #expect(try bestOfNAtK([scored], k: 5) == 1)   // the top score 0.95 is correct
}
