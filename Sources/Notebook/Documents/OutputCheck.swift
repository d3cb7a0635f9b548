// OutputCheck — `verity run --check`: compares a rerun's outputs with the recorded ones, ignoring
// lines that report time or speed and the folder of image links, and renders the differences as a
// unified-style diff.
import Foundation

/// Compares recorded and fresh notebook outputs.
public enum OutputCheck {
    /// The rule for lines ignored by `--check`, because they change from run to run: a line is a
    /// timing line when it contains the word `elapsed` or `ETA`, or a number followed by a time or
    /// speed unit — `ms`, `s`, `sec`, `min`, `h`, `us`/`µs`, `tok/s`, `tokens/s`, `it/s`,
    /// `steps/s`, `samples/s` (optionally after one space, and not followed by a letter or digit).
    public static let timingPattern =
        #"(?i)(\belapsed\b|\beta\b|(?<![A-Za-z0-9_.])[0-9]+(\.[0-9]+)? ?(ms|s|sec|min|h|us|µs|tok/s|tokens/s|it/s|steps/s|samples/s)(?![A-Za-z0-9_]))"#

    /// Whether `line` reports a time or speed (see `timingPattern`).
    public static func isTimingLine(_ line: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: timingPattern) else { return false }
        return regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }

    /// The lines that take part in the comparison, normalised: timing lines and table rules
    /// (lines of dashes) are dropped, and runs of spaces count as one. A table's column widths
    /// follow its widest cell, so a timing column (`142702 tok/s` one run, `89874 tok/s` the next)
    /// shifts the header and the rule even though only that column changed. An image link keeps
    /// its title and file name but not its folder: a plot path is relative to where the replay
    /// runs, so the link from the notebook to it depends on that folder, not on the results.
    static func comparable(_ lines: [String]) -> [String] {
        lines.filter { !isTimingLine($0) && !isTableRule($0) }.map { withoutImageFolder(collapsingSpaces($0)) }
    }

    /// `![title](dir/name.png)` → `![title](name.png)`; other lines unchanged.
    static func withoutImageFolder(_ line: String) -> String {
        guard line.hasPrefix("!["), line.hasSuffix(")"), let open = line.range(of: "](", options: .backwards) else { return line }
        let target = line[open.upperBound..<line.index(before: line.endIndex)]
        guard let slash = target.lastIndex(of: "/") else { return line }
        return String(line[..<open.upperBound]) + target[target.index(after: slash)...] + ")"
    }

    /// A table's rule line: dashes separated by spaces.
    static func isTableRule(_ line: String) -> Bool {
        line.contains("-") && line.allSatisfy { $0 == "-" || $0 == " " }
    }

    /// `line` with every run of spaces replaced by one space and no spaces at either end.
    static func collapsingSpaces(_ line: String) -> String {
        line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// A diff of every cell whose output changed; empty when all match.
    /// - Parameters:
    ///   - document: the notebook as recorded.
    ///   - run: the fresh run.
    ///   - file: the path to name in the header.
    ///   - images: the image-link lines the fresh run would write, per cell.
    public static func diff(_ document: NotebookDocument, _ run: NotebookRunResult, file: String,
                            images: [[String]]) -> [String] {
        var out: [String] = []
        let cells = document.cells
        for cellRun in run.cells where cellRun.cellIndex < cells.count {
            let cell = cells[cellRun.cellIndex]
            let old = comparable((cell.output ?? []) + cell.images)
            let fresh = comparable(cellRun.lines + (cellRun.cellIndex < images.count ? images[cellRun.cellIndex] : []))
            guard old != fresh else { continue }
            if out.isEmpty { out += ["--- \(file) (recorded)", "+++ \(file) (this run)"] }
            out.append("@@ cell at line \(cell.firstLine): \(cell.source.first ?? "") @@")
            out += unified(old, fresh)
        }
        return out
    }

    /// A line diff of `old` against `new` by longest common subsequence: ` ` kept, `-` removed,
    /// `+` added.
    static func unified(_ old: [String], _ new: [String]) -> [String] {
        let n = old.count, m = new.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = old[i] == new[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                out.append(" " + old[i]); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append("-" + old[i]); i += 1
            } else {
                out.append("+" + new[j]); j += 1
            }
        }
        return out
    }
}
