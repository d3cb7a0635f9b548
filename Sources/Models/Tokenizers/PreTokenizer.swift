// Hand-written equivalents of the pre-tokenizer regexes of byte-level BPE models. Each pattern
// is an alternation tried in order at every position (leftmost-first, greedy, with the one
// backtracking step `\s+(?!\S)` needs), so the pieces equal what the regex engine produces:
//
//   gpt2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   llama3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
//           | ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   qwen2:  as llama3 with \p{N} (one digit per piece) instead of \p{N}{1,3}
//
// Character classes use Unicode properties: \p{L} general category L*, \p{N} N*, \s White_Space
// — the same definitions Oniguruma uses. Approximation: these three patterns are recognised by
// their text; any other regex in a tokenizer.json is rejected rather than guessed.

/// A pre-tokenizer split pattern Verity implements by hand.
enum SplitPattern: Sendable, Equatable {
    case gpt2, llama3, qwen2

    static let gpt2Regex = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// Recognises a regex from a tokenizer.json `Split` pre-tokenizer; nil if unknown.
    init?(regex: String) {
        let llamaFamily = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|"#
        let tail = #"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        switch regex {
        case SplitPattern.gpt2Regex: self = .gpt2
        case llamaFamily + #"\p{N}{1,3}"# + tail: self = .llama3
        case llamaFamily + #"\p{N}"# + tail: self = .qwen2
        default: return nil
        }
    }

    /// Splits scalars into pieces (ranges that cover the input in order).
    func split(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var i = 0
        while i < s.count {
            // Every character starts some alternative; the fallback keeps progress guaranteed.
            let end = match(s, at: i) ?? (i + 1)
            pieces.append(i..<end)
            i = end
        }
        return pieces
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
    private static func isNumber(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }
    private static func isNewline(_ c: Unicode.Scalar) -> Bool { c == "\r" || c == "\n" }
    /// [^\s\p{L}\p{N}]
    private static func isOther(_ c: Unicode.Scalar) -> Bool { !isSpace(c) && !isLetter(c) && !isNumber(c) }

    /// End of the run of characters satisfying `p` starting at `i` (i itself if none).
    private static func run(_ s: [Unicode.Scalar], _ i: Int, _ p: (Unicode.Scalar) -> Bool, limit: Int = .max) -> Int {
        var j = i
        while j < s.count, j - i < limit, p(s[j]) { j += 1 }
        return j
    }

    /// The end of the match at `i`, trying the alternatives in the regex's order.
    private func match(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        let n = s.count
        let c = s[i]
        // Contractions: 's 't 're 've 'm 'll 'd (case-insensitive except for GPT-2).
        if c == "'", i + 1 < n {
            // (?i): ASCII case, plus the one non-ASCII simple case fold onto these letters
            // (U+017F LATIN SMALL LETTER LONG S → s), which Oniguruma applies too.
            let fold = { (x: Unicode.Scalar) -> Unicode.Scalar in
                guard self != .gpt2 else { return x }
                if ("A"..."Z").contains(x) { return Unicode.Scalar(x.value + 32) ?? x }
                return x == "\u{17F}" ? "s" : x
            }
            let a = fold(s[i + 1])
            if a == "s" || a == "t" || a == "m" || a == "d" { return i + 2 }
            if i + 2 < n {
                let b = fold(s[i + 2])
                if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return i + 3 }
            }
        }
        switch self {
        case .gpt2:
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            for cls in [Self.isLetter, Self.isNumber, Self.isOther] {
                if c == " ", i + 1 < n, cls(s[i + 1]) { return Self.run(s, i + 1, cls) }
                if cls(c) { return Self.run(s, i, cls) }
            }
        case .llama3, .qwen2:
            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            if !Self.isNewline(c), !Self.isLetter(c), !Self.isNumber(c), i + 1 < n, Self.isLetter(s[i + 1]) {
                return Self.run(s, i + 1, Self.isLetter)
            }
            if Self.isLetter(c) { return Self.run(s, i, Self.isLetter) }
            // `\p{N}{1,3}` or `\p{N}`
            if Self.isNumber(c) { return Self.run(s, i, Self.isNumber, limit: self == .llama3 ? 3 : 1) }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let start = (c == " " && i + 1 < n && Self.isOther(s[i + 1])) ? i + 1 : i
            let j = Self.run(s, start, Self.isOther)
            if j > start { return Self.run(s, j, Self.isNewline) }
            // `\s*[\r\n]+`: the whitespace run up to and including its last newline.
            let ws = Self.run(s, i, Self.isSpace)
            if let last = (i..<ws).last(where: { Self.isNewline(s[$0]) }) { return last + 1 }
        }
        // `\s+(?!\S)` then `\s+`
        let ws = Self.run(s, i, Self.isSpace)
        guard ws > i else { return nil }
        if ws == n { return ws }
        return ws - 1 > i ? ws - 1 : ws
    }
}
