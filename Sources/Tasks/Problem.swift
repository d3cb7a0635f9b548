// Tasks/Problem.swift — owns `Problem`, one verifiable question with its gold answer, and the
// module's public error type `TasksError`.

/// One verifiable problem: the prompt shown to the model, the gold answer a verifier compares
/// against, an optional worked solution (used as an SFT target), a difficulty and free metadata.
///
/// For generated tasks the `solution` is the full completion text the model should produce
/// (`<think>…</think>answer`), without any end-of-sequence token: the trainer appends that.
public struct Problem: Sendable, Codable, Equatable, Hashable {
    /// Stable identifier, unique within a data set (e.g. `add-d3-train-17`).
    public var id: String
    /// The text the model is conditioned on (e.g. `123+456=`).
    public var prompt: String
    /// The gold answer as text (e.g. `579`); compared through the data set's `AnswerComparison`.
    public var answer: String
    /// A worked solution in the data set's completion format, or nil when none is known.
    public var solution: String?
    /// Larger is harder. Generators document their scale; loaded data defaults to 0.
    public var difficulty: Double
    /// Free string metadata: `language`, `op`, `numbers`, `target`, `worked`, …
    public var metadata: [String: String]

    /// Creates a problem; every field but the prompt and answer has a neutral default.
    public init(id: String, prompt: String, answer: String, solution: String? = nil,
                difficulty: Double = 0, metadata: [String: String] = [:]) {
        self.id = id
        self.prompt = prompt
        self.answer = answer
        self.solution = solution
        self.difficulty = difficulty
        self.metadata = metadata
    }
}

/// Errors the Tasks module throws. Each message says what was wrong, where, and what to do.
public struct TasksError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The full, human-readable message.
    public let message: String

    /// Creates an error with a complete message.
    public init(_ message: String) { self.message = message }

    /// The message, so `print(error)` and string interpolation read well.
    public var description: String { message }
}
