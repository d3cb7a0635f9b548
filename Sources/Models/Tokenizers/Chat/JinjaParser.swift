// Models/Tokenizers/Chat/JinjaParser.swift — the syntax tree of a chat template and the parser
// that builds it: jinja2's statements (if/elif/else, for with `if` and `else`, set, set blocks,
// break/continue, transformers' generation block) and its expressions with jinja2's precedence
// (conditional < or < and < not < comparison < + - < ~ < * / // % < ** < unary < filters and
// tests < attribute, subscript and call).

/// An expression.
indirect enum JinjaExpr {
    case literal(JinjaValue)
    case name(String)
    case list([JinjaExpr])
    case tuple([JinjaExpr])
    case dict([(JinjaExpr, JinjaExpr)])
    case attribute(JinjaExpr, String)
    case subscriptIndex(JinjaExpr, JinjaExpr)
    case slice(JinjaExpr, JinjaExpr?, JinjaExpr?, JinjaExpr?)
    case call(JinjaExpr, [JinjaExpr], [(String, JinjaExpr)])
    case filter(JinjaExpr, String, [JinjaExpr], [(String, JinjaExpr)])
    case test(JinjaExpr, String, [JinjaExpr], negated: Bool)
    case not(JinjaExpr)
    case negate(JinjaExpr)
    case binary(String, JinjaExpr, JinjaExpr)
    case conditional(then: JinjaExpr, condition: JinjaExpr, otherwise: JinjaExpr?)
}

/// A statement or piece of output.
indirect enum JinjaNode {
    case text(String)
    case output(JinjaExpr, line: Int)
    case ifBlock([(JinjaExpr, [JinjaNode])], otherwise: [JinjaNode], line: Int)
    case forBlock(targets: [String], iterable: JinjaExpr, filter: JinjaExpr?, body: [JinjaNode], otherwise: [JinjaNode], line: Int)
    case set(target: [String], attribute: String?, JinjaExpr, line: Int)
    case setBlock(String, [JinjaNode])
    case breakLoop(line: Int)
    case continueLoop(line: Int)
    /// transformers' `{% generation %}` marks assistant text for masks; rendering just emits it.
    case generation([JinjaNode])
}

/// Builds the node tree from the lexer's pieces.
struct JinjaParser {
    let pieces: [JinjaPiece]
    var index = 0
    /// Open blocks; a template is untrusted input, so nesting is bounded before recursion can exhaust the stack.
    var depth = 0
    static let maxDepth = 50

    static func parse(_ source: String) throws(ChatTemplateError) -> [JinjaNode] {
        var parser = JinjaParser(pieces: try JinjaLexer.pieces(source))
        let (nodes, end) = try parser.block(until: [])
        if let end { throw .at(end.line, "'\(end.keyword)' without its opening tag") }
        return nodes
    }

    /// The tag that ended a block: its keyword, the rest of its tokens, its line.
    struct EndTag { var keyword: String; var tokens: [JinjaToken]; var line: Int }

    /// Nodes up to one of `terminators` (consumed and returned), or to the end when `terminators` is empty.
    mutating func block(until terminators: Set<String>) throws(ChatTemplateError) -> ([JinjaNode], EndTag?) {
        var nodes: [JinjaNode] = []
        while index < pieces.count {
            let piece = pieces[index]
            index += 1
            switch piece {
            case .text(let t): nodes.append(.text(t))
            case .output(let tokens, let line):
                var p = JinjaExpressionParser(tokens: tokens, line: line)
                let e = try p.expression()
                try p.expectEnd()
                nodes.append(.output(e, line: line))
            case .statement(let tokens, let line):
                guard case .name(let keyword)? = tokens.first else { throw .at(line, "an empty or malformed {% %} tag") }
                let rest = Array(tokens.dropFirst())
                if terminators.contains(keyword) { return (nodes, EndTag(keyword: keyword, tokens: rest, line: line)) }
                nodes.append(try statement(keyword, rest, line: line))
            }
        }
        if let expected = terminators.sorted().last(where: { $0.hasPrefix("end") }) {
            throw ChatTemplateError("chat template: a block is never closed — the template ends before {% \(expected) %}")
        }
        return (nodes, nil)
    }

