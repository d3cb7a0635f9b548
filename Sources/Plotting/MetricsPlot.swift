// MetricsPlot — training curves: x = step, one or more named metrics. Each metric gets its own
// panel (stacked, shared x label at the bottom) because reward, accuracy and length live on very
// different scales; a second y axis only works for two series and hides which line belongs to it.
import Foundation

extension Plot {
    /// Training metrics over steps, one panel per metric stacked vertically.
    ///
    /// - Parameters:
    ///   - series: the metrics; `x` is the step, `y` the value (NaN for steps without a value).
    ///   - title: the title above all panels.
    ///   - xLabel: label of the shared x axis.
    ///   - smoothing: window of a trailing moving average (`movingAverage`); when above 1 the raw
    ///     values are drawn thin and grey and the average bold in colour. 1 draws the raw values only.
    /// - Table columns: `series step value smoothed`.
    public static func metrics(_ series: [PlotSeries], title: String = "training metrics",
                               xLabel: String = "step", smoothing: Int = 1) throws -> Plot {
        try PlotStyle.validate(series, what: "metric")
        guard smoothing >= 1 else {
            throw PlotError.invalidData("smoothing window \(smoothing) must be at least 1 (1 = no smoothing)")
        }
        var rows: [[String]] = []
        for item in series {
            let smooth = movingAverage(item.y, window: smoothing)
            for index in item.x.indices {
                rows.append([item.name, PlotTable.cell(item.x[index]), PlotTable.cell(item.y[index]),
                             PlotTable.cell(smooth[index])])
            }
        }
        let table = try PlotTable(columns: ["series", "step", "value", "smoothed"], rows: rows)

        var body: [Part] = [.text(PlotStyle.preamble(title: title))]
        let panels = series.count > 1
        if panels {
            // Margins fixed so the panels' plotting areas line up whatever their tic labels.
            body.append(.text("""
                unset title
                set lmargin 10
                set rmargin 3
                set multiplot layout \(series.count),1 title \(GnuplotQuote.double(title))

                """))
        } else {
            body.append(.text("set xlabel \(GnuplotQuote.double(xLabel))\n"))
        }
        for (index, item) in series.enumerated() {
            let color = PlotStyle.color(index)
            var panel = "set ylabel \(GnuplotQuote.double(item.name))\nset key top left\n"
            if panels {
                panel += index == series.count - 1 ? "set xlabel \(GnuplotQuote.double(xLabel))\n" : "unset xlabel\n"
            }
            body.append(.text(panel + "plot "))
            if smoothing > 1 {
                body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 3)) with lines lw 1 lc rgb '#bbbbbb' title \"raw\", \\\n     "),
                         .data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 4)) with lines lw 2 lc \(color) title \(GnuplotQuote.double("\(item.name) (moving average of \(smoothing))"))\n")]
            } else {
                body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 3)) with lines lw 2 lc \(color) title \(GnuplotQuote.double(item.name))\n")]
            }
        }
        if panels { body.append(.text("unset multiplot\n")) }
        return Plot(title: title, table: table, body: body)
    }
}
