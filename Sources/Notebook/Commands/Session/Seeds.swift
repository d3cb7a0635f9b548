// Seeds — claims that hold beyond one seed. A notebook cell that starts with `repeat seeds=1..5`
// runs the rest of the cell once per seed (the session reseeded first); `tally NAME FIGURE` inside
// it records one value per seed; afterwards `seeds summary` prints mean, spread and 95% interval,
// `plot seeds` draws them, and `expect` states claims over them (`expect count(gain > 0.5) >= 4`).
import Plotting

/// Values recorded by `tally`, by name and seed, in the order first seen.
public struct SeedTallies: Sendable, Equatable {
    /// Tally names in order of first appearance.
    public private(set) var names: [String] = []
    /// Seeds in order of first appearance.
    public private(set) var seeds: [UInt64] = []
    /// The tallies that hold times in seconds (printed with their unit; see `FigureEvaluator.isTime`).
    public private(set) var timed: Set<String> = []
    private var table: [String: [UInt64: Double]] = [:]

    /// Empty tallies.
    public init() {}

    /// Records `value` for `name` under `seed` (replacing an earlier value for that seed); `time`
    /// marks the tally as a time in seconds.
    public mutating func record(_ name: String, seed: UInt64, value: Double, time: Bool = false) {
        if table[name] == nil { names.append(name) }
        if time { timed.insert(name) }
        if !seeds.contains(seed) { seeds.append(seed) }
        table[name, default: [:]][seed] = value
    }

    /// One tally's values in seed order (nil for an unknown name).
    public func values(_ name: String) -> [Double]? {
        guard let byseed = table[name] else { return nil }
        return seeds.compactMap { byseed[$0] }
    }

    /// One tally's value for one seed.
    public func value(_ name: String, seed: UInt64) -> Double? { table[name]?[seed] }

    /// `value` as printed for tally `name`: fixed to `precision` digits, with " s" for a time.
    public func formatted(_ value: Double, of name: String, precision: Int) -> String {
        Format.fixed(value, precision) + (timed.contains(name) ? " s" : "")
    }
}

/// The session's tallies (`tally` fills them).
public enum SeedTalliesSlot: SessionSlot {
    public typealias Value = SeedTallies
}

extension CommandDefinition {
    /// `repeat seeds=LIST` — handled by the notebook runner; the declaration gives it help and completion.
    static let repeatSeeds = CommandDefinition(CommandDeclaration(
        name: "repeat",
        summary: "first line of a notebook cell: run the rest of the cell once per seed",
        help: "Write 'repeat seeds=1..5' (or seeds=1,2,7) as the first line of a ```verity cell. The rest of the cell "
            + "runs once per seed, the session reseeded with it first. By default each repetition prints only its "
            + "'tally' and 'expect' lines (show=all prints everything). Record per-seed figures with 'tally NAME "
            + "FIGURE', then summarise them after the cell with 'seeds summary', 'plot seeds' and 'expect "
            + "mean(NAME) > X' or 'expect count(NAME > X) >= 4'.",
        keys: [
            ArgumentSpec("seeds", .string, required: true, help: "the seeds, e.g. 1..5 or 1,2,7"),
            ArgumentSpec("show", .choice(["tallies", "all"]), default: .string("tallies"), help: "what each repetition prints"),
        ],
        examples: ["repeat seeds=1..3 show=all"]
    )) { invocation, _ in
        _ = try invocation.string("seeds")
        _ = try invocation.string("show")
        throw CommandError("repeat must be the first line of a notebook cell: it repeats the rest of that cell once per seed (see 'help repeat')")
    }

