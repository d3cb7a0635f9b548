// Models/Tokenizers/Chat/JinjaLexer.swift — splits a chat template into text, `{{ … }}` and
// `{% … %}` pieces with the whitespace rules transformers renders with (jinja2's trim_blocks and
// lstrip_blocks, `-` and `+` markers, the final newline dropped), and cuts a tag's inside into
// tokens.

/// Why a chat template could not be parsed or rendered; the message names the line when known.
public struct ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    static func at(_ line: Int, _ message: String) -> ChatTemplateError {
        ChatTemplateError("chat template line \(line): \(message)")
    }
}

/// One piece of a template.
enum JinjaPiece {
    case text(String)
    /// `{{ … }}`: tokens and the line it starts on.
    case output([JinjaToken], line: Int)
    /// `{% … %}`.
    case statement([JinjaToken], line: Int)
}

/// A token inside a tag.
enum JinjaToken: Equatable {
    case name(String)
    case string(String)
    case int(Int)
    case double(Double)
    case op(String)
}

enum JinjaLexer {
    /// Splits `source` into pieces, applying jinja2's whitespace control as transformers sets it.
    static func pieces(_ source: String) throws(ChatTemplateError) -> [JinjaPiece] {
        // jinja2 rejoins lines with "\n" and, without keep_trailing_newline, drops a final one.
        var normalized = source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if normalized.hasSuffix("\n") { normalized.removeLast() }
        let s = Array(normalized.unicodeScalars)
        var pieces: [JinjaPiece] = []
        var text: [Unicode.Scalar] = []
        var i = 0
        var stripNext = false          // a `-` closed the previous tag
        var line = 1
        func flush() { if !text.isEmpty { pieces.append(.text(String(String.UnicodeScalarView(text)))); text = [] } }
        while i < s.count {
            // Text up to the next tag opener.
            var j = i
            while j + 1 < s.count, !(s[j] == "{" && (s[j + 1] == "{" || s[j + 1] == "%" || s[j + 1] == "#")) { j += 1 }
            if j + 1 >= s.count { j = s.count }
            var chunk = Array(s[i..<j])
            if stripNext { chunk = Array(chunk.drop { isSpace($0) }); stripNext = false }
            let lineStart = i == 0 || s[i - 1] == "\n"
            line += s[i..<j].filter { $0 == "\n" }.count
            if j == s.count { text += chunk; break }
            let kind = s[j + 1]
            let marker: Unicode.Scalar? = j + 2 < s.count && (s[j + 2] == "-" || s[j + 2] == "+") ? s[j + 2] : nil
            if marker == "-" {
                while let last = chunk.last, isSpace(last) { chunk.removeLast() }
            } else if kind != "{" && marker != "+" {
                // lstrip_blocks: a block or comment tag alone on its line takes its indentation with it.
                let afterNewline = chunk.lastIndex(of: "\n").map { $0 + 1 }
                let from = afterNewline ?? 0
                if afterNewline != nil || lineStart,
                   chunk[from...].allSatisfy({ $0 == " " || $0 == "\t" }) {
                    chunk.removeSubrange(from...)
                }
            }
            text += chunk
            let tagLine = line
            let bodyStart = j + 2 + (marker == nil ? 0 : 1)
            let closer: Unicode.Scalar = kind == "{" ? "}" : kind == "%" ? "%" : "#"
            // Find the closer outside string literals (comments have no strings).
            var k = bodyStart
            var quote: Unicode.Scalar? = nil
            while k + 1 < s.count {
                let c = s[k]
                if let q = quote {
                    if c == "\\" { k += 2; continue }
                    if c == q { quote = nil }
                } else if kind != "#" && (c == "'" || c == "\"") {
                    quote = c
                } else if c == closer && s[k + 1] == "}" {
                    break
                }
                k += 1
            }
            guard k + 1 < s.count else {
                throw .at(tagLine, "a tag opened with '{\(Character(kind))' is never closed")
            }
            var bodyEnd = k
            var closeMarker: Unicode.Scalar? = nil
            if bodyEnd > bodyStart, s[bodyEnd - 1] == "-" || (s[bodyEnd - 1] == "+" && kind != "{") {
                closeMarker = s[bodyEnd - 1]
                bodyEnd -= 1
            }
            line += s[j..<(k + 2)].filter { $0 == "\n" }.count
            i = k + 2
            if closeMarker == "-" { stripNext = true }
            else if kind != "{" && closeMarker != "+", i < s.count, s[i] == "\n" { i += 1; line += 1 }   // trim_blocks
            if kind == "#" { continue }
            flush()
            let tokens = try tokenize(Array(s[bodyStart..<max(bodyStart, bodyEnd)]), line: tagLine)
            pieces.append(kind == "{" ? .output(tokens, line: tagLine) : .statement(tokens, line: tagLine))
        }
        flush()
        return pieces
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" }

    static let operators = ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=",
                            "(", ")", "[", "]", "{", "}", ".", ",", ":", "|"]

