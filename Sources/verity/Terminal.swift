// Terminal — the executable's side of output: printing command results, errors and progress bars.
// (Nothing in the Notebook module prints; this is where its values meet the terminal.)
import CEditline
import Foundation
import Notebook

/// Printing helpers and session set-up shared by the REPL and `verity run`.
enum Terminal {
    /// Whether stdout is a terminal.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// The terminal's width in columns, when stdout is one that reports it.
    static var terminalColumns: Int? {
        guard stdoutIsTerminal else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Writes one line to stdout.
    static func out(_ line: String) {
        verity_fputs_stdout(line + "\n")
    }

    /// Writes one line (or several) to stderr, after flushing stdout so the order is kept.
    static func err(_ text: String) {
        verity_fputs_stdout("")
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a command's output.
    static func print(_ output: CommandOutput, width: Int) {
        for line in output.renderedLines(width: width).dropFirst(output.shownLive) { out(line) }
    }

    /// Prints a line a command computed while it runs, clearing a progress bar drawn on the same
    /// terminal first (the bar redraws itself on its next update).
    static func live(_ line: String) {
        if isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        out(line)
    }

    /// A session wired to this process: SIGINT cancellation (the default) and progress bars on
    /// stderr when stdout is a terminal.
    static func makeSession(seed: UInt64) -> Session {
        let session = Session(seed: seed)
        session.outputIsTerminal = stdoutIsTerminal
        session.progressSink = { event in drawProgress(event) }
        session.liveSink = { line in live(line) }
        return session
    }

    /// `label [#########---------]  12/50  24%  ETA 1.2 s`, redrawn in place; cleared when done.
    static func drawProgress(_ event: ProgressEvent) {
        var text = "\r\u{1B}[K"
        if !event.finished {
            let width = 30
            let filled = event.total > 0 ? width * event.completed / event.total : 0
            let percent = event.total > 0 ? 100 * event.completed / event.total : 0
            text += "\(event.label) [" + String(repeating: "#", count: filled)
                + String(repeating: "-", count: width - filled) + "] \(event.completed)/\(event.total) \(percent)%"
            if let remaining = event.remaining { text += "  ETA " + Format.duration(remaining) }
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
