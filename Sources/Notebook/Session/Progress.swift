// Progress — how long commands report progress without printing: they update a reporter, the
// reporter forwards throttled events to a sink the executable installs when stdout is a terminal.
import Foundation

/// A snapshot of a long command's progress.
public struct ProgressEvent: Sendable, Equatable {
    /// What is being done (`rl`, `sample`).
    public var label: String
    /// Steps done.
    public var completed: Int
    /// Steps in all.
    public var total: Int
    /// Seconds since the command started.
    public var elapsed: Double
    /// True for the last event of a run (the sink clears its line).
    public var finished: Bool

    /// Estimated seconds left, from the average pace so far; nil before the first step.
    public var remaining: Double? {
        guard completed > 0, total >= completed else { return nil }
        return elapsed / Double(completed) * Double(total - completed)
    }
}

/// Reports the progress of one long command.
public final class ProgressReporter {
    private let label: String
    private let total: Int
    private let sink: (@Sendable (ProgressEvent) -> Void)?
    private let start = Date()
    private var lastSent = Date.distantPast

    init(label: String, total: Int, sink: (@Sendable (ProgressEvent) -> Void)?) {
        self.label = label
        self.total = max(total, 1)
        self.sink = sink
    }

    /// Records that `completed` steps are done; sends at most ten events a second.
    public func update(_ completed: Int) {
        guard let sink else { return }
        let now = Date()
        guard now.timeIntervalSince(lastSent) >= 0.1 || completed >= total else { return }
        lastSent = now
        sink(ProgressEvent(label: label, completed: min(completed, total), total: total,
                           elapsed: now.timeIntervalSince(start), finished: false))
    }

    /// Ends the report (call on every exit path, e.g. with `defer`).
    public func finish() {
        sink?(ProgressEvent(label: label, completed: total, total: total,
                            elapsed: Date().timeIntervalSince(start), finished: true))
    }
}
