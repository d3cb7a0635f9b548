// StandardPlots — the three plots Verity draws, each a pure function from data to a `Plot` (table
// plus gnuplot commands), testable without gnuplot: `metrics` (training curves), `scaling`
// (accuracy against samples or tokens with bands) and `compare` (runs overlaid).
import Foundation

// MARK: - MetricsPlot — training curves: x = step, one or more named metrics. Each metric gets its own
// panel (stacked, shared x label at the bottom) because reward, accuracy and length live on very
// different scales; a second y axis only works for two series and hides which line belongs to it.

extension Plot {
    /// Training metrics over steps, one panel per metric stacked vertically.
    ///
    /// - Parameters:
    ///   - series: the metrics; `x` is the step, `y` the value (NaN for steps without a value).
    ///   - title: the title above all panels.
    ///   - xLabel: label of the shared x axis.
    ///   - smoothing: window of a trailing moving average (`movingAverage`); when above 1 the raw
    ///     values are drawn thin and grey and the average bold in colour. 1 draws the raw values only.
    ///   - overlays: points drawn over a panel, by the panel's series name (e.g. held-out accuracy
    ///     over the training accuracy); each overlay's rows are in the table under its own name.
    /// - Table columns: `series step value smoothed`.
    /// Each panel's y label names the metric with its unit (`PlotStyle.metricLabel`), and its y tics
    /// are spaced for about four labels whatever the range, so small panels do not collide.
    public static func metrics(_ series: [PlotSeries], title: String = "training metrics",
                               xLabel: String = "step", smoothing: Int = 1,
                               overlays: [String: PlotSeries] = [:]) throws -> Plot {
        try PlotStyle.validate(series + Array(overlays.values), what: "metric")
        guard smoothing >= 1 else {
            throw PlotError.invalidData("smoothing window \(smoothing) must be at least 1 (1 = no smoothing)")
        }
        var rows: [[String]] = []
        let drawnOverlays = series.compactMap { overlays[$0.name] }
        for item in series + drawnOverlays {
            let smooth = movingAverage(item.y, window: smoothing)
            for index in item.x.indices {
                rows.append([item.name, PlotTable.cell(item.x[index]), PlotTable.cell(item.y[index]),
                             PlotTable.cell(smooth[index])])
            }
        }
        let table = try PlotTable(columns: ["series", "step", "value", "smoothed"], rows: rows)

        var body: [Part] = [.text(PlotStyle.preamble(title: title))]
        let panels = series.count > 1
        // A legend only where a panel draws more than its metric (raw + average, held-out points),
        // outside the data on the right; otherwise the y label names the line.
        let legend = smoothing > 1 || !overlays.isEmpty
        if panels {
            // Margins fixed so the panels' plotting areas line up whatever their tic labels.
            body.append(.text("""
                unset title
                set lmargin 10
                set rmargin \(legend ? 26 : 3)
                set multiplot layout \(series.count),1 title \(GnuplotQuote.double(title))

                """))
        } else {
            body.append(.text("set xlabel \(GnuplotQuote.double(xLabel))\n"))
        }
        for (index, item) in series.enumerated() {
            let color = PlotStyle.color(index)
            let overlay = overlays[item.name]
            var panel = PlotStyle.panelYAxis(label: PlotStyle.metricLabel(item.name), values: item.y + (overlay?.y ?? []))
            panel += legend ? "set key outside right top\n" : "unset key\n"
            if panels {
                panel += index == series.count - 1 ? "set xlabel \(GnuplotQuote.double(xLabel))\n" : "unset xlabel\n"
            }
            body.append(.text(panel + "plot "))
            if smoothing > 1 {
                body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 3)) with lines lw 1 lc rgb '#bbbbbb' title \"raw\", \\\n     "),
                         .data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 4)) with lines lw 2 lc \(color) title \(GnuplotQuote.double("\(item.name) (moving average of \(smoothing))"))")]
            } else {
                body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 3)) with lines lw 2 lc \(color) title \(GnuplotQuote.double(item.name))")]
            }
            if let overlay {
                body += [.text(", \\\n     "), .data, .text(" skip 1 using 2:\(PlotStyle.select(overlay.name, column: 3)) with points pt 7 ps 1 lc rgb '#000000' title \(GnuplotQuote.double(overlay.name))")]
            }
            body.append(.text("\n"))
        }
        if panels { body.append(.text("unset multiplot\n")) }
        return Plot(title: title, table: table, body: body)
    }
}

