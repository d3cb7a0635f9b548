// Models/Tokenizers/Chat/JinjaFilters.swift — jinja2's filters and tests that chat templates use,
// and `tojson` as transformers defines it (Python's `json.dumps` with ensure_ascii off).

import Foundation

extension JinjaBuiltins {
    static let supportedFilters = ["abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float",
                                   "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
                                   "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
                                   "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "unique", "upper"]

    static func filter(_ name: String, _ v: JinjaValue, _ args: [JinjaValue], _ kwargs: [(String, JinjaValue)],
                       line: Int) throws(ChatTemplateError) -> JinjaValue {
        func arg(_ i: Int, _ key: String) -> JinjaValue? { kwargs.first { $0.0 == key }?.1 ?? (i >= 0 && i < args.count ? args[i] : nil) }
        func list() throws(ChatTemplateError) -> [JinjaValue] {
            if case .string(let s) = v { return s.unicodeScalars.map { .string(String($0)) } }
            return try JinjaBuiltins.iterate(v, line: line)
        }
        func attributeOf(_ item: JinjaValue, _ path: JinjaValue?) throws(ChatTemplateError) -> JinjaValue {
            guard case .string(let p)? = path else { return item }
            var out = item
            for part in p.split(separator: ".") {
                out = if let i = Int(part) { try subscriptValue(out, .int(i), line: line) } else { try attribute(out, String(part), line: line) }
            }
            return out
        }
        switch name {
        case "trim":
            let chars: Set<Unicode.Scalar>? = if case .string(let c)? = arg(0, "chars") { Set(c.unicodeScalars) } else { nil }
            return .string(strip(v.printed, chars, leading: true, trailing: true))
        case "length", "count":
            switch v {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int(o.count)
            case .undefined: return .int(0)
            default: throw .at(line, "\(v.typeName) has no length")
            }
        case "tojson":
            var indent: String? = nil
            switch arg(0, "indent") {
            case .int(let n)?: indent = String(repeating: " ", count: max(0, min(n, 64)))
            case .string(let s)?: indent = s
            default: break
            }
            var separators = indent == nil ? (", ", ": ") : (",", ": ")
            if case .array(let seps)? = arg(2, "separators"), seps.count == 2,
               case .string(let item) = seps[0], case .string(let key) = seps[1] { separators = (item, key) }
            var out = ""
            try writeJSON(v, into: &out, indent: indent, level: 0, separators: separators,
                          sortKeys: arg(3, "sort_keys")?.truthy ?? false, ascii: arg(1, "ensure_ascii")?.truthy ?? false, line: line)
            return .string(out)
        case "string": return .string(v.printed)
        case "safe": return v
        case "e", "escape":
            var out = ""
            for ch in v.printed.unicodeScalars {
                switch ch {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&#34;"
                case "'": out += "&#39;"
                default: out.unicodeScalars.append(ch)
                }
            }
            return .string(out)
        case "lower": return .string(v.printed.lowercased())
        case "upper": return .string(v.printed.uppercased())
        case "capitalize": return .string(capitalize(v.printed))
        case "title":
            // jinja2's title: a word starts after whitespace, '-', '(', '{', '[' or '<'.
            var out = "", atStart = true
            for ch in v.printed {
                out += atStart ? ch.uppercased() : ch.lowercased()
                atStart = ch.isWhitespace || "-({[<".contains(ch)
            }
            return .string(out)
        case "replace":
            guard case .string(let old)? = arg(0, "old"), case .string(let new)? = arg(1, "new") else {
                throw .at(line, "replace needs two strings")
            }
            let n: Int = if case .int(let c)? = arg(2, "count") { c } else { -1 }
            return .string(replace(v.printed, old, new, count: n))
        case "first": return try list().first ?? .undefined("first")
        case "last": return try list().last ?? .undefined("last")
        case "list": return .array(try list())
        case "reverse":
            if case .string(let s) = v { return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed()))) }
            return .array(try list().reversed())
        case "join":
            let sep: String = if case .string(let s)? = arg(0, "d") { s } else { "" }
            var parts: [String] = []
            for item in try list() { parts.append(try attributeOf(item, arg(1, "attribute")).printed) }
            return .string(parts.joined(separator: sep))
        case "default", "d":
            let useDefault = !v.isDefined || ((arg(1, "boolean")?.truthy ?? false) && !v.truthy)
            return useDefault ? arg(0, "default_value") ?? .string("") : v
        case "items":
            switch v {
            case .object(let o): return .array(o.pairs.map { .array([.string($0.0), $0.1]) })
            case .undefined: return .array([])
            default: throw .at(line, "items needs a dict, not \(v.typeName)")
            }
        case "int":
            switch v {
            case .int: return v
            case .double(let d): return .int(d.isFinite ? Int(d) : 0)
            case .bool(let b): return .int(b ? 1 : 0)
            case .string(let s):
                let t = s.trimmingCharacters(in: .whitespaces)
                if let i = Int(t) { return .int(i) }
                if let d = Double(t), d.isFinite, abs(d) < 9e18 { return .int(Int(d)) }
                return arg(0, "default") ?? .int(0)
            default: return arg(0, "default") ?? .int(0)
            }
        case "float":
            if let d = v.number { return .double(d) }
            if case .string(let s) = v, let d = Double(s.trimmingCharacters(in: .whitespaces)) { return .double(d) }
            return arg(0, "default") ?? .double(0)
        case "abs":
            switch v {
            case .int(let i): return .int(abs(i))
            case .double(let d): return .double(abs(d))
            default: throw .at(line, "abs needs a number, not \(v.typeName)")
            }
        case "round":
            guard let d = v.number else { throw .at(line, "round needs a number, not \(v.typeName)") }
            let places: Int = if case .int(let p)? = arg(0, "precision") { p } else { 0 }
            let scale = pow(10.0, Double(places))
            let method: String = if case .string(let m)? = arg(1, "method") { m } else { "common" }
            let rule: FloatingPointRoundingRule = method == "ceil" ? .up : method == "floor" ? .down : .toNearestOrAwayFromZero
            return .double((d * scale).rounded(rule) / scale)
        case "unique":
            var seen: [JinjaValue] = []
            for item in try list() where !seen.contains(where: { foldCase($0).equals(foldCase(item)) }) { seen.append(item) }
            return .array(seen)
        case "sort":
            let reverse = arg(0, "reverse")?.truthy ?? false
            let caseSensitive = arg(1, "case_sensitive")?.truthy ?? false
            var failure: ChatTemplateError? = nil
            var keyed: [(JinjaValue, JinjaValue)] = []
            for item in try list() {
                let key = try attributeOf(item, arg(2, "attribute"))
                keyed.append((caseSensitive ? key : foldCase(key), item))
            }
            keyed.sort { x, y in
                do throws(ChatTemplateError) { return try binary(reverse ? ">" : "<", x.0, y.0, line: line).truthy } catch { failure = error; return false }
            }
            if let failure { throw failure }
            return .array(keyed.map(\.1))
        case "max", "min", "sum":
            let items = try list()
            if name == "sum" {
                var total = arg(1, "start") ?? .int(0)
                for item in items { total = try binary("+", total, try attributeOf(item, arg(0, "attribute")), line: line) }
                return total
            }
            guard var best = items.first else { return .undefined(name) }
            for item in items.dropFirst() where try binary(name == "max" ? ">" : "<", item, best, line: line).truthy { best = item }
            return best
        case "map":
            var out: [JinjaValue] = []
            if let path = arg(-1, "attribute") {
                for item in try list() {
                    let value = try attributeOf(item, path)
                    out.append(value.isDefined ? value : (kwargs.first { $0.0 == "default" }?.1 ?? value))
                }
            } else if case .string(let inner)? = args.first {
                for item in try list() { out.append(try filter(inner, item, Array(args.dropFirst()), [], line: line)) }
            } else { throw .at(line, "map needs attribute='…' or a filter name") }
            return .array(out)
        case "select", "reject", "selectattr", "rejectattr":
            let byAttribute = name.hasSuffix("attr")
            let rest = byAttribute ? Array(args.dropFirst()) : args
            var out: [JinjaValue] = []
            for item in try list() {
                let subject = byAttribute ? try attributeOf(item, args.first) : item
                let passed: Bool
                if case .string(let testName)? = rest.first {
                    passed = try test(testName, subject, Array(rest.dropFirst()), line: line)
                } else { passed = subject.truthy }
                if passed == name.hasPrefix("select") { out.append(item) }
            }
            return .array(out)
        case "indent":
            let width: String = switch arg(0, "width") {
            case .int(let n)?: String(repeating: " ", count: max(0, min(n, 256)))
            case .string(let s)?: s
            default: "    "
            }
            let first = arg(1, "first")?.truthy ?? false, blank = arg(2, "blank")?.truthy ?? false
            let lines = v.printed.components(separatedBy: "\n")
            return .string(lines.enumerated().map { i, l in
                (i == 0 && !first) || (!blank && l.trimmingCharacters(in: .whitespaces).isEmpty) ? l : width + l
            }.joined(separator: "\n"))
        default:
            throw .at(line, "the filter '\(name)' is not supported (Verity's renderer has \(supportedFilters.joined(separator: ", ")))")
        }
    }

    static func foldCase(_ v: JinjaValue) -> JinjaValue { if case .string(let s) = v { .string(s.lowercased()) } else { v } }

    static func test(_ name: String, _ v: JinjaValue, _ args: [JinjaValue], line: Int) throws(ChatTemplateError) -> Bool {
        func compare(_ op: String) throws(ChatTemplateError) -> Bool {
            guard let other = args.first else { throw .at(line, "the test '\(name)' needs a value to compare with") }
            return try binary(op, v, other, line: line).truthy
        }
        switch name {
        case "defined": return v.isDefined
        case "undefined": return !v.isDefined
        case "none": if case .none = v { return true }; return false
        case "boolean": if case .bool = v { return true }; return false
        case "true": if case .bool(true) = v { return true }; return false
        case "false": if case .bool(false) = v { return true }; return false
        case "integer": if case .int = v { return true }; return false
        case "float": if case .double = v { return true }; return false
        case "number": switch v { case .int, .double: return true; default: return false }
        case "string": return isString(v)
        case "mapping": if case .object = v { return true }; return false
        case "iterable": switch v { case .array, .object, .string, .undefined: return true; default: return false }
        case "sequence": switch v { case .array, .object, .string: return true; default: return false }
        case "callable", "escaped": return false
        case "even", "odd":
            guard case .int(let i) = v else { throw .at(line, "the test '\(name)' needs an integer") }
            return (i % 2 == 0) == (name == "even")
        case "divisibleby":
            guard case .int(let i) = v, case .int(let d)? = args.first, d != 0 else { throw .at(line, "divisibleby needs integers") }
            return i % d == 0
        case "lower": return isString(v) && v.printed == v.printed.lowercased()
        case "upper": return isString(v) && v.printed == v.printed.uppercased()
        case "equalto", "eq", "==", "sameas": return try compare("==")
        case "ne", "!=": return try compare("!=")
        case "lt", "<", "lessthan": return try compare("<")
        case "le", "<=": return try compare("<=")
        case "gt", ">", "greaterthan": return try compare(">")
        case "ge", ">=": return try compare(">=")
        case "in":
            guard let container = args.first else { throw .at(line, "the test 'in' needs a container") }
            return try binary("in", v, container, line: line).truthy
        default: throw .at(line, "the test '\(name)' is not supported")
        }
    }

    /// Python's `json.dumps(value, ensure_ascii=ascii, indent=indent, separators=…, sort_keys=…)`.
    static func writeJSON(_ v: JinjaValue, into out: inout String, indent: String?, level: Int,
                          separators: (String, String), sortKeys: Bool, ascii: Bool, line: Int) throws(ChatTemplateError) {
        func newline(_ depth: Int) { if let indent { out += "\n" + String(repeating: indent, count: depth) } }
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isNaN ? "NaN" : d.isInfinite ? (d > 0 ? "Infinity" : "-Infinity") : JinjaValue.pythonFloat(d)
        case .string(let s): writeJSONString(s, into: &out, ascii: ascii)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += separators.0 }
                newline(level + 1)
                try writeJSON(item, into: &out, indent: indent, level: level + 1, separators: separators, sortKeys: sortKeys, ascii: ascii, line: line)
            }
            newline(level)
            out += "]"
        case .object(let o):
            guard o.count > 0 else { out += "{}"; return }
            out += "{"
            let pairs = sortKeys ? o.pairs.sorted { $0.0.unicodeScalars.map(\.value).lexicographicallyPrecedes($1.0.unicodeScalars.map(\.value)) } : o.pairs
            for (i, (k, item)) in pairs.enumerated() {
                if i > 0 { out += separators.0 }
                newline(level + 1)
                writeJSONString(k, into: &out, ascii: ascii)
                out += separators.1
                try writeJSON(item, into: &out, indent: indent, level: level + 1, separators: separators, sortKeys: sortKeys, ascii: ascii, line: line)
            }
            newline(level)
            out += "}"
        case .undefined(let n): throw .at(line, "tojson: '\(n)' is undefined")
        case .namespace: throw .at(line, "tojson cannot write a namespace")
        }
    }

    /// A JSON string as Python's `json.dumps` writes it: the project's JSON writer (short escapes,
    /// `\u00xx` for other control characters), then, with `ensure_ascii`, non-ASCII as UTF-16 `\uxxxx`.
    static func writeJSONString(_ s: String, into out: inout String, ascii: Bool) {
        var bytes: [UInt8] = []
        JSONValue.writeString(s, into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        guard ascii else { out += text; return }
        for ch in text.unicodeScalars {
            if ch.value < 0x80 { out.unicodeScalars.append(ch); continue }
            for unit in String(ch).utf16 { out += String(format: "\\u%04x", unit) }
        }
    }
}