    /// `tally NAME FIGURE`
    static let tally = CommandDefinition(CommandDeclaration(
        name: "tally",
        summary: "record a figure for the current seed: tally gain gain(rl, sft)",
        help: "Evaluates FIGURE (the language of 'help expect') and records it under NAME for the session's current "
            + "seed. Inside a 'repeat seeds=…' cell this builds one value per seed. A figure that reads a time "
            + "(metric(time/step, sum), or a tally that holds one) is a time in seconds: it prints with 's', which "
            + "'verity run --check' skips as differing between machines, so give such tallies their own 'seeds summary'.",
        takesText: true,
        examples: ["tally six 2 * 3"]
    )) { invocation, session in
        let text = invocation.text.trimmingCharacters(in: .whitespaces)
        guard let space = text.firstIndex(of: " ") else {
            throw CommandError("tally needs a name and a figure: 'tally gain gain(rl, sft)'")
        }
        let name = String(text[..<space])
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "/" || $0 == "-" }) else {
            throw CommandError("tally name '\(name)' — use letters, digits, _ - /")
        }
        let figure = String(text[space...])
        let value = try FigureEvaluator(session: session).value(figure)
        var tallies = session[SeedTalliesSlot.self] ?? SeedTallies()
        tallies.record(name, seed: session.seed, value: value, time: FigureEvaluator.isTime(figure, timed: tallies.timed))
        session[SeedTalliesSlot.self] = tallies
        return .line("tally \(name) = \(tallies.formatted(value, of: name, precision: session.settings.precision))")
    }

    /// `seeds summary`
    static let seedsSummary = CommandDefinition(CommandDeclaration(
        name: "seeds", subverb: "summary",
        summary: "per-seed tallies with mean, sd and 95% interval",
        help: "One row per seed and one column per tally (all of them, or the NAMES given, in that order), then "
            + "the mean, the standard deviation and the 95% t-interval of the mean over seeds. With arms=A,B,… the "
            + "NAMES are measures and the tallies MEASURE_ARM form a grid: one row per arm, one column per measure, "
            + "each cell 'mean [low, high]' over the seeds ('-' where not tallied).",
        positionals: [ArgumentSpec("names", .stringList, help: "the tallies to show, comma-separated (default: all); with arms=, the measures")],
        keys: [
            ArgumentSpec("arms", .stringList, help: "read NAMES as measures and show the grid of tallies MEASURE_ARM for these arms"),
            ArgumentSpec("labels", .string, help: "with arms=: a name for each arm, comma-separated, quoted when they hold spaces"),
            ArgumentSpec("measures", .string, help: "with arms=: a column title for each measure, comma-separated"),
        ],
        examples: ["seeds summary", "seeds summary gain,tokens", "seeds summary d,s arms=kl,async labels=\"KL 0.05,staleness 2\""]
    )) { invocation, session in
        guard let tallies = session[SeedTalliesSlot.self], !tallies.names.isEmpty else {
            throw CommandError("seeds summary: no tallies yet — use 'tally NAME FIGURE' inside a 'repeat seeds=…' cell")
        }
        if let arms = try invocation.strings("arms") {
            let grid = try SeedsGrid(measures: try invocation.strings("names") ?? [], arms: arms,
                                     armLabels: SeedsGrid.list(try invocation.string("labels")),
                                     measureLabels: SeedsGrid.list(try invocation.string("measures")),
                                     tallies: tallies, verb: "seeds summary")
            var output = CommandOutput()
            output.append(.line("mean [95% interval] over \(tallies.seeds.count) seeds"))
            output.append(.table(grid.table(tallies, precision: session.settings.precision)))
            return output
        } else if invocation.isGiven("labels") || invocation.isGiven("measures") {
            throw CommandError("seeds summary: labels= and measures= name a grid's arms and measures — give arms= too", kind: .usage)
        }
        let names = try invocation.strings("names") ?? tallies.names
        for name in names where tallies.values(name) == nil {
            throw CommandError("seeds summary: no tally '\(name)' — tallies: \(tallies.names.joined(separator: ", "))")
        }
        let p = session.settings.precision
        var table = Table(columns: [Table.Column("seed")] + names.map { Table.Column($0, .right) })
        for seed in tallies.seeds {
            table.append(["\(seed)"] + names.map { name in
                tallies.value(name, seed: seed).map { tallies.formatted($0, of: name, precision: p) } ?? "-"
            })
        }
        let stats = names.map { SeedStatistics(tallies.values($0) ?? []) }
        func row(_ label: String, _ statistic: (SeedStatistics) -> Double) -> [String] {
            [label] + zip(names, stats).map { tallies.formatted(statistic($1), of: $0, precision: p) }
        }
        table.append(row("mean") { $0.mean })
        table.append(row("sd") { $0.sd })
        table.append(row("95% low") { $0.low })
        table.append(row("95% high") { $0.high })
        return .table(table)
    }

    /// `plot seeds NAMES [to=PATH]`
    static let plotSeeds = CommandDefinition(CommandDeclaration(
        name: "plot", subverb: "seeds",
        summary: "plot tallies over seeds with 95% error bars: plot seeds gain to=plots/x.png",
        help: "Each named tally at its own x position: every seed's value as a point, and the mean with its 95% "
            + "t-interval as an error bar.",
        positionals: [ArgumentSpec("names", .stringList, required: true, help: "tallies to draw, comma-separated")],
        keys: [
            ArgumentSpec("to", .path, help: "the image to write (.png or .svg); absent: draw inline"),
            ArgumentSpec("title", .string, help: "the plot's title"),
            ArgumentSpec("ylabel", .string, default: .string("value"), help: "the y axis label"),
            ArgumentSpec("labels", .string, help: "a name for each tally on the x axis, comma-separated, in order, quoted when they hold spaces (default: the tally names)"),
            ArgumentSpec("yrange", .string, help: "LOW:HIGH, a fixed y axis (e.g. 0:1 for shares; intervals past it are cut at the edge)"),
            ArgumentSpec("arms", .stringList, help: "read NAMES as measures: one panel per measure, the tallies MEASURE_ARM of these arms along the x axis"),
            ArgumentSpec("panels", .string, help: "with arms=: each panel's y label, comma-separated, quoted when they hold spaces"),
        ],
        examples: ["plot seeds six to=/tmp/verity-example-seeds.png title=demo ylabel=value labels=\"six seeds\" yrange=0:10",
                   "plot seeds d,s arms=kl,async panels=\"final accuracy,steps to 0.9\" to=/tmp/verity-example-grid.png"]
    )) { invocation, session in
        let names = try invocation.strings("names") ?? []
        let to = try invocation.string("to"), givenTitle = try invocation.string("title")
        if let arms = try invocation.strings("arms") {
            if invocation.isGiven("ylabel") || invocation.isGiven("yrange") {
                throw CommandError("plot seeds: with arms= each measure has its own panel — label them with panels=, not ylabel= or yrange=", kind: .usage)
            }
            let tallies = session[SeedTalliesSlot.self] ?? SeedTallies()
            let grid = try SeedsGrid(measures: names, arms: arms, armLabels: SeedsGrid.list(try invocation.string("labels")),
                                     measureLabels: SeedsGrid.list(try invocation.string("panels")),
                                     tallies: tallies, verb: "plot seeds")
            let n = tallies.seeds.count
            let title = givenTitle ?? "\(names.joined(separator: ", ")) by arm over \(n) seed\(n == 1 ? "" : "s")"
            let plot = try domain("plot seeds") { try Plot.seedPanels(grid.panels(tallies), arms: grid.armLabels, title: title) }
            return try PlotDrawing.draw(plot, to: to, ascii: false, session: session)
        } else if invocation.isGiven("panels") {
            throw CommandError("plot seeds: panels= labels the panels of a grid — give arms= too", kind: .usage)
        }
        let yLabel = try invocation.string(defaulted: "ylabel")
        let labels = SeedsGrid.list(try invocation.string("labels"))
        if let labels, labels.count != names.count {
            throw CommandError("plot seeds: \(labels.count) labels for \(names.count) tallies — give one label per tally", kind: .usage)
        }
        var yRange: ClosedRange<Double>?
        if let text = try invocation.string("yrange") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
            guard parts.count == 2, let low = parts[0], let high = parts[1], low.isFinite, high.isFinite, low < high else {
                throw CommandError("plot seeds: yrange=\(text) — write LOW:HIGH with LOW below HIGH, e.g. yrange=0:1", kind: .usage)
            }
            yRange = low...high
        }
        let tallies = session[SeedTalliesSlot.self] ?? SeedTallies()
        let figures = try names.enumerated().map { index, name -> SeedFigure in
            guard let values = tallies.values(name), !values.isEmpty else {
                throw CommandError("plot seeds: no tally '\(name)' — tallies: \(tallies.names.joined(separator: ", "))")
            }
            let s = SeedStatistics(values)
            return SeedFigure(name: labels?[index] ?? name, values: values, mean: s.mean, low: s.low, high: s.high)
        }
        let n = tallies.seeds.count
        let title = givenTitle ?? "\(names.joined(separator: ", ")) over \(n) seed\(n == 1 ? "" : "s")"
        let plot = try domain("plot seeds") { try Plot.seeds(figures, title: title, yLabel: yLabel, yRange: yRange) }
        return try PlotDrawing.draw(plot, to: to, ascii: false, session: session)
    }
}

