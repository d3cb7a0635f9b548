// BestOfN — best-of-N selection: among k samples keep the one a scorer ranks highest and count
// whether it is correct. Ties are fractional, as in majority voting: the fraction of correct
// samples among those sharing the top score (the expected accuracy of a random tie break).
import Foundation

/// What ranks samples in best-of-N.
public enum BestOfNCriterion: String, Sendable, Codable, CaseIterable {
    /// The sample's `score` (a verifier or reward model).
    case score
    /// The sample's sequence log-probability (the model's own confidence).
    case logprob
}

/// The outcome of best-of-N over `samples`: 1 when the top-ranked sample is correct, 0 when not,
/// the fraction correct among tied top samples. Samples without an answer are ranked like any
/// other (they are simply incorrect): the scorer decides. Throws when a sample lacks the criterion.
public func bestOfN(_ samples: [ScoredSample], by criterion: BestOfNCriterion = .score) throws -> Double {
    guard !samples.isEmpty else { return 0 }
    let values = try samples.enumerated().map { index, sample -> Double in
        let value: Double?
        switch criterion {
        case .score: value = sample.score
        case .logprob: value = sample.logprob
        }
        guard let value, !value.isNaN else {
            throw EvaluationError("best-of-N: sample \(index) has no \(criterion.rawValue) — "
                + (criterion == .score ? "run a scorer first" : "record log-probabilities when sampling"))
        }
        return value
    }
    let top = values.max() ?? 0
    let tied = zip(samples, values).filter { $0.1 == top }
    return Double(tied.filter { $0.0.correct }.count) / Double(tied.count)
}

/// best@k: mean and standard deviation over `subsets` random draws of k samples per problem of
/// the best-of-k accuracy. With k = n for every problem the result is exact (one draw, std 0).
public func bestOfNAtK(_ problems: [ProblemSamples], k: Int, subsets: Int = 100,
                       by criterion: BestOfNCriterion = .score,
                       using generator: inout some RandomNumberGenerator) throws -> SubsetEstimate {
    try estimateOverSubsets(problems, k: k, draws: subsets, estimator: "best@\(k)", using: &generator) { chosen, problem in
        do { return try bestOfN(chosen, by: criterion) } catch let error as EvaluationError {
            throw EvaluationError("problem '\(problem.problemID)': \(error.message)")
        }
    }
}
