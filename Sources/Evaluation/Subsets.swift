// Subsets — drawing k of a problem's n samples without replacement, and the summary of an
// estimator repeated over many random subsets. Every draw comes from the caller's generator, so a
// seeded generator makes every estimate reproducible.
import Foundation

/// k distinct indices from 0..<n, uniformly, by a partial Fisher–Yates shuffle (k swaps).
/// The caller has checked 1 ≤ k ≤ n.
func drawSubset(n: Int, k: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
    var indices = Array(0..<n)
    for i in 0..<k {
        let j = Int.random(in: i..<n, using: &generator)
        indices.swapAt(i, j)
    }
    return Array(indices[0..<k])
}

/// For each problem, `count` random subsets of size k (indices into its samples). When k equals
/// a problem's n its only subset is all samples, so one subset is kept and no randomness used.
func drawSubsets(for problems: [ProblemSamples], k: Int, count: Int,
                 using generator: inout some RandomNumberGenerator) -> [[[Int]]] {
    problems.map { problem in
        if problem.n == k { return [Array(0..<k)] }
        return (0..<count).map { _ in drawSubset(n: problem.n, k: k, using: &generator) }
    }
}

/// An accuracy estimated over random subsets of samples.
public struct SubsetEstimate: Sendable, Equatable, Codable {
    /// Mean over subset draws of the accuracy over problems.
    public var mean: Double
    /// Sample standard deviation (n − 1) over draws of that accuracy; 0 when all draws are equal
    /// or only one draw was possible (k = n).
    public var std: Double
    /// Number of subset draws behind the estimate.
    public var draws: Int
}

/// Repeats `evaluate` over `draws` random k-subsets of every problem: draw r scores each problem on
/// its r-th subset, the draw's accuracy is the mean over problems, and the result is the mean and
/// std of the draws' accuracies (the spread a benchmark run at k samples would show).
func estimateOverSubsets(_ problems: [ProblemSamples], k: Int, draws: Int, estimator: String,
                         using generator: inout some RandomNumberGenerator,
                         evaluate: ([ScoredSample], ProblemSamples) throws -> Double) throws -> SubsetEstimate {
    try validate(problems, k: k, estimator: estimator)
    guard draws >= 1 else { throw EvaluationError("\(estimator): subsets = \(draws) must be at least 1") }
    let exact = problems.allSatisfy { $0.n == k }
    let count = exact ? 1 : draws
    var accuracies: [Double] = []
    accuracies.reserveCapacity(count)
    for _ in 0..<count {
        var total = 0.0
        for problem in problems {
            let chosen = problem.n == k ? problem.samples
                : drawSubset(n: problem.n, k: k, using: &generator).map { problem.samples[$0] }
            total += try evaluate(chosen, problem)
        }
        accuracies.append(total / Double(problems.count))
    }
    let (mean, std) = meanAndStd(accuracies)
    return SubsetEstimate(mean: mean, std: std, draws: count)
}
