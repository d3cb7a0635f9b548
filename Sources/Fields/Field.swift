// Fields — the one way Verity declares a setting: its key, kind, bounds, default, paper symbol and
// one line of help, once. The trainer's knobs (`TrainerConfig.fields`), the sampling value's keys
// (`GenerationOptions.fields`, which the trainer's table and the session settings lift through
// `sampling`), the session settings (`SessionDefaults.fields`), the SFT, STaR, verifier and value
// training configs, and the keys of `task`, `reward` and `data load` are tables of these. The
// REPL derives each command key, its help, completion and `show settings` row from a `FieldSpec`
// in one function and hands values back already parsed. Checking a value against its
// declaration is written here once, so the commands and the Swift API refuse the same things with
// the same words. No dependencies: every module that declares settings can see it.

/// A value of a field, already parsed.
public enum FieldValue: Sendable, Equatable, CustomStringConvertible {
    /// A whole number.
    case whole(Int)
    /// A real number.
    case real(Double)
    /// A switch.
    case flag(Bool)
    /// A word: a choice (`token-mean`), `off` for an uncapped cap, or text with its own syntax.
    case word(String)

    /// The value as people type it (a real in its shortest round-trip form, a switch as on/off).
    public var description: String {
        switch self {
        case .whole(let v): return String(v)
        case .real(let v): return Self.text(v)
        case .flag(let on): return on ? "on" : "off"
        case .word(let w): return w
        }
    }

    /// A real number as text: whole values without a decimal point, others in Swift's shortest
    /// round-trip form (`0.0003`, `1e-08`).
    public static func text(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}

/// What kind of value a field takes.
public enum FieldKind: Sendable, Equatable {
    /// A whole number within the bounds.
    case whole
    /// A finite real number within the bounds (a whole number is accepted).
    case real
    /// A whole number within the bounds, or `off` for no cap.
    case cap
    /// A switch: on/off (also true/false, yes/no, 1/0).
    case flag
    /// One of these words.
    case choice([String])
    /// Text with its own syntax (`N:M` ranges, think modes), read by the field's owner.
    case text
    /// A file or folder path (not empty).
    case path
}

/// A value refused by its field's declaration; the message names the key.
public struct FieldError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// Runs `body`, turning a field's refusal into the caller's own error (`wrap` gets the
    /// message, to which it may add its context: "task countdown: count=9 is outside 2…8").
    public static func mapped<T>(to wrap: (String) -> any Error, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as FieldError { throw wrap(error.description) }
    }
}

/// The declaration of one setting: everything people see of it.
public struct FieldSpec: Sendable {
    /// The key people type (`lr`, `clip_high`, `digits`, …).
    public let key: String
    /// The kind of value.
    public let kind: FieldKind
    /// The range a number must lie in (whole, real and cap fields).
    public let bounds: ClosedRange<Double>?
    /// The default; nil when leaving the key out means something of its own (said in `summary`).
    public let defaultValue: FieldValue?
    /// One line: what it is.
    public let summary: String
    /// Its symbol in the papers (β, ε_low, μ, …), or "".
    public let symbol: String
    /// What 0 (or off) means, or "" when 0 is not special.
    public let offMeaning: String

    public init(_ key: String, _ kind: FieldKind, bounds: ClosedRange<Double>? = nil, default defaultValue: FieldValue?,
                summary: String, symbol: String = "", off offMeaning: String = "") {
        self.key = key; self.kind = kind; self.bounds = bounds; self.defaultValue = defaultValue
        self.summary = summary; self.symbol = symbol; self.offMeaning = offMeaning
    }

    /// The help line: the summary, the paper symbol and what 0 means.
    public var help: String {
        var help = summary
        if !symbol.isEmpty { help += " (\(symbol))" }
        if !offMeaning.isEmpty { help += "; 0 = \(offMeaning)" }
        return help
    }

    /// The words a choice, switch or cap field takes (for completion and errors); empty for numbers.
    public var choices: [String] {
        switch kind {
        case .choice(let words): return words
        case .flag: return ["on", "off"]
        case .cap: return ["off"]
        case .whole, .real, .text, .path: return []
        }
    }

    /// The default as typed ("" when there is none).
    public var defaultText: String { defaultValue?.description ?? "" }

    /// Text typed for this field, parsed and checked.
    public func parse(_ text: String) throws -> FieldValue {
        switch kind {
        case .whole:
            guard let v = Int(text) else { throw refusal(text, "an integer") }
            return try checked(.whole(v))
        case .real:
            guard let v = Double(text), v.isFinite else { throw refusal(text, "a finite number") }
            return try checked(.real(v))
        case .cap: return try checked(Int(text).map(FieldValue.whole) ?? .word(text))
        case .flag, .choice, .text, .path: return try checked(.word(text))
        }
    }

    /// `value` as this field's kind (a whole number for a real field becomes real, `on` for a
    /// switch becomes a flag, a choice is matched ignoring case), checked against the bounds.
    public func checked(_ value: FieldValue) throws -> FieldValue {
        switch (kind, value) {
        case (.whole, .whole(let v)):
            try inBounds(Double(v), value)
            return value
        case (.real, .real(let x)): return try real(x, value)
        case (.real, .whole(let n)): return try real(Double(n), value)
        case (.cap, .whole(let v)):
            try inBounds(Double(v), value)
            return value
        case (.cap, .word(let w)):
            if ["off", "none"].contains(w.lowercased()) { return .word("off") }
            guard let n = Int(w) else { throw refusal(w, "a whole number of tokens or off") }
            return try checked(.whole(n))
        case (.flag, .flag): return value
        case (.flag, .word(let w)):
            if ["on", "true", "yes", "1"].contains(w.lowercased()) { return .flag(true) }
            if ["off", "false", "no", "0"].contains(w.lowercased()) { return .flag(false) }
            throw refusal(w, "on or off")
        case (.flag, .whole(let v)) where v == 0 || v == 1: return .flag(v == 1)
        case (.choice(let words), .word(let w)):
            guard let match = words.first(where: { $0 == w.lowercased() }) else {
                throw refusal(w, "one of " + words.joined(separator: ", "))
            }
            return .word(match)
        case (.text, .word): return value
        case (.path, .word(let p)):
            guard !p.isEmpty else { throw refusal(p, "a path") }
            return value
        case (.whole, _): throw refusal(value.description, "an integer")
        case (.real, _): throw refusal(value.description, "a finite number")
        case (.cap, _): throw refusal(value.description, "a whole number of tokens or off")
        case (.flag, _): throw refusal(value.description, "on or off")
        case (.choice(let words), _): throw refusal(value.description, "one of " + words.joined(separator: ", "))
        case (.text, _), (.path, _): return try checked(.word(value.description))
        }
    }

    private func real(_ x: Double, _ value: FieldValue) throws -> FieldValue {
        guard x.isFinite else { throw refusal(value.description, "a finite number") }
        try inBounds(x, value)
        return .real(x)
    }

    private func inBounds(_ x: Double, _ value: FieldValue) throws {
        guard let bounds, !bounds.contains(x) else { return }
        throw FieldError("\(key)=\(value) is outside \(FieldValue.text(bounds.lowerBound))…\(FieldValue.text(bounds.upperBound))")
    }

    private func refusal(_ text: String, _ what: String) -> FieldError { FieldError("\(key)=\(text) is not \(what)") }
}
