// Training/DifficultyFilter.swift — offline difficulty filtering: sample N completions per
// prompt, measure each prompt's pass rate, keep the prompts in [lo, hi] (neither always solved
// nor never solved, where a group baseline has signal), and report the pass-rate histogram.
// The statistics are pure; `PolicyTrainer.filterByDifficulty` (below) does the sampling.

/// The outcome of a difficulty filter.
public struct DifficultyFilterResult: Sendable, Equatable, Codable {
    /// Pass rate (correct / samples) of every prompt examined, in input order.
    public var passRates: [Double]
    /// Indices (into the examined prompts) whose pass rate lies in [lo, hi].
    public var kept: [Int]
    /// `histogram[k]` = prompts with exactly k correct out of `samples` (k = 0…samples).
    public var histogram: [Int]
    /// Completions sampled per prompt.
    public var samples: Int
    /// The bounds used.
    public var lo: Double, hi: Double

    /// Share of prompts kept.
    public var keptFraction: Double { passRates.isEmpty ? 0 : Double(kept.count) / Double(passRates.count) }
}

/// Filters prompts by pass rate.
///
/// - Parameters:
///   - correctCounts: correct completions per prompt (each in 0…samples).
///   - samples: N, completions per prompt (≥ 1).
///   - lo, hi: inclusive pass-rate bounds, 0 ≤ lo ≤ hi ≤ 1 (e.g. 0.1…0.9 drops the trivially
///     easy and the hopeless).
/// - Throws: for bounds outside [0, 1] or crossed, N < 1, or a count outside 0…N.
public func difficultyFilter(correctCounts: [Int], samples: Int, lo: Double, hi: Double) throws -> DifficultyFilterResult {
    guard samples >= 1 else { throw TrainingError("difficulty filter needs at least 1 sample per prompt (got \(samples))") }
    guard lo >= 0, hi <= 1, lo <= hi else {
        throw TrainingError("pass-rate bounds \(lo)…\(hi) are invalid — use 0 ≤ lo ≤ hi ≤ 1, e.g. range=0.1:0.9")
    }
    var histogram = [Int](repeating: 0, count: samples + 1)
    var rates: [Double] = []
    var kept: [Int] = []
    for (i, c) in correctCounts.enumerated() {
        guard (0...samples).contains(c) else {
            throw TrainingError("prompt \(i) has \(c) correct out of \(samples) samples — counts must lie in 0…\(samples)")
        }
        histogram[c] += 1
        let rate = Double(c) / Double(samples)
        rates.append(rate)
        // A tolerance so that e.g. 0.1 as a bound keeps 1/10 despite binary rounding.
        if rate >= lo - 1e-12, rate <= hi + 1e-12 { kept.append(i) }
    }
    return DifficultyFilterResult(passRates: rates, kept: kept, histogram: histogram, samples: samples, lo: lo, hi: hi)
}

extension PolicyTrainer {
    /// Offline difficulty filter: samples `samples` completions of each of the first `limit`
    /// training problems (0 = all), measures pass rates and keeps those in [lo, hi]. With `apply`
    /// the training split is replaced by the kept problems (the prompt cursor restarts).
    public func filterByDifficulty(samples: Int, lo: Double, hi: Double, limit: Int = 0, apply: Bool = true,
                                   isCancelled: () -> Bool = { false }) throws -> DifficultyFilterResult {
        guard samples >= 1 else { throw TrainingError("filter needs n ≥ 1 samples per prompt (got \(samples))") }
        guard lo >= 0, hi <= 1, lo <= hi else {
            throw TrainingError("pass-rate bounds \(lo)…\(hi) are invalid — use 0 ≤ lo ≤ hi ≤ 1, e.g. range=0.1:0.9")
        }
        let problems = limit > 0 ? Array(dataset.train.prefix(limit)) : dataset.train
        guard !problems.isEmpty else { throw TrainingError("the data set has no training problems to filter") }
        let rollouts = try sampleProblems(problems, samples: samples, isCancelled: isCancelled)
        var counts = [Int](repeating: 0, count: problems.count)
        for ro in rollouts where ro.correct { counts[ro.group] += 1 }
        let result = try difficultyFilter(correctCounts: counts, samples: samples, lo: lo, hi: hi)
        if apply {
            var d = dataset
            d.train = result.kept.map { problems[$0] }
            guard !d.train.isEmpty else {
                throw TrainingError("no training problem has a pass rate in \(lo)…\(hi) — widen the range or train the model further first")
            }
            setDataset(d)
        }
        return result
    }
}
