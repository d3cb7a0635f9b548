// Percentiles and the paired bootstrap on constructed data.
import Foundation
import Testing
@testable import Evaluation
import Kernels

@Test func percentileInterpolatesLinearly() {
    // Hand values (NumPy's default method): [1, 2, 3, 4] at 0.25 → 1.75, at 0.5 → 2.5.
    #expect(percentile(sorted: [1, 2, 3, 4], 0.25) == 1.75)
    #expect(percentile(sorted: [1, 2, 3, 4], 0.5) == 2.5)
    #expect(percentile(sorted: [1, 2, 3, 4], 1) == 4)
    #expect(percentile(sorted: [5], 0.3) == 5)
}

@Test func equallyGoodModelsGiveAnIntervalAroundZero() throws {
    // Same accuracy (0.5), different problems solved.
    let a = (0..<200).map { Double($0 % 2) }
    let b = (0..<200).map { Double(1 - $0 % 2) }
    var generator = SplitMix64(seed: 21)
    let result = try pairedBootstrap(a, b, resamples: 2000, using: &generator)
    #expect(result.meanDifference == 0)
    #expect(result.low < 0 && result.high > 0)
    #expect(abs(result.shareAGreater - 0.5) < 0.1)
    // Identical answers: every resampled difference is 0.
    let same = try pairedBootstrap(a, a, resamples: 100, using: &generator)
    #expect(same.low == 0 && same.high == 0 && same.shareAGreater == 0)
}

@Test func aClearlyBetterModelExcludesZero() throws {
    // A solves the first 160 of 200 problems, B the first 100: every difference is 0 or 1, p = 0.3.
    let a = (0..<200).map { $0 < 160 ? 1.0 : 0.0 }
    let b = (0..<200).map { $0 < 100 ? 1.0 : 0.0 }
    var generator = SplitMix64(seed: 4)
    let result = try pairedBootstrap(a, b, resamples: 4000, using: &generator)
    #expect(abs(result.meanDifference - 0.3) < 1e-12)
    #expect(result.low > 0)
    #expect(result.shareAGreater == 1)
    // Normal approximation: half-width 1.96·√(0.3·0.7/200) ≈ 0.0635.
    #expect(abs(result.low - (0.3 - 0.0635)) < 0.012, "low \(result.low)")
    #expect(abs(result.high - (0.3 + 0.0635)) < 0.012, "high \(result.high)")
}

@Test func pairedBootstrapMatchesProblemsByID() throws {
    let a = [problem("x", n: 4, c: 4), problem("y", n: 4, c: 2)]
    let b = [problem("y", n: 2, c: 1), problem("x", n: 4, c: 0)]
    var first = SplitMix64(seed: 8), second = SplitMix64(seed: 8)
    let result = try pairedBootstrap(a, b, resamples: 500, using: &first)
    // Differences: x → 1 − 0, y → 0.5 − 0.5.
    #expect(result.meanDifference == 0.5)
    #expect(result == (try pairedBootstrap([1, 0.5], [0, 0.5], resamples: 500, using: &second)))
    var generator = SplitMix64(seed: 1)
    #expect(throws: EvaluationError.self) { try pairedBootstrap(a, [problem("x", n: 1, c: 1), problem("z", n: 1, c: 1)], using: &generator) }
    #expect(throws: EvaluationError.self) { try pairedBootstrap(a, [problem("x", n: 1, c: 1)], using: &generator) }
    #expect(throws: EvaluationError.self) { try pairedBootstrap([1, 0], [1], using: &generator) }
    #expect(throws: EvaluationError.self) { try pairedBootstrap([1], [1], confidence: 1.5, using: &generator) }
}

/// The paired bootstrap at k: per-problem pass@k by hand (1 − C(n−c, k)/C(n, k)) and maj@k.
@Test func pairedBootstrapComparesPassAndMajorityAtK() throws {
    func problem(_ id: String, _ answers: [String], correct: String) -> ProblemSamples {
        ProblemSamples(problemID: id, samples: answers.map { ScoredSample(answerKey: $0, correct: $0 == correct) })
    }
    // A: p1 has 1 of 4 right, p2 4 of 4; B: p1 none, p2 2 of 4.
    let a = [problem("p1", ["7", "1", "2", "3"], correct: "7"), problem("p2", ["5", "5", "5", "5"], correct: "5")]
    let b = [problem("p2", ["5", "5", "6", "6"], correct: "5"), problem("p1", ["1", "1", "2", "3"], correct: "7")]
    var rng = RNG(seed: 3)
    let pass2 = try pairedBootstrap(a, b, resamples: 500, score: perProblemPassAtK(2), using: &rng)
    // pass@2: A = (1 − 3/6, 1) = (0.5, 1); B = (0, 1 − 1/6); difference ((0.5 − 0) + (1 − 5/6)) / 2 = 1/3.
    #expect(abs(pass2.meanDifference - 1.0 / 3.0) < 1e-12)
    #expect(pass2.low >= 1.0 / 6.0 - 1e-12 && pass2.high <= 0.5 + 1e-12, "resampled means lie between the two problems' differences")
    // pass@1 through the default score is the share of correct samples.
    var rng1 = RNG(seed: 3)
    let pass1 = try pairedBootstrap(a, b, resamples: 10, using: &rng1)
    #expect(abs(pass1.meanDifference - ((0.25 - 0) + (1 - 0.5)) / 2) < 1e-12)
    // maj@4 is the vote over all four: A right on p2 only (p1's votes split 1-1-1-1: a tie, broken
    // evenly, 1/4 right); B: p2 ties 5 and 6 (1/2), p1 wrong.
    var rng4 = RNG(seed: 3)
    let maj4 = try pairedBootstrap(a, b, resamples: 10, score: perProblemMajorityAtK(4), using: &rng4)
    #expect(abs(maj4.meanDifference - ((0.25 - 0) + (1 - 0.5)) / 2) < 1e-12)
    #expect(throws: EvaluationError.self) { _ = try perProblemPassAtK(5)(a[0]) }
    #expect(throws: EvaluationError.self) { _ = try perProblemMajorityAtK(0)(a[0]) }
}
