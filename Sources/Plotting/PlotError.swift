// PlotError — the one public error type of the Plotting module. Every case reads like advice:
// what went wrong, which input, and what to do about it.
import Foundation

/// An error from drawing a plot: gnuplot missing or failing, bad plot data, or a file problem.
public enum PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `gnuplot` executable was found on `PATH`; `written` lists the files that were still written.
    case gnuplotMissing(written: [String])
    /// gnuplot rejected a command; `message` is what it printed on stderr (`line N: …`).
    case gnuplot(message: String)
    /// The gnuplot process exited unexpectedly; the next command starts a new one.
    case processDied(detail: String)
    /// gnuplot did not answer within `seconds`; the process was stopped and will be restarted.
    case timeout(seconds: Double)
    /// The data given to a plot cannot be drawn (empty, mismatched lengths, non-positive x on a log axis…).
    case invalidData(String)
    /// The output path or terminal cannot be used.
    case invalidOutput(String)
    /// No interactive window terminal exists here (no display, or a gnuplot built without one).
    case noWindowTerminal(reason: String)
    /// Reading or writing a file failed.
    case io(String)

    public var description: String {
        switch self {
        case .gnuplotMissing(let written):
            let files = written.isEmpty ? "" : " (the data and script were still written: \(written.joined(separator: ", ")))"
            return "gnuplot is not installed or not on PATH — install it with 'apt-get install gnuplot-nox' "
                + "(or 'brew install gnuplot' on macOS)\(files)"
        case .gnuplot(let message):
            return "gnuplot reported an error: \(message)"
        case .processDied(let detail):
            return "the gnuplot process exited unexpectedly\(detail.isEmpty ? "" : ": \(detail)") — the next plot starts a new one"
        case .timeout(let seconds):
            return "gnuplot did not answer within \(seconds) s; it was stopped — check the plot command, or raise the timeout"
        case .invalidData(let message):
            return "cannot plot this data: \(message)"
        case .invalidOutput(let message):
            return "cannot write the plot: \(message)"
        case .noWindowTerminal(let reason):
            return "no plot window available: \(reason) — write a file (to=plots/NAME.png) or use the ASCII plot instead"
        case .io(let message):
            return message
        }
    }
}

extension PlotError: LocalizedError {
    public var errorDescription: String? { description }
}
