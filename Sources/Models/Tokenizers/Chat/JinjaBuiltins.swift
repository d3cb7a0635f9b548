// Models/Tokenizers/Chat/JinjaBuiltins.swift — what values do in a chat template: attribute and
// item access, Python slices, the string and dict methods templates call (`strip`, `split`,
// `startswith`, `items`, `get`, …), the globals transformers provides (`raise_exception`,
// `namespace`, `range`, `dict`), and Python's operators. Strings are indexed, sliced and counted
// by code point, as Python does.
//
// Not provided on purpose: `strftime_now`. Templates test `strftime_now is defined` and fall back to a
// fixed date, so a notebook's prompts do not change with the calendar (pass `date_string` instead).

import Foundation

enum JinjaBuiltins {
    /// What `for x in value` walks: list items, dict keys, string characters (code points); undefined is empty.
    static func iterate(_ value: JinjaValue, line: Int) throws(ChatTemplateError) -> [JinjaValue] {
        switch value {
        case .array(let a): return a
        case .object(let o): return o.keys.map { .string($0) }
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        default: throw .at(line, "cannot loop over \(value.typeName)")
        }
    }

    static func attribute(_ base: JinjaValue, _ name: String, line: Int) throws(ChatTemplateError) -> JinjaValue {
        switch base {
        case .object(let o): return o[name] ?? .undefined(name)
        case .namespace(let n): return n.object[name] ?? .undefined(name)
        case .undefined(let b): throw .at(line, "'\(b)' is undefined, so '\(b).\(name)' cannot be read")
        default: return .undefined(name)
        }
    }

    static func subscriptValue(_ base: JinjaValue, _ index: JinjaValue, line: Int) throws(ChatTemplateError) -> JinjaValue {
        switch (base, index) {
        case (.object(let o), .string(let k)): return o[k] ?? .undefined(k)
        case (.namespace(let n), .string(let k)): return n.object[k] ?? .undefined(k)
        case (.array(let a), .int(let i)):
            let j = i < 0 ? i + a.count : i
            return a.indices.contains(j) ? a[j] : .undefined("[\(i)]")
        case (.string(let s), .int(let i)):
            let scalars = Array(s.unicodeScalars)
            let j = i < 0 ? i + scalars.count : i
            return scalars.indices.contains(j) ? .string(String(scalars[j])) : .undefined("[\(i)]")
        case (.undefined(let b), _): throw .at(line, "'\(b)' is undefined, so '\(b)[\(index.repr)]' cannot be read")
        default: return .undefined("[\(index.repr)]")
        }
    }

