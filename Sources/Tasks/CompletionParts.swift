// Tasks/CompletionParts.swift — owns `CompletionParts`: a completion split into its thinking
// and its answer, for metrics such as "share of worked answers" and "thinking length".

import Foundation

/// A `<think>…</think>answer` completion taken apart.
public struct CompletionParts: Sendable, Equatable {
    /// The text inside the first `<think>` and the last `</think>`, nil when either tag is missing.
    public var thinking: String?
    /// The text after the last `</think>` up to an end marker, trimmed; nil when none.
    public var answer: String?

    /// Whether the completion shows work: its thinking has non-whitespace text.
    /// `<think></think>579` does not; `<think>3+6=9c0 …</think>579` does.
    public var showsWork: Bool {
        guard let thinking else { return false }
        return !thinking.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// Splits `completion`. Never traps.
    public init(_ completion: String) {
        let text = cutAtEnd(completion)
        answer = AnswerExtractor.afterThink.extract(text)
        if let open = text.range(of: "<think>"),
           let close = text.range(of: "</think>", options: .backwards),
           open.upperBound <= close.lowerBound {
            thinking = String(text[open.upperBound..<close.lowerBound])
        } else {
            thinking = nil
        }
    }
}
