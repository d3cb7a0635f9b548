// Models/Tokenizers/Chat/JinjaRenderer.swift — walks a parsed template with jinja2's scoping (a
// `for` body gets its own frame, so `set` inside a loop does not leak out — that is what
// `namespace` is for), its `loop` variable, and Python's operators.

/// Renders one template with one set of variables.
struct JinjaRenderer {
    /// Innermost frame last; lookups walk outwards.
    var frames: [[String: JinjaValue]]
    var output = ""
    /// Stops a template that loops without end or builds text without bound.
    var budget = 2_000_000

    enum Flow { case normal, breakLoop, continueLoop }

    init(variables: [String: JinjaValue]) { frames = [variables] }

    func lookup(_ name: String) -> JinjaValue {
        for frame in frames.reversed() { if let v = frame[name] { return v } }
        return .undefined(name)
    }
    mutating func assign(_ name: String, _ value: JinjaValue) { frames[frames.count - 1][name] = value }

    mutating func render(_ nodes: [JinjaNode]) throws(ChatTemplateError) -> Flow {
        for node in nodes {
            budget -= 1
            if budget < 0 || output.utf8.count > 64 << 20 {
                throw ChatTemplateError("chat template: rendering stopped after too many steps or 64 MiB of text")
            }
            switch node {
            case .text(let t): output += t
            case .output(let e, let line): output += try eval(e, line: line).printed
            case .ifBlock(let branches, let otherwise, let line):
                var taken: [JinjaNode] = otherwise
                for (condition, body) in branches where try eval(condition, line: line).truthy { taken = body; break }
                let flow = try render(taken)
                if flow != .normal { return flow }
            case .forBlock(let targets, let iterable, let filter, let body, let otherwise, let line):
                let flow = try renderFor(targets, iterable, filter, body, otherwise, line: line)
                if flow != .normal { return flow }
            case .set(let targets, let attribute, let e, let line):
                let value = try eval(e, line: line)
                if let attribute {
                    guard case .namespace(let ns) = lookup(targets[0]) else {
                        throw .at(line, "'set \(targets[0]).\(attribute)' needs '\(targets[0])' to be a namespace(…)")
                    }
                    ns.object[attribute] = value
                } else if targets.count == 1 {
                    assign(targets[0], value)
                } else {
                    let items = try JinjaBuiltins.iterate(value, line: line)
                    guard items.count == targets.count else {
                        throw .at(line, "cannot unpack \(items.count) values into \(targets.count) names")
                    }
                    for (t, v) in zip(targets, items) { assign(t, v) }
                }
            case .setBlock(let name, let body):
                let saved = output
                output = ""
                _ = try render(body)
                let captured = output
                output = saved
                assign(name, .string(captured))
            case .breakLoop(let line):
                guard frames.count > 1 else { throw .at(line, "{% break %} outside a loop") }
                return .breakLoop
            case .continueLoop(let line):
                guard frames.count > 1 else { throw .at(line, "{% continue %} outside a loop") }
                return .continueLoop
            case .generation(let body):
                let flow = try render(body)
                if flow != .normal { return flow }
            }
        }
        return .normal
    }

