// NotebookRunner — executes a notebook's cells in order in a session, collecting each cell's
// rendered output and plots; stops at the first failing command and names its file line.
import Foundation
import Tasks

/// What one cell produced.
public struct CellRun: Sendable, Equatable {
    /// 0-based index among the document's cells.
    public var cellIndex: Int
    /// File line of the cell's first command.
    public var firstLine: Int
    /// 1-based count of executed cells (Jupyter's `execution_count`).
    public var executionCount: Int
    /// The output as text lines (plots excluded: they are listed in `plots`).
    public var lines: [String]
    /// Plots the cell made.
    public var plots: [PlotReference]
    /// Indices into `lines` that were printed live while the cell ran (see `CommandOutput.shownLive`).
    public var shownLive: Set<Int> = []
}

/// Where and why a notebook run stopped.
public struct NotebookFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The notebook's path as given.
    public var file: String
    /// The file line of the failing command.
    public var line: Int
    /// The error.
    public var error: CommandError

    /// `file:line:col: error: …` plus the caret lines.
    public var description: String { error.rendered(file: file, line: line) }
}

/// The result of running a notebook.
public struct NotebookRunResult: Sendable, Equatable {
    /// The cells that ran (a failing cell is included with what it printed before failing).
    public var cells: [CellRun]
    /// Why the run stopped early, if it did.
    public var failure: NotebookFailure?
    /// Whether a `quit` ended the run early (not a failure).
    public var quit: Bool
}

/// Runs notebooks and scripts.
public enum NotebookRunner {
    /// Nested `run FILE` calls beyond this depth fail instead of recursing forever.
    public static let maximumDepth = 8

