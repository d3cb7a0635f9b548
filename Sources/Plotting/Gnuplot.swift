// Gnuplot — one long-lived `gnuplot` process on pipes. Commands go to its stdin; after them we
// print a unique marker on stderr and on stdout and read both pipes up to it, so we know the
// commands finished and which error messages (`line N: …`) belong to them. Never blocks past a
// timeout; a dead or stuck process is replaced by a new one on the next command. The pipes are
// drained by reader threads into `PipeBuffer`s, which the owner waits on with a deadline.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What gnuplot printed for one batch of commands that succeeded.
public struct GnuplotReply: Sendable, Equatable {
    /// Everything written to stdout (the `dumb` terminal's drawing, `print` output).
    public var output: String
    /// Warning lines from stderr (`warning: …`), which do not make the command fail.
    public var warnings: [String]
}

/// A gnuplot process behind a small API: run commands, get stdout back, errors as throws.
///
/// Not thread-safe: one session owns one `Gnuplot` and calls it from one task at a time.
public final class Gnuplot {
    /// The executable name or path (resolved on `PATH` when it has no slash).
    public let executable: String
    /// Seconds to wait for gnuplot to finish one batch of commands before stopping it.
    public var timeout: Double

    private var process: Process?
    private var input: FileHandle?
    private var stdoutBuffer: PipeBuffer?
    private var stderrBuffer: PipeBuffer?
    private var markerCounter = 0

    /// Prepares a gnuplot connection; the process starts lazily on the first command.
    /// - Parameters:
    ///   - executable: `gnuplot` by default; a path or another name on `PATH`.
    ///   - timeout: seconds allowed per batch of commands (30 by default: big PNGs take ~1 s).
    public init(executable: String = "gnuplot", timeout: Double = 30) {
        self.executable = executable
        self.timeout = timeout
    }

    deinit { close() }

    /// True when a `gnuplot` executable is found on `PATH`.
    public static var isAvailable: Bool { locate("gnuplot") != nil }

