// RunComparison — two generators or checkpoints evaluated on the same problems, compared by a
// paired bootstrap over problems (see Bootstrap.swift): the difference in accuracy, its interval,
// and the share of resamples in which A beats B. What the REPL's `compare` command reports.
import Foundation
import Kernels

/// The comparison of run A against run B.
public struct RunComparison: Sendable, Equatable, Codable {
    /// A's generator name.
    public var nameA: String
    /// B's generator name.
    public var nameB: String
    /// Problems compared.
    public var problems: Int
    /// A's accuracy: greedy accuracy when n = 1 at temperature 0, else pass@1 (mean share correct).
    public var accuracyA: Double
    /// B's accuracy, the same way.
    public var accuracyB: Double
    /// The paired bootstrap of accuracy(A) − accuracy(B).
    public var bootstrap: PairedBootstrapResult
}

/// Compares two runs on the same problems (matched by id) by a paired bootstrap with a generator
/// seeded with `seed`; each problem is scored by `score` (default: its share of correct samples),
/// and `accuracyA`/`accuracyB` are the mean scores. Throws when the runs cover different problems.
public func compareRuns(_ a: EvaluationRun, _ b: EvaluationRun, resamples: Int = 10_000, confidence: Double = 0.95,
                        seed: UInt64, score: (ProblemSamples) throws -> Double = perProblemAccuracy) throws -> RunComparison {
    var rng = RNG(seed: seed)
    let scores = try pairedScores(a.samples, b.samples, score: score)
    let result = try pairedBootstrap(scores.a, scores.b, resamples: resamples, confidence: confidence, using: &rng)
    func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
    return RunComparison(nameA: a.generatorName, nameB: b.generatorName, problems: a.samples.count,
                         accuracyA: mean(scores.a), accuracyB: mean(scores.b), bootstrap: result)
}
