// Tasks/AnswerExtractor.swift — owns `AnswerExtractor`: how the final answer is cut out of a
// completion (after `</think>`, `<answer>` tags, `\boxed{}`, GSM8K `####`, "the answer is",
// last number). Comparison of the extracted text lives in AnswerComparison.swift.
//
// Conventions and where they come from:
// - `gsm8k` follows lm-evaluation-harness's `gsm8k` task, filter "strict-match"
//   (regex `#### (\-?[0-9\.\,]+)`, take the first match). Difference: we also accept a `$` and
//   any run of spaces after `####`, so `#### $18` extracts `$18` (the harness would miss it).
// - `answerIs` follows lm-evaluation-harness's `gsm8k_cot` "strict-match" (regex
//   `The answer is (\-?[0-9\.\,]+).`, first match), case-insensitively and accepting `$`.
//   The harness regex also needs one more character after the number (its final `.` is a
//   wildcard, so a bare `The answer is 72` at the very end yields `7`); we do not copy that.
// - `lastNumber` follows lm-evaluation-harness's "flexible-extract" (regex
//   `(-?[$0-9.,]{2,})|(-?[0-9]+)`, group_select -1, i.e. the last match), except that a match
//   must contain a digit (the harness would also take `...`), and a preceding `digits/`
//   makes it a fraction.
// - `boxed` follows Math-Verify / the MATH convention: the content of the *last* `\boxed{…}`
//   (or `\fbox{…}`) with balanced braces, so `\boxed{\frac{1}{2}}` gives `\frac{1}{2}`.
// - `afterThink` is Verity's own default for generated tasks (DeepSeek-R1 style completions).

import Foundation

/// Chooses how the final answer is extracted from a completion. Chosen per data set.
public enum AnswerExtractor: String, Sendable, Codable, CaseIterable, Equatable, Hashable {
    /// The text after the last `</think>`, cut at an end-of-sequence marker, trimmed.
    case afterThink = "after-think"
    /// The content of the last `<answer>…</answer>`, trimmed.
    case answerTag = "answer-tag"
    /// The content of the last `\boxed{…}` with balanced braces.
    case boxed
    /// The number after the first `####` (GSM8K reference format).
    case gsm8k
    /// The number after the first "the answer is" (case-insensitive).
    case answerIs = "answer-is"
    /// The last number in the text.
    case lastNumber = "last-number"
    /// The whole completion, cut at an end-of-sequence marker, trimmed.
    case whole
    /// Verity's fallback chain for open-ended models: `<answer>` tags, then `\boxed{}`, then
    /// `####`, then "the answer is", then the last number — each looked for in the text after
    /// the last `</think>` when there is one (so numbers in the reasoning do not count).
    case auto

    /// End-of-sequence markers at which `afterThink` and `whole` stop reading.
    public static let endMarkers = ["<eos>", "</s>", "<|endoftext|>", "<|im_end|>", "<|eot_id|>"]

    /// Extracts the answer text, or nil when the completion has no answer in this format.
    /// Never traps, whatever the input.
    public func extract(_ completion: String) -> String? {
        switch self {
        case .afterThink:
            guard let close = completion.range(of: "</think>", options: .backwards) else { return nil }
            return nonEmpty(cutAtEnd(String(completion[close.upperBound...])))
        case .whole:
            return nonEmpty(cutAtEnd(completion))
        case .answerTag:
            guard let close = completion.range(of: "</answer>", options: .backwards),
                  let open = completion.range(of: "<answer>", options: .backwards,
                                              range: completion.startIndex..<close.lowerBound)
            else { return nil }
            return nonEmpty(String(completion[open.upperBound..<close.lowerBound]))
        case .boxed:
            return lastBoxed(completion).flatMap(nonEmpty)
        case .gsm8k:
            return numberAfter(marker: "####", in: completion)
        case .answerIs:
            return numberAfter(marker: "the answer is", in: completion)
        case .lastNumber:
            return lastNumberToken(in: completion)
        case .auto:
            let text = cutAtEnd(completion)
            let tail = text.range(of: "</think>", options: .backwards).map { String(text[$0.upperBound...]) } ?? text
            for extractor in [AnswerExtractor.answerTag, .boxed, .gsm8k, .answerIs, .lastNumber] {
                if let found = extractor.extract(tail) { return found }
            }
            return nil
        }
    }
}

