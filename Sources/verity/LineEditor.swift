// LineEditor — libedit (readline-compatible API) behind a small Swift type: reading a line with a
// prompt, persistent history saved atomically after every line, and tab completion computed by
// `Notebook.Completion` from the command declarations.
import CEditline
import CSupport
import Foundation
import Notebook

/// What reading a line produced.
enum LineInput {
    /// A line of text.
    case line(String)
    /// Bytes that are not UTF-8 (reported as an error; the REPL carries on).
    case invalidText
    /// Ctrl-C at the prompt: the line was abandoned.
    case interrupted
    /// Ctrl-D on an empty line, or end of input.
    case end
}

/// Interactive line reading on libedit.
final class LineEditor {
    private let historyPath: String

    /// Prepares libedit: completion hook, history limit, and the saved history from `historyPath`.
    init(historyPath: String) {
        self.historyPath = historyPath
        using_history()
        stifle_history(2000)
        verity_rl_install_completion(verityComplete)
        _ = read_history(historyPath)
    }

    /// The history file: `$VERITY_HISTORY`, else `~/.verity_history`.
    static var defaultHistoryPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["VERITY_HISTORY"], !path.isEmpty { return path }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.verity_history"
    }

    /// Reads one line after showing `prompt`.
    func read(prompt: String) -> LineInput {
        guard let pointer = readline(prompt) else {
            if verity_sigint_pending() != 0 {
                verity_sigint_clear()
                return .interrupted
            }
            return .end
        }
        defer { free(pointer) }
        guard let text = String(validatingCString: pointer) else { return .invalidText }
        return .line(text)
    }

    /// Adds a line to the history and saves the history file (through a temporary file and a
    /// rename, so an interrupted save never truncates it).
    func remember(_ line: String) {
        add_history(line)
        let temporary = historyPath + ".tmp-\(getpid())"
        if write_history(temporary) == 0 {
            _ = rename(temporary, historyPath)
        } else {
            _ = unlink(temporary)
        }
    }
}

/// The completion hook libedit calls on Tab: returns a NULL-terminated, malloc'd array whose first
/// entry replaces the word (the common prefix) and whose others are the matches to list.
private func verityComplete(_ text: UnsafePointer<CChar>?, _ start: Int32,
                            _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    verity_rl_completion_over()
    guard let buffer = verity_rl_line_buffer() else { return nil }
    let bytes = Array(String(cString: buffer).utf8.prefix(max(0, Int(end))))
    let result = Completion.complete(String(decoding: bytes, as: UTF8.self))
    let candidates = result.candidates
    guard let first = candidates.first else { return nil }
    var common = first
    for candidate in candidates.dropFirst() {
        while !candidate.hasPrefix(common) { common.removeLast() }
    }
    let expectsMore = candidates.count == 1 && (first.hasSuffix("=") || first.hasSuffix("/"))
    verity_rl_set_append_character(candidates.count == 1 && !expectsMore ? 0x20 : 0)
    // libedit reads matches[2] to recognise a single match, so one match is sent as
    // [match, match, NULL] (substitution plus the one candidate), as GNU readline also accepts.
    let entries = [candidates.count == 1 ? first : common] + candidates
    guard let array = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1))?
        .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1) else { return nil }
    for (index, entry) in entries.enumerated() { array[index] = strdup(entry) }
    array[entries.count] = nil
    return array
}
