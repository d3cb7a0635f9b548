// ArgumentSpec — the declaration of one argument (a positional value, a `key=value` key, or a
// session setting): its name, type, default, valid range and help line. Parsing, validation,
// `help`, completion and `show settings` are all derived from these values, so none can drift.

/// The type of an argument, which decides how its literal is converted and checked.
public enum ArgumentType: Sendable, Equatable {
    /// A whole number (`steps=200`).
    case int
    /// A real number (`lr=3e-3`); integers are accepted.
    case float
    /// Any text; quote it when it holds spaces.
    case string
    /// `true`/`false` (also `yes`/`no`, `on`/`off`, `1`/`0`).
    case bool
    /// A file or directory path; completion offers files.
    case path
    /// Comma-separated whole numbers (`n=1,2,4`); a single number is a list of one.
    case intList
    /// Comma-separated real numbers.
    case floatList
    /// Comma-separated words (`methods=pass,maj`).
    case stringList
    /// An inclusive range of whole numbers, `a..b` (or `a-b`, or a single number).
    case range
    /// Two real numbers `low:high` (`clip=0.2:0.28`).
    case pair
    /// One of a fixed set of words.
    case choice([String])

    /// How the type reads in usage lines and help (`INT`, `add|mul`, …).
    public var placeholder: String {
        switch self {
        case .int: return "INT"
        case .float: return "FLOAT"
        case .string: return "TEXT"
        case .bool: return "on|off"
        case .path: return "PATH"
        case .intList: return "INT,INT,…"
        case .floatList: return "FLOAT,FLOAT,…"
        case .stringList: return "WORD,WORD,…"
        case .range: return "A..B"
        case .pair: return "LOW:HIGH"
        case .choice(let choices): return choices.joined(separator: "|")
        }
    }
}

/// A converted, validated argument value.
public enum ArgumentValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case string(String)
    case bool(Bool)
    case path(String)
    case intList([Int])
    case floatList([Double])
    case stringList([String])
    case range(ClosedRange<Int>)
    case pair(Double, Double)
    case choice(String)

    /// The value written back in command syntax (so `show settings` output can be pasted into `set`).
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .float(let value): return Format.compact(value)
        case .string(let value), .path(let value):
            return value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "#" || $0 == "," })
                ? Format.quoted(value) : value
        case .bool(let value): return value ? "true" : "false"
        case .intList(let values): return values.map(String.init).joined(separator: ",")
        case .floatList(let values): return values.map(Format.compact).joined(separator: ",")
        case .stringList(let values): return values.joined(separator: ",")
        case .range(let range): return "\(range.lowerBound)..\(range.upperBound)"
        case .pair(let low, let high): return Format.compact(low) + ":" + Format.compact(high)
        case .choice(let value): return value
        }
    }
}

/// The declaration of one argument.
public struct ArgumentSpec: Sendable {
    /// The key (or the positional's name in usage lines, upper-cased).
    public var name: String
    /// How the literal is converted.
    public var type: ArgumentType
    /// The value when the argument is absent and no session setting of the same name exists;
    /// nil means "absent" (or "required" when `required` is set).
    public var defaultValue: ArgumentValue?
    /// Valid numeric range, checked for ints, floats, each list element, both ends of a range or pair.
    public var bounds: ClosedRange<Double>?
    /// Whether the argument must be given (or come from a setting).
    public var required: Bool
    /// One line of help.
    public var help: String

    /// Declares an argument.
    public init(_ name: String, _ type: ArgumentType, default defaultValue: ArgumentValue? = nil,
                bounds: ClosedRange<Double>? = nil, required: Bool = false, help: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.bounds = bounds
        self.required = required
        self.help = help
    }

    /// `1…64` style text for the valid range.
    var boundsText: String? {
        bounds.map { Format.compact($0.lowerBound) + "…" + Format.compact($0.upperBound) }
    }

    /// Converts a parsed literal to this argument's type, checking the valid range.
    /// - Throws: `CommandError` (usage) pointing at the literal, saying what was expected.
    public func convert(_ value: Value) throws -> ArgumentValue {
        let fail = { (expected: String) -> CommandError in
            CommandError.usage("\(name) expects \(expected), got \(value.shapeDescription)",
                               at: value.location, span: value.span)
        }
        switch type {
        case .int:
            guard case .integer(let number) = value.kind else { throw fail("a whole number") }
            try check(Double(number), value)
            return .int(number)
        case .float:
            guard let number = Self.real(value) else { throw fail("a number") }
            try check(number, value)
            return .float(number)
        case .string:
            return .string(value.text)
        case .path:
            guard !value.text.isEmpty else { throw fail("a path") }
            return .path(value.text)
        case .bool:
            switch value.text.lowercased() {
            case "true", "yes", "on", "1": return .bool(true)
            case "false", "no", "off", "0": return .bool(false)
            default: throw fail("on or off")
            }
        case .intList:
            let numbers = try Self.items(value).map { item -> Int in
                guard case .integer(let number) = item.kind else { throw fail("whole numbers like 1,2,4") }
                try check(Double(number), item)
                return number
            }
            return .intList(numbers)
        case .floatList:
            let numbers = try Self.items(value).map { item -> Double in
                guard let number = Self.real(item) else { throw fail("numbers like 0.5,1,2") }
                try check(number, item)
                return number
            }
            return .floatList(numbers)
        case .stringList:
            if case .string = value.kind { return .stringList([value.text]) }
            return .stringList(Self.items(value).map(\.text))
        case .range:
            return .range(try convertRange(value, fail: fail))
        case .pair:
            guard case .pair(let low, let high) = value.kind else { throw fail("a pair like 0.2:0.28") }
            try check(low, value)
            try check(high, value)
            return .pair(low, high)
        case .choice(let choices):
            guard choices.contains(value.text) else {
                var message = "\(name) must be one of \(choices.joined(separator: ", ")); got '\(value.text)'"
                if let near = Suggestions.nearest(to: value.text, among: choices) { message += " — did you mean '\(near)'?" }
                throw CommandError.usage(message, at: value.location, span: value.span)
            }
            return .choice(value.text)
        }
    }

    private func convertRange(_ value: Value, fail: (String) -> CommandError) throws -> ClosedRange<Int> {
        var low: Int, high: Int
        switch value.kind {
        case .range(let a, let b): (low, high) = (a, b)
        case .integer(let a): (low, high) = (a, a)
        case .word(let text):
            // `3-5` (the IPython history style) is accepted as well as `3..5`.
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else {
                throw fail("a range like 0..2")
            }
            (low, high) = (a, b)
        default: throw fail("a range like 0..2")
        }
        guard low <= high else {
            throw CommandError.usage("\(name): the range \(value.text) is empty — write the smaller end first",
                                     at: value.location, span: value.span)
        }
        try check(Double(low), value)
        try check(Double(high), value)
        return low...high
    }

    private func check(_ number: Double, _ value: Value) throws {
        if let bounds, !bounds.contains(number) {
            throw CommandError.usage("value out of range \(boundsText ?? "") for \(name): \(Format.compact(number))",
                                     at: value.location, span: value.span)
        }
    }

    private static func real(_ value: Value) -> Double? {
        switch value.kind {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        default: return nil
        }
    }

    private static func items(_ value: Value) -> [Value] {
        if case .list(let items) = value.kind { return items }
        return [value]
    }
}
