// Value — one literal as written in a command, classified by its syntax alone: integer, number,
// quoted string, bare word, list (`1,2,4`), range (`0..2`) or pair (`0.2:0.28`). What a value
// *means* (a path, an enum choice, a float in 0…1) is decided later by the command's declaration.

/// A literal from a command line, with the exact text it came from and where it starts.
public struct Value: Sendable, Equatable {
    /// The syntactic shape of the literal.
    public enum Kind: Sendable, Equatable {
        /// An integer such as `7` or `-3`.
        case integer(Int)
        /// A decimal or scientific number such as `0.5` or `3e-3`.
        case number(Double)
        /// A double-quoted string, escapes resolved.
        case string(String)
        /// An unquoted word that is no other kind (`add`, `plots/x.png`, `http://…`).
        case word(String)
        /// Comma-separated items (`1,2,4`, `pass,maj`).
        case list([Value])
        /// An inclusive integer range `a..b`.
        case range(Int, Int)
        /// Two numbers joined by a colon (`0.2:0.28`).
        case pair(Double, Double)
    }

    /// The classified literal.
    public var kind: Kind
    /// The text as it should be used when the declaration wants a string or path: escapes
    /// resolved for quoted strings, the characters themselves otherwise.
    public var text: String
    /// Where the literal starts.
    public var location: SourceLocation
    /// How many characters of source the literal spans (for carets).
    public var span: Int

    /// Creates a value; prefer `Value.classify` for bare text.
    public init(kind: Kind, text: String, location: SourceLocation, span: Int) {
        self.kind = kind
        self.text = text
        self.location = location
        self.span = span
    }

    /// Classifies unquoted text by its shape. Lists split on commas; each item is classified on
    /// its own. Throws on an empty list item (`1,,2`), which is almost always a typo. Text with
    /// parentheses is never a list: it is part of a figure such as `gain(rl, sft)` (see `expect`).
    static func classify(_ text: String, at location: SourceLocation) throws -> Value {
        let span = text.count
        if text.contains(","), !text.contains("("), !text.contains(")") {
            var items: [Value] = []
            var column = location.column
            for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
                let item = String(piece)
                let here = SourceLocation(line: location.line, column: column)
                if item.isEmpty {
                    throw CommandError.usage("empty item in the list '\(text)' — remove the extra comma",
                                             at: here)
                }
                items.append(try classify(item, at: here))
                column += item.count + 1
            }
            return Value(kind: .list(items), text: text, location: location, span: span)
        }
        return Value(kind: scalarKind(text), text: text, location: location, span: span)
    }

    /// The kind of a comma-free bare literal.
    private static func scalarKind(_ text: String) -> Kind {
        if let integer = parseInteger(text) { return .integer(integer) }
        if let number = parseNumber(text) { return .number(number) }
        if let dots = text.range(of: ".."),
           let low = parseInteger(String(text[..<dots.lowerBound])),
           let high = parseInteger(String(text[dots.upperBound...])) {
            return .range(low, high)
        }
        let halves = text.split(separator: ":", omittingEmptySubsequences: false)
        if halves.count == 2, let first = parseNumber(String(halves[0])) ?? parseInteger(String(halves[0])).map(Double.init),
           let second = parseNumber(String(halves[1])) ?? parseInteger(String(halves[1])).map(Double.init) {
            return .pair(first, second)
        }
        return .word(text)
    }

    /// An optionally signed run of ASCII digits that fits in `Int`.
    static func parseInteger(_ text: String) -> Int? {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text.first == "+" ? String(text.dropFirst()) : text)
    }

    /// A finite decimal number in plain or scientific notation (`0.5`, `.5`, `3e-3`); rejects
    /// `nan`, `inf` and hexadecimal forms that `Double(_:)` would accept.
    static func parseNumber(_ text: String) -> Double? {
        let allowed = "0123456789+-.eE"
        guard text.contains(where: { $0.isASCII && $0.isNumber }),
              text.allSatisfy({ allowed.contains($0) }),
              let number = Double(text), number.isFinite else { return nil }
        return number
    }

    /// A short description of the literal's shape for error messages ("the word 'abc'").
    var shapeDescription: String {
        switch kind {
        case .integer: return "the integer \(text)"
        case .number: return "the number \(text)"
        case .string: return "the string \"\(text)\""
        case .word: return "'\(text)'"
        case .list: return "the list \(text)"
        case .range: return "the range \(text)"
        case .pair: return "the pair \(text)"
        }
    }
}
