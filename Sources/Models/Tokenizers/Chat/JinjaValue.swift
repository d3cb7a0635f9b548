// Models/Tokenizers/Chat/JinjaValue.swift — the values a chat template computes with, and the
// Python semantics Jinja gives them: truthiness, printing (`str`, with `repr` inside lists and
// dicts), equality and ordering, and `json.dumps` as transformers' `tojson` calls it.

import Foundation

/// A value inside a chat template. Dicts keep their insertion order, as Python's do, because
/// `tojson`, `items()` and printing show keys in that order.
public enum JinjaValue: Sendable {
    /// A name the template reads but nobody set (prints as nothing, is false, `is defined` fails).
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JinjaValue])
    case object(JinjaObject)
    /// `namespace(…)`: the one mutable value, so `set ns.x = …` inside a loop is seen after it.
    case namespace(JinjaNamespace)
}

/// An insertion-ordered string-keyed dict.
public struct JinjaObject: Sendable {
    public private(set) var keys: [String] = []
    private var values: [String: JinjaValue] = [:]

    public init() {}
    public init(_ pairs: [(String, JinjaValue)]) { for (k, v) in pairs { self[k] = v } }

    public subscript(key: String) -> JinjaValue? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }
    public var count: Int { keys.count }
    /// Pairs in insertion order.
    public var pairs: [(String, JinjaValue)] { keys.map { ($0, values[$0] ?? .none) } }
}

/// The shared state behind a `namespace` value.
public final class JinjaNamespace: @unchecked Sendable {
    var object: JinjaObject
    init(_ object: JinjaObject) { self.object = object }
}

extension JinjaValue {
    /// Builds a template value from parsed JSON (messages, tools and variables arrive as JSON).
    init(json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let b): self = .bool(b)
        case .number(let text): self = Int(text).map { .int($0) } ?? .double(Double(text) ?? .nan)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(JinjaValue.init(json:)))
        case .object(let o): self = .object(JinjaObject(o.pairs.map { ($0.0, JinjaValue(json: $0.1)) }))
        }
    }

    var isDefined: Bool { if case .undefined = self { false } else { true } }

    /// Python truthiness.
    var truthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .double(let d): d != 0
        case .string(let s): !s.isEmpty
        case .array(let a): !a.isEmpty
        case .object(let o): o.count > 0
        case .namespace: true
        }
    }

    /// What `{{ value }}` prints: Python's `str`.
    var printed: String {
        switch self {
        case .undefined: ""
        case .string(let s): s
        default: repr
        }
    }

    /// Python's `repr` (strings quoted), as lists and dicts show their items.
    public var repr: String {
        switch self {
        case .undefined: ""
        case .none: "None"
        case .bool(let b): b ? "True" : "False"
        case .int(let i): String(i)
        case .double(let d): Self.pythonFloat(d)
        case .string(let s): Self.pythonRepr(s)
        case .array(let a): "[" + a.map(\.repr).joined(separator: ", ") + "]"
        case .object(let o): "{" + o.pairs.map { Self.pythonRepr($0.0) + ": " + $0.1.repr }.joined(separator: ", ") + "}"
        case .namespace(let n): "<Namespace " + JinjaValue.object(n.object).repr + ">"
        }
    }

    /// Python's float repr: shortest round-trip digits, always with a `.0` or an exponent.
    static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        var s = "\(d)"          // Swift also prints the shortest round-trip form
        if s.hasSuffix(".0"), abs(d) >= 1e16 {     // Python switches to exponent form at 1e16
            s = String(format: "%.17g", d)
        }
        if let e = s.firstIndex(of: "e") {
            // Swift writes 1e-05 and 1e+16 exactly as Python does; only keep the mantissa tidy.
            let mantissa = s[..<e]
            if mantissa.hasSuffix(".0") { s = String(mantissa.dropLast(2)) + s[e...] }
        }
        return s
    }

    /// Python's `repr` of a string: single quotes unless the text has one and no double quote.
    static func pythonRepr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where Character(ch) == quote: out += "\\" + String(quote)
            case _ where ch.value < 0x20 || ch.value == 0x7f: out += String(format: "\\x%02x", ch.value)
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + String(quote)
    }

    /// Jinja's `==`: numbers compare by value (1 == 1.0, True == 1), containers item by item.
    func equals(_ other: JinjaValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.equals($1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.pairs.allSatisfy { k, v in b[k].map { v.equals($0) } ?? false }
        case (.namespace(let a), .namespace(let b)): return a === b
        default:
            if let x = number, let y = other.number { return x == y }
            return false
        }
    }

    /// The value as a number when it is one (bools count, as in Python).
    var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    /// A short name of the value's type, for error messages.
    var typeName: String {
        switch self {
        case .undefined(let name): "undefined '\(name)'"
        case .none: "none"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a float"
        case .string: "a string"
        case .array: "a list"
        case .object: "a dict"
        case .namespace: "a namespace"
        }
    }
}
