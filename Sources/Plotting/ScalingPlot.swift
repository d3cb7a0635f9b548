// ScalingPlot — inference-time scaling curves: x = samples k or mean generated tokens (log2 axis),
// y = accuracy, one line per method, each with an optional shaded confidence band.
import Foundation

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
    /// The y range is fixed to [0, 1] when every value lies there (accuracies), so curves from
    /// different plots compare by eye; otherwise gnuplot autoscales.
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
        setup += "set key bottom right\n"
        if log2X { setup += "set logscale x 2\nset format x \"%g\"\n" }
        if allValues.allSatisfy({ (0...1).contains($0) }) { setup += "set yrange [0:1]\n" }
        var body: [Part] = [.text(setup + "plot ")]
        var first = true
        // Bands first, so every line is drawn on top of every band.
        for (index, item) in series.enumerated() where item.low != nil {
            if !first { body.append(.text(", \\\n     ")) }
            first = false
            body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 4)):\(PlotStyle.select(item.name, column: 5)) with filledcurves fs transparent solid 0.2 noborder lc \(PlotStyle.color(index)) notitle")]
        }
        for (index, item) in series.enumerated() {
            if !first { body.append(.text(", \\\n     ")) }
            first = false
            body += [.data, .text(" skip 1 using 2:\(PlotStyle.select(item.name, column: 3)) with linespoints lw 2 pt 7 ps 0.8 lc \(PlotStyle.color(index)) title \(GnuplotQuote.double(item.name))")]
        }
        body.append(.text("\n"))
        return Plot(title: title, table: table, body: body)
    }
}
