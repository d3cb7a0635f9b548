// PassAtK — the unbiased pass@k estimator (Chen et al. 2021, "Evaluating Large Language Models
// Trained on Code", §2.1) and coverage curves over k = 1, 2, 4, … up to n.
import Foundation

/// The unbiased estimate of pass@k for one problem with `n` samples of which `c` are correct:
///
///     pass@k = 1 − C(n−c, k) / C(n, k) = 1 − ∏_{i=n−c+1}^{n} (1 − k/i)
///
/// The product form never forms a binomial coefficient, so it does not overflow for large n.
/// When n − c < k every subset of size k holds a correct sample, and the result is exactly 1.
/// Throws for k < 1, k > n, or c outside 0…n.
public func passAtK(n: Int, c: Int, k: Int) throws -> Double {
    guard k >= 1 else { throw EvaluationError("pass@k: k = \(k) must be at least 1") }
    guard n >= k else {
        throw EvaluationError("pass@k: k = \(k) exceeds the number of samples n = \(n) — sample at least k per problem")
    }
    guard (0...n).contains(c) else {
        throw EvaluationError("pass@k: c = \(c) correct samples is outside 0…\(n)")
    }
    if n - c < k { return 1 }
    if c == 0 { return 0 }
    var allWrong = 1.0  // C(n−c, k) / C(n, k): probability that k draws without replacement all miss
    for i in (n - c + 1)...n {
        allWrong *= 1 - Double(k) / Double(i)
    }
    return 1 - allWrong
}

/// pass@k for each problem, in order.
public func passAtKPerProblem(_ problems: [ProblemSamples], k: Int) throws -> [Double] {
    try validate(problems, k: k, estimator: "pass@\(k)")
    return try problems.map { try passAtK(n: $0.n, c: $0.correctCount, k: k) }
}

/// pass@k averaged over problems (each problem weighs the same whatever its n).
public func passAtK(_ problems: [ProblemSamples], k: Int) throws -> Double {
    let values = try passAtKPerProblem(problems, k: k)
    return values.reduce(0, +) / Double(values.count)
}

/// One point of a coverage curve.
public struct CoveragePoint: Sendable, Equatable, Codable {
    /// Samples per problem.
    public var k: Int
    /// pass@k averaged over problems.
    public var passAtK: Double
}

/// The k values of a coverage curve for n samples: powers of two up to n, and n itself when n is
/// not a power of two (so the curve always ends at the full budget).
public func coverageKs(upTo n: Int) -> [Int] {
    guard n >= 1 else { return [] }
    var ks: [Int] = []
    var k = 1
    while k <= n {
        ks.append(k)
        if k > n / 2 { break }
        k *= 2
    }
    if ks.last != n { ks.append(n) }
    return ks
}

/// The coverage curve (pass@k against k) for k = 1, 2, 4, … up to the smallest n of any problem.
public func coverageCurve(_ problems: [ProblemSamples]) throws -> [CoveragePoint] {
    guard let n = problems.map(\.n).min() else {
        throw EvaluationError("coverage: no problems given — sample some completions first")
    }
    guard n >= 1 else { throw EvaluationError("coverage: a problem has no samples — sample at least one per problem") }
    return try coverageKs(upTo: n).map { CoveragePoint(k: $0, passAtK: try passAtK(problems, k: $0)) }
}
