// LiveTable — a table whose rows print while a long loop computes them (`rl every=10`, `sft`):
// the watcher (REPL, `verity run`) sees each row when it exists instead of the whole table when
// the command ends. Rows cannot be aligned to widths not yet known, so each column gets a fixed
// width up front (its title or a minimum, whichever is wider; a longer value overflows). The
// header prints with the first row, so an interrupted loop with no rows shows no empty table.

/// Lines printed as they are made, and returned in the command's output all the same.
final class LiveTable {
    private let columns: [Table.Column]
    private let widths: [Int]
    private let sink: (@Sendable (String) -> Void)?
    private var headed = false
    /// Every line made so far (leading lines, header, rule, rows).
    private(set) var lines: [String] = []

    /// A table over `columns`, each at least `minimumWidth` wide (or as wide as `widths` gives for
    /// it), printing through the session's live sink (when someone watches).
    init(_ columns: [Table.Column], minimumWidth: Int = 8, widths: [Int] = [], session: Session) {
        self.columns = columns
        self.widths = columns.enumerated().map { index, column in
            max(column.title.count, index < widths.count ? widths[index] : minimumWidth)
        }
        self.sink = session.liveSink
    }

    /// A text line before the table (e.g. what is being trained).
    func lead(_ line: String) { emit(line) }

    /// Adds a row (printing the header first if this is the first row).
    func row(_ values: [String]) {
        if !headed {
            headed = true
            emit(format(columns.map(\.title)))
            emit(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        }
        emit(format(values))
    }

    /// The lines as the start of a command's output, marked as shown when they were printed live.
    var output: CommandOutput {
        var output = CommandOutput.lines(lines)
        if lines.isEmpty { output.blocks = [] }
        output.shownLive = sink == nil ? 0 : lines.count
        return output
    }

    private func emit(_ line: String) {
        lines.append(line)
        sink?(line)
    }

    private func format(_ values: [String]) -> String {
        var parts: [String] = []
        for (index, column) in columns.enumerated() {
            let value = index < values.count ? values[index] : ""
            let pad = String(repeating: " ", count: max(0, widths[index] - value.count))
            parts.append(column.alignment == .right ? pad + value : value + pad)
        }
        var joined = parts.joined(separator: "  ")
        while joined.last == " " { joined.removeLast() }
        return joined
    }
}