    /// Python's slice of a list or string.
    static func slice(_ v: JinjaValue, _ start: Int?, _ stop: Int?, _ step: Int?, line: Int) throws(ChatTemplateError) -> JinjaValue {
        let step = step ?? 1
        guard step != 0 else { throw .at(line, "a slice step cannot be zero") }
        func indices(_ n: Int) -> [Int] {
            let (lower, upper) = step > 0 ? (0, n) : (-1, n - 1)
            func clamp(_ x: Int?, _ dflt: Int) -> Int {
                guard let x else { return dflt }
                return x < 0 ? max(x + n, lower) : min(x, upper)
            }
            let a = clamp(start, step > 0 ? lower : upper), b = clamp(stop, step > 0 ? upper : lower)
            return Array(stride(from: a, to: b, by: step))
        }
        switch v {
        case .array(let items): return .array(indices(items.count).map { items[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in indices(scalars.count) { out.append(scalars[i]) }
            return .string(String(out))
        case .undefined: return .undefined("slice")
        default: throw .at(line, "cannot slice \(v.typeName)")
        }
    }

    static func method(_ base: JinjaValue, _ name: String, _ args: [JinjaValue], _ kwargs: [(String, JinjaValue)],
                       line: Int) throws(ChatTemplateError) -> JinjaValue {
        func arg(_ i: Int) -> JinjaValue? { i < args.count ? args[i] : nil }
        func stringArg(_ i: Int) throws(ChatTemplateError) -> String? {
            switch arg(i) {
            case nil, .none?: return nil
            case .string(let s)?: return s
            case let other?: throw .at(line, "\(name)() takes a string, not \(other.typeName)")
            }
        }
        switch base {
        case .string(let s):
            switch name {
            case "strip", "lstrip", "rstrip":
                let chars = try stringArg(0).map { Set($0.unicodeScalars) }
                return .string(strip(s, chars, leading: name != "rstrip", trailing: name != "lstrip"))
            case "split": return .array(try split(s, try stringArg(0), max: arg(1).flatMap { if case .int(let m) = $0 { m } else { nil } } ?? -1, line: line).map { .string($0) })
            case "startswith", "endswith":
                let candidates: [JinjaValue] = if case .array(let a)? = arg(0) { a } else { arg(0).map { [$0] } ?? [] }
                return .bool(candidates.contains { c in
                    guard case .string(let p) = c else { return false }
                    return name == "startswith" ? s.unicodeScalars.starts(with: p.unicodeScalars)
                        : s.unicodeScalars.reversed().starts(with: p.unicodeScalars.reversed())
                })
            case "upper": return .string(s.uppercased())
            case "lower": return .string(s.lowercased())
            case "capitalize": return .string(capitalize(s))
            case "title": return .string(pythonTitle(s))
            case "replace":
                guard let old = try stringArg(0), let new = try stringArg(1) else { throw .at(line, "replace() needs two strings") }
                return .string(replace(s, old, new, count: arg(2).flatMap { if case .int(let c) = $0 { c } else { nil } } ?? -1))
            case "join":
                guard let items = arg(0) else { throw .at(line, "join() needs a list") }
                return .string(try iterate(items, line: line).map(\.printed).joined(separator: s))
            case "find":
                guard let needle = try stringArg(0) else { throw .at(line, "find() needs a string") }
                return .int(find(s, needle) ?? -1)
            case "count":
                guard let needle = try stringArg(0), !needle.isEmpty else { throw .at(line, "count() needs a non-empty string") }
                return .int(s.components(separatedBy: needle).count - 1)
            case "isdigit": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal })
            case "isspace": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isWhitespace })
            default: break
            }
        case .object(let o):
            switch name {
            case "items": return .array(o.pairs.map { .array([.string($0.0), $0.1]) })
            case "keys": return .array(o.keys.map { .string($0) })
            case "values": return .array(o.pairs.map(\.1))
            case "get":
                guard case .string(let k)? = arg(0) else { throw .at(line, "get() needs a string key") }
                return o[k] ?? arg(1) ?? kwargs.first { $0.0 == "default" }?.1 ?? .none
            default: break
            }
        case .undefined(let b):
            throw .at(line, "'\(b)' is undefined, so '\(b).\(name)(…)' cannot be called")
        default: break
        }
        throw .at(line, "\(base.typeName) has no method '\(name)' here (Verity's renderer provides the string methods "
                  + "strip, lstrip, rstrip, split, startswith, endswith, upper, lower, capitalize, title, replace, join, "
                  + "find, count, isdigit, isspace and the dict methods items, keys, values, get)")
    }

    static func function(_ name: String, _ args: [JinjaValue], _ kwargs: [(String, JinjaValue)],
                         line: Int) throws(ChatTemplateError) -> JinjaValue {
        switch name {
        case "raise_exception":
            throw ChatTemplateError("the chat template refused this conversation: \(args.first?.printed ?? "(no message)")")
        case "namespace", "dict":
            var o = JinjaObject()
            if case .object(let given)? = args.first { o = given }
            for (k, v) in kwargs { o[k] = v }
            return name == "namespace" ? .namespace(JinjaNamespace(o)) : .object(o)
        case "range":
            let ints = args.compactMap { if case .int(let i) = $0 { i } else { nil } }
            guard ints.count == args.count, (1...3).contains(ints.count) else { throw .at(line, "range() takes 1 to 3 integers") }
            let (start, stop, step) = ints.count == 1 ? (0, ints[0], 1) : (ints[0], ints[1], ints.count == 3 ? ints[2] : 1)
            guard step != 0 else { throw .at(line, "range() step cannot be zero") }
            let values = Array(stride(from: start, to: stop, by: step).prefix(100_000))
            return .array(values.map { .int($0) })
        default:
            throw .at(line, "'\(name)' is not defined (Verity's renderer provides raise_exception, namespace, range and dict; "
                      + "strftime_now is left out so prompts do not change with the date — pass date_string)")
        }
    }

    static func binary(_ op: String, _ a: JinjaValue, _ b: JinjaValue, line: Int) throws(ChatTemplateError) -> JinjaValue {
        switch op {
        case "==": return .bool(a.equals(b))
        case "!=": return .bool(!a.equals(b))
        case "~": return .string(a.printed + b.printed)
        case "in", "not in":
            let found: Bool
            switch b {
            case .string(let s):
                guard case .string(let needle) = a else { throw .at(line, "'in <string>' needs a string on the left, not \(a.typeName)") }
                found = needle.isEmpty || s.contains(needle)
            case .array(let items): found = items.contains { $0.equals(a) }
            case .object(let o): found = { if case .string(let k) = a { o[k] != nil } else { false } }()
            case .namespace(let n): found = { if case .string(let k) = a { n.object[k] != nil } else { false } }()
            case .undefined: found = false
            default: throw .at(line, "cannot look inside \(b.typeName) with 'in'")
            }
            return .bool(op == "in" ? found : !found)
        case "<", ">", "<=", ">=":
            let order: Int
            if let x = a.number, let y = b.number { order = x < y ? -1 : x > y ? 1 : 0 }
            else if case .string(let x) = a, case .string(let y) = b {
                let xs = x.unicodeScalars.map(\.value), ys = y.unicodeScalars.map(\.value)
                order = xs == ys ? 0 : xs.lexicographicallyPrecedes(ys) ? -1 : 1
            } else { throw .at(line, "cannot compare \(a.typeName) with \(b.typeName) using \(op)") }
            switch op {
            case "<": return .bool(order < 0)
            case ">": return .bool(order > 0)
            case "<=": return .bool(order <= 0)
            default: return .bool(order >= 0)
            }
        default: break
        }
        if case .undefined(let n) = a { throw .at(line, "'\(n)' is undefined and cannot be used with \(op)") }
        if case .undefined(let n) = b { throw .at(line, "'\(n)' is undefined and cannot be used with \(op)") }
        switch (op, a, b) {
        case ("+", .string(let x), .string(let y)): return .string(x + y)
        case ("+", .array(let x), .array(let y)): return .array(x + y)
        case ("*", .string(let x), .int(let n)), ("*", .int(let n), .string(let x)):
            return .string(String(repeating: x, count: max(0, min(n, 1 << 20))))
        case ("*", .array(let x), .int(let n)), ("*", .int(let n), .array(let x)):
            return .array(Array(repeatElement(x, count: max(0, min(n, 1 << 16))).joined()))
        default: break
        }
        guard let x = a.number, let y = b.number, !isString(a), !isString(b) else {
            throw .at(line, "cannot apply \(op) to \(a.typeName) and \(b.typeName)")
        }
        let ints: (Int, Int)? = { if case .double = a { return nil }; if case .double = b { return nil }; return (Int(x), Int(y)) }()
        switch op {
        case "+": if let (i, j) = ints { return .int(i &+ j) }; return .double(x + y)
        case "-": if let (i, j) = ints { return .int(i &- j) }; return .double(x - y)
        case "*": if let (i, j) = ints { return .int(i &* j) }; return .double(x * y)
        case "/":
            guard y != 0 else { throw .at(line, "division by zero") }
            return .double(x / y)
        case "//", "%":
            guard y != 0 else { throw .at(line, "division by zero") }
            if let (i, j) = ints {
                let q = Int((Double(i) / Double(j)).rounded(.down))
                return op == "//" ? .int(q) : .int(i - q * j)
            }
            let q = (x / y).rounded(.down)
            return op == "//" ? .double(q) : .double(x - q * y)
        case "**":
            if let (i, j) = ints, j >= 0 {
                var r = 1
                for _ in 0..<min(j, 64) { r = r &* i }
                return .int(r)
            }
            return .double(pow(x, y))
        default: throw .at(line, "unknown operator \(op)")
        }
    }

    static func isString(_ v: JinjaValue) -> Bool { if case .string = v { true } else { false } }

    // MARK: Python string helpers

    static func strip(_ s: String, _ chars: Set<Unicode.Scalar>?, leading: Bool, trailing: Bool) -> String {
        var scalars = Array(s.unicodeScalars)[...]
        func drop(_ c: Unicode.Scalar) -> Bool { chars.map { $0.contains(c) } ?? c.properties.isWhitespace }
        if leading { while let f = scalars.first, drop(f) { scalars.removeFirst() } }
        if trailing { while let l = scalars.last, drop(l) { scalars.removeLast() } }
        return String(String.UnicodeScalarView(scalars))
    }

    static func split(_ s: String, _ sep: String?, max: Int, line: Int) throws(ChatTemplateError) -> [String] {
        let scalars = Array(s.unicodeScalars)
        var parts: [String] = []
        guard let sep else {
            var i = 0
            while i < scalars.count {
                while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
                guard i < scalars.count else { break }
                if max >= 0, parts.count == max {
                    parts.append(strip(String(String.UnicodeScalarView(scalars[i...])), nil, leading: false, trailing: true))
                    return parts
                }
                var j = i
                while j < scalars.count, !scalars[j].properties.isWhitespace { j += 1 }
                parts.append(String(String.UnicodeScalarView(scalars[i..<j])))
                i = j
            }
            return parts
        }
        guard !sep.isEmpty else { throw .at(line, "split() separator cannot be empty") }
        let needle = Array(sep.unicodeScalars)
        var start = 0, i = 0
        while i + needle.count <= scalars.count {
            if (max < 0 || parts.count < max), Array(scalars[i..<(i + needle.count)]) == needle {
                parts.append(String(String.UnicodeScalarView(scalars[start..<i])))
                i += needle.count
                start = i
            } else { i += 1 }
        }
        parts.append(String(String.UnicodeScalarView(scalars[start...])))
        return parts
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        guard !old.isEmpty else { return s }
        let scalars = Array(s.unicodeScalars), needle = Array(old.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0, done = 0
        while i < scalars.count {
            if count < 0 || done < count, i + needle.count <= scalars.count, Array(scalars[i..<(i + needle.count)]) == needle {
                out.append(contentsOf: new.unicodeScalars)
                i += needle.count
                done += 1
            } else { out.append(scalars[i]); i += 1 }
        }
        return String(out)
    }

    static func find(_ s: String, _ needle: String) -> Int? {
        let a = Array(s.unicodeScalars), b = Array(needle.unicodeScalars)
        guard b.count <= a.count else { return nil }
        for i in 0...(a.count - b.count) where Array(a[i..<(i + b.count)]) == b { return i }
        return nil
    }

    static func capitalize(_ s: String) -> String {
        guard let first = s.first else { return s }
        return String(first).uppercased() + s.dropFirst().lowercased()
    }

    /// Python's `str.title`: a letter after a non-letter is upper-cased, the others lower-cased.
    static func pythonTitle(_ s: String) -> String {
        var out = ""
        var previousIsLetter = false
        for ch in s {
            out += previousIsLetter ? ch.lowercased() : ch.uppercased()
            previousIsLetter = ch.isLetter
        }
        return out
    }
}
