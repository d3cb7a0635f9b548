// PlotTable — the data behind a plot as a tab-separated table with a header line. The same text
// goes into a gnuplot datablock (when rendering through the pipe) and into the `.tsv` file
// beside an image (which the `.gp` script reads), so both draw from identical data.
import Foundation

/// A table of plot data: named columns, rows of already formatted cells.
public struct PlotTable: Sendable, Equatable {
    /// Column names, written as the header line.
    public var columns: [String]
    /// Rows of cells; each row has one cell per column.
    public var rows: [[String]]

    /// Creates a table; rows must have one cell per column.
    public init(columns: [String], rows: [[String]] = []) throws {
        for (index, row) in rows.enumerated() where row.count != columns.count {
            throw PlotError.invalidData("row \(index) has \(row.count) cells but the table has \(columns.count) columns")
        }
        self.columns = columns.map(Self.sanitize)
        self.rows = rows.map { $0.map(Self.sanitize) }
    }

    /// The table as TSV text: header, one line per row, trailing newline.
    public var tsv: String {
        var text = columns.joined(separator: "\t") + "\n"
        for row in rows { text += row.joined(separator: "\t") + "\n" }
        return text
    }

    /// Formats a number so that gnuplot reads it back exactly: the shortest round-trip decimal,
    /// `NaN` for missing values (gnuplot treats it as an undefined point, which breaks lines).
    public static func cell(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "NaN"
    }

    /// Cells are single-line text without tabs or quotes: gnuplot's data reader would split on a
    /// tab, end a datablock on a newline, and treat a double quote as a string delimiter.
    static func sanitize(_ text: String) -> String {
        String(text.map { ch -> Character in
            switch ch {
            case "\t", "\n", "\r": return " "
            case "\"": return "'"
            default: return ch
            }
        })
    }
}

/// One named line of a plot: x and y values, and optionally a band from `low` to `high`.
public struct PlotSeries: Sendable, Equatable {
    /// The legend title (a metric, a method, a run).
    public var name: String
    /// The x values (steps, samples k, tokens).
    public var x: [Double]
    /// The y values; NaN marks a missing point.
    public var y: [Double]
    /// Lower edge of the shaded band, same length as `x`, or nil for no band.
    public var low: [Double]?
    /// Upper edge of the shaded band, same length as `x`, or nil for no band.
    public var high: [Double]?
    /// Series with the same colour group share a colour (e.g. one run's methods); nil: a colour of its own.
    public var colorGroup: Int?
    /// Series with the same style share a dash pattern (e.g. one method across runs); nil: solid,
    /// or a pattern of its own when the palette runs out.
    public var style: Int?

    /// Creates a series; throws when the arrays differ in length or only one band edge is given.
    public init(name: String, x: [Double], y: [Double], low: [Double]? = nil, high: [Double]? = nil) throws {
        guard x.count == y.count else {
            throw PlotError.invalidData("series '\(name)' has \(x.count) x values but \(y.count) y values")
        }
        guard (low == nil) == (high == nil) else {
            throw PlotError.invalidData("series '\(name)' has only one edge of its band — give both low and high")
        }
        if let low, let high, low.count != x.count || high.count != x.count {
            throw PlotError.invalidData("series '\(name)' band has \(low.count)/\(high.count) values for \(x.count) points")
        }
        self.name = name
        self.x = x
        self.y = y
        self.low = low
        self.high = high
    }

    /// Creates a series over x = 0, 1, 2, … (e.g. one metric value per step).
    public init(name: String, y: [Double]) {
        self.name = name
        self.x = y.indices.map(Double.init)
        self.y = y
        self.low = nil
        self.high = nil
    }
}

/// Trailing moving average: point i is the mean of the finite values among the last `window`
/// points up to i. Trailing (not centred) so a curve never shows the future; NaN where the window
/// holds no finite value. `window <= 1` returns the values unchanged.
public func movingAverage(_ values: [Double], window: Int) -> [Double] {
    guard window > 1 else { return values }
    var result: [Double] = []
    result.reserveCapacity(values.count)
    for index in values.indices {
        let slice = values[max(0, index - window + 1)...index].filter(\.isFinite)
        result.append(slice.isEmpty ? .nan : slice.reduce(0, +) / Double(slice.count))
    }
    return result
}
