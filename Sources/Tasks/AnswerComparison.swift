// Tasks/AnswerComparison.swift — owns `AnswerComparison` and `answerKey`: the normalized form
// of an answer used for equality and for majority voting, including numeric normalization.
//
// Numeric conventions and where they come from:
// - lm-evaluation-harness (gsm8k `exact_match` with `regexes_to_ignore: [",", "\$", ".*#### ",
//   "\.$"]`): commas, dollar signs and a trailing period do not count, so `$1,000.` equals `1000`.
// - Math-Verify: numbers compare by value, so `18.00` equals `18`, `1000.0` equals `1000`,
//   `7,425,000` equals `7425000`, `1 000` equals `1000`, `.4` equals `0.4`, and
//   `\frac{10}{9}` (also `\dfrac`, `\tfrac`, `\cfrac`, and the short `\frac13`) equals `10/9`;
//   a percentage compares as its number (`28\%` equals `28`, not `0.28`) — here only with the
//   `numericPercent` comparison; with `numeric`, an answer with `%` is not a number.
// - Differences, on purpose: a comma is only a thousands separator when the groups have three
//   digits (`1,22` is not a number here; Math-Verify reads it as a decimal comma, the harness
//   as `122`); a fraction equals its decimal when the decimal is exact (`1/2` = `0.5`, but
//   `1/3` ≠ `0.333`), where Math-Verify would round to a precision.

import Foundation

/// How an extracted answer is compared with the gold answer.
public enum AnswerComparison: String, Sendable, Codable, CaseIterable, Equatable, Hashable {
    /// By numeric value after normalization (see the file header); `%` makes it not a number.
    case numeric
    /// By numeric value, with a trailing `%`, `\%` or ` percent` ignored (Math-Verify style).
    case numericPercent = "numeric-percent"
    /// By exact string after trimming surrounding whitespace.
    case exact
    /// A countdown expression: evaluated exactly; the problem's numbers may each be used once.
    case countdown
}

/// The normalized form of `answer` under `comparison`: equal keys mean equal answers, and
/// majority voting counts keys. Nil when the text is not an answer of that kind (e.g. `abc`
/// under `.numeric`). For `.countdown` the key is the expression's exact value.
public func answerKey(_ answer: String, comparison: AnswerComparison) -> String? {
    switch comparison {
    case .numeric: return canonicalNumber(answer, percent: false)
    case .numericPercent: return canonicalNumber(answer, percent: true)
    case .exact: return nonEmpty(answer)
    case .countdown:
        guard let value = try? ExpressionParser.evaluate(answer).value else { return nil }
        return value.description
    }
}

/// The canonical decimal (or reduced `p/q`) form of a number written in any of the accepted
/// notations, or nil when `raw` is not a single number.
func canonicalNumber(_ raw: String, percent: Bool) -> String? {
    var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !s.isEmpty, s.count <= 400 else { return nil }
    // Fast path for the common case (generated tasks): a plain integer.
    if let plain = plainInteger(s) { return plain }
    s = unwrapMath(s)
    if s.contains("\\") || s.contains("{") || s.contains("\u{2212}") {
        for (from, to) in [("{,}", ","), ("\\!", ""), ("\\,", ""), ("\\$", "$"), ("\\%", "%"),
                           ("\u{2212}", "-"), ("\\left", ""), ("\\right", "")] {
            s = s.replacingOccurrences(of: from, with: to)
        }
    }
    s = trimSentencePunctuation(s.trimmingCharacters(in: .whitespaces))
    for suffix in ["%", " percent", "percent"] where s.hasSuffix(suffix) {
        guard percent else { return nil }
        s = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
        break
    }
    // Sign and currency in either order: `-$5`, `$-5`, `$ 5`, `5$`.
    var negative = false
    while let first = s.first, first == "-" || first == "+" || first == "$" || first == " " {
        if first == "-" { negative.toggle() }
        s.removeFirst()
    }
    while s.last == "$" || s.last == " " { s.removeLast() }
    if s.hasPrefix("(") && s.hasSuffix(")") && s.count >= 2 { s = String(s.dropFirst().dropLast()) }
    if let (num, den) = latexFraction(s) ?? slashFraction(s) {
        return reducedFraction(num, den, negative: negative)
    }
    guard let (intPart, fracPart) = parseDecimal(s) else { return nil }
    return formatDecimal(intPart: intPart, fracPart: fracPart, negative: negative)
}

/// `-?[0-9]+` in canonical form, or nil when `s` is anything else.
func plainInteger(_ s: String) -> String? {
    let utf8 = s.utf8
    guard let first = utf8.first, utf8.count <= 40 else { return nil }
    let negative = first == UInt8(ascii: "-")
    let digits = negative ? utf8.dropFirst() : utf8[...]
    guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    return formatDecimal(intPart: String(decoding: digits, as: UTF8.self), fracPart: "", negative: negative)
}

/// Removes one layer of `\boxed{…}`, `$…$`, `\(…\)` or `\[…\]` around the whole text.
func unwrapMath(_ text: String) -> String {
    var s = text
    for _ in 0..<4 {
        let before = s
        if s.hasPrefix("\\boxed{"), s.hasSuffix("}"), let inner = lastBoxed(s) { s = inner }
        for (open, close) in [("$$", "$$"), ("\\(", "\\)"), ("\\[", "\\]"), ("$", "$")]
        where s.count >= open.count + close.count + 1 && s.hasPrefix(open) && s.hasSuffix(close) {
            s = String(s.dropFirst(open.count).dropLast(close.count))
            break
        }
        s = s.trimmingCharacters(in: .whitespaces)
        if s == before { break }
    }
    return s
}

