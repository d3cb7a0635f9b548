// Test support: a small seeded generator (SplitMix64, Steele et al. 2014) so tests are reproducible
// without depending on the Kernels module's generator, and builders for sample records.
import Foundation
@testable import Evaluation

/// SplitMix64: 64-bit state, one addition and a mixing function per draw.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
