// Plot — a drawable plot as plain data: its table and the gnuplot commands that draw it, with the
// data source left open. The same plot becomes a pipe script (data from a datablock) or a `.gp`
// file (data from the `.tsv` beside it). Pure: building and scripting a plot needs no gnuplot.
import Foundation

/// A plot ready to render: data table plus gnuplot commands that refer to it.
public struct Plot: Sendable, Equatable {
    /// One piece of the script body: literal gnuplot text, or the place where the data source goes.
    enum Part: Sendable, Equatable {
        case text(String)
        case data
    }

    /// The plot's title (also used in error messages).
    public var title: String
    /// The data drawn, in long format (one row per point, a name column telling the lines apart).
    public var table: PlotTable
    /// The commands, with `.data` where `$DATA` or `'file.tsv'` is inserted.
    var body: [Part]
    /// The image height the plot needs, when the default (500) is too small for its panels.
    public var preferredHeight: Int?

    /// The gnuplot commands (no terminal, no output) drawing this plot from `dataSource`, which is
    /// a datablock name (`$VerityData`) or a quoted file name (`'x.tsv'`).
    public func commands(dataSource: String) -> String {
        body.map { part in
            switch part {
            case .text(let text): return text
            case .data: return dataSource
            }
        }.joined()
    }

    /// A complete standalone script for `gnuplot FILE.gp` run from the image's directory: it sets
    /// the terminal and output, reads `dataFile` (the TSV beside it), and closes the output.
    public func standaloneScript(terminal: PlotTerminal, imageFile: String, dataFile: String) throws -> String {
        """
        # \(GnuplotQuote.sanitizeComment(title)) — written by Verity; re-render with: gnuplot \(GnuplotQuote.sanitizeComment((imageFile as NSString).deletingPathExtension)).gp
        \(try terminal.command())
        set output \(GnuplotQuote.single(imageFile))
        \(commands(dataSource: GnuplotQuote.single(dataFile)))
        unset output

        """
    }

    /// The datablock definition carrying this plot's table into a running gnuplot.
    ///
    /// gnuplot ends a datablock at the first line that merely *starts* with the terminator, so
    /// the terminator is lengthened until no line of the data starts with it.
    func datablock(named name: String) -> String {
        let text = table.tsv
        let lines = text.split(separator: "\n")
        var terminator = "VERITY_EOD"
        while lines.contains(where: { $0.hasPrefix(terminator) }) { terminator += "_" }
        return "\(name) << \(terminator)\n\(text)\(terminator)\n"
    }
}

extension GnuplotQuote {
    /// Comment text must stay on one line.
    static func sanitizeComment(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
}

/// Building blocks shared by the standard plots.
enum PlotStyle {
    /// Colour-blind-friendly line colours (Okabe–Ito), cycled by series index.
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    static func color(_ index: Int) -> String { "rgb '\(colors[index % colors.count])'" }

    /// Colour and dash type of series `index` of `series`: its colour group's colour (or its own),
    /// its style's dash type — and when more series than colours share no groups, the palette
    /// repeats with another dash type, so no two series in one figure look alike.
    static func look(_ index: Int, of series: [PlotSeries]) -> String {
        let item = series[index]
        let grouped = series.contains { $0.colorGroup != nil || $0.style != nil }
        let colorIndex = item.colorGroup ?? index
        let dash = item.style.map { $0 + 1 } ?? (grouped ? 1 : index / colors.count + 1)
        return "lc \(color(colorIndex)) dt \(dash)"
    }

    /// Settings every plot starts from: a clean state, tab-separated data, a light grid.
    static func preamble(title: String) -> String {
        """
        reset
        set datafile separator "\\t"
        set title \(GnuplotQuote.double(title))
        set grid lc rgb '#dddddd'
        set border 3
        set tics nomirror

        """
    }

