// Bootstrap — percentile confidence intervals by resampling problems with replacement (Efron &
// Tibshirani 1993), and the paired bootstrap for comparing two checkpoints evaluated on the same
// problems: resampling the problems once for both keeps their per-problem pairing, so shared
// difficulty cancels out and the interval is narrower than comparing two separate intervals.
import Foundation

/// The q-quantile (0 ≤ q ≤ 1) of `sorted` values by linear interpolation between order statistics
/// (Hyndman & Fan type 7, the default of R and NumPy). `sorted` must be ascending and non-empty.
func percentile(sorted: [Double], _ q: Double) -> Double {
    guard let first = sorted.first else { return .nan }
    if sorted.count == 1 { return first }
    let position = q * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
}

/// Checks a confidence level and a resample count, naming the bad one.
func validateBootstrap(resamples: Int, confidence: Double, what: String) throws {
    guard resamples >= 1 else { throw EvaluationError("\(what): resamples = \(resamples) must be at least 1 (1000 is typical)") }
    guard confidence > 0, confidence < 1 else {
        throw EvaluationError("\(what): confidence = \(confidence) must lie strictly between 0 and 1 (e.g. 0.95)")
    }
}

/// `resamples` lists of `count` indices drawn uniformly with replacement.
func drawResamples(count: Int, resamples: Int, using generator: inout some RandomNumberGenerator) -> [[Int]] {
    (0..<resamples).map { _ in (0..<count).map { _ in Int.random(in: 0..<count, using: &generator) } }
}

/// The percentile interval of the mean of `values` over the given resamples of its indices.
func bootstrapInterval(_ values: [Double], resamples: [[Int]], confidence: Double) -> (low: Double, high: Double) {
    let means = resamples.map { indices in indices.reduce(0.0) { $0 + values[$1] } / Double(max(indices.count, 1)) }.sorted()
    let tail = (1 - confidence) / 2
    return (percentile(sorted: means, tail), percentile(sorted: means, 1 - tail))
}

/// The result of a paired bootstrap comparison of checkpoints A and B.
public struct PairedBootstrapResult: Sendable, Equatable, Codable {
    /// Mean over problems of accuracy(A) − accuracy(B) on the original data.
    public var meanDifference: Double
    /// Lower end of the percentile interval of the difference.
    public var low: Double
    /// Upper end of the percentile interval of the difference.
    public var high: Double
    /// Share of resamples in which A's mean accuracy is strictly above B's.
    public var shareAGreater: Double
    /// Number of bootstrap resamples B.
    public var resamples: Int
    /// Confidence level of the interval (e.g. 0.95).
    public var confidence: Double
}

/// Paired bootstrap over problems: `a[i]` and `b[i]` are the two checkpoints' accuracies on
/// problem i (0/1 or a per-problem rate). Each of `resamples` resamples draws problem indices with
/// replacement, the same for A and B, and records the mean difference; the interval is the
/// central `confidence` percentile range of those differences.
public func pairedBootstrap(_ a: [Double], _ b: [Double], resamples: Int = 10_000, confidence: Double = 0.95,
                            using generator: inout some RandomNumberGenerator) throws -> PairedBootstrapResult {
    try validateBootstrap(resamples: resamples, confidence: confidence, what: "paired bootstrap")
    guard a.count == b.count else {
        throw EvaluationError("paired bootstrap: A has \(a.count) problems but B has \(b.count) — evaluate both on the same problems")
    }
    guard !a.isEmpty else { throw EvaluationError("paired bootstrap: no problems given") }
    guard a.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite) else {
        throw EvaluationError("paired bootstrap: accuracies must be finite numbers")
    }
    let differences = zip(a, b).map { $0 - $1 }
    let count = differences.count
    var means: [Double] = []
    means.reserveCapacity(resamples)
    for _ in 0..<resamples {
        var sum = 0.0
        for _ in 0..<count { sum += differences[Int.random(in: 0..<count, using: &generator)] }
        means.append(sum / Double(count))
    }
    let greater = Double(means.filter { $0 > 0 }.count) / Double(resamples)
    means.sort()
    let tail = (1 - confidence) / 2
    return PairedBootstrapResult(meanDifference: differences.reduce(0, +) / Double(count),
                                 low: percentile(sorted: means, tail), high: percentile(sorted: means, 1 - tail),
                                 shareAGreater: greater, resamples: resamples, confidence: confidence)
}