/// `\frac{a}{b}` (also `\dfrac`, `\tfrac`, `\cfrac`, and `\frac13`) as canonical integer strings.
func latexFraction(_ s: String) -> (String, String)? {
    guard let command = ["\\frac", "\\dfrac", "\\tfrac", "\\cfrac"].first(where: { s.hasPrefix($0) })
    else { return nil }
    let chars = Array(s.dropFirst(command.count))
    var i = 0
    func argument() -> String? {
        while i < chars.count, chars[i] == " " { i += 1 }
        guard i < chars.count else { return nil }
        if chars[i] == "{" {
            guard let close = matchingBrace(chars, open: i) else { return nil }
            defer { i = close + 1 }
            return String(chars[(i + 1)..<close])
        }
        defer { i += 1 }
        return String(chars[i])
    }
    guard let a = argument(), let b = argument(), i == chars.count,
          let num = integerString(a), let den = integerString(b) else { return nil }
    return (num, den)
}

/// `a/b` with integer parts as canonical integer strings.
func slashFraction(_ s: String) -> (String, String)? {
    let parts = s.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let num = integerString(String(parts[0])),
          let den = integerString(String(parts[1])) else { return nil }
    return (num, den)
}

/// A signed integer written plainly or with thousands separators, as `-?digits` without leading zeros.
func integerString(_ s: String) -> String? {
    var t = s.trimmingCharacters(in: .whitespaces)
    var negative = false
    if t.first == "-" { negative = true; t.removeFirst() }
    guard let (intPart, fracPart) = parseDecimal(t), fracPart.isEmpty else { return nil }
    return formatDecimal(intPart: intPart, fracPart: "", negative: negative)
}

/// Splits `1,234.50` / `1 234.5` / `.5` / `12` into integer and fraction digit strings;
/// nil unless the text is exactly one unsigned decimal number.
func parseDecimal(_ s: String) -> (String, String)? {
    let pieces = s.split(separator: ".", omittingEmptySubsequences: false)
    guard pieces.count <= 2 else { return nil }
    let intText = String(pieces[0])
    let fracText = pieces.count == 2 ? String(pieces[1]) : ""
    guard fracText.allSatisfy(isDigit), !(intText.isEmpty && fracText.isEmpty) else { return nil }
    var intDigits = ""
    for separator in [",", " "] where intText.contains(separator) {
        let groups = intText.split(separator: Character(separator), omittingEmptySubsequences: false)
        guard let head = groups.first, (1...3).contains(head.count),
              groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        intDigits = groups.joined()
        break
    }
    if intDigits.isEmpty { intDigits = intText }
    guard intDigits.allSatisfy(isDigit) else { return nil }
    return (intDigits, fracText)
}

/// Canonical decimal text: no leading zeros, no trailing fractional zeros, no `-0`.
func formatDecimal(intPart: String, fracPart: String, negative: Bool) -> String {
    let i = String(intPart.drop(while: { $0 == "0" }))
    var f = fracPart
    while f.last == "0" { f.removeLast() }
    let body = (i.isEmpty ? "0" : i) + (f.isEmpty ? "" : "." + f)
    return negative && body != "0" ? "-" + body : body
}

/// `num/den` reduced; an exact decimal when the denominator divides a power of ten.
func reducedFraction(_ numText: String, _ denText: String, negative: Bool) -> String? {
    guard let n0 = Int(numText), let d0 = Int(denText) else {
        // Too large for exact reduction: keep the written form, still canonical per digits.
        return (negative ? "-" : "") + numText + "/" + denText
    }
    guard d0 != 0 else { return nil }
    guard n0 != .min, d0 != .min else { return (negative ? "-" : "") + numText + "/" + denText }
    var num = abs(n0), den = abs(d0)
    let sign = negative != ((n0 < 0) != (d0 < 0))
    let g = gcd(num, den)
    num /= g; den /= g
    if den == 1 { return formatDecimal(intPart: String(num), fracPart: "", negative: sign) }
    // Exact decimal? den = 2^a 5^b → multiply up to 10^max(a,b).
    var rest = den, twos = 0, fives = 0
    while rest % 2 == 0 { rest /= 2; twos += 1 }
    while rest % 5 == 0 { rest /= 5; fives += 1 }
    let k = max(twos, fives)
    if rest == 1, k <= 18 {
        var scale = 1
        for _ in 0..<k { scale *= 10 }
        let (scaled, overflow) = num.multipliedReportingOverflow(by: scale / den)
        if !overflow {
            var digits = String(scaled)
            while digits.count <= k { digits = "0" + digits }
            let cut = digits.index(digits.endIndex, offsetBy: -k)
            return formatDecimal(intPart: String(digits[..<cut]), fracPart: String(digits[cut...]),
                                 negative: sign)
        }
    }
    return (sign ? "-" : "") + "\(num)/\(den)"
}

/// Greatest common divisor of two non-negative integers (gcd(0, 0) = 1 to keep division safe).
func gcd(_ a: Int, _ b: Int) -> Int {
    var x = a, y = b
    while y != 0 { (x, y) = (y, x % y) }
    return x == 0 ? 1 : x
}