    mutating func statement(_ keyword: String, _ tokens: [JinjaToken], line: Int) throws(ChatTemplateError) -> JinjaNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .at(line, "blocks are nested more than \(Self.maxDepth) deep") }
        var p = JinjaExpressionParser(tokens: tokens, line: line)
        switch keyword {
        case "if":
            var branches: [(JinjaExpr, [JinjaNode])] = []
            var condition = try p.expression()
            try p.expectEnd()
            while true {
                let (body, end) = try block(until: ["elif", "else", "endif"])
                branches.append((condition, body))
                guard let end else { throw .at(line, "{% if %} is never closed") }
                if end.keyword == "endif" { return .ifBlock(branches, otherwise: [], line: line) }
                if end.keyword == "else" {
                    let (otherwise, close) = try block(until: ["endif"])
                    guard close != nil else { throw .at(line, "{% if %} is never closed") }
                    return .ifBlock(branches, otherwise: otherwise, line: line)
                }
                var q = JinjaExpressionParser(tokens: end.tokens, line: end.line)
                condition = try q.expression()
                try q.expectEnd()
            }
        case "for":
            var targets = [try p.name()]
            while p.skip(.op(",")) { targets.append(try p.name()) }
            guard p.skip(.name("in")) else { throw .at(line, "{% for %} needs 'in'") }
            let iterable = try p.orExpression()          // `if` after the iterable filters, not a conditional
            let filter = p.skip(.name("if")) ? try p.expression() : nil
            if p.skip(.name("recursive")) { throw .at(line, "recursive loops are not supported") }
            try p.expectEnd()
            let (body, end) = try block(until: ["else", "endfor"])
            guard let end else { throw .at(line, "{% for %} is never closed") }
            var otherwise: [JinjaNode] = []
            if end.keyword == "else" {
                let (rest, close) = try block(until: ["endfor"])
                guard close != nil else { throw .at(line, "{% for %} is never closed") }
                otherwise = rest
            }
            return .forBlock(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise, line: line)
        case "set":
            var targets = [try p.name()]
            var attribute: String? = nil
            if p.skip(.op(".")) { attribute = try p.name() }
            while attribute == nil, p.skip(.op(",")) { targets.append(try p.name()) }
            if p.atEnd, targets.count == 1, attribute == nil {
                let (body, end) = try block(until: ["endset"])
                guard end != nil else { throw .at(line, "{% set %} block is never closed") }
                return .setBlock(targets[0], body)
            }
            guard p.skip(.op("=")) else { throw .at(line, "{% set %} needs '='") }
            let value = try p.expression()
            try p.expectEnd()
            return .set(target: targets, attribute: attribute, value, line: line)
        case "generation":
            try p.expectEnd()
            let (body, end) = try block(until: ["endgeneration"])
            guard end != nil else { throw .at(line, "{% generation %} is never closed") }
            return .generation(body)
        case _ where keyword.hasPrefix("end") || keyword == "elif" || keyword == "else":
            throw .at(line, "{% \(keyword) %} without its opening tag")
        case "break": try p.expectEnd(); return .breakLoop(line: line)
        case "continue": try p.expectEnd(); return .continueLoop(line: line)
        default:
            throw .at(line, "{% \(keyword) %} is not supported by Verity's template renderer (it renders if, for, set, "
                      + "break, continue and generation; macros, includes, blocks and filters-blocks are not)")
        }
    }
}

/// A recursive-descent parser over one tag's tokens.
struct JinjaExpressionParser {
    let tokens: [JinjaToken]
    let line: Int
    var pos = 0
    /// Recursion depth, bounded so that `((((…` from an untrusted file cannot exhaust the stack.
    var depth = 0

    /// Operators chained in one expression (`a + b + …`, `x.y.z…`, `v | f | g …`): each link nests the
    /// tree one deeper, so chains are bounded too.
    static let maxChain = 64
    func link(_ n: inout Int) throws(ChatTemplateError) {
        n += 1
        guard n <= Self.maxChain else { throw .at(line, "more than \(Self.maxChain) operators chained in one expression") }
    }

    mutating func enter() throws(ChatTemplateError) {
        depth += 1
        guard depth <= JinjaParser.maxDepth else { throw .at(line, "an expression is nested more than \(JinjaParser.maxDepth) deep") }
    }

    var atEnd: Bool { pos >= tokens.count }
    var peek: JinjaToken? { pos < tokens.count ? tokens[pos] : nil }