/// A problem's accuracy: its fraction of correct samples (pass@1 with n samples).
public func perProblemAccuracy(_ problem: ProblemSamples) -> Double { Double(problem.correctCount) / Double(problem.n) }

/// The problems of A and B matched by `problemID` (A's order), each scored by `score`: the paired
/// values a paired bootstrap resamples. Throws when the problems differ, repeat or have no samples.
public func pairedScores(_ a: [ProblemSamples], _ b: [ProblemSamples],
                         score: (ProblemSamples) throws -> Double = perProblemAccuracy) throws -> (a: [Double], b: [Double]) {
    var bByID: [String: ProblemSamples] = [:]
    for problem in b {
        guard bByID.updateValue(problem, forKey: problem.problemID) == nil else {
            throw EvaluationError("paired bootstrap: problem '\(problem.problemID)' appears twice in B")
        }
    }
    guard a.count == b.count else {
        throw EvaluationError("paired bootstrap: A has \(a.count) problems but B has \(b.count) — evaluate both on the same problems")
    }
    var scoresA: [Double] = [], scoresB: [Double] = []
    var seen = Set<String>()
    for problem in a {
        guard seen.insert(problem.problemID).inserted else {
            throw EvaluationError("paired bootstrap: problem '\(problem.problemID)' appears twice in A")
        }
        guard let other = bByID[problem.problemID] else {
            throw EvaluationError("paired bootstrap: problem '\(problem.problemID)' is in A but not in B — evaluate both on the same problems")
        }
        guard problem.n > 0, other.n > 0 else {
            throw EvaluationError("paired bootstrap: problem '\(problem.problemID)' has no samples in A or B")
        }
        scoresA.append(try score(problem))
        scoresB.append(try score(other))
    }
    return (scoresA, scoresB)
}

/// Paired bootstrap of two checkpoints' sample records: problems are matched by `problemID` and
/// scored by `score` — by default their accuracy; `perProblemPassAtK(k)` or
/// `perProblemMajorityAtK(k)` compare at k.
public func pairedBootstrap(_ a: [ProblemSamples], _ b: [ProblemSamples], resamples: Int = 10_000,
                            confidence: Double = 0.95, score: (ProblemSamples) throws -> Double = perProblemAccuracy,
                            using generator: inout some RandomNumberGenerator) throws -> PairedBootstrapResult {
    let scores = try pairedScores(a, b, score: score)
    return try pairedBootstrap(scores.a, scores.b, resamples: resamples, confidence: confidence, using: &generator)
}

/// A problem's unbiased pass@k (Chen et al. 2021), for `pairedBootstrap(_:_:score:)`.
public func perProblemPassAtK(_ k: Int) -> (ProblemSamples) throws -> Double {
    { problem in
        guard k >= 1, k <= problem.n else {
            throw EvaluationError("pass@\(k): problem '\(problem.problemID)' has \(problem.n) samples — k must lie in 1…\(problem.n)")
        }
        return try passAtK(n: problem.n, c: problem.correctCount, k: k)
    }
}

/// A problem's maj@k, the exact expectation over its k-subsets, for `pairedBootstrap(_:_:score:)`.
public func perProblemMajorityAtK(_ k: Int) -> (ProblemSamples) throws -> Double {
    { problem in
        guard k >= 1, k <= problem.n else {
            throw EvaluationError("maj@\(k): problem '\(problem.problemID)' has \(problem.n) samples — k must lie in 1…\(problem.n)")
        }
        return try weightedVoteAtK(problem.samples, k: k, weighting: .uniform)
    }
}
