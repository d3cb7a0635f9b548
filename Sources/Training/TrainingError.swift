// Training/TrainingError.swift — the module's public error type. Every message says what was
// wrong, which input, and what to do instead, so the REPL can print it as is.

/// An error from the Training module: a bad setting, an inconsistent batch, a missing model
/// piece. The message is complete advice for a person.
public struct TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The full, human-readable message.
    public let message: String

    /// Creates an error with a complete message.
    public init(_ message: String) { self.message = message }

    /// The message, so `print(error)` and interpolation read well.
    public var description: String { message }
}
