// expect — states a claim about results already in the session and fails when it does not hold.
// Notebooks say what they show with these lines; `verity run --check` always checks them, also on
// a machine whose arithmetic differs from the one that recorded the outputs.

extension CommandDefinition {
    /// `expect FIGURE OP VALUE` or `expect FIGURE within TOL of FIGURE`
    static let expect = CommandDefinition(CommandDeclaration(
        name: "expect",
        summary: "assert a claim about the results: expect accuracy(rl) > 0.9",
        help: "Evaluates both sides and compares them; a false claim is an error (a notebook run stops there). "
            + "Sides are numbers and figures joined by + - * /, compared with > >= < <= = (or ==) !=, or "
            + "'A within TOL of B' (|A − B| ≤ TOL). Figures: accuracy(RUN), pass@K(RUN), maj@K(RUN), best@K(RUN) (by the samples' scores), tokens(RUN), tokens_right(RUN) and tokens_wrong(RUN) (mean tokens of its correct or wrong samples), thinks(RUN) (share of its samples that think) "
            + "of eval runs (as=NAME); gain(A, B), gain_low(A, B), gain_high(A, B): accuracy(A) − accuracy(B) and its "
            + "95% paired-bootstrap interval, and gain@K, gain_low@K, gain_high@K (pass@K) and majgain@K, majgain_low@K, "
            + "majgain_high@K (maj@K) the same at K samples; metric(NAME[, first|last|lastN|min|max|mean|sum]), steps_to(NAME, X) (the first step at which the metric reaches X; never: one logging interval past the last step) and corr(A, B) (Pearson's r of two metrics over the steps) from the training log; and over "
            + "the seeds of a tally (see 'help repeat'): mean(T), sd(T), low(T), high(T) (95% t-interval), min(T), "
            + "max(T), n(T), count(T > X), and last(T), the value tally T recorded last (this seed's, inside a repeat "
            + "cell). Reading figures never changes the session.",
        takesText: true,
        examples: ["expect 2 * 3 >= 6", "expect 0.52 within 0.05 of 0.5"]
    )) { invocation, session in
        let text = invocation.text.trimmingCharacters(in: .whitespaces)
        let evaluator = FigureEvaluator(session: session)
        let p = session.settings.precision
        if let within = text.range(of: " within "), let of = text.range(of: " of ", range: within.upperBound..<text.endIndex) {
            let lhs = String(text[..<within.lowerBound]), rhs = String(text[of.upperBound...])
            let tolerance = try evaluator.value(String(text[within.upperBound..<of.lowerBound]))
            let a = try evaluator.value(lhs), b = try evaluator.value(rhs)
            let shown = "\(lhs) = \(Format.fixed(a, p)), \(rhs) = \(Format.fixed(b, p))"
            guard abs(a - b) <= tolerance else {
                throw CommandError("expect failed: \(shown), \(Format.fixed(abs(a - b), p)) apart, more than \(Format.compact(tolerance))")
            }
            return .line("expect ok: \(shown), within \(Format.compact(tolerance))")
        }
        // The first comparison operator outside parentheses splits the claim.
        var depth = 0
        for index in text.indices {
            let ch = text[index]
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            guard depth == 0, ">=<!".contains(ch) else { continue }
            let rest = text[index...]
            guard let op = FigureComparison.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else { continue }
            let lhs = String(text[..<index]).trimmingCharacters(in: .whitespaces)
            let rhs = String(rest.dropFirst(op.rawValue.count)).trimmingCharacters(in: .whitespaces)
            let a = try evaluator.value(lhs), b = try evaluator.value(rhs)
            // Each side as written, with its value when it is more than a number.
            let shown = Double(lhs) == nil ? "\(lhs) = \(Format.fixed(a, p))" : lhs
            let shownRight = Double(rhs) == nil ? "\(rhs) = \(Format.fixed(b, p))" : rhs
            guard op.holds(a, b) else {
                throw CommandError("expect failed: \(shown), not \(op.rawValue) \(shownRight)")
            }
            return .line("expect ok: \(shown) \(op.rawValue) \(shownRight)")
        }
        throw CommandError("expect needs a comparison: 'expect accuracy(rl) > 0.9' or 'expect maj@16(r) within 0.01 of maj@64(r)'")
    }
}
