// CommandOutput — what a command returns instead of printing: text lines, tables, plot files and
// warnings, in order. The terminal printer and the notebook writer each render it their own way.

/// A plot file a command made.
public struct PlotReference: Sendable, Equatable {
    /// The file path as the command wrote it (relative to the working directory, or absolute).
    public var path: String
    /// A short caption (alt text in Markdown, `text/plain` in Jupyter).
    public var title: String

    /// Names a plot file.
    public init(path: String, title: String = "") {
        self.path = path
        self.title = title
    }
}

/// One piece of a command's output.
public enum OutputBlock: Sendable, Equatable {
    /// Lines of text.
    case text([String])
    /// A table, aligned when rendered.
    case table(Table)
    /// A plot file that was written.
    case plot(PlotReference)
    /// Something the user should know that did not stop the command.
    case warning(String)
}

/// The typed result of a command.
public struct CommandOutput: Sendable, Equatable {
    /// The output, in order.
    public var blocks: [OutputBlock]
    /// Set by `quit`: the REPL ends after printing this output.
    public var quits: Bool
    /// How many leading rendered lines were already printed while the command ran (rows of a
    /// long loop, through `Session.live`); printers that watched them skip these, records keep them.
    public var shownLive = 0

    /// An output made of `blocks`.
    public init(_ blocks: [OutputBlock] = [], quits: Bool = false) {
        self.blocks = blocks
        self.quits = quits
    }

    /// Nothing to show.
    public static let empty = CommandOutput()

    /// Text lines (a string with line breaks is split).
    public static func lines(_ lines: [String]) -> CommandOutput {
        CommandOutput([.text(lines.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) })])
    }

    /// One line (or several separated by line breaks).
    public static func line(_ text: String) -> CommandOutput { lines([text]) }

    /// A single table.
    public static func table(_ table: Table) -> CommandOutput { CommandOutput([.table(table)]) }

    /// Appends another output's blocks.
    public mutating func append(_ other: CommandOutput) {
        if blocks.isEmpty { shownLive = other.shownLive }
        blocks += other.blocks
        quits = quits || other.quits
    }

    /// The plots in this output.
    public var plots: [PlotReference] {
        blocks.compactMap { if case .plot(let plot) = $0 { return plot } else { return nil } }
    }

    /// Renders to lines of text: tables aligned to `width`, warnings prefixed `warning:`, plots as
    /// `plot: PATH` (unless `includePlots` is false, as in notebooks where plots become image links).
    public func renderedLines(width: Int = 100, includePlots: Bool = true) -> [String] {
        var out: [String] = []
        for block in blocks {
            switch block {
            case .text(let lines): out += lines
            case .table(let table): out += table.rendered(width: width)
            case .plot(let plot): if includePlots { out.append("plot: \(plot.path)") }
            case .warning(let message): out.append("warning: \(message)")
            }
        }
        return out
    }
}
