// ComparePlot — several runs or checkpoints overlaid on one panel: the same metric, one line each.
import Foundation

extension Plot {
    /// One metric from several runs overlaid, one coloured line per run.
    ///
    /// - Parameters:
    ///   - runs: one series per run or checkpoint; `x` is the step (or any shared x), `y` the metric.
    ///   - title: plot title.
    ///   - xLabel: `step` by default.
    ///   - yLabel: the metric's name.
    ///   - smoothing: trailing moving-average window; above 1 the averaged curves are drawn (the raw
    ///     values stay in the `value` column of the data file).
    /// - Table columns: `run step value smoothed`.
    public static func compare(_ runs: [PlotSeries], title: String = "runs compared", xLabel: String = "step",
                               yLabel: String = "value", smoothing: Int = 1) throws -> Plot {
        try PlotStyle.validate(runs, what: "run")
        guard smoothing >= 1 else {
            throw PlotError.invalidData("smoothing window \(smoothing) must be at least 1 (1 = no smoothing)")
        }
        var rows: [[String]] = []
        for run in runs {
            let smooth = movingAverage(run.y, window: smoothing)
            for index in run.x.indices {
                rows.append([run.name, PlotTable.cell(run.x[index]), PlotTable.cell(run.y[index]),
                             PlotTable.cell(smooth[index])])
            }
        }
        let table = try PlotTable(columns: ["run", "step", "value", "smoothed"], rows: rows)
        var setup = PlotStyle.preamble(title: title)
        setup += "set xlabel \(GnuplotQuote.double(xLabel))\nset ylabel \(GnuplotQuote.double(yLabel))\n"
        setup += "set key top left\n"
        var body: [Part] = [.text(setup + "plot ")]
        let column = smoothing > 1 ? 4 : 3
        for (index, run) in runs.enumerated() {
            if index > 0 { body.append(.text(", \\\n     ")) }
            body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(run.name, column: column)) with lines lw 2 lc \(PlotStyle.color(index)) title \(GnuplotQuote.double(run.name))")]
        }
        body.append(.text("\n"))
        return Plot(title: title, table: table, body: body)
    }
}
