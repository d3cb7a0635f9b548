// EvaluationError — the public error type of the Evaluation module: each message names the bad
// input and says what to change.
import Foundation

/// An error from an evaluation estimator: impossible parameters or samples missing a needed field.
public struct EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong and what to do about it.
    public var message: String

    /// Creates an error with a message for people.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension EvaluationError: LocalizedError {
    public var errorDescription: String? { message }
}
