// SeedPlot — figures repeated over seeds: one panel position per figure, each seed's value as a
// small point and the mean with its 95% interval as an error bar.

/// One figure measured over several seeds.
public struct SeedFigure: Sendable, Equatable {
    /// The figure's name (x tick label).
    public var name: String
    /// One value per seed.
    public var values: [Double]
    /// The mean and the ends of its interval.
    public var mean, low, high: Double

    /// A figure; `low ≤ mean ≤ high` is not checked (the caller computes them).
    public init(name: String, values: [Double], mean: Double, low: Double, high: Double) {
        self.name = name; self.values = values; self.mean = mean; self.low = low; self.high = high
    }
}

extension Plot {
    /// Per-seed values and the mean ± 95% interval of each figure, side by side.
    /// - Table columns: `figure x value kind` with kind `seed`, `mean`, `low` or `high`.
    public static func seeds(_ figures: [SeedFigure], title: String = "figures over seeds",
                             yLabel: String = "value", yRange: ClosedRange<Double>? = nil) throws -> Plot {
        guard !figures.isEmpty else { throw PlotError.invalidData("no figures to plot — tally some first") }
        var rows: [[String]] = []
        var tics: [String] = []
        for (i, f) in figures.enumerated() {
            let x = Double(i + 1)
            tics.append("\(GnuplotQuote.double(PlotTable.sanitize(f.name))) \(i + 1)")
            // Seeds spread a little around the figure's x so equal values stay visible.
            for (j, v) in f.values.enumerated() {
                let offset = f.values.count > 1 ? -0.15 + 0.3 * Double(j) / Double(f.values.count - 1) : 0
                rows.append([f.name, PlotTable.cell(x + offset), PlotTable.cell(v), "seed", "NaN", "NaN"])
            }
            rows.append([f.name, PlotTable.cell(x), PlotTable.cell(f.mean), "mean", PlotTable.cell(f.low), PlotTable.cell(f.high)])
        }
        let table = try PlotTable(columns: ["figure", "x", "value", "kind", "low", "high"], rows: rows)
        var setup = PlotStyle.preamble(title: title)
        setup += "set ylabel \(GnuplotQuote.double(yLabel))\n"
        // Many figures or long names: slanted, so they do not run into each other.
        let long = figures.reduce(0) { $0 + $1.name.count } > 12 * figures.count
        let slant = figures.count > 4 || long ? "rotate by 30 right " : ""
        setup += "set xtics \(slant)(\(tics.joined(separator: ", ")))\n"
        setup += "set xrange [0.4:\(Double(figures.count) + 0.6)]\n"
        if let yRange {
            // A fixed range (e.g. 0…1 for a share): intervals that run past it are cut at the edge.
            setup += "set yrange [\(PlotTable.cell(yRange.lowerBound)):\(PlotTable.cell(yRange.upperBound))]\n"
        } else {
            setup += "set offsets 0, 0, graph 0.08, graph 0.08\n"
        }
        setup += "set key outside right top\n"
        let seed = "(strcol(4) eq \"seed\" ? $3 : NaN)"
        let isMean = "(strcol(4) eq \"mean\" ? $3 : NaN)"
        let body: [Part] = [
            .text(setup + "plot "), .data,
            .text(" skip 1 using 2:\(seed) with points pt 7 ps 0.6 lc \(PlotStyle.color(5)) title \"each seed\", \\\n     "), .data,
            .text(" skip 1 using 2:\(isMean):5:6 with yerrorbars pt 5 ps 1.2 lw 2 lc \(PlotStyle.color(0)) title \"mean, 95% interval\"\n"),
        ]
        return Plot(title: title, table: table, body: body)
    }
}