/// Trims whitespace and maps the empty string to nil.
func nonEmpty(_ s: String) -> String? {
    let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
    return t.isEmpty ? nil : t
}

/// A completion without anything from its first end-of-sequence marker on (what a fine-tuning
/// target keeps of a sampled completion; the trainer appends its own end token).
public func completionBody(_ text: String) -> String { cutAtEnd(text) }

/// The prefix of `text` before the first end-of-sequence marker.
func cutAtEnd(_ text: String) -> String {
    // Every marker starts with `<`; skip the searches when there is none.
    guard text.contains("<") else { return text }
    var end = text.endIndex
    for marker in AnswerExtractor.endMarkers {
        if let r = text.range(of: marker), r.lowerBound < end { end = r.lowerBound }
    }
    return String(text[..<end])
}

/// The content of the last `\boxed{…}` / `\fbox{…}` whose braces balance; nil otherwise.
func lastBoxed(_ text: String) -> String? {
    let chars = Array(text)
    let commands = [Array("\\boxed"), Array("\\fbox")]
    var i = chars.count - 1
    // Scan backwards so the first balanced match found is the last one in the text.
    while i >= 0 {
        if chars[i] == "\\" {
            for pattern in commands where i + pattern.count <= chars.count
                && Array(chars[i..<(i + pattern.count)]) == pattern {
                var j = i + pattern.count
                while j < chars.count, chars[j] == " " { j += 1 }
                if j < chars.count, chars[j] == "{", let close = matchingBrace(chars, open: j) {
                    return String(chars[(j + 1)..<close])
                }
            }
        }
        i -= 1
    }
    return nil
}

/// Index of the `}` matching the `{` at `open`, honouring nesting and `\{` `\}` escapes.
func matchingBrace(_ chars: [Character], open: Int) -> Int? {
    var depth = 0
    var k = open
    while k < chars.count {
        let c = chars[k]
        if c == "\\" { k += 2; continue }
        if c == "{" { depth += 1 }
        if c == "}" {
            depth -= 1
            if depth == 0 { return k }
        }
        k += 1
    }
    return nil
}

/// The number right after the first case-insensitive `marker` that is followed by one: spaces,
/// an optional `$`, then `-?[0-9.,]+` with at least one digit, optionally `/[0-9.,]+` (a fraction).
/// Trailing `.`/`,` are dropped.
func numberAfter(marker: String, in text: String) -> String? {
    var searchStart = text.startIndex
    while let r = text.range(of: marker, options: .caseInsensitive, range: searchStart..<text.endIndex) {
        let chars = Array(text[r.upperBound...].prefix(200))
        var i = 0
        while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
        // MATH-style answers are LaTeX in math delimiters: "the answer is $-\frac{10}{9}$".
        if let math = latexMath(chars, at: i) { return math }
        var token = ""
        if i < chars.count, chars[i] == "$" { token.append("$"); i += 1 }
        if i < chars.count, chars[i] == "-" { token.append("-"); i += 1 }
        var digits = false
        while i < chars.count, isNumberChar(chars[i]) {
            if chars[i] != "." && chars[i] != "," { digits = true }
            token.append(chars[i]); i += 1
        }
        // A fraction `a/b` (`#### 1/2`) is one answer, not its numerator.
        if digits, i + 1 < chars.count, chars[i] == "/", isDigit(chars[i + 1]) {
            token.append("/"); i += 1
            while i < chars.count, isNumberChar(chars[i]) { token.append(chars[i]); i += 1 }
        }
        if digits { return trimSentencePunctuation(token) }
        // The harness takes the first *match* of its regex, so a marker without a number is skipped.
        searchStart = r.upperBound
    }
    return nil
}

