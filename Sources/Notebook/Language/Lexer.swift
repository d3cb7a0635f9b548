// Lexer — splits one line into words (the lexer of the command language). A word is a run of
// bare characters and quoted segments with no space between them; `key=value` is recognised here
// because only the lexer knows whether the `=` was inside quotes.

/// One word of a command line.
struct Token: Equatable {
    /// The word with quotes removed and escapes resolved.
    var text: String
    /// The word exactly as written.
    var raw: String
    /// Whether any part of the value was quoted (quoted values are always strings).
    var quoted: Bool
    /// The key when the word is `key=value`.
    var key: String?
    /// Where the word starts.
    var location: SourceLocation
    /// The value text (after `=` for keyed words) and where it starts.
    var valueText: String
    var valueLocation: SourceLocation
    /// Index just past the word in the line's characters.
    var endIndex: Int
    /// Index of a comment that follows this word, if the line ends in one.
    var commentStart: Int?

    /// The word's value, classified by shape unless quoted.
    func value() throws -> Value {
        if quoted {
            return Value(kind: .string(valueText), text: valueText, location: valueLocation,
                         span: endIndex - (valueLocation.column - 1))
        }
        return try Value.classify(valueText, at: valueLocation)
    }
}

extension Parser {
    /// Splits a line into tokens; stops at a `#` that starts a word.
    static func tokenize(_ characters: [Character], line: Int) throws -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "\t" { index += 1; continue }
            if character == "#" {
                if !tokens.isEmpty { tokens[tokens.count - 1].commentStart = index }
                break
            }
            let token = try readToken(characters, from: index, line: line)
            tokens.append(token)
            index = token.endIndex
        }
        return tokens
    }

    /// Reads one word starting at `start`.
    private static func readToken(_ characters: [Character], from start: Int, line: Int) throws -> Token {
        var text = ""
        var quoted = false
        var key: String?
        var valueStart = start
        var valueText = ""
        var index = start
        while index < characters.count, characters[index] != " ", characters[index] != "\t" {
            let character = characters[index]
            if character == "\"" {
                let (segment, end) = try readQuoted(characters, from: index, line: line)
                text += segment
                valueText += segment
                quoted = true
                index = end
                continue
            }
            if character == "=", key == nil, !quoted, isIdentifier(text) {
                key = text
                valueText = ""
                valueStart = index + 1
                index += 1
                text += "="
                continue
            }
            text.append(character)
            valueText.append(character)
            index += 1
        }
        let location = SourceLocation(line: line, column: start + 1)
        if let key, valueText.isEmpty, !quoted {
            throw CommandError.usage("missing value after '\(key)=' — write \(key)=VALUE (no spaces around '=')",
                                     at: location, span: key.count + 1)
        }
        return Token(text: text, raw: String(characters[start..<index]), quoted: quoted, key: key,
                     location: location, valueText: key == nil ? text : valueText,
                     valueLocation: SourceLocation(line: line, column: valueStart + 1),
                     endIndex: index, commentStart: nil)
    }

    /// Reads a double-quoted segment starting at the opening quote; returns its text and the
    /// index just past the closing quote.
    private static func readQuoted(_ characters: [Character], from open: Int,
                                   line: Int) throws -> (String, Int) {
        var text = ""
        var index = open + 1
        while index < characters.count {
            let character = characters[index]
            if character == "\"" { return (text, index + 1) }
            if character == "\\" {
                guard index + 1 < characters.count else { break }
                let escaped = characters[index + 1]
                switch escaped {
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                case "n": text.append("\n")
                case "t": text.append("\t")
                default:
                    throw CommandError.usage("unknown escape '\\\(escaped)' in a quoted string — use \\\", \\\\, \\n or \\t",
                                             at: SourceLocation(line: line, column: index + 1), span: 2)
                }
                index += 2
                continue
            }
            text.append(character)
            index += 1
        }
        throw CommandError.usage("unterminated string: the quote at column \(open + 1) is never closed — add a closing \"",
                                 at: SourceLocation(line: line, column: open + 1))
    }
}
