// CommandError — the one error type people see: what was wrong, where (line and column), what to do.
// Parser errors, argument validation, command failures and Ctrl-C interruptions all end up here, so
// the REPL and the notebook runner render every failure the same way: one `error:` line, then the
// offending source line with a caret under the place it went wrong.

/// A position in command text: 1-based line and column (columns count characters).
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// 1-based line number (the file line in notebooks, 1 at the REPL prompt).
    public var line: Int
    /// 1-based column, counted in characters.
    public var column: Int

    /// Creates a location at `line`, `column` (both 1-based).
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A failure caused by user input or by a command: renders as one clear error line, plus the
/// source line and a caret when the position is known.
public struct CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; the REPL treats interruptions and quits differently.
    public enum Kind: Sendable, Equatable {
        /// The text could not be parsed or validated against the command's declaration.
        case usage
        /// The command ran and failed.
        case failure
        /// Ctrl-C (or another cancellation request) stopped a long command between steps.
        case interrupted
        /// A command's handler disagrees with its own declaration (a bug, found by the tests).
        case internalError
    }

    /// What went wrong and what to do about it, in one sentence.
    public var message: String
    /// Where in `sourceText` it went wrong, when known.
    public var location: SourceLocation?
    /// How many characters the caret underlines (at least 1).
    public var span: Int
    /// The line of command text the location refers to.
    public var sourceText: String?
    /// The kind of failure.
    public var kind: Kind

    /// Creates an error with an optional position in `sourceText`.
    public init(_ message: String, kind: Kind = .failure, at location: SourceLocation? = nil,
                span: Int = 1, sourceText: String? = nil) {
        self.message = message
        self.kind = kind
        self.location = location
        self.span = max(1, span)
        self.sourceText = sourceText
    }

    /// The error raised when a long command notices a cancellation request between steps.
    public static let interrupted = CommandError(
        "interrupted — the session is as it was after the last completed step", kind: .interrupted)

    /// A usage error (bad syntax, unknown key, value out of range) at `location`.
    static func usage(_ message: String, at location: SourceLocation?, span: Int = 1) -> CommandError {
        CommandError(message, kind: .usage, at: location, span: span)
    }

    /// The same error with its source line attached (if it has none yet), for caret rendering.
    func attaching(source: String) -> CommandError {
        var copy = self
        if copy.sourceText == nil { copy.sourceText = source }
        return copy
    }

    /// The same error moved to another line number (notebook cells know their file line).
    func relocated(toLine line: Int) -> CommandError {
        var copy = self
        if let location = copy.location { copy.location = SourceLocation(line: line, column: location.column) }
        return copy
    }

    public var description: String { rendered() }

    /// Renders the error: `[file:line:col: ]error: message`, then (when the position is known) the
    /// source line indented by two spaces and a caret line under the offending characters.
    /// - Parameters:
    ///   - file: the file the command came from, if any.
    ///   - line: the line to name when the error has no location of its own (a runtime failure).
    public func rendered(file: String? = nil, line: Int? = nil) -> String {
        var head = ""
        if let file {
            head = file + ":"
            if let location { head += "\(location.line):\(location.column):" }
            else if let line { head += "\(line):" }
            head += " "
        }
        var lines = [head + "error: " + message]
        if let location, let sourceText, !sourceText.isEmpty {
            let display = Self.printable(sourceText)
            lines.append("  " + display)
            let column = min(max(location.column, 1), display.count + 1)
            let width = max(1, min(span, display.count - column + 1))
            lines.append("  " + String(repeating: " ", count: column - 1) + "^"
                         + String(repeating: "~", count: width - 1))
        }
        return lines.joined(separator: "\n")
    }

    /// Makes a line safe to echo to a terminal: control characters become `?`, huge lines are
    /// cut, so an error about garbage input never writes garbage itself.
    static func printable(_ text: String) -> String {
        var out = ""
        for (index, character) in text.enumerated() {
            if index >= 200 { out += "…"; break }
            let scalar = character.unicodeScalars.first?.value ?? 0
            out.append(scalar < 0x20 || scalar == 0x7F || character == "\u{FFFD}" ? "?" : character)
        }
        return out
    }
}