    /// Cuts a tag's inside into tokens.
    static func tokenize(_ s: [Unicode.Scalar], line: Int) throws(ChatTemplateError) -> [JinjaToken] {
        var tokens: [JinjaToken] = []
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.value < 128 && c.properties.isAlphabetic) }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        while i < s.count {
            let c = s[i]
            if isSpace(c) { i += 1; continue }
            if isNameStart(c) {
                var j = i
                while j < s.count, isNameStart(s[j]) || isDigit(s[j]) { j += 1 }
                tokens.append(.name(String(String.UnicodeScalarView(s[i..<j]))))
                i = j
            } else if isDigit(c) {
                var j = i
                var isFloat = false
                while j < s.count, isDigit(s[j]) || s[j] == "_" { j += 1 }
                if j + 1 < s.count, s[j] == ".", isDigit(s[j + 1]) {
                    isFloat = true
                    j += 1
                    while j < s.count, isDigit(s[j]) || s[j] == "_" { j += 1 }
                }
                if j < s.count, s[j] == "e" || s[j] == "E" {
                    var k = j + 1
                    if k < s.count, s[k] == "+" || s[k] == "-" { k += 1 }
                    if k < s.count, isDigit(s[k]) {
                        isFloat = true
                        j = k
                        while j < s.count, isDigit(s[j]) { j += 1 }
                    }
                }
                let literal = String(String.UnicodeScalarView(s[i..<j])).replacingOccurrences(of: "_", with: "")
                if isFloat, let d = Double(literal) { tokens.append(.double(d)) }
                else if let n = Int(literal) { tokens.append(.int(n)) }
                else { throw .at(line, "the number \(literal) is out of range") }
                i = j
            } else if c == "'" || c == "\"" {
                let (value, next) = try stringLiteral(s, from: i, line: line)
                tokens.append(.string(value))
                i = next
            } else if let op = operators.first(where: { op in
                let o = Array(op.unicodeScalars)
                return i + o.count <= s.count && Array(s[i..<(i + o.count)]) == o
            }) {
                tokens.append(.op(op))
                i += op.unicodeScalars.count
            } else {
                throw .at(line, "unexpected character '\(Character(c))' inside a tag")
            }
        }
        return tokens
    }

    /// A quoted literal with Python's escapes (`\n`, `\t`, `\\`, `\'`, `\"`, `\xhh`, `\uhhhh`, …).
    static func stringLiteral(_ s: [Unicode.Scalar], from start: Int, line: Int) throws(ChatTemplateError) -> (String, Int) {
        let quote = s[start]
        var out = String.UnicodeScalarView()
        var i = start + 1
        while i < s.count, s[i] != quote {
            guard s[i] == "\\", i + 1 < s.count else { out.append(s[i]); i += 1; continue }
            let e = s[i + 1]
            i += 2
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "0": out.append("\0")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\\", "'", "\"": out.append(e)
            case "\n": break
            case "x", "u", "U":
                let width = e == "x" ? 2 : e == "u" ? 4 : 8
                guard i + width <= s.count, let v = UInt32(String(String.UnicodeScalarView(s[i..<(i + width)])), radix: 16),
                      let scalar = Unicode.Scalar(v) else { throw .at(line, "a bad \\\(Character(e)) escape in a string") }
                out.append(scalar)
                i += width
            default: out.append("\\"); out.append(e)   // Python keeps unknown escapes as written
            }
        }
        guard i < s.count else { throw .at(line, "a string is never closed") }
        return (String(out), i + 1)
    }
}
