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
/// seeded with `seed`. Throws when the runs cover different problems.
public func compareRuns(_ a: EvaluationRun, _ b: EvaluationRun, resamples: Int = 10_000, confidence: Double = 0.95,
                        seed: UInt64, score: (ProblemSamples) throws -> Double = { Double($0.correctCount) / Double($0.n) }) throws -> RunComparison {
    var rng = RNG(seed: seed)
    let result = try pairedBootstrap(a.samples, b.samples, resamples: resamples, confidence: confidence, score: score, using: &rng)
    func accuracy(_ run: EvaluationRun) -> Double {
        run.samples.reduce(0.0) { $0 + Double($1.correctCount) / Double(max($1.n, 1)) } / Double(max(run.samples.count, 1))
    }
    return RunComparison(nameA: a.generatorName, nameB: b.generatorName, problems: a.samples.count,
                         accuracyA: accuracy(a), accuracyB: accuracy(b), bootstrap: result)
}