    /// Finds an executable by name on `PATH` (or checks a path containing a slash).
    static func locate(_ name: String) -> String? {
        let fileManager = FileManager.default
        if name.contains("/") { return fileManager.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The running process's id (tests check that a stuck process is really gone).
    var processID: Int32? { process?.processIdentifier }

    /// True while a gnuplot process is running for this connection.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// Stops the gnuplot process, if any. The next command starts a new one.
    public func close() {
        stop(closingInput: true)
    }

    /// Stops the process. `closingInput: false` leaves the stdin handle to a writer thread that may
    /// still be blocked in it: the process's death makes that write fail, and the handle closes
    /// when the thread lets go of it — closing it under the thread could hand its descriptor
    /// number to an unrelated file.
    private func stop(closingInput: Bool, force: Bool = false) {
        if let process, process.isRunning {
            process.terminate()
            if force {
                // gnuplot defers SIGTERM while it sits in `pause`; a stuck process gets 0.2 s to
                // exit and is then killed, so no orphan outlives the timeout.
                let limit = Date().addingTimeInterval(0.2)
                while process.isRunning && Date() < limit { usleep(10_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
        }
        if closingInput, let input { try? input.close() }
        process = nil
        input = nil
        stdoutBuffer = nil
        stderrBuffer = nil
    }

    /// Runs a batch of gnuplot commands and returns what they printed on stdout.
    ///
    /// `set print "-"` is in force, so `print` writes to the returned output. Any stderr line that
    /// is not a warning becomes a thrown `PlotError.gnuplot`; the process keeps running afterwards.
    @discardableResult
    public func run(_ commands: String) throws -> GnuplotReply {
        try startIfNeeded()
        guard let input, let stdoutBuffer, let stderrBuffer else {
            throw PlotError.processDied(detail: "no pipes to gnuplot")
        }
        markerCounter += 1
        let marker = "__verity_done_\(markerCounter)_\(UInt32.random(in: 0...UInt32.max))__"
        // The stderr marker is printed first: gnuplot is sequential, so every error message
        // caused by `commands` is already on stderr when it appears.
        let script = "set print \"-\"\n\(commands)\nset print\nprint \"\(marker)\"\nset print \"-\"\nprint \"\(marker)\"\n"
        let deadline = Date().addingTimeInterval(timeout)
        switch Self.write(Data(script.utf8), to: input, deadline: deadline) {
        case .written:
            break
        case .failed(let reason):
            let said = stderrBuffer.drain()
            close()
            throw PlotError.processDied(detail: said.isEmpty ? "writing to it failed (\(reason))" : clean(said))
        case .timedOut:
            // A gnuplot that stopped reading (e.g. waiting in `pause`) blocks a large write once the
            // pipe is full; stopping the process makes the blocked write fail and its thread end.
            stop(closingInput: false, force: true)
            throw PlotError.timeout(seconds: timeout)
        }
        guard let errors = stderrBuffer.take(upTo: marker, deadline: deadline),
              let output = stdoutBuffer.take(upTo: marker, deadline: deadline) else {
            let died = stderrBuffer.isClosed || stdoutBuffer.isClosed || !(process?.isRunning ?? false)
            let said = clean(stderrBuffer.drain())
            stop(closingInput: true, force: true)
            if died { throw PlotError.processDied(detail: said) }
            throw PlotError.timeout(seconds: timeout)
        }
        let (warnings, failures) = Self.classify(stderr: errors)
        if !failures.isEmpty { throw PlotError.gnuplot(message: failures.joined(separator: "\n")) }
        return GnuplotReply(output: output, warnings: warnings)
    }

    enum WriteOutcome: Sendable { case written, failed(String), timedOut }

    /// Writes `data` on a helper thread and waits for it until `deadline`, so a process that
    /// stopped reading cannot block the caller forever.
    static func write(_ data: Data, to handle: FileHandle, deadline: Date) -> WriteOutcome {
        let result = WriteBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do { try handle.write(contentsOf: data) } catch { result.set(.failed("\(error)")) }
            done.signal()
        }
        thread.start()
        let seconds = max(0, deadline.timeIntervalSinceNow)
        guard done.wait(timeout: .now() + seconds) == .success else { return .timedOut }
        return result.get()
    }

    /// Splits gnuplot's stderr for one batch into warnings and error messages.
    ///
    /// gnuplot echoes the offending input line and a caret before `line N: message`; the echo is
    /// kept with the message because it names the command that failed.
    static func classify(stderr: String) -> (warnings: [String], failures: [String]) {
        var warnings: [String] = []
        var failures: [String] = []
        var pending: [String] = []
        for raw in stderr.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.lowercased().contains("warning:") {
                warnings.append(line)
                pending.removeAll()
            } else if line == "^" {
                continue
            } else if line.hasPrefix("gnuplot>") {
                pending.append(String(line.dropFirst("gnuplot>".count)).trimmingCharacters(in: .whitespaces))
            } else {
                let context = pending.isEmpty ? "" : " (in: \(pending.joined(separator: " ")))"
                failures.append(line + context)
                pending.removeAll()
            }
        }
        return (warnings, failures)
    }

    /// The names of all terminals this gnuplot knows (from its `GPVAL_TERMINALS` variable, the
    /// same list `set terminal` prints).
    public func terminals() throws -> [String] {
        let reply = try run("print GPVAL_TERMINALS")
        return reply.output.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }

    /// The interactive window terminal to use, or a thrown `PlotError.noWindowTerminal` that says
    /// why there is none (no `$DISPLAY`, or a gnuplot built without `qt`/`wxt`/`x11`).
    public func windowTerminal() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let display = environment["DISPLAY"] ?? environment["WAYLAND_DISPLAY"] ?? ""
        let known = try terminals()
        #if os(macOS)
        let preferred = ["qt", "aqua", "wxt", "x11"]
        let needsDisplay = false
        #else
        let preferred = ["qt", "wxt", "x11"]
        let needsDisplay = true
        #endif
        guard let found = preferred.first(where: { known.contains($0) }) else {
            throw PlotError.noWindowTerminal(reason: "this gnuplot has no window terminal (qt, wxt or x11); "
                + "install gnuplot-qt or gnuplot-x11 for one")
        }
        if needsDisplay && display.isEmpty {
            throw PlotError.noWindowTerminal(reason: "no display ($DISPLAY is not set)")
        }
        return found
    }

    private func startIfNeeded() throws {
        if let process, process.isRunning, input != nil { return }
        close()
        guard let path = Self.locate(executable) else { throw PlotError.gnuplotMissing(written: []) }
        // A write to a pipe whose reader died must come back as an error, not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = []
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        do {
            try process.run()
        } catch {
            throw PlotError.processDied(detail: "could not start \(path): \(error)")
        }
        self.process = process
        self.input = inPipe.fileHandleForWriting
        self.stdoutBuffer = PipeBuffer(reading: outPipe.fileHandleForReading)
        self.stderrBuffer = PipeBuffer(reading: errPipe.fileHandleForReading)
    }

    private func clean(_ text: String) -> String {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

// MARK: - PipeBuffer — accumulates everything a child process writes to one pipe, on a background
// thread, so the owner can wait for a marker with a deadline instead of blocking forever.

/// Bytes read from one pipe, filled by a reader thread and consumed by the `Gnuplot` owner.
///
/// All state is guarded by `condition`; that is why the class can be `@unchecked Sendable`.
final class PipeBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private var data = Data()
    private var closed = false

    /// Starts a thread that reads `handle` until end of file.
    init(reading handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                // availableData blocks until bytes arrive; empty data means the writer closed the pipe.
                let chunk = handle.availableData
                condition.lock()
                if chunk.isEmpty { closed = true } else { data.append(chunk) }
                condition.broadcast()
                condition.unlock()
                if chunk.isEmpty { return }
            }
        }
        thread.start()
    }

    /// True once the writing end was closed (the process exited).
    var isClosed: Bool {
        condition.lock(); defer { condition.unlock() }
        return closed
    }

    /// Waits until `marker` followed by a newline appears, the pipe closes, or `deadline` passes.
    /// Returns the text before the marker and removes it (and the marker line) from the buffer;
    /// returns nil on timeout or end of file.
    func take(upTo marker: String, deadline: Date) -> String? {
        let needle = Data((marker + "\n").utf8)
        condition.lock(); defer { condition.unlock() }
        while true {
            if let range = data.range(of: needle) {
                let before = data.subdata(in: data.startIndex..<range.lowerBound)
                data.removeSubrange(data.startIndex..<range.upperBound)
                return String(decoding: before, as: UTF8.self)
            }
            if closed { return nil }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    /// Removes and returns everything buffered so far (used to report what a dying process said).
    func drain() -> String {
        condition.lock(); defer { condition.unlock() }
        let text = String(decoding: data, as: UTF8.self)
        data.removeAll()
        return text
    }
}

/// The outcome of a write, set by the writer thread and read after it signalled.
private final class WriteBox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: Gnuplot.WriteOutcome = .written
    func set(_ value: Gnuplot.WriteOutcome) { lock.lock(); outcome = value; lock.unlock() }
    func get() -> Gnuplot.WriteOutcome { lock.lock(); defer { lock.unlock() }; return outcome }
}
