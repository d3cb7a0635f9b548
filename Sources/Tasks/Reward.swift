// Tasks/Reward.swift — owns the `Reward` protocol and the two basic rewards every RLVR recipe
// uses: correctness (verifiable 1/0) and format (well-formed think/answer structure).

import Foundation

/// A reward function: a score for one completion of one problem.
///
/// `tokenCount` is the completion's length in tokens as the policy produced it (length-based
/// rewards need it; text rewards ignore it). A nil score means "not applicable" (e.g. a
/// language reward for a prompt without letters) and counts as 0 in a weighted sum.
public protocol Reward: Sendable {
    /// Short name used in tables and metrics (`correct`, `format`, …).
    var name: String { get }
    /// The score of `completion` for `problem`, or nil where the reward does not apply.
    func score(completion: String, problem: Problem, tokenCount: Int) -> Double?
}

/// Correctness, the verifiable reward of RLVR (DeepSeek-R1, 2025; Lambert et al., Tülu 3, 2024):
/// r = 1 if the extracted answer equals the gold answer, else 0.
public struct CorrectnessReward: Reward, Equatable {
    /// How the answer is cut from the completion.
    public var extractor: AnswerExtractor
    /// How it is compared with the gold answer.
    public var comparison: AnswerComparison

    /// Correctness under an explicit extractor and comparison.
    public init(extractor: AnswerExtractor = .afterThink, comparison: AnswerComparison = .numeric) {
        self.extractor = extractor
        self.comparison = comparison
    }

    /// Correctness under a data set's extractor and comparison.
    public init(dataset: Dataset) {
        self.init(extractor: dataset.extractor, comparison: dataset.comparison)
    }

    public var name: String { "correct" }

    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        isCorrect(completion: completion, problem: problem, extractor: extractor, comparison: comparison) ? 1 : 0
    }
}

/// The completion structures the format reward accepts.
public enum FormatStyle: String, Sendable, Codable, CaseIterable, Equatable {
    /// `<think>…</think>answer`: one think block first, then a non-empty answer with no tags.
    case think
    /// `<think>…</think><answer>…</answer>` (DeepSeek-R1-Zero's template), whitespace between.
    case answerTag = "answer-tag"

    /// The style matching an extractor: `answerTag` for `.answerTag`, otherwise `think`.
    public init(extractor: AnswerExtractor) {
        self = extractor == .answerTag ? .answerTag : .think
    }
}

/// Format reward (DeepSeek-R1, 2025, "format rewards"): r = 1 when the completion has the
/// required structure, else 0. Leading and trailing whitespace and anything from an
/// end-of-sequence marker on are ignored; each tag must appear exactly once, in order.
public struct FormatReward: Reward, Equatable {
    /// The structure required.
    public var style: FormatStyle

    /// A format reward for `style`.
    public init(style: FormatStyle = .think) { self.style = style }

    public var name: String { "format" }

    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        isWellFormed(completion) ? 1 : 0
    }

    /// Whether `completion` has the required structure.
    public func isWellFormed(_ completion: String) -> Bool {
        let text = cutAtEnd(completion).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("<think>"), count("<think>", in: text) == 1,
              count("</think>", in: text) == 1,
              let close = text.range(of: "</think>") else { return false }
        let rest = text[close.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        switch style {
        case .think:
            return !rest.isEmpty && !rest.contains("<think>") && !rest.contains("<answer>")
                && !rest.contains("</answer>")
        case .answerTag:
            guard rest.hasPrefix("<answer>"), rest.hasSuffix("</answer>"),
                  count("<answer>", in: rest) == 1, count("</answer>", in: rest) == 1 else { return false }
            let inner = rest.dropFirst("<answer>".count).dropLast("</answer>".count)
            return !inner.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
    }
}

/// Non-overlapping occurrences of `needle` in `text`.
func count(_ needle: String, in text: String) -> Int {
    var n = 0
    var start = text.startIndex
    while let r = text.range(of: needle, range: start..<text.endIndex) {
        n += 1
        start = r.upperBound
    }
    return n
}
