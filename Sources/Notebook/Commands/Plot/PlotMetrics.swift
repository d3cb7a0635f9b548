// plot metrics — training curves, one panel per metric, from the session's metrics log (filled by
// the training commands) or from a metrics file (CSV with a `step,…` header, or JSONL).
import Foundation
import Training
import Plotting

extension CommandDefinition {
    /// `plot metrics KEYS [from=FILE] [to=PATH]`
    static let plotMetrics = CommandDefinition(CommandDeclaration(
        name: "plot", subverb: "metrics",
        summary: "plot training curves: plot metrics reward,accuracy,length to=plots/add3-train.png",
        help: "Draws each named metric against step in its own panel. The data is the session's current training "
            + "run (or run=NAME, see 'runs'), or from=FILE (.csv with a 'step,<metric>,…' header, or .jsonl with one object per step). "
            + "smoothing=W adds a trailing moving average. Held-out accuracy (rl eval_every=N) is drawn as points "
            + "over the accuracy panel. runs=A,B,… draws several training runs together, one line per run in each "
            + "panel (labels= names them).",
        positionals: [ArgumentSpec("keys", .stringList, required: true, help: "metrics to draw, comma-separated")],
        keys: [
            ArgumentSpec("from", .path, help: "a metrics file (default: this session's training log)"),
            ArgumentSpec("run", .string, help: "the session's training run to draw (see 'runs'; default: the current one)"),
            ArgumentSpec("runs", .stringList, help: "several training runs to draw together, one line each"),
            ArgumentSpec("labels", .string, help: "with runs=: a legend name per run, comma-separated, in order (default: the run names)"),
            ArgumentSpec("to", .path, help: "the image to write (.png or .svg); absent: draw inline"),
            ArgumentSpec("smoothing", .int, default: .int(1), bounds: 1...10_000, help: "moving-average window; 1 = raw"),
            ArgumentSpec("ascii", .bool, default: .bool(false), help: "also draw inline when writing a file"),
            ArgumentSpec("title", .string, help: "the plot title (default: the run and its model, or the file)"),
        ],
        examples: ["plot metrics reward,accuracy from=/tmp/verity-no-such-metrics.csv to=/tmp/verity-m.png smoothing=5 ascii=false", "plot metrics reward run=run1 title=demo",
                   "plot metrics reward runs=run1,run2 labels=\"first,second\""]
    )) { invocation, session in
        let keys = try invocation.strings("keys") ?? []
        let from = try invocation.readPath("from", session)
        let run = try invocation.string("run")
        let to = try invocation.string("to")
        let smoothing = try invocation.int(defaulted: "smoothing")
        let ascii = try invocation.bool(defaulted: "ascii")
        let titleGiven = try invocation.string("title")
        try PlotDrawing.checkNotOverwritten(from.map { [$0] } ?? [], by: to)
        if from != nil, run != nil { throw CommandError("plot metrics: give from=FILE or run=NAME, not both", kind: .usage) }
        if let runs = try invocation.strings("runs") {
            guard from == nil, run == nil else {
                throw CommandError("plot metrics: runs= draws the session's runs — drop from= and run=", kind: .usage)
            }
            let labels = try invocation.string("labels").map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } } ?? runs
            guard labels.count == runs.count else {
                throw CommandError("plot metrics: \(labels.count) labels for \(runs.count) runs — give one label per run", kind: .usage)
            }
            let logs = try runs.map { try session.trainingLog(named: $0, for: "plot metrics") }
            let panels = try keys.map { key -> (metric: String, runs: [PlotSeries]) in
                let lines = try zip(labels, zip(runs, logs)).map { label, pair -> PlotSeries in
                    let (steps, values) = pair.1.series(key)
                    guard !steps.isEmpty else {
                        throw CommandError("plot metrics: run '\(pair.0)' has no values of '\(key)' — it has \(pair.1.names.joined(separator: ", "))")
                    }
                    return try domain("plot metrics") { try PlotSeries(name: label, x: steps, y: values) }
                }
                return (key, lines)
            }
            let plot = try domain("plot metrics") {
                try Plot.metricRuns(panels, title: titleGiven ?? "training metrics: \(labels.joined(separator: ", "))", smoothing: smoothing)
            }
            return try PlotDrawing.draw(plot, to: to, ascii: ascii, session: session)
        }
        if try invocation.string("labels") != nil {
            throw CommandError("plot metrics: labels= names the lines of runs=A,B,… — add runs=", kind: .usage)
        }
        let log: MetricsLog
        var subject = from.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""
        if let from {
            log = try domain { try MetricsLog.read(path: from) }
        } else {
            if run == nil, (session.trainingLog?.rows.isEmpty ?? true) {
                throw CommandError("plot metrics: no training metrics in this session — train first ('rl', 'step') or give from=FILE")
            }
            log = try session.trainingLog(named: run, for: "plot metrics")
            subject = session.trainingRunSubject(named: run)
        }
        var series: [PlotSeries] = []
        for key in keys {
            let (steps, values) = log.series(key)
            guard !steps.isEmpty else {
                throw CommandError("plot metrics: no values of '\(key)' — the log has \(log.names.joined(separator: ", "))")
            }
            series.append(try domain("plot metrics") { try PlotSeries(name: key, x: steps, y: values) })
        }
        // Held-out accuracy, when logged (rl eval_every=N), as points over the training accuracy.
        var overlays: [String: PlotSeries] = [:]
        if keys.contains("accuracy"), !keys.contains("eval/accuracy") {
            let (steps, values) = log.series("eval/accuracy")
            if !steps.isEmpty {
                overlays["accuracy"] = try domain("plot metrics") { try PlotSeries(name: "eval/accuracy", x: steps, y: values) }
            }
        }
        let plot = try domain("plot metrics") { try Plot.metrics(series, title: titleGiven ?? "training metrics: \(subject)", smoothing: smoothing, overlays: overlays) }
        return try PlotDrawing.draw(plot, to: to, ascii: ascii, session: session)
    }
}