/// A parsed `repeat seeds=… [show=…]` line.
struct RepeatDirective: Equatable {
    var seeds: [UInt64]
    var showAll: Bool

    /// The directive on `line`, nil when the line is not a `repeat` line.
    /// - Throws: when it is one but its seeds or options are malformed.
    static func parse(_ line: String) throws -> RepeatDirective? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.first == "repeat" else { return nil }
        var seeds: [UInt64] = [], showAll = false
        for word in words.dropFirst() {
            if word.hasPrefix("#") { break }
            if word.hasPrefix("seeds=") {
                let value = String(word.dropFirst(6))
                if let dots = value.range(of: "..") {
                    guard let a = UInt64(value[..<dots.lowerBound]), let b = UInt64(value[dots.upperBound...]), a <= b, b - a < 1000 else {
                        throw CommandError("repeat: seeds=\(value) — write a range such as 1..5 (at most 1000 seeds)")
                    }
                    seeds = Array(a...b)
                } else {
                    let list = value.split(separator: ",").map { UInt64($0) }
                    guard !list.isEmpty, list.allSatisfy({ $0 != nil }) else {
                        throw CommandError("repeat: seeds=\(value) — write a range (1..5) or a list (1,2,7) of whole numbers")
                    }
                    seeds = list.compactMap { $0 }
                }
            } else if word == "show=all" {
                showAll = true
            } else if word == "show=tallies" {
                showAll = false
            } else {
                throw CommandError("repeat: unknown argument '\(word)' — use seeds=1..5 and optionally show=all")
            }
        }
        guard !seeds.isEmpty else { throw CommandError("repeat needs seeds=…, e.g. 'repeat seeds=1..5'") }
        return RepeatDirective(seeds: seeds, showAll: showAll)
    }
}