/// The math span `$…$` or `\(…\)` starting at `i` when it holds a LaTeX command (so `$5` stays a
/// currency amount), delimiters included; the comparison unwraps it.
func latexMath(_ chars: [Character], at i: Int) -> String? {
    guard i < chars.count else { return nil }
    let (open, close): ([Character], [Character])
    if chars[i] == "$" { (open, close) = (["$"], ["$"]) }
    else if i + 1 < chars.count, chars[i] == "\\", chars[i + 1] == "(" { (open, close) = (["\\", "("], ["\\", ")"]) }
    else { return nil }
    var j = i + open.count
    while j + close.count <= chars.count {
        if Array(chars[j..<j + close.count]) == close {
            let inner = chars[(i + open.count)..<j]
            return inner.contains("\\") ? String(chars[i..<j + close.count]) : nil
        }
        j += 1
    }
    return nil
}

/// `\frac{a}{b}` (or `\dfrac`, `\tfrac`, `\cfrac`, with a `-` before it) ending just before `end`.
func latexFractionEnding(_ chars: [Character], at end: Int) -> Int? {
    let from = max(0, end - 80)
    let tail = String(chars[from..<end])
    guard let match = tail.firstMatch(of: /-?\\[dtc]?frac\{[^{}]*\}\{[^{}]*\}$/) else { return nil }
    return from + tail.distance(from: tail.startIndex, to: match.range.lowerBound)
}

/// ASCII digit, `.` or `,`.
func isNumberChar(_ c: Character) -> Bool {
    guard let a = c.asciiValue else { return false }
    return (a >= 48 && a <= 57) || a == 46 || a == 44
}

/// ASCII digit.
func isDigit(_ c: Character) -> Bool {
    guard let a = c.asciiValue else { return false }
    return a >= 48 && a <= 57
}

/// The last numeric token in the text (see the file header for the convention). Digits that
/// continue a word or an identifier (`A2`, `x_3`, `step2`) are not a number and are skipped.
func lastNumberToken(in text: String) -> String? {
    let chars = Array(text)
    var i = chars.count - 1
    func isTokenChar(_ c: Character) -> Bool { isNumberChar(c) || c == "$" }
    func isWordChar(_ c: Character) -> Bool { c.isLetter || c == "_" }
    while true {
        // Walk back to the last digit, then expand the token around it.
        while i >= 0, !isDigit(chars[i]) { i -= 1 }
        guard i >= 0 else { return nil }
        var end = i + 1
        while end < chars.count, isTokenChar(chars[end]) { end += 1 }
        var start = i
        while start > 0, isTokenChar(chars[start - 1]) { start -= 1 }
        // The denominator of `\frac{a}{b}`: the whole fraction is the answer.
        if start > 0, chars[start - 1] == "{", end < chars.count, chars[end] == "}",
           let begin = latexFractionEnding(chars, at: end + 1) {
            return String(chars[begin...end])
        }
        if start > 0, isWordChar(chars[start - 1]) {
            i = start - 1   // part of a word: look further back
            continue
        }
        // A fraction `a/b`: the token we found is the denominator when `digits/` precedes it.
        if start >= 2, chars[start - 1] == "/", isDigit(chars[start - 2]) {
            var s = start - 1
            while s > 0, isTokenChar(chars[s - 1]) { s -= 1 }
            start = s
        }
        if start > 0, chars[start - 1] == "-" { start -= 1 }
        let token = trimSentencePunctuation(String(chars[start..<end]))
        return token.isEmpty ? nil : token
    }
}

/// Drops trailing `.` and `,` that end a sentence rather than a number.
func trimSentencePunctuation(_ s: String) -> String {
    var t = s
    while let last = t.last, last == "." || last == "," { t.removeLast() }
    return t
}
