// PipeBuffer — accumulates everything a child process writes to one pipe, on a background
// thread, so the owner can wait for a marker with a deadline instead of blocking forever.
import Foundation

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
