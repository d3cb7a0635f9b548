// Tasks/Expression.swift — owns the exact `Rational` number and the small recursive-descent
// parser that evaluates countdown answers such as `(50+25)*3/7`.
//
// Grammar (whitespace ignored; `×` and `÷` accepted for `*` and `/`):
//   expression := term (("+" | "-") term)*
//   term       := factor (("*" | "/") factor)*
//   factor     := integer | "(" expression ")"
// No unary minus, no decimals, no `=`: countdown answers combine the given integers only.
// Arithmetic is exact over fractions of 64-bit integers; overflow, division by zero, nesting
// deeper than 64 or text longer than 1,000 characters are errors, never traps.

/// An exact fraction `num/den` in lowest terms with `den > 0`.
public struct Rational: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Numerator (carries the sign).
    public let num: Int
    /// Denominator, always positive.
    public let den: Int

    /// The integer `n` as a rational.
    public init(_ n: Int) { num = n; den = 1 }

    /// `num/den` reduced; nil when `den` is zero or the values cannot be represented.
    public init?(_ num: Int, _ den: Int) {
        guard den != 0, num != .min, den != .min else { return nil }
        let g = gcd(abs(num), abs(den))
        self.num = (den < 0 ? -num : num) / g
        self.den = abs(den) / g
    }

    /// Canonical text, the same form `answerKey(_:comparison: .numeric)` gives (`0.5`, `1/3`, `-2`).
    public var description: String {
        reducedFraction(String(num.magnitude), String(den), negative: num < 0) ?? "\(num)/\(den)"
    }

    static func + (a: Rational, b: Rational) throws -> Rational {
        try combine(a.num, b.den, b.num, a.den, add: true, den: a.den, b.den)
    }
    static func - (a: Rational, b: Rational) throws -> Rational {
        try combine(a.num, b.den, b.num, a.den, add: false, den: a.den, b.den)
    }
    static func * (a: Rational, b: Rational) throws -> Rational {
        let (n, o1) = a.num.multipliedReportingOverflow(by: b.num)
        let (d, o2) = a.den.multipliedReportingOverflow(by: b.den)
        guard !o1, !o2, let r = Rational(n, d) else { throw ExpressionError.overflow }
        return r
    }
    static func / (a: Rational, b: Rational) throws -> Rational {
        guard b.num != 0 else { throw ExpressionError.divisionByZero }
        guard let inverse = Rational(b.den, b.num) else { throw ExpressionError.overflow }
        return try a * inverse
    }
    /// a1·d2 ± n2·d1 over d1·d2, with every product checked.
    private static func combine(_ n1: Int, _ d2: Int, _ n2: Int, _ d1: Int, add: Bool,
                                den: Int, _ other: Int) throws -> Rational {
        let (x, o1) = n1.multipliedReportingOverflow(by: d2)
        let (y, o2) = n2.multipliedReportingOverflow(by: d1)
        let (s, o3) = add ? x.addingReportingOverflow(y) : x.subtractingReportingOverflow(y)
        let (d, o4) = den.multipliedReportingOverflow(by: other)
        guard !o1, !o2, !o3, !o4, let r = Rational(s, d) else { throw ExpressionError.overflow }
        return r
    }
}

/// Why an expression could not be evaluated. `description` reads as advice.
public enum ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A character or token that the grammar does not allow, at a character offset.
    case unexpected(String, at: Int)
    /// The text ended where a number or `(` was needed.
    case unexpectedEnd
    /// Division by zero somewhere in the expression.
    case divisionByZero
    /// An intermediate value does not fit in 64-bit fractions.
    case overflow
    /// Longer than 1,000 characters or nested deeper than 64 parentheses.
    case tooComplex

    /// A readable message.
    public var description: String {
        switch self {
        case let .unexpected(token, at): return "unexpected '\(token)' at character \(at + 1) — use integers, + - * / and parentheses"
        case .unexpectedEnd: return "the expression ends early — a number or '(' is missing"
        case .divisionByZero: return "division by zero"
        case .overflow: return "a value in the expression is too large"
        case .tooComplex: return "the expression is too long or too deeply nested"
        }
    }
}

/// Evaluates countdown-style arithmetic expressions exactly.
public enum ExpressionParser {
    /// The value of `text` and the integer literals it uses, in order of appearance.
    public static func evaluate(_ text: String) throws -> (value: Rational, numbers: [Int]) {
        guard text.count <= 1000 else { throw ExpressionError.tooComplex }
        var parser = Parser(chars: Array(text))
        let value = try parser.expression(depth: 0)
        parser.skipSpaces()
        if parser.index < parser.chars.count {
            throw ExpressionError.unexpected(String(parser.chars[parser.index]), at: parser.index)
        }
        return (value, parser.numbers)
    }
}

/// The recursive-descent state: the characters, a cursor and the literals seen so far.
private struct Parser {
    let chars: [Character]
    var index = 0
    var numbers: [Int] = []

    mutating func skipSpaces() {
        while index < chars.count, chars[index].isWhitespace { index += 1 }
    }

    mutating func peek() -> Character? {
        skipSpaces()
        return index < chars.count ? chars[index] : nil
    }

    mutating func expression(depth: Int) throws -> Rational {
        guard depth <= 64 else { throw ExpressionError.tooComplex }
        var value = try term(depth: depth)
        while let c = peek(), c == "+" || c == "-" {
            index += 1
            let rhs = try term(depth: depth)
            value = c == "+" ? try value + rhs : try value - rhs
        }
        return value
    }

    mutating func term(depth: Int) throws -> Rational {
        var value = try factor(depth: depth)
        while let c = peek(), c == "*" || c == "/" || c == "×" || c == "÷" {
            index += 1
            let rhs = try factor(depth: depth)
            value = (c == "*" || c == "×") ? try value * rhs : try value / rhs
        }
        return value
    }

    mutating func factor(depth: Int) throws -> Rational {
        guard let c = peek() else { throw ExpressionError.unexpectedEnd }
        if c == "(" {
            index += 1
            let value = try expression(depth: depth + 1)
            guard let close = peek() else { throw ExpressionError.unexpectedEnd }
            guard close == ")" else { throw ExpressionError.unexpected(String(close), at: index) }
            index += 1
            return value
        }
        guard isDigit(c) else { throw ExpressionError.unexpected(String(c), at: index) }
        let start = index
        var n = 0
        while index < chars.count, isDigit(chars[index]) {
            guard index - start < 15, let d = chars[index].wholeNumberValue else { throw ExpressionError.overflow }
            n = n * 10 + d
            index += 1
        }
        numbers.append(n)
        return Rational(n)
    }
}
