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
    /// Where seed `j` of `count` sits around its figure's x: spread over ±0.15, so equal values stay visible.
    static func seedOffset(_ j: Int, of count: Int) -> Double {
        count > 1 ? -0.15 + 0.3 * Double(j) / Double(count - 1) : 0
    }

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
            for (j, v) in f.values.enumerated() {
                rows.append([f.name, PlotTable.cell(x + seedOffset(j, of: f.values.count)), PlotTable.cell(v), "seed", "NaN", "NaN"])
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

extension Plot {
    /// One panel per measure, stacked, sharing an x axis of arms: in each panel every seed's value
    /// as a point and the mean with its 95% interval as an error bar, at its arm's position (an arm
    /// without that measure is left empty). A line at 0 marks "no difference".
    /// - Parameters:
    ///   - panels: each panel's y label and its figures, one per arm in `arms`' order (nil: none).
    ///   - arms: the x tick labels, shown under the bottom panel only.
    /// - Table columns: `panel arm x value kind low high` with kind `seed` or `mean`.
    public static func seedPanels(_ panels: [(label: String, figures: [SeedFigure?])], arms: [String],
                                  title: String) throws -> Plot {
        guard !panels.isEmpty, !arms.isEmpty else { throw PlotError.invalidData("no measures or no arms to plot") }
        for panel in panels where panel.figures.count != arms.count {
            throw PlotError.invalidData("panel '\(panel.label)' has \(panel.figures.count) figures for \(arms.count) arms")
        }
        var rows: [[String]] = []
        for (p, panel) in panels.enumerated() {
            for (a, figure) in panel.figures.enumerated() {
                guard let figure else { continue }
                let x = Double(a + 1)
                for (j, v) in figure.values.enumerated() {
                    rows.append(["\(p + 1)", PlotTable.sanitize(arms[a]), PlotTable.cell(x + seedOffset(j, of: figure.values.count)), PlotTable.cell(v), "seed", "NaN", "NaN"])
                }
                rows.append(["\(p + 1)", PlotTable.sanitize(arms[a]), PlotTable.cell(x), PlotTable.cell(figure.mean), "mean",
                             PlotTable.cell(figure.low), PlotTable.cell(figure.high)])
            }
        }
        guard !rows.isEmpty else { throw PlotError.invalidData("none of the panels has a figure") }
        let table = try PlotTable(columns: ["panel", "arm", "x", "value", "kind", "low", "high"], rows: rows)
        let tics = arms.enumerated().map { "\(GnuplotQuote.double(PlotTable.sanitize($1))) \($0 + 1)" }.joined(separator: ", ")
        let blankTics = arms.indices.map { "\"\" \($0 + 1)" }.joined(separator: ", ")
        let height = min(4000, 140 + 190 * panels.count)
        var body: [Part] = [.text(PlotStyle.preamble(title: title) + """
            unset title
            set lmargin 12
            set rmargin 4
            set xrange [0.4:\(Double(arms.count) + 0.6)]
            set xzeroaxis lt 1 lw 1 lc rgb '#888888'
            set offsets 0, 0, graph 0.1, graph 0.1
            set key off
            set multiplot layout \(panels.count),1 title \(GnuplotQuote.double(title))

            """)]
        for (p, panel) in panels.enumerated() {
            var text = PlotStyle.panelYAxis(label: panel.label,
                                            values: panel.figures.compactMap { $0 }.flatMap { $0.values + [$0.low, $0.high] })
            // Arm names under the bottom panel only: the panels share the x axis.
            text += p == panels.count - 1 ? "set xtics rotate by 30 right (\(tics))\n" : "set xtics (\(blankTics))\n"
            // The legend once, under the title in the top panel's margin (every panel draws the same marks).
            if p == 0 {
                text += "set tmargin 3\nset key at screen 0.99, screen \(PlotTable.cell(1 - 24.0 / Double(height))) right top horizontal samplen 1\n"
            } else {
                text += "unset tmargin\nset key off\n"
            }
            // Only this panel's rows, the error-bar ends too: autoscaling would otherwise span every panel.
            let mine = "strcol(1) eq \"\(p + 1)\""
            body.append(.text(text + "plot "))
            body += [.data, .text(" skip 1 using 3:(\(mine) && strcol(5) eq \"seed\" ? $4 : NaN) with points pt 7 ps 0.6 lc \(PlotStyle.color(5)) "
                                  + (p == 0 ? "title \"each seed\"" : "notitle") + ", \\\n     "),
                     .data, .text(" skip 1 using 3:(\(mine) && strcol(5) eq \"mean\" ? $4 : NaN):(\(mine) ? $6 : NaN):(\(mine) ? $7 : NaN) with yerrorbars pt 5 ps 1.1 lw 2 lc \(PlotStyle.color(0)) "
                                  + (p == 0 ? "title \"mean, 95% interval\"" : "notitle") + "\n")]
        }
        body.append(.text("unset multiplot\n"))
        return Plot(title: title, table: table, body: body, preferredHeight: height)
    }
}
