// Parser — one line of command text to a `ParsedCommand`: a verb, positional values and
// `key=value` arguments, with the location of each. It knows nothing about which commands exist;
// the registry checks the result against the declarations.
//
// Syntax: words are separated by spaces or tabs; `#` at the start of a word begins a comment that
// runs to the end of the line; double quotes group text with spaces and understand `\"`, `\\`,
// `\n` and `\t`; `key=value` binds a value to a key when `key` is an identifier. Control bytes,
// invalid UTF-8 and lines over `Parser.maximumLineLength` characters are rejected with one error.

/// A `key=value` argument as written.
public struct KeyValue: Sendable, Equatable {
    /// The key, as typed.
    public var key: String
    /// Where the key starts.
    public var keyLocation: SourceLocation
    /// The value after `=`.
    public var value: Value
}

/// One parsed command line, before validation against a declaration.
public struct ParsedCommand: Sendable, Equatable {
    /// The command name (first word).
    public var verb: String
    /// Where the verb starts.
    public var verbLocation: SourceLocation
    /// Positional values after the verb, in order (the first may be a sub-verb).
    public var words: [Value]
    /// `key=value` arguments, in order.
    public var arguments: [KeyValue]
    /// The text after the verb with the comment removed, for commands that take free text.
    public var rest: String
    /// The whole source line (without its line break).
    public var source: String
    /// The line number the text came from.
    public var line: Int
}

/// Parses single lines of the command language.
public enum Parser {
    /// Lines longer than this many characters are rejected: nothing in the language needs them,
    /// and pasted garbage should fail fast with a clear message.
    public static let maximumLineLength = 16_384

    /// Parses one line. Returns nil for a blank line or a comment-only line.
    /// - Parameters:
    ///   - source: the line, without its line break (a trailing `\r` is ignored).
    ///   - line: the line number to report in locations.
    /// - Throws: `CommandError` (kind `.usage`) with the location of the problem.
    public static func parse(_ source: String, line: Int = 1) throws -> ParsedCommand? {
        do {
            return try parseUnattached(source, line: line)
        } catch let error as CommandError {
            throw error.attaching(source: source)
        }
    }

    private static func parseUnattached(_ rawSource: String, line: Int) throws -> ParsedCommand? {
        var source = rawSource
        if source.hasSuffix("\r") { source.removeLast() }
        let characters = Array(source)
        if characters.count > maximumLineLength {
            throw CommandError.usage("line too long (\(characters.count) characters; the limit is "
                                     + "\(maximumLineLength)) — split it into several commands", at: nil)
        }
        try rejectUnprintable(characters, line: line)
        let tokens = try tokenize(characters, line: line)
        guard let first = tokens.first else { return nil }
        guard first.key == nil, !first.quoted, isIdentifier(first.text) else {
            throw CommandError.usage("expected a command name at the start of the line, found '\(first.raw)'"
                                     + " — type 'help' for the list of commands",
                                     at: first.location, span: first.raw.count)
        }
        var words: [Value] = []
        var arguments: [KeyValue] = []
        for token in tokens.dropFirst() {
            if let key = token.key {
                if let earlier = arguments.first(where: { $0.key == key }) {
                    throw CommandError.usage("key '\(key)' given twice (first at column \(earlier.keyLocation.column))"
                                             + " — keep one", at: token.location, span: key.count)
                }
                arguments.append(KeyValue(key: key, keyLocation: token.location, value: try token.value()))
            } else {
                words.append(try token.value())
            }
        }
        let restStart = first.endIndex
        var rest = String(characters[restStart..<(tokens.last?.commentStart ?? characters.count)])
        rest = rest.trimmingWhitespace()
        return ParsedCommand(verb: first.text, verbLocation: first.location, words: words,
                             arguments: arguments, rest: rest, source: source, line: line)
    }

    /// Rejects control characters (other than tab) and replacement characters left by invalid
    /// UTF-8, naming the first offender's column.
    private static func rejectUnprintable(_ characters: [Character], line: Int) throws {
        for (index, character) in characters.enumerated() {
            let at = SourceLocation(line: line, column: index + 1)
            if character == "\u{FFFD}" {
                throw CommandError.usage("the line is not valid UTF-8 text (bad bytes at column \(index + 1))"
                                         + " — retype it", at: at)
            }
            guard character != "\t", let scalar = character.unicodeScalars.first else { continue }
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                let code = String(scalar.value, radix: 16, uppercase: true)
                throw CommandError.usage("control character U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)"
                                         + " at column \(index + 1) — remove it", at: at)
            }
        }
    }

    /// Whether `text` is a command or key name: a letter or `_`, then letters, digits, `_`, `-`, `.`.
    static func isIdentifier<S: StringProtocol>(_ text: S) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
