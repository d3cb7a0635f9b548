// Figures — the small expression language of `expect` and `tally`: numbers and named figures read
// from the session, combined with + − × /, compared with > ≥ < ≤ = or `within TOL of`.
//
//     accuracy(RUN)        an eval run's accuracy (mean share of correct samples per problem)
//     pass@K(RUN)          unbiased pass@k of a run with at least K samples per problem
//     maj@K(RUN)           majority-vote accuracy at K (exact over all K-subsets)
//     tokens(RUN)          mean generated tokens per sample
//     gain(A, B)           accuracy(A) − accuracy(B) on the same problems
//     gain_low(A, B)       lower end of the 95% paired-bootstrap interval of that gain
//     gain_high(A, B)      its upper end (2000 resamples, fixed seed)
//     gain@K(A, B), gain_low@K, gain_high@K      the same for pass@K (per problem, unbiased)
//     majgain@K(A, B), majgain_low@K, majgain_high@K   the same for maj@K
//     metric(NAME)         the last logged value of a training metric; metric(NAME, first|last|min|max|mean|sum|lastN)
//     steps_to(NAME, X)    the first logged step at which training metric NAME is at least X (a run
//                          that never gets there counts one logging interval past its last step)
//     mean(T), sd(T), low(T), high(T), min(T), max(T), n(T)   over the seeds of a tally T (low/high:
//                          95% t-interval of the mean)
//     count(T > X)         how many seeds of tally T satisfy the comparison (any of > >= < <= =)
//     last(T)              the value tally T recorded last (inside a repeat cell: this seed's, once
//                          tallied), so a tally can be a difference to a figure tallied before it
//
// Reading a figure never changes the session: bootstrap and vote subsets use fixed seeds.
import Evaluation
import Foundation
import Kernels
import Training

/// A comparison of two values.
enum FigureComparison: String, CaseIterable {
    // Longer spellings first: the scanner takes the first that matches.
    case greaterOrEqual = ">=", lessOrEqual = "<=", equalEqual = "==", notEqual = "!=", greater = ">", less = "<", equal = "="

    func holds(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .equal, .equalEqual: return a == b
        case .notEqual: return a != b
        }
    }
}

/// Evaluates figure expressions against a session.
struct FigureEvaluator {
    let session: Session

    /// The value of an expression: terms joined by + − * / from left to right.
    func value(_ text: String) throws -> Double {
        var tokens = try split(text)
        guard !tokens.isEmpty else { throw CommandError("an empty expression — give a number or a figure such as accuracy(rl)") }
        var result = try term(tokens.removeFirst())
        while !tokens.isEmpty {
            let op = tokens.removeFirst()
            guard !tokens.isEmpty else { throw CommandError("'\(op)' needs a value after it") }
            let rhs = try term(tokens.removeFirst())
            switch op {
            case "+": result += rhs
            case "-": result -= rhs
            case "*": result *= rhs
            case "/": result /= rhs
            default: throw CommandError("'\(op)' is not an operator — use + - * /")
            }
        }
        return result
    }