    /// Reads and parses a notebook or script file.
    /// - Throws: `CommandError` when the file cannot be read, is not UTF-8, or has an unclosed cell.
    public static func load(_ path: String) throws -> NotebookDocument {
        try domain { try RegularFile.require(path, wanted: "a notebook (.md, .ipynb) or script (.verity)") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandError("cannot read '\(path)': \(error.localizedDescription) — check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandError("'\(path)' is not UTF-8 text — is it really a notebook or script?")
        }
        return try NotebookDocument.parse(text, path: path)
    }

    /// Runs every cell of `document` in `session`, in order.
    /// - Parameters:
    ///   - file: the path to name in errors.
    ///   - cellLimit: run only the first this many cells (a short replay; nil runs them all).
    ///   - onCell: called after each cell (also the failing one), e.g. to print its output at once.
    public static func run(_ document: NotebookDocument, file: String, session: Session, cellLimit: Int? = nil,
                           onCell: ((CellRun) -> Void)? = nil) -> NotebookRunResult {
        var result = NotebookRunResult(cells: [], failure: nil, quit: false)
        guard session.runDepth < maximumDepth else {
            result.failure = NotebookFailure(file: file, line: 1, error: CommandError(
                "notebooks nested more than \(maximumDepth) deep (does one run itself?) — remove the 'run' line"))
            return result
        }
        session.runDepth += 1
        defer { session.runDepth -= 1 }
        for (index, cell) in document.cells.prefix(cellLimit ?? Int.max).enumerated() {
            var run = CellRun(cellIndex: index, firstLine: cell.firstLine, executionCount: index + 1,
                              lines: [], plots: [])
            // `repeat seeds=…` as the cell's first command runs the rest of the cell once per seed.
            var body = Array(cell.source.enumerated())
            var repetitions: RepeatDirective?
            if let first = body.firstIndex(where: { !$0.element.trimmingWhitespace().isEmpty && !$0.element.trimmingWhitespace().hasPrefix("#") }) {
                do {
                    repetitions = try RepeatDirective.parse(body[first].element.trimmingWhitespace())
                    if repetitions != nil { body.removeSubrange(0...first) }
                } catch {
                    let commandError = error as? CommandError ?? CommandError("\(error)")
                    result.failure = NotebookFailure(file: file, line: cell.firstLine + body[first].offset,
                                                     error: commandError)
                }
            }
            if result.failure == nil {
                if let repetitions {
                    // After the repetitions the session continues exactly where it was: same seed,
                    // same position in its random stream.
                    let savedSeed = session.seed, savedRNG = session.rng
                    // Every seed starts from the training runs the cell started with, so a name given
                    // with `rl run=NAME` is each seed's own; the last seed's runs remain afterwards.
                    let savedRuns = session[TrainingRunsSlot.self]
                    // Most of a repetition's output is filtered away: nothing of it prints live.
                    let savedSink = session.liveSink
                    session.liveSink = nil
                    defer { session.liveSink = savedSink }
                    for seed in repetitions.seeds where result.failure == nil && !result.quit {
                        session.reseed(seed)
                        session[TrainingRunsSlot.self] = savedRuns
                        run.lines.append("seed \(seed):")
                        runLines(body, cell: cell, session: session, filter: !repetitions.showAll,
                                 into: &run, result: &result, file: file)
                    }
                    session.reseed(savedSeed)
                    session.rng = savedRNG
                } else {
                    runLines(body, cell: cell, session: session, filter: false, into: &run, result: &result,
                             file: file)
                }
            }
            result.cells.append(run)
            onCell?(run)
            if result.failure != nil || result.quit { break }
        }
        return result
    }

    /// Runs `lines` (offset within the cell, text) in order, appending their output to `run`; with
    /// `filter`, only the output of `tally` and `expect` lines is kept (plots always are).
    private static func runLines(_ lines: [(offset: Int, element: String)], cell: NotebookCell, session: Session,
                                 filter: Bool, into run: inout CellRun, result: inout NotebookRunResult,
                                 file: String) {
        for (offset, line) in lines {
            let lineNumber = cell.firstLine + offset
            do {
                // Ctrl-C between commands stops the run too, not only inside long commands.
                try session.checkCancellation()
                guard let output = try session.execute(line, lineNumber: lineNumber) else { continue }
                let verb = line.trimmingWhitespace().split(separator: " ").first.map(String.init) ?? ""
                if !filter || verb == "tally" || verb == "expect" {
                    if !filter { run.shownLive.formUnion(run.lines.count..<(run.lines.count + output.shownLive)) }
                    // The width as set now: a `set width=…` earlier in the notebook applies from there on.
                    run.lines += output.renderedLines(width: session.settings.width, includePlots: false).map { filter ? "  " + $0 : $0 }
                }
                run.plots += output.plots
                if output.quits { result.quit = true; break }
            } catch let error as CommandError {
                result.failure = NotebookFailure(file: file, line: lineNumber, error: error)
                break
            } catch {
                result.failure = NotebookFailure(file: file, line: lineNumber, error: CommandError("\(error)"))
                break
            }
        }
    }

    /// Runs `document` (read from `file`) as an untrusted replay: every path its commands read or
    /// write must lie in `file`'s folder or one of `allowing` (see FileAccess).
    public static func runConfined(_ document: NotebookDocument, file: String, session: Session, allowing: [String] = [],
                                   cellLimit: Int? = nil, onCell: ((CellRun) -> Void)? = nil) -> NotebookRunResult {
        let previous = session.files.confine(toFolderOf: file, allowing: allowing)
        defer { session.files = previous }
        return run(document, file: file, session: session, cellLimit: cellLimit, onCell: onCell)
    }

    /// The image-link lines for a cell's plots, relative to the notebook's directory.
    public static func imageLinks(for plots: [PlotReference], notebook: String) -> [String] {
        plots.map { plot in "![\(plot.title)](\(relativePath(plot.path, from: notebook)))" }
    }

    /// `target` (relative to the working directory, or absolute) as seen from the directory that
    /// holds `file`: `plots/x.png` seen from `notebooks/a.md` is `../plots/x.png`.
    static func relativePath(_ target: String, from file: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> [String] {
            let full = path.hasPrefix("/") ? path : cwd + "/" + path
            var parts: [String] = []
            for part in full.split(separator: "/") {
                if part == "." || part.isEmpty { continue }
                if part == ".." { if !parts.isEmpty { parts.removeLast() } } else { parts.append(String(part)) }
            }
            return parts
        }
        let base = absolute(file).dropLast()
        let goal = absolute(target)
        var common = 0
        while common < base.count, common < goal.count, base[base.startIndex + common] == goal[common] { common += 1 }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + goal[common...]).joined(separator: "/")
    }
}
