// Table — a small table value that commands return and printers align. Numbers right-aligned,
// text left-aligned; when the table is wider than the terminal the widest text columns are
// shortened with an ellipsis, so results never wrap into an unreadable mess.

/// A table of text cells with per-column alignment.
public struct Table: Sendable, Equatable {
    /// Horizontal alignment of a column.
    public enum Alignment: Sendable, Equatable {
        case left, right
    }

    /// A column: its title and alignment.
    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment

        /// A column; numbers read best right-aligned.
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// The columns.
    public var columns: [Column]
    /// The rows; short rows are padded with empty cells, extra cells are ignored.
    public var rows: [[String]]

    /// Creates a table.
    public init(columns: [Column], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// Adds a row.
    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The aligned lines: a header, a rule, the rows. Columns are separated by two spaces;
    /// trailing spaces are trimmed so outputs compare cleanly.
    public func rendered(width: Int = 100) -> [String] {
        guard !columns.isEmpty else { return [] }
        let cells = rows.map { row in columns.indices.map { $0 < row.count ? Self.flatten(row[$0]) : "" } }
        var widths = columns.indices.map { index in
            max(columns[index].title.count, cells.map { $0[index].count }.max() ?? 0)
        }
        shrink(&widths, toFit: max(width, 20))
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (index, value) in values.enumerated() {
                let text = Self.fit(value, widths[index])
                let pad = String(repeating: " ", count: widths[index] - text.count)
                parts.append(columns[index].alignment == .right ? pad + text : text + pad)
            }
            // Only trailing spaces go: a right-aligned first column keeps its leading padding.
            var joined = parts.joined(separator: "  ")
            while joined.last == " " { joined.removeLast() }
            return joined
        }
        var out = [line(columns.map(\.title))]
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out += cells.map(line)
        return out
    }

    /// Narrows the widest columns (never below 6 characters or the title) until the whole
    /// table fits `width`.
    private func shrink(_ widths: inout [Int], toFit width: Int) {
        func total() -> Int { widths.reduce(0, +) + 2 * (widths.count - 1) }
        while total() > width {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
                  widths[widest] > max(6, min(columns[widest].title.count, 12)) else { return }
            widths[widest] -= 1
        }
    }

    /// Cuts text longer than `width` to `width - 1` characters and an ellipsis.
    private static func fit(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }

    /// Line breaks and tabs inside a cell would break the alignment; show them as spaces.
    private static func flatten(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\t" || $0 == "\r" ? " " : $0 })
    }
}