    /// Splits at top-level operators (spaces around them are optional; `pass@4(x)` stays whole;
    /// a leading minus belongs to its number).
    func split(_ text: String) throws -> [String] {
        var tokens: [String] = [], current = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if depth == 0, "+-*/".contains(ch), !current.trimmingCharacters(in: .whitespaces).isEmpty,
               !(ch == "-" && current.hasSuffix("e")) {
                tokens.append(current.trimmingCharacters(in: .whitespaces))
                tokens.append(String(ch))
                current = ""
            } else {
                current.append(ch)
            }
        }
        if depth != 0 { throw CommandError("unbalanced parentheses in '\(text)'") }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty { tokens.append(last) }
        return tokens
    }

    /// One number or figure.
    func term(_ text: String) throws -> Double {
        if let number = Double(text) { return number }
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            throw CommandError("'\(text)' is neither a number nor a figure such as accuracy(rl) — see 'help expect'")
        }
        let name = String(text[..<open]).lowercased()
        let inner = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        let args = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        func arg(_ i: Int, _ what: String) throws -> String {
            guard i < args.count, !args[i].isEmpty else { throw CommandError("\(name)(…) needs \(what)") }
            return args[i]
        }
        switch name {
        case "accuracy": return try run(try arg(0, "a run name")).accuracy
        case "tokens": return try run(try arg(0, "a run name")).perSample.generated
        case "gain", "gain_low", "gain_high": return try gain(try arg(0, "two run names"), try arg(1, "two run names"), part: name)
        case "metric": return try metric(try arg(0, "a metric name"), args.count > 1 ? args[1] : "last")
        case "steps_to": return try stepsTo(try arg(0, "a metric name and a target"), try arg(1, "a metric name and a target"))
        case "corr": return try correlation(try arg(0, "two metric names"), try arg(1, "two metric names"))
        case "tokens_right", "tokens_wrong": return try tokensBy(correct: name == "tokens_right", try arg(0, "a run name"))
        case "thinks": return try thinkingShare(try arg(0, "a run name"))
        case "mean", "sd", "low", "high", "min", "max", "n": return try tallyStatistic(name, try arg(0, "a tally name"))
        case "count": return try count(inner)
        case "last": return try tally(try arg(0, "a tally name")).last ?? 0   // tally() never returns an empty list
        default:
            for (prefix, majority) in [("gain", false), ("majgain", true)] {
                for part in ["", "_low", "_high"] {
                    guard let k = atK(name, prefix + part + "@") else { continue }
                    return try gain(try arg(0, "two run names"), try arg(1, "two run names"), part: "gain" + part, k: k, majority: majority)
                }
            }
            if let k = atK(name, "pass@") { return try passAt(k, try arg(0, "a run name")) }
            if let k = atK(name, "maj@") { return try majAt(k, try arg(0, "a run name")) }
            if let k = atK(name, "best@") { return try bestAt(k, try arg(0, "a run name")) }
            throw CommandError("unknown figure '\(name)' — use accuracy, pass@K, maj@K, best@K, tokens, tokens_right, tokens_wrong, thinks, corr, steps_to, gain, gain_low, gain_high, gain@K, majgain@K (and their _low/_high), metric, mean, sd, low, high, min, max, n, count or last")
        }
    }

    private func atK(_ name: String, _ prefix: String) -> Int? {
        name.hasPrefix(prefix) ? Int(name.dropFirst(prefix.count)) : nil
    }

    private func stored(_ name: String) throws -> StoredRun { try session.requireRun(name, for: "expect") }

    private func run(_ name: String) throws -> RunSummary {
        try evaluationCall("expect") { try summarize(stored(name).run) }
    }

    private func passAt(_ k: Int, _ name: String) throws -> Double {
        let r = try stored(name).run
        return try evaluationCall("expect") { try passAtK(r.samples, k: k) }
    }

    private func majAt(_ k: Int, _ name: String) throws -> Double {
        let r = try stored(name).run
        return try evaluationCall("expect") { try majorityAtK(r.samples, k: k) }
    }

    /// Best-of-k by the samples' scores (set by 'scale … methods=best' or 'verifier score'), exact over k-subsets.
    private func bestAt(_ k: Int, _ name: String) throws -> Double {
        let r = try stored(name).run
        return try evaluationCall("expect") {
            let values = try r.samples.map { try exactBestOfN($0.samples, k: k, by: .score) }
            return values.reduce(0, +) / Double(max(values.count, 1))
        }
    }

    private func gain(_ a: String, _ b: String, part: String, k: Int? = nil, majority: Bool = false) throws -> Double {
        let (ra, rb) = (try stored(a).run, try stored(b).run)
        let score: (ProblemSamples) throws -> Double = k.map { majority ? perProblemMajorityAtK($0) : perProblemPassAtK($0) }
            ?? perProblemAccuracy
        let result = try evaluationCall("expect") { try compareRuns(ra, rb, resamples: 2000, confidence: 0.95, seed: 0, score: score) }
        switch part {
        case "gain_low": return result.bootstrap.low
        case "gain_high": return result.bootstrap.high
        default: return result.bootstrap.meanDifference
        }
    }

    private func metric(_ name: String, _ which: String) throws -> Double {
        let log = try trainingLog(for: "metric(\(name))")
        let values = log.series(name).values
        guard let first = values.first, let last = values.last else {
            throw CommandError("metric(\(name)): not in the training log — it has \(log.names.joined(separator: ", "))")
        }
        switch which {
        case "first": return first
        case "last": return last
        case "min": return values.min() ?? last
        case "max": return values.max() ?? last
        case "mean": return values.reduce(0, +) / Double(values.count)
        case "sum": return values.reduce(0, +)
        case _ where which.hasPrefix("last"):
            // lastN: the mean of the last N steps (one batch is noisy).
            guard let n = Int(which.dropFirst(4)), n >= 1 else { fallthrough }
            let tail = values.suffix(n)
            return tail.reduce(0, +) / Double(tail.count)
        default: throw CommandError("metric(\(name), \(which)): use first, last, lastN (the mean of the last N steps), min, max, mean or sum")
        }
    }

    /// The current training run's log, for the figure `figure` (named in the error when there is none).
    private func trainingLog(for figure: String) throws -> MetricsLog {
        guard let log = session.trainingLog, !log.rows.isEmpty else {
            throw CommandError("\(figure): no training metrics in this session — train first ('sft', 'rl', 'step')")
        }
        return log
    }

    /// The first logged step at which metric `name` reaches `targetText` (≥). A run that never
    /// reaches it is censored at its budget: it counts as reaching it one logging interval after
    /// its last logged step, so "never" still sorts after every "late".
    private func stepsTo(_ name: String, _ targetText: String) throws -> Double {
        guard let target = Double(targetText), target.isFinite else {
            throw CommandError("steps_to(\(name), \(targetText)): the target must be a number, e.g. steps_to(eval/accuracy, 0.9)")
        }
        let log = try trainingLog(for: "steps_to(\(name))")
        let (steps, values) = log.series(name)
        guard let last = steps.last else {
            throw CommandError("steps_to(\(name)): not in the training log — it has \(log.names.joined(separator: ", "))")
        }
        if let reached = values.firstIndex(where: { $0 >= target }) { return steps[reached] }
        let interval = steps.count > 1 ? last - steps[steps.count - 2] : Swift.max(last, 1)
        return last + interval
    }

    /// Whether the figure `text` is a time: it reads a `time/…` training metric, or a tally in
    /// `timed` (which holds times). A time differs from machine to machine and run to run, so a
    /// tally of one is printed with its unit, which `verity run --check` skips.
    static func isTime(_ text: String, timed: Set<String>) -> Bool {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "(") {
            let name = rest[..<open].reversed().prefix { $0.isLetter || $0 == "_" }.reversed()
            let after = rest[rest.index(after: open)...]
            let argument = after.prefix { $0 != "," && $0 != ")" && $0 != "(" }.trimmingCharacters(in: .whitespaces)
            let function = String(name).lowercased()
            if function == "metric", argument.hasPrefix("time/") { return true }
            if ["last", "mean", "sd", "low", "high", "min", "max"].contains(function), timed.contains(argument) { return true }
            rest = after
        }
        return false
    }

    /// Pearson's correlation of two metrics over the training steps that logged both.
    private func correlation(_ a: String, _ b: String) throws -> Double {
        let log = try trainingLog(for: "corr(\(a), \(b))")
        var x: [Double] = [], y: [Double] = []
        for row in log.rows {
            if let u = row.values[a], let v = row.values[b] { x.append(u); y.append(v) }
        }
        guard x.count >= 3 else {
            throw CommandError("corr(\(a), \(b)): \(x.count) steps log both — a correlation needs at least 3 (metrics: \(log.names.joined(separator: ", ")))")
        }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (u, v) in zip(x, y) { sxy += (u - mx) * (v - my); sxx += (u - mx) * (u - mx); syy += (v - my) * (v - my) }
        guard sxx > 0, syy > 0 else {
            throw CommandError("corr(\(a), \(b)): one of them is constant over the steps, so it has no correlation")
        }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Mean generated tokens of a run's correct (or wrong) samples.
    private func tokensBy(correct: Bool, _ name: String) throws -> Double {
        let samples = try stored(name).run.samples.flatMap(\.samples).filter { $0.correct == correct }
        guard !samples.isEmpty else {
            throw CommandError("tokens_\(correct ? "right" : "wrong")(\(name)): the run has no \(correct ? "correct" : "wrong") samples")
        }
        return Double(samples.reduce(0) { $0 + $1.generatedTokens }) / Double(samples.count)
    }

    /// The share of a run's samples whose thinking section has tokens (a mode's obedience rate).
    private func thinkingShare(_ name: String) throws -> Double {
        let samples = try stored(name).run.samples.flatMap(\.samples)
        guard !samples.isEmpty else { throw CommandError("thinks(\(name)): the run has no samples") }
        return Double(samples.filter { $0.thinkingTokens > 0 }.count) / Double(samples.count)
    }

    private func tally(_ name: String) throws -> [Double] {
        let tallies = session[SeedTalliesSlot.self] ?? SeedTallies()
        guard let values = tallies.values(name), !values.isEmpty else {
            let known = tallies.names.isEmpty ? "none yet — 'tally NAME FIGURE' inside a 'repeat seeds=…' cell records them" : tallies.names.joined(separator: ", ")
            throw CommandError("no tally '\(name)' (tallies: \(known))")
        }
        return values
    }

    private func tallyStatistic(_ name: String, _ tallyName: String) throws -> Double {
        let s = SeedStatistics(try tally(tallyName))
        switch name {
        case "mean": return s.mean
        case "sd": return s.sd
        case "low": return s.low
        case "high": return s.high
        case "min": return s.min
        case "max": return s.max
        default: return Double(s.n)
        }
    }

    private func count(_ inner: String) throws -> Double {
        for op in FigureComparison.allCases {
            guard let range = inner.range(of: op.rawValue) else { continue }
            let name = inner[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let threshold = try value(String(inner[range.upperBound...]))
            return Double(try tally(name).filter { op.holds($0, threshold) }.count)
        }
        throw CommandError("count(\(inner)): write count(TALLY > VALUE) with one of > >= < <= =")
    }
}

/// Mean, spread and a 95% t-interval of per-seed values.
struct SeedStatistics {
    let n: Int
    let mean, sd, low, high, min, max: Double

    init(_ values: [Double]) {
        n = values.count
        let m = values.reduce(0, +) / Double(Swift.max(n, 1))
        mean = m
        let variance = n > 1 ? values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1) : 0
        sd = variance.squareRoot()
        let half = n > 1 ? SeedStatistics.t975(degrees: n - 1) * sd / Double(n).squareRoot() : 0
        low = m - half
        high = m + half
        min = values.min() ?? .nan
        max = values.max() ?? .nan
    }

    /// The 0.975 quantile of Student's t with `degrees` degrees of freedom (table to 30, then 1.96–2.04).
    static func t975(degrees: Int) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                               2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
        if degrees >= 1 && degrees <= table.count { return table[degrees - 1] }
        // Beyond the table: the Cornish–Fisher expansion around the normal quantile (within 0.001
        // of the exact value from 31 degrees of freedom on).
        let z = 1.959964, v = Double(Swift.max(degrees, 1))
        return z + (z * z * z + z) / (4 * v) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v)
    }
}
