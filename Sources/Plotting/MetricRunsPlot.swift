// MetricRunsPlot — training curves of several runs side by side: one panel per metric, one line per
// run in every panel, in the same colour across panels, so a reader sees at a glance which run's
// zero-variance share fell and whether its accuracy rose with it.
import Foundation

extension Plot {
    /// One panel per metric, stacked; in each, one line per run.
    ///
    /// - Parameters:
    ///   - panels: each metric's name and its runs' series (the series' names are the run labels,
    ///     the same labels in the same order in every panel).
    ///   - smoothing: a trailing moving average of this window is drawn instead of the raw values
    ///     (1 = raw); the table keeps both.
    /// - Table columns: `metric run step value smoothed`.
    public static func metricRuns(_ panels: [(metric: String, runs: [PlotSeries])], title: String,
                                  xLabel: String = "step", smoothing: Int = 1) throws -> Plot {
        guard !panels.isEmpty else { throw PlotError.invalidData("no metrics to plot — name at least one") }
        guard smoothing >= 1 else {
            throw PlotError.invalidData("smoothing window \(smoothing) must be at least 1 (1 = no smoothing)")
        }
        let labels = panels[0].runs.map(\.name)
        for panel in panels {
            try PlotStyle.validate(panel.runs, what: "run")
            guard panel.runs.map(\.name) == labels else {
                throw PlotError.invalidData("metric '\(panel.metric)' has runs \(panel.runs.map(\.name)), not \(labels) — every panel draws the same runs")
            }
        }
        var rows: [[String]] = []
        for panel in panels {
            for run in panel.runs {
                let smooth = movingAverage(run.y, window: smoothing)
                for i in run.x.indices {
                    rows.append([PlotTable.sanitize(panel.metric), PlotTable.sanitize(run.name), PlotTable.cell(run.x[i]),
                                 PlotTable.cell(run.y[i]), PlotTable.cell(smooth[i])])
                }
            }
        }
        let table = try PlotTable(columns: ["metric", "run", "step", "value", "smoothed"], rows: rows)
        // The smoothing is said once, in the title, so the legend keeps to the runs' names.
        let fullTitle = smoothing > 1 ? "\(title) (moving averages of \(smoothing) steps)" : title
        var body: [Part] = [.text(PlotStyle.preamble(title: fullTitle))]
        body.append(.text("""
            unset title
            set lmargin 10
            set rmargin \(min(60, 12 + (labels.map(\.count).max() ?? 0)))
            set key outside right top
            set multiplot layout \(panels.count),1 title \(GnuplotQuote.double(fullTitle))

            """))
        let column = smoothing > 1 ? 5 : 4
        for (index, panel) in panels.enumerated() {
            var text = PlotStyle.panelYAxis(label: PlotStyle.metricLabel(panel.metric), values: panel.runs.flatMap(\.y))
            text += index == panels.count - 1 ? "set xlabel \(GnuplotQuote.double(xLabel))\n" : "unset xlabel\n"
            body.append(.text(text + "plot "))
            for (r, run) in panel.runs.enumerated() {
                let metric = GnuplotQuote.double(PlotTable.sanitize(panel.metric))
                let label = GnuplotQuote.double(PlotTable.sanitize(run.name))
                let name = run.name
                if r > 0 { body.append(.text(", \\\n     ")) }
                body += [.data, .text(" skip 1 using 3:(strcol(1) eq \(metric) && strcol(2) eq \(label) ? $\(column) : NaN) "
                                      + "with lines lw 2 lc \(PlotStyle.color(r)) " + (index == 0 ? "title \(GnuplotQuote.double(name))" : "notitle"))]
            }
            body.append(.text("\n"))
        }
        body.append(.text("unset multiplot\n"))
        return Plot(title: fullTitle, table: table, body: body)
    }
}
