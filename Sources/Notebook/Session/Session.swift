// Session — all mutable state of one Verity session: settings, the seed and random generator,
// numbered history, plots, cancellation and progress reporting, and the slots where domain
// commands keep models, data sets, rollouts and metrics (see Session+Slots.swift). The REPL, a
// `verity run` and the `run`/`rerun` commands all go through `execute`, so they behave alike.
import CSupport
import Foundation

/// One executed command in the session's numbered history.
public struct HistoryEntry: Sendable, Equatable {
    /// 1-based number shown by `history` and used by `rerun`.
    public var number: Int
    /// The command text.
    public var source: String
    /// What it returned (empty when it failed).
    public var output: CommandOutput
    /// Whether it failed (failed commands are listed but not written by `record`).
    public var failed: Bool
}

/// The state of one session. A class because commands mutate it in place and it will hold large
/// buffers (models); it is confined to the thread that runs commands.
public final class Session {
    /// Current settings (`set`, `show settings`).
    public var settings = Settings()
    /// The session seed; `seed N` changes it and restarts `rng`.
    public private(set) var seed: UInt64
    /// The seed the session started with (`record` writes it first, so replays draw the same numbers).
    public let initialSeed: UInt64
    /// The one random generator every random draw in the session comes from, passed explicitly
    /// to whatever needs it (`Kernels.RNG`; commands draw their seed with `commandSeed()`).
    public var rng: SessionRNG
    /// Real paths of the notebooks being replayed by `run`, outermost first (a notebook may not
    /// run itself, directly or through another).
    var runningFiles: [String] = []
    /// Commands run so far, numbered from 1.
    public private(set) var history: [HistoryEntry] = []
    /// Plots made so far, in order.
    public var plots: [PlotReference] = []
    /// Returns true when the user asked to stop (Ctrl-C). Defaults to the SIGINT flag of
    /// `CSupport`; tests substitute their own.
    public var cancellationRequested: @Sendable () -> Bool = { verity_sigint_pending() != 0 }
    /// Receives progress events of long commands; nil means nobody is watching (scripts, tests).
    public var progressSink: (@Sendable (ProgressEvent) -> Void)?
    /// Receives lines that long commands print as they compute them (a table row every N steps);
    /// nil means nobody is watching, and the lines only appear in the command's output.
    public var liveSink: (@Sendable (String) -> Void)?
    /// While `verity run --check` replays a notebook: plots render into this folder (same file
    /// names) instead of over the images the notebook links to, so checking changes no file.
    public var plotScratch: URL?
    /// Files a `--check` wrote to `plotScratch` instead of where the notebook names them (plots,
    /// `scale tsv=…`): notebook path → scratch path, so a later read (`plot compare`) finds them.
    public var checkRedirects: [String: String] = [:]

    /// Under `verity run --check`, where a file the notebook names is written instead — in the
    /// scratch folder, under its own file name — recorded so later reads of the path find it; nil
    /// when not checking (the file is written where it is named, under the write rules).
    public func checkScratchTarget(for path: String) -> String? {
        guard let scratch = plotScratch else { return nil }
        let target = scratch.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent).path
        checkRedirects[path] = target
        return target
    }
    /// The terminal's width in columns in an interactive session (nil in replays, tests, pipes).
    public var terminalColumns: Int?

    /// Columns for what is shown on screen (help, the REPL's tables): the terminal's width unless
    /// `set width=` chose one. Notebook outputs always use `settings.width`, so they replay alike.
    public var displayWidth: Int {
        if settings.explicitlySet.contains("width") { return settings.width }
        return terminalColumns.map { min(400, max(40, $0)) } ?? settings.width
    }
    /// Whether stdout is a terminal; `progress=auto` shows bars only then. Set by the executable.
    public var outputIsTerminal = false
    /// Where commands may read and write (FileAccess.swift): confined to a notebook's folder while
    /// one is replayed.
    public var files = FileAccess()
    /// How deeply `run FILE` calls are nested (guards against a notebook that runs itself).
    var runDepth = 0
    /// Storage behind the typed slots of Session+Slots.swift.
    var slotStorage: [ObjectIdentifier: Any] = [:]

    /// A fresh session seeded with `seed`.
    public init(seed: UInt64 = 1) {
        self.seed = seed
        self.initialSeed = seed
        self.rng = SessionRNG(seed: seed)
    }

    /// Sets the session seed and restarts the random generator from it.
    public func reseed(_ seed: UInt64) {
        self.seed = seed
        rng = SessionRNG(seed: seed)
    }

    /// Throws `CommandError.interrupted` when the user asked to stop. Long commands call this
    /// between steps, before applying a step's effects.
    public func checkCancellation() throws {
        if cancellationRequested() { throw CommandError.interrupted }
    }

    /// Starts reporting progress of `total` steps labelled `label` (shown only when a sink is set).
    public func progress(_ label: String, total: Int) -> ProgressReporter {
        let show = settings.progress == .on || (settings.progress == .auto && outputIsTerminal)
        return ProgressReporter(label: label, total: total, sink: show ? progressSink : nil)
    }

    /// Parses, validates and runs one line, recording it in the history.
    /// - Parameters:
    ///   - line: the command text.
    ///   - lineNumber: where the line came from (file line in notebooks) for error locations.
    /// - Returns: the command's output, or nil for a blank or comment line.
    /// - Throws: `CommandError` with the source line attached for caret rendering.
    @discardableResult
    public func execute(_ line: String, lineNumber: Int = 1) throws -> CommandOutput? {
        guard let parsed = try Parser.parse(line, line: lineNumber) else { return nil }
        var recorded = true  // a line that does not resolve is still numbered, marked failed
        let rngBefore = rng    // a failed command leaves the random stream where it was
        do {
            let (definition, invocation) = try Registry.resolve(parsed, settings: settings)
            recorded = definition.declaration.recorded
            let output = try definition.run(invocation, self)
            if recorded {
                remember(parsed.source, output, failed: false)
                plots += output.plots
            }
            return output
        } catch {
            rng = rngBefore
            if recorded { remember(parsed.source, .empty, failed: true) }
            guard let commandError = error as? CommandError else {
                // Errors from lower modules already say what went wrong; name the command.
                throw CommandError("\(parsed.verb): \(error)", sourceText: parsed.source)
            }
            throw commandError.attaching(source: parsed.source)
        }
    }

    private func remember(_ source: String, _ output: CommandOutput, failed: Bool) {
        history.append(HistoryEntry(number: history.count + 1, source: source, output: output, failed: failed))
    }
}
