// RegularFile — what a path is, checked before reading it as a file. Reading a folder fails with
// a message about permissions or Cocoa error numbers, and reading a device or a FIFO may never end,
// so every reader of user-named files asks here first and names the kind in its error.
import Foundation

/// The check shared by the readers of data sets, notebooks and scripts.
public enum RegularFile {
    /// Throws unless `path` is a regular file (after following links), saying what it is instead
    /// and what was `wanted` ("a JSONL file — give the path of a .jsonl file").
    public static func require(_ path: String, wanted: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "there is no such file" : String(cString: strerror(errno))
            throw TasksError("cannot read \(path): \(reason) — check the path")
        }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a folder"
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw TasksError("cannot read \(path): it is \(kind), not \(wanted)")
    }
}