// MARK: - ScalingPlot — inference-time scaling curves: x = samples k or mean generated tokens (log2 axis),
// y = accuracy, one line per method, each with an optional shaded confidence band.

extension Plot {
    /// Accuracy against samples or tokens, one line per method with an optional band.
    ///
    /// - Parameters:
    ///   - series: one per method (`pass@k`, `maj@k`, …); `low`/`high` give the band, drawn with
    ///     `filledcurves` at 20 % opacity under the line.
    ///   - title: plot title.
    ///   - xLabel: `samples k` by default; say `mean generated tokens` when x is tokens.
    ///   - yLabel: `accuracy` by default.
    ///   - log2X: a log₂ x axis (the default: k doubles from point to point); needs x > 0.
    /// - Table columns: `series x y low high` (NaN band edges when a series has no band).
    /// When every value lies in [0, 1] (accuracies) the y range is the data's span, padded and
    /// clipped to [0, 1]; otherwise gnuplot autoscales. The legend sits outside the data.
    public static func scaling(_ series: [PlotSeries], title: String = "accuracy vs. samples",
                               xLabel: String = "samples k", yLabel: String = "accuracy",
                               log2X: Bool = true) throws -> Plot {
        try PlotStyle.validate(series, what: "series")
        if log2X, let bad = series.first(where: { $0.x.contains { $0.isFinite && $0 <= 0 } }) {
            throw PlotError.invalidData("series '\(bad.name)' has x ≤ 0, which a log₂ axis cannot show — use log2X: false")
        }
        var rows: [[String]] = []
        var allValues: [Double] = []
        for item in series {
            for index in item.x.indices {
                let low = item.low?[index] ?? .nan, high = item.high?[index] ?? .nan
                rows.append([item.name, PlotTable.cell(item.x[index]), PlotTable.cell(item.y[index]),
                             PlotTable.cell(low), PlotTable.cell(high)])
                allValues += [item.y[index], low, high].filter(\.isFinite)
            }
        }
        let table = try PlotTable(columns: ["series", "x", "y", "low", "high"], rows: rows)

        var setup = PlotStyle.preamble(title: title)
        setup += "set xlabel \(GnuplotQuote.double(xLabel))\nset ylabel \(GnuplotQuote.double(yLabel))\n"
        // The legend outside the data, right of the plot.
        setup += "set key outside right top\n"
        if log2X { setup += "set logscale x 2\nset format x \"%g\"\n" }
        if let range = PlotStyle.accuracyRange(allValues) { setup += range }
        var body: [Part] = [.text(setup + "plot ")]
        var first = true
        // Bands first, so every line is drawn on top of every band.
        for (index, item) in series.enumerated() where item.low != nil {
            if !first { body.append(.text(", \\\n     ")) }
            first = false
            body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 4)):\(PlotStyle.select(item.name, column: 5)) with filledcurves fs transparent solid 0.12 noborder lc \(PlotStyle.color(item.colorGroup ?? index)) notitle")]
        }
        for (index, item) in series.enumerated() {
            if !first { body.append(.text(", \\\n     ")) }
            first = false
            body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 3)) with linespoints lw 2 pt 7 ps 0.8 \(PlotStyle.look(index, of: series)) title \(GnuplotQuote.double(item.name))")]
        }
        body.append(.text("\n"))
        return Plot(title: title, table: table, body: body)
    }
}

// MARK: - ComparePlot — several runs or checkpoints overlaid on one panel: the same metric, one line each.

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
        setup += "set key outside right top\n"
        var body: [Part] = [.text(setup + "plot ")]
        let column = smoothing > 1 ? 4 : 3
        for (index, run) in runs.enumerated() {
            if index > 0 { body.append(.text(", \\\n     ")) }
            body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(run.name, column: column)) with lines lw 2 \(PlotStyle.look(index, of: runs)) title \(GnuplotQuote.double(run.name))")]
        }
        body.append(.text("\n"))
        return Plot(title: title, table: table, body: body)
    }
}
