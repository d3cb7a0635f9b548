// AnswerSelection — turning k samples of a problem into one answer and scoring it: majority vote
// (plain or weighted) and best-of-N by a scorer. Both count ties fractionally (see below).
import Foundation

// MARK: - MajorityVote — self-consistency (Wang et al. 2022): the answer given most often among k samples
// is the model's answer. Also weighted voting, where each vote counts a scorer's score or the
// sequence probability exp(log p) instead of 1.
//
// Tie rule: when several answers share the top vote, the vote counts as the fraction of them that
// are correct (e.g. one right and one wrong answer tied → 0.5). That is exactly the expected
// accuracy of breaking the tie uniformly at random, but without the extra randomness, and it does
// not depend on the order samples happen to be listed in — "earliest answer wins" would reward or
// punish a model for sample order, which carries no information.

/// How much one sample's vote counts.
public enum VoteWeighting: String, Sendable, Codable, CaseIterable {
    /// Every vote counts 1 (plain majority, maj@k).
    case uniform
    /// A vote counts the sample's `score` (must be ≥ 0; e.g. a verifier's or reward model's probability).
    case score
    /// A vote counts exp(`logprob`), the sequence probability under the sampling model; computed
    /// relative to the largest log-probability among the voters so long sequences do not underflow.
    case probability
}

/// The outcome of one vote over a set of samples: 1 if the winning answer is correct, 0 if not,
/// and the fraction of correct answers among tied winners (see the tie rule above). Samples
/// without an answer do not vote; when none has an answer the result is 0.
///
/// An answer's correctness is taken from the first sample carrying that `answerKey` (samples with
/// equal keys have equal answers, so the verifier agrees on them).
public func majorityVote(_ samples: [ScoredSample], weighting: VoteWeighting = .uniform) throws -> Double {
    let voters = samples.filter { $0.answerKey != nil }
    guard !voters.isEmpty else { return 0 }
    let weights = try voteWeights(voters, weighting: weighting)
    var order: [String] = []
    var tally: [String: (weight: Double, correct: Bool)] = [:]
    for (sample, weight) in zip(voters, weights) {
        guard let key = sample.answerKey else { continue }
        if let entry = tally[key] {
            tally[key] = (entry.weight + weight, entry.correct)
        } else {
            order.append(key)
            tally[key] = (weight, sample.correct)
        }
    }
    let top = order.compactMap { tally[$0]?.weight }.max() ?? 0
    // Weighted sums of the same votes in another order can differ in the last bits; such answers
    // are treated as tied.
    let tolerance = 1e-12 * max(abs(top), 1e-300)
    let tied = order.compactMap { tally[$0] }.filter { top - $0.weight <= tolerance }
    guard !tied.isEmpty else { return 0 }
    return Double(tied.filter(\.correct).count) / Double(tied.count)
}

/// The vote weight of each voter; throws when a needed field is missing or a weight is unusable.
func voteWeights(_ voters: [ScoredSample], weighting: VoteWeighting) throws -> [Double] {
    switch weighting {
    case .uniform:
        return Array(repeating: 1, count: voters.count)
    case .score:
        return try voters.enumerated().map { index, sample in
            guard let score = sample.score else {
                throw EvaluationError("score-weighted vote: sample \(index) has no score — run a scorer first, or vote with weighting uniform")
            }
            guard score.isFinite, score >= 0 else {
                throw EvaluationError("score-weighted vote: sample \(index) has score \(score); votes need finite scores ≥ 0 — "
                    + "use a probability-like scorer or best-of-N")
            }
            return score
        }
    case .probability:
        let logprobs = try voters.enumerated().map { index, sample -> Double in
            guard let logprob = sample.logprob, logprob.isFinite else {
                throw EvaluationError("probability-weighted vote: sample \(index) has no finite log-probability — "
                    + "record log-probabilities when sampling, or vote with weighting uniform")
            }
            return logprob
        }
        let largest = logprobs.max() ?? 0
        return logprobs.map { exp($0 - largest) }
    }
}

/// maj@k averaged over problems: the exact expectation over all k-subsets of each problem's samples
/// (`exactMajorityVote`) for a plain vote; for weighted votes, `weightedVoteAtK` (exact when the
/// subsets are few, otherwise a fixed-seed estimate). No generator: the same samples always give the
/// same value, and maj@1 equals pass@1.
public func majorityAtK(_ problems: [ProblemSamples], k: Int, weighting: VoteWeighting = .uniform) throws -> Double {
    try validate(problems, k: k, estimator: "maj@\(k)")
    let total = try problems.reduce(0.0) { sum, problem in
        do { return sum + (try weightedVoteAtK(problem.samples, k: k, weighting: weighting)) } catch let error as EvaluationError {
            throw EvaluationError("problem '\(problem.problemID)': \(error.message)")
        }
    }
    return total / Double(problems.count)
}

/// maj@n: the vote over all samples of each problem, averaged over problems; no subsets, no randomness.
public func majorityAtN(_ problems: [ProblemSamples], weighting: VoteWeighting = .uniform) throws -> Double {
    guard !problems.isEmpty else { throw EvaluationError("maj@n: no problems given — sample some completions first") }
    let total = try problems.reduce(0.0) { sum, problem in
        do { return sum + (try majorityVote(problem.samples, weighting: weighting)) } catch let error as EvaluationError {
            throw EvaluationError("problem '\(problem.problemID)': \(error.message)")
        }
    }
    return total / Double(problems.count)
}

// MARK: - BestOfN — best-of-N selection: among k samples keep the one a scorer ranks highest and count
// whether it is correct. Ties are fractional, as in majority voting: the fraction of correct
// samples among those sharing the top score (the expected accuracy of a random tie break).

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

/// best@k averaged over problems: the exact expectation over all k-subsets (`exactBestOfN`).
public func bestOfNAtK(_ problems: [ProblemSamples], k: Int, by criterion: BestOfNCriterion = .score) throws -> Double {
    try validate(problems, k: k, estimator: "best@\(k)")
    let total = try problems.reduce(0.0) { sum, problem in
        do { return sum + (try exactBestOfN(problem.samples, k: k, by: criterion)) } catch let error as EvaluationError {
            throw EvaluationError("problem '\(problem.problemID)': \(error.message)")
        }
    }
    return total / Double(problems.count)
}