    /// A y-axis label for a metric: TRL's name made readable, with its unit where it has one.
    static func metricLabel(_ name: String) -> String {
        switch name {
        case "completions/mean_length": return "length (tokens)"
        case "thinking/mean_length": return "thinking (tokens)"
        case "thinking/share": return "thinking share"
        case "eval/accuracy": return "held-out accuracy"
        case "learning_rate": return "learning rate"
        case "time/step", "time/sampling", "time/training": return name.replacingOccurrences(of: "time/", with: "") + " (s)"
        case "tokens_per_second": return "tokens/s"
        case "frac_reward_zero_std": return "flat groups (share)"
        default: return name
        }
    }

    /// The y-axis lines of one panel: its label, autoscaling, and tics spaced for `values`. A
    /// constant series (all 0 at first, say) gets a range around it instead of gnuplot's
    /// empty-range warning.
    static func panelYAxis(label: String, values: [Double]) -> String {
        var text = "set ylabel \(GnuplotQuote.double(label))\nset autoscale y\n"
        if let spacing = ticSpacing(values) {
            text += "set ytics \(spacing)\n"
        } else {
            text += "set ytics autofreq\n"
            if let value = values.first(where: \.isFinite) {
                text += (0...1).contains(value) ? "set yrange [0:1]\n" : "set yrange [\(value - 1):\(value + 1)]\n"
            }
        }
        return text
    }

    /// A tic spacing giving about three labelled tics over the finite values' range (1, 2 or 5 ×
    /// a power of ten); nil when there is no range to space.
    static func ticSpacing(_ values: [Double]) -> String? {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), high > low else { return nil }
        let raw = (high - low) / 3
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return String(format: "%g", step)
    }

    /// The y range for accuracies (every value in [0, 1]): the data's span with 8% padding (at
    /// least 0.02) on each side, clipped to [0, 1], so curves that live in 0.9–1 are not flattened
    /// against a 0–1 axis. Nil for other values (gnuplot autoscales).
    static func accuracyRange(_ values: [Double]) -> String? {
        guard let low = values.min(), let high = values.max(), values.allSatisfy({ (0...1).contains($0) }) else { return nil }
        let pad = max(0.02, 0.08 * (high - low))
        let bottom = max(0, low - pad), top = min(1, high + pad)
        return "set yrange [\(String(format: "%.3f", bottom)):\(String(format: "%.3f", top))]\n"
    }

    /// A gnuplot expression selecting column `column` only on rows whose first column is `name`
    /// (other rows become NaN, i.e. undefined points that gnuplot skips).
    static func select(_ name: String, column: Int) -> String {
        "(strcol(1) eq \(GnuplotQuote.double(PlotTable.sanitize(name))) ? $\(column) : NaN)"
    }

    /// Rejects empty input and duplicate names, which would merge two lines into one.
    static func validate(_ series: [PlotSeries], what: String) throws {
        guard !series.isEmpty else { throw PlotError.invalidData("no \(what) to plot — give at least one") }
        var seen = Set<String>()
        for item in series {
            let name = PlotTable.sanitize(item.name)
            // The fields are public vars: re-check the lengths `PlotSeries.init` checked.
            guard item.x.count == item.y.count,
                  (item.low == nil) == (item.high == nil),
                  item.low.map({ $0.count == item.x.count }) ?? true,
                  item.high.map({ $0.count == item.x.count }) ?? true else {
                throw PlotError.invalidData("\(what) '\(name)' has x, y, low and high of different lengths")
            }
            guard !name.isEmpty else { throw PlotError.invalidData("a \(what) has an empty name") }
            guard seen.insert(name).inserted else {
                throw PlotError.invalidData("two \(what == "series" ? what : what + "s") are named '\(name)' — give each a distinct name")
            }
            guard item.x.contains(where: \.isFinite), item.y.contains(where: \.isFinite) else {
                throw PlotError.invalidData("\(what) '\(name)' has no finite points")
            }
        }
    }
}
