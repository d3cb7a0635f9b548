// plot scaling — accuracy against samples (or mean generated tokens) from a sweep: a TSV written
// by `scale` (method, k, budget, mean_tokens, accuracy, low, high) or the session's last sweep.
import Evaluation
import Foundation
import Plotting

extension CommandDefinition {
    /// `plot scaling [FILE.tsv] to=PATH x=samples|tokens`
    static let plotScaling = CommandDefinition(CommandDeclaration(
        name: "plot", subverb: "scaling",
        summary: "plot accuracy vs. samples or tokens: plot scaling to=plots/add3-scaling.png x=tokens",
        help: "Draws one line per method (and thinking budget) with its confidence band, on a log₂ x axis. "
            + "The data comes from FILE (a sweep TSV) or from the last 'scale' of the session. With to=PATH "
            + "(.png or .svg) the image is written with PATH's .tsv data and .gp script beside it; without, "
            + "the plot is drawn inline as text.",
        positionals: [ArgumentSpec("file", .path, help: "a sweep TSV (default: the session's last sweep)")],
        keys: [
            ArgumentSpec("to", .path, help: "the image to write (.png or .svg); absent: draw inline"),
            ArgumentSpec("x", .choice(["samples", "tokens", "budget"]), default: .choice("samples"),
                         help: "the x axis: samples k, mean tokens, or the thinking budget (accuracy at each k across budgets)"),
            ArgumentSpec("ascii", .bool, default: .bool(false), help: "also draw inline when writing a file"),
            ArgumentSpec("title", .string, help: "the plot title"),
        ],
        examples: ["plot scaling /tmp/verity-no-such-sweep.tsv to=/tmp/verity-example-scaling.png x=tokens ascii=false title=demo"]
    )) { invocation, session in
        let file = try invocation.readPath("file", session)
        let to = try invocation.string("to")
        let axis = ScalingAxis(rawValue: try invocation.string(defaulted: "x")) ?? .samples
        let ascii = try invocation.bool(defaulted: "ascii")
        let title = try invocation.string("title")
        try PlotDrawing.checkNotOverwritten(file.map { [$0] } ?? [], by: to)
        let points: [SweepPoint]
        if let file {
            points = try domain("plot scaling") { try readSweepTSV(from: URL(fileURLWithPath: file)) }
        } else {
            guard let last = session[SweepSlot.self] else {
                throw CommandError("plot scaling: no sweep in this session — run 'scale …' first or name a sweep TSV file")
            }
            points = last
        }
        let series = try scalingSeries(points, axis: axis, prefix: nil)
        let plot = try domain("plot scaling") {
            try Plot.scaling(series, title: title ?? "accuracy vs. \(axis.rawValue)",
                             xLabel: axis.label,
                             log2X: series.allSatisfy { $0.x.allSatisfy { $0 > 0 } })
        }
        return try PlotDrawing.draw(plot, to: to, ascii: ascii, session: session)
    }
}

/// Sweep points as plot series, one per (method, budget), names optionally prefixed by a run name.
func scalingSeries(_ points: [SweepPoint], axis: ScalingAxis, prefix: String?) throws -> [PlotSeries] {
    guard !points.isEmpty else { throw CommandError("plot: the sweep has no points") }
    if axis == .budget, !points.contains(where: { $0.budget != nil }) {
        throw CommandError("plot: x=budget needs a budget sweep ('scale budgets=0,8,16 …'); this one has no budgets — use x=samples or x=tokens")
    }
    return try scalingCurves(points, x: axis).map { curve in
        let name = scalingMethodLabel(curve.name)
        return try domain("plot") {
            try PlotSeries(name: prefix.map { "\($0): \(name)" } ?? name, x: curve.x, y: curve.accuracy,
                           low: curve.low, high: curve.high)
        }
    }
}

/// The legend name of a scaling method: the method's meaning, not its key (`maj` → "majority vote",
/// the budget axis's `maj@8` → "majority vote of 8"); other names (a search's label, a budget
/// suffix) are kept as given.
func scalingMethodLabel(_ name: String) -> String {
    let labels = ["pass": "pass@k (any correct)", "maj": "majority vote", "best": "best-of-k by score",
                  "maj-score": "score-weighted vote", "maj-prob": "probability-weighted vote",
                  "best-logprob": "best-of-k by log-probability"]
    if let label = labels[name] { return label }
    // "maj@8" (one curve of the budget axis): the method at a fixed k.
    if let at = name.lastIndex(of: "@"), let k = Int(name[name.index(after: at)...]), let label = labels[String(name[..<at])] {
        let method = String(name[..<at])
        switch method {
        case "pass": return "pass@\(k) (any correct)"
        case "maj": return k == 1 ? "one sample (majority of 1)" : "majority vote of \(k)"
        default: return "\(label), k = \(k)"
        }
    }
    // "maj (budget 8)": the method before the budget.
    if let space = name.firstIndex(of: " "), let label = labels[String(name[..<space])] { return label + name[space...] }
    return name
}
