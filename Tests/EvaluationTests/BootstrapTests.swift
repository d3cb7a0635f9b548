// Percentiles and the paired bootstrap on constructed data.
import Foundation
import Testing
@testable import Evaluation

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
