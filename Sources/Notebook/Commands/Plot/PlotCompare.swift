// plot compare — runs overlaid: several sweep TSVs (scaling curves, each named by its file), or
// several metrics logs (CSV / JSONL) for one metric= against step.
import Evaluation
import Foundation
import Training
import Plotting

extension CommandDefinition {
    /// `plot compare FILE1 FILE2 … to=PATH`
    static let plotCompare = CommandDefinition(CommandDeclaration(
        name: "plot", subverb: "compare",
        summary: "overlay runs: plot compare sft.tsv rl.tsv to=plots/compare.png",
        help: "With sweep TSVs, draws every file's scaling curves on one plot, named 'file: method' (or label=), "
            + "against mean generated tokens by default, so models that think for different lengths compare at equal compute. With "
            + "metrics logs (.csv or .jsonl), draws metric= from each file against step. Up to six files.",
        positionals: [
            ArgumentSpec("file1", .path, required: true, help: "first run"),
            ArgumentSpec("file2", .path, help: "second run"),
            ArgumentSpec("file3", .path, help: "third run"),
            ArgumentSpec("file4", .path, help: "fourth run"),
            ArgumentSpec("file5", .path, help: "fifth run"),
            ArgumentSpec("file6", .path, help: "sixth run"),
        ],
        keys: [
            ArgumentSpec("to", .path, help: "the image to write (.png or .svg); absent: draw inline"),
            ArgumentSpec("x", .choice(["samples", "tokens", "budget"]), default: .choice("tokens"),
                         help: "x axis for sweeps (default tokens: models compared at equal compute): samples k, mean tokens, or the thinking budget (accuracy at each k across budgets)"),
            ArgumentSpec("metric", .string, default: .string("reward"), help: "the metric to compare from metrics logs"),
            ArgumentSpec("smoothing", .int, default: .int(1), bounds: 1...10_000, help: "moving-average window for metrics"),
            ArgumentSpec("ascii", .bool, default: .bool(false), help: "also draw inline when writing a file"),
            ArgumentSpec("label", .stringList, help: "legend names for the files, comma-separated, in order (default: file names)"),
            ArgumentSpec("title", .string, help: "the plot title"),
        ],
        examples: ["plot compare /tmp/verity-no-a.tsv /tmp/verity-no-b.tsv /tmp/verity-no-c.tsv /tmp/verity-no-d.tsv "
                   + "/tmp/verity-no-e.tsv /tmp/verity-no-f.tsv to=/tmp/verity-cmp.png x=samples metric=reward smoothing=1 ascii=false label=a,b,c,d,e,f title=demo"]
    )) { invocation, session in
        var files: [String] = []
        for name in ["file1", "file2", "file3", "file4", "file5", "file6"] {
            if let file = try invocation.readPath(name, session) { files.append(file) }
        }
        let to = try invocation.string("to")
        let axis = ScalingAxis(rawValue: try invocation.string(defaulted: "x")) ?? .tokens
        let metric = try invocation.string(defaulted: "metric")
        let smoothing = try invocation.int(defaulted: "smoothing")
        let ascii = try invocation.bool(defaulted: "ascii")
        let labels = try invocation.strings("label")
        let title = try invocation.string("title")
        if let labels, labels.count != files.count {
            throw CommandError("plot compare: label= gives \(labels.count) names for \(files.count) files — give one per file", kind: .usage)
        }
        let sweeps = files.filter { URL(fileURLWithPath: $0).pathExtension.lowercased() == "tsv" }
        guard sweeps.isEmpty || sweeps.count == files.count else {
            throw CommandError("plot compare: mix of sweep TSVs and metrics logs — compare files of one kind")
        }
        try PlotDrawing.checkNotOverwritten(files, by: to)
        // Legend names must differ: the same file name from two folders gets its folder too.
        var names: [String] = labels ?? []
        if let labels, Set(labels).count != labels.count {
            throw CommandError("plot compare: label= names must differ — each names one file's curves", kind: .usage)
        }
        for file in files where labels == nil {
            var name = runName(file)
            if names.contains(name) { name = URL(fileURLWithPath: file).deletingPathExtension().relativePath }
            if names.contains(name) { name += " (\(names.count + 1))" }
            names.append(name)
        }
        let plot: Plot
        if !sweeps.isEmpty {
            // One colour per run, one dash pattern per method (the same method looks alike across runs).
            var series: [PlotSeries] = []
            var methods: [String] = []
            for (runIndex, (file, name)) in zip(files, names).enumerated() {
                let points = try domain("plot compare") { try readSweepTSV(from: URL(fileURLWithPath: file)) }
                for var item in try scalingSeries(points, axis: axis, prefix: name) {
                    let method = String(item.name.dropFirst(name.count + 2))
                    if !methods.contains(method) { methods.append(method) }
                    item.colorGroup = runIndex
                    item.style = methods.firstIndex(of: method)
                    series.append(item)
                }
            }
            plot = try domain("plot compare") {
                try Plot.scaling(series, title: title ?? "\(names.joined(separator: " vs. ")): accuracy vs. \(axis == .samples ? "samples" : "tokens")", xLabel: axis.label,
                                 log2X: series.allSatisfy { $0.x.allSatisfy { $0 > 0 } })
            }
        } else {
            var runs: [PlotSeries] = []
            for (file, name) in zip(files, names) {
                let log = try domain { try MetricsLog.read(path: file) }
                let (steps, values) = log.series(metric)
                guard !steps.isEmpty else {
                    throw CommandError("plot compare: \(file) has no '\(metric)' values — its metrics: \(log.names.joined(separator: ", "))")
                }
                runs.append(try domain("plot compare") { try PlotSeries(name: name, x: steps, y: values) })
            }
            plot = try domain("plot compare") {
                try Plot.compare(runs, title: title ?? "\(metric): \(names.joined(separator: " vs. "))", yLabel: metric, smoothing: smoothing)
            }
        }
        return try PlotDrawing.draw(plot, to: to, ascii: ascii, session: session)
    }
}

/// A run's legend name: its file name without the extension.
func runName(_ file: String) -> String {
    URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
}