    mutating func renderFor(_ targets: [String], _ iterable: JinjaExpr, _ filter: JinjaExpr?, _ body: [JinjaNode],
                            _ otherwise: [JinjaNode], line: Int) throws(ChatTemplateError) -> Flow {
        var items = try JinjaBuiltins.iterate(try eval(iterable, line: line), line: line)
        if let filter {
            var kept: [JinjaValue] = []
            for item in items {
                frames.append([:])
                bind(targets, item, line: line, into: &frames[frames.count - 1])
                let keep = try eval(filter, line: line).truthy
                frames.removeLast()
                if keep { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty { return try render(otherwise) }
        for (i, item) in items.enumerated() {
            var frame: [String: JinjaValue] = [:]
            bind(targets, item, line: line, into: &frame)
            var loop = JinjaObject([
                ("index", .int(i + 1)), ("index0", .int(i)), ("revindex", .int(items.count - i)),
                ("revindex0", .int(items.count - i - 1)), ("first", .bool(i == 0)), ("last", .bool(i == items.count - 1)),
                ("length", .int(items.count)), ("depth", .int(1)), ("depth0", .int(0)),
            ])
            if i > 0 { loop["previtem"] = items[i - 1] }
            if i + 1 < items.count { loop["nextitem"] = items[i + 1] }
            frame["loop"] = .object(loop)
            frames.append(frame)
            let flow = try render(body)
            frames.removeLast()
            if flow == .breakLoop { break }
        }
        return .normal
    }

    func bind(_ targets: [String], _ item: JinjaValue, line: Int, into frame: inout [String: JinjaValue]) {
        if targets.count == 1 { frame[targets[0]] = item; return }
        let parts: [JinjaValue]
        if case .array(let a) = item { parts = a } else { parts = [] }
        for (k, t) in targets.enumerated() { frame[t] = k < parts.count ? parts[k] : .undefined(t) }
    }


    mutating func eval(_ e: JinjaExpr, line: Int) throws(ChatTemplateError) -> JinjaValue {
        switch e {
        case .literal(let v): return v
        case .name(let n): return lookup(n)
        case .list(let items), .tuple(let items):
            var out: [JinjaValue] = []
            for item in items { out.append(try eval(item, line: line)) }
            return .array(out)
        case .dict(let pairs):
            var o = JinjaObject()
            for (k, v) in pairs {
                guard case .string(let key) = try eval(k, line: line) else { throw .at(line, "dict keys must be strings") }
                o[key] = try eval(v, line: line)
            }
            return .object(o)
        case .attribute(let base, let name):
            return try JinjaBuiltins.attribute(try eval(base, line: line), name, line: line)
        case .subscriptIndex(let base, let index):
            return try JinjaBuiltins.subscriptValue(try eval(base, line: line), try eval(index, line: line), line: line)
        case .slice(let base, let a, let b, let c):
            let v = try eval(base, line: line)
            func bound(_ x: JinjaExpr?) throws(ChatTemplateError) -> Int? {
                guard let x else { return nil }
                switch try eval(x, line: line) {
                case .int(let i): return i
                case .none: return nil
                default: throw .at(line, "slice bounds must be integers")
                }
            }
            return try JinjaBuiltins.slice(v, try bound(a), try bound(b), try bound(c), line: line)
        case .call(let callee, let args, let kwargs):
            let a = try evalAll(args, line: line)
            let k = try evalKeywords(kwargs, line: line)
            if case .attribute(let base, let method) = callee {
                return try JinjaBuiltins.method(try eval(base, line: line), method, a, k, line: line)
            }
            guard case .name(let function) = callee else { throw .at(line, "only named functions and methods can be called") }
            if case .undefined = lookup(function) {
                return try JinjaBuiltins.function(function, a, k, line: line)
            }
            throw .at(line, "'\(function)' is not a function")
        case .filter(let base, let name, let args, let kwargs):
            return try JinjaBuiltins.filter(name, try eval(base, line: line), try evalAll(args, line: line),
                                           try evalKeywords(kwargs, line: line), line: line)
        case .test(let base, let name, let args, let negated):
            let result = try JinjaBuiltins.test(name, try eval(base, line: line), try evalAll(args, line: line), line: line)
            return .bool(result != negated)
        case .not(let x): return .bool(!(try eval(x, line: line).truthy))
        case .negate(let x):
            switch try eval(x, line: line) {
            case .int(let i): return .int(-i)
            case .double(let d): return .double(-d)
            case let other: throw .at(line, "cannot negate \(other.typeName)")
            }
        case .binary("and", let a, let b):
            let left = try eval(a, line: line)
            return left.truthy ? try eval(b, line: line) : left
        case .binary("or", let a, let b):
            let left = try eval(a, line: line)
            return left.truthy ? left : try eval(b, line: line)
        case .binary(let op, let a, let b):
            return try JinjaBuiltins.binary(op, try eval(a, line: line), try eval(b, line: line), line: line)
        case .conditional(let then, let condition, let otherwise):
            if try eval(condition, line: line).truthy { return try eval(then, line: line) }
            return try otherwise.map { (x) throws(ChatTemplateError) in try eval(x, line: line) } ?? .undefined("else")
        }
    }

    mutating func evalAll(_ xs: [JinjaExpr], line: Int) throws(ChatTemplateError) -> [JinjaValue] {
        var out: [JinjaValue] = []
        for x in xs { out.append(try eval(x, line: line)) }
        return out
    }
    mutating func evalKeywords(_ xs: [(String, JinjaExpr)], line: Int) throws(ChatTemplateError) -> [(String, JinjaValue)] {
        var out: [(String, JinjaValue)] = []
        for (k, x) in xs { out.append((k, try eval(x, line: line))) }
        return out
    }
}