    mutating func skip(_ t: JinjaToken) -> Bool {
        if peek == t { pos += 1; return true }
        return false
    }
    mutating func expect(_ t: JinjaToken, _ what: String) throws(ChatTemplateError) {
        guard skip(t) else { throw .at(line, "expected \(what)\(describePeek())") }
    }
    func expectEnd() throws(ChatTemplateError) {
        guard atEnd else { throw .at(line, "unexpected \(describePeek().dropFirst(7)) — the tag should end here") }
    }
    func describePeek() -> String {
        switch peek {
        case .name(let n)?: " but found '\(n)'"
        case .string(let s)?: " but found the string '\(s)'"
        case .int(let i)?: " but found \(i)"
        case .double(let d)?: " but found \(d)"
        case .op(let o)?: " but found '\(o)'"
        case nil: " but the tag ended"
        }
    }
    mutating func name() throws(ChatTemplateError) -> String {
        guard case .name(let n)? = peek else { throw .at(line, "expected a name\(describePeek())") }
        pos += 1
        return n
    }

    mutating func expression() throws(ChatTemplateError) -> JinjaExpr {
        try enter()
        defer { depth -= 1 }
        var e = try orExpression()
        var n = 0
        while skip(.name("if")) {
            try link(&n)
            let condition = try orExpression()
            let otherwise = skip(.name("else")) ? try expression() : nil
            e = .conditional(then: e, condition: condition, otherwise: otherwise)
        }
        return e
    }
    mutating func orExpression() throws(ChatTemplateError) -> JinjaExpr {
        var e = try andExpression()
        var n = 0
        while skip(.name("or")) { try link(&n); e = .binary("or", e, try andExpression()) }
        return e
    }
    mutating func andExpression() throws(ChatTemplateError) -> JinjaExpr {
        var e = try notExpression()
        var n = 0
        while skip(.name("and")) { try link(&n); e = .binary("and", e, try notExpression()) }
        return e
    }
    mutating func notExpression() throws(ChatTemplateError) -> JinjaExpr {
        if skip(.name("not")) {
            try enter()
            defer { depth -= 1 }
            return .not(try notExpression())
        }
        return try comparison()
    }
    mutating func comparison() throws(ChatTemplateError) -> JinjaExpr {
        var e = try additive()
        var n = 0
        while true {
            try link(&n)
            if case .op(let o)? = peek, ["==", "!=", "<", ">", "<=", ">="].contains(o) {
                pos += 1
                e = .binary(o, e, try additive())
            } else if skip(.name("in")) {
                e = .binary("in", e, try additive())
            } else if peek == .name("not"), pos + 1 < tokens.count, tokens[pos + 1] == .name("in") {
                pos += 2
                e = .binary("not in", e, try additive())
            } else {
                return e
            }
        }
    }
    mutating func additive() throws(ChatTemplateError) -> JinjaExpr {
        var e = try concatenation()
        var n = 0
        while case .op(let o)? = peek, o == "+" || o == "-" { try link(&n); pos += 1; e = .binary(o, e, try concatenation()) }
        return e
    }
    mutating func concatenation() throws(ChatTemplateError) -> JinjaExpr {
        var e = try multiplicative()
        var n = 0
        while skip(.op("~")) { try link(&n); e = .binary("~", e, try multiplicative()) }
        return e
    }
    mutating func multiplicative() throws(ChatTemplateError) -> JinjaExpr {
        var e = try power()
        var n = 0
        while case .op(let o)? = peek, ["*", "/", "//", "%"].contains(o) { try link(&n); pos += 1; e = .binary(o, e, try power()) }
        return e
    }
    mutating func power() throws(ChatTemplateError) -> JinjaExpr {
        var e = try unary(withFilters: true)
        var n = 0
        while skip(.op("**")) { try link(&n); e = .binary("**", e, try unary(withFilters: true)) }
        return e
    }
    /// jinja2 applies postfix operators and filters to the negated value: `-7 | abs` is 7.
    mutating func unary(withFilters: Bool) throws(ChatTemplateError) -> JinjaExpr {
        try enter()
        defer { depth -= 1 }
        var e: JinjaExpr
        if skip(.op("-")) { e = .negate(try unary(withFilters: false)) }
        else if skip(.op("+")) { e = try unary(withFilters: false) }
        else { e = try primary() }
        e = try postfix(e)
        return withFilters ? try filtersAndTests(e) : e
    }
    mutating func primary() throws(ChatTemplateError) -> JinjaExpr {
        guard let t = peek else { throw .at(line, "expected a value but the tag ended") }
        pos += 1
        switch t {
        case .name(let n):
            switch n {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(n)
            }
        case .string(var s):
            while case .string(let more)? = peek { s += more; pos += 1 }    // adjacent literals join
            return .literal(.string(s))
        case .int(let i): return .literal(.int(i))
        case .double(let d): return .literal(.double(d))
        case .op("("):
            if skip(.op(")")) { return .tuple([]) }
            let first = try expression()
            if skip(.op(")")) { return first }
            var items = [first]
            while skip(.op(",")) {
                if peek == .op(")") { break }
                items.append(try expression())
            }
            try expect(.op(")"), "')'")
            return .tuple(items)
        case .op("["):
            var items: [JinjaExpr] = []
            while !skip(.op("]")) {
                items.append(try expression())
                if !skip(.op(",")) { try expect(.op("]"), "']'"); break }
            }
            return .list(items)
        case .op("{"):
            var pairs: [(JinjaExpr, JinjaExpr)] = []
            while !skip(.op("}")) {
                let key = try expression()
                try expect(.op(":"), "':' in a dict")
                pairs.append((key, try expression()))
                if !skip(.op(",")) { try expect(.op("}"), "'}'"); break }
            }
            return .dict(pairs)
        default:
            pos -= 1
            throw .at(line, "expected a value\(describePeek())")
        }
    }
    mutating func postfix(_ base: JinjaExpr) throws(ChatTemplateError) -> JinjaExpr {
        var e = base
        var n = 0
        while true {
            try link(&n)
            if skip(.op(".")) {
                if case .int(let i)? = peek { pos += 1; e = .subscriptIndex(e, .literal(.int(i))) }
                else { e = .attribute(e, try name()) }
            } else if skip(.op("[")) {
                e = try subscriptOrSlice(e)
            } else if skip(.op("(")) {
                let (args, kwargs) = try arguments()
                e = .call(e, args, kwargs)
            } else {
                return e
            }
        }
    }
    mutating func subscriptOrSlice(_ base: JinjaExpr) throws(ChatTemplateError) -> JinjaExpr {
        var parts: [JinjaExpr?] = [nil]
        var colons = 0
        while !skip(.op("]")) {
            if skip(.op(":")) {
                colons += 1
                guard colons <= 2 else { throw .at(line, "a slice has at most two ':'") }
                parts.append(nil)
            } else {
                guard parts[parts.count - 1] == nil else { throw .at(line, "expected ']'\(describePeek())") }
                parts[parts.count - 1] = try expression()
            }
        }
        if colons == 0 {
            guard let index = parts[0] else { throw .at(line, "an empty subscript []") }
            return .subscriptIndex(base, index)
        }
        while parts.count < 3 { parts.append(nil) }
        return .slice(base, parts[0], parts[1], parts[2])
    }
    /// `(a, b, key=value)` after the opening parenthesis.
    mutating func arguments() throws(ChatTemplateError) -> ([JinjaExpr], [(String, JinjaExpr)]) {
        var args: [JinjaExpr] = []
        var kwargs: [(String, JinjaExpr)] = []
        while !skip(.op(")")) {
            if case .name(let n)? = peek, pos + 1 < tokens.count, tokens[pos + 1] == .op("=") {
                pos += 2
                kwargs.append((n, try expression()))
            } else {
                args.append(try expression())
            }
            if !skip(.op(",")) { try expect(.op(")"), "')'"); break }
        }
        return (args, kwargs)
    }
    mutating func filtersAndTests(_ base: JinjaExpr) throws(ChatTemplateError) -> JinjaExpr {
        var e = base
        var n = 0
        while true {
            try link(&n)
            if skip(.op("|")) {
                let filter = try name()
                var (args, kwargs): ([JinjaExpr], [(String, JinjaExpr)]) = ([], [])
                if skip(.op("(")) { (args, kwargs) = try arguments() }
                e = try postfix(.filter(e, filter, args, kwargs))
            } else if skip(.name("is")) {
                let negated = skip(.name("not"))
                let test = try name()
                var args: [JinjaExpr] = []
                if skip(.op("(")) {
                    args = try arguments().0
                } else if let t = peek, Self.startsBareTestArgument(t) {
                    args = [try unary(withFilters: false)]
                }
                e = .test(e, test, args, negated: negated)
            } else {
                return e
            }
        }
    }
    /// `x is divisibleby 3`, `x is sameas false`: a test takes one argument without parentheses.
    static func startsBareTestArgument(_ t: JinjaToken) -> Bool {
        switch t {
        case .string, .int, .double: true
        case .name(let n): !["and", "or", "else", "if", "is", "in", "not"].contains(n)
        case .op(let o): o == "[" || o == "{" || o == "-"
        }
    }
}
