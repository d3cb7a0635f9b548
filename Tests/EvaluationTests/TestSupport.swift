// Test support: builders for sample records (the seeded generator, SplitMix64, comes from the
// shared TestSupport target).
import Foundation
@_exported import TestSupport
@testable import Evaluation

/// A problem whose samples give `answers`; the answer `right` is the correct one.
func problem(_ id: String, answers: [String?], right: String, tokens: Int = 10) -> ProblemSamples {
    ProblemSamples(problemID: id, samples: answers.map {
        ScoredSample(answerKey: $0, correct: $0 == right, generatedTokens: tokens, thinkingTokens: tokens / 2)
    })
}

/// A problem with `n` samples of which the first `c` are correct (answers "r" and "w").
func problem(_ id: String, n: Int, c: Int) -> ProblemSamples {
    problem(id, answers: (0..<n).map { $0 < c ? "r" : "w" }, right: "r")
}

/// All subsets of size k of 0..<n (for exhaustive references on small n).
func allSubsets(n: Int, k: Int) -> [[Int]] {
    if k == 0 { return [[]] }
    if n < k { return [] }
    // Subsets without n−1, then those with it.
    return allSubsets(n: n - 1, k: k) + allSubsets(n: n - 1, k: k - 1).map { $0 + [n - 1] }
}
