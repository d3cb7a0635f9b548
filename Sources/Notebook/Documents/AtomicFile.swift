// AtomicFile — writes files so that a crash never leaves a half-written file where a good one was.
import Foundation

/// Atomic file writes with errors that name the path.
public enum AtomicFile {
    /// Writes `data` to `path` through a temporary file and a rename, creating missing parent
    /// directories.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw CommandError("cannot write '\(path)': \(error.localizedDescription) — check the directory exists and is writable")
        }
    }

    /// Writes UTF-8 text.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
