// ScoredSample — the plain records every estimator works on: one sampled completion after answer
// extraction and verification, and all samples drawn for one problem. The generation side fills
// these; Evaluation never sees text, only keys, verdicts, token counts and scores.
import Foundation

/// One completion of one problem, reduced to what the estimators need.
public struct ScoredSample: Sendable, Codable, Equatable, Hashable {
    /// The normalized extracted answer (equal keys = same answer for voting); nil when no answer
    /// could be extracted — such a sample never wins a vote.
    public var answerKey: String?
    /// Whether the verifier accepted the answer.
    public var correct: Bool
    /// Tokens generated in total (thinking plus answer), prompt excluded.
    public var generatedTokens: Int
    /// Tokens spent inside the thinking section (0 when the format has none).
    public var thinkingTokens: Int
    /// Sum of the per-token log-probabilities of the completion under the sampling model, if recorded.
    public var logprob: Double?
    /// A scorer's score (verifier or reward model; higher is better), if one was run.
    public var score: Double?

    /// Creates a sample record.
    public init(answerKey: String?, correct: Bool, generatedTokens: Int = 0, thinkingTokens: Int = 0,
                logprob: Double? = nil, score: Double? = nil) {
        self.answerKey = answerKey
        self.correct = correct
        self.generatedTokens = generatedTokens
        self.thinkingTokens = thinkingTokens
        self.logprob = logprob
        self.score = score
    }

    /// Tokens after the thinking section: generated minus thinking (never negative).
    public var answerTokens: Int { max(0, generatedTokens - thinkingTokens) }
}

/// All samples drawn for one problem (n = `samples.count`).
public struct ProblemSamples: Sendable, Codable, Equatable {
    /// The problem's identifier in its data set.
    public var problemID: String
    /// The samples, in the order they were generated.
    public var samples: [ScoredSample]
    /// Tokens of the prompt, counted once per problem whatever k is; nil when not recorded.
    public var promptTokens: Int?

    /// Creates the record of one problem's samples.
    public init(problemID: String, samples: [ScoredSample], promptTokens: Int? = nil) {
        self.problemID = problemID
        self.samples = samples
        self.promptTokens = promptTokens
    }

    /// Number of samples, n.
    public var n: Int { samples.count }
    /// Number of correct samples, c.
    public var correctCount: Int { samples.reduce(0) { $0 + ($1.correct ? 1 : 0) } }
}

/// Checks shared by every estimator taking k samples per problem: at least one problem, k ≥ 1,
/// and every problem holding at least k samples.
func validate(_ problems: [ProblemSamples], k: Int, estimator: String) throws {
    guard !problems.isEmpty else {
        throw EvaluationError("\(estimator): no problems given — sample some completions first")
    }
    guard k >= 1 else { throw EvaluationError("\(estimator): k = \(k) must be at least 1") }
    if let short = problems.first(where: { $0.n < k }) {
        throw EvaluationError("\(estimator): k = \(k) exceeds the \(short.n) samples of problem '\(short.problemID)' — "
            + "sample at least \(k) per problem or use a smaller k")
    }
}
