// DurableFiles — the POSIX calls behind crash-safe checkpoint saves: writing a file and forcing it
// to disk (fsync), forcing a directory's entries to disk (a rename or a new file is only durable
// once its directory is synced), creating missing folders durably, and an advisory lock on a
// folder so two processes saving beside each other do not tidy away each other's work.
// Errors carry the operation, the path and errno's text; callers turn them into advice.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failed file-system call: what was attempted, on which path, and why.
struct FileSystemFailure: Error, CustomStringConvertible {
    var operation: String
    var path: String
    var code: Int32

    /// Captures `errno` right after the failing call.
    init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}

enum DurableFiles {
    /// Creates `path` (which must not exist), writes `data` and syncs it to disk before returning.
    static func writeFile(_ data: Data, to path: String) throws(FileSystemFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw FileSystemFailure("create", path) }
        var failure: FileSystemFailure?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }   // empty data: nothing to write
            var offset = 0
            while offset < raw.count {
                let written = write(fd, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = FileSystemFailure("write", path)
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = FileSystemFailure("sync", path) }
        if close(fd) != 0, failure == nil { failure = FileSystemFailure("close", path) }
        if let failure { throw failure }
    }

    /// Forces the entries of directory `path` (new names, renames, removals) to disk.
    static func syncDirectory(_ path: String) throws(FileSystemFailure) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemFailure("open the folder", path) }
        defer { close(fd) }
        // Some file systems cannot sync a directory (EINVAL); their renames are as durable as they get.
        guard fsync(fd) == 0 || errno == EINVAL else { throw FileSystemFailure("sync the folder", path) }
    }

    /// Creates directory `path` and any missing parents, syncing each parent that gained an entry.
    static func createDirectories(_ path: String) throws(FileSystemFailure) {
        var missing: [String] = []
        var probe = path
        var status = stat()
        while stat(probe, &status) != 0 {
            guard errno == ENOENT else { throw FileSystemFailure("inspect", probe) }
            missing.insert(probe, at: 0)
            let up = (probe as NSString).deletingLastPathComponent
            if up == probe || up.isEmpty { break }
            probe = up
        }
        if missing.isEmpty, (status.st_mode & S_IFMT) != S_IFDIR { throw FileSystemFailure("use as a folder", path, code: ENOTDIR) }
        for directory in missing {
            if mkdir(directory, 0o777) != 0 && errno != EEXIST { throw FileSystemFailure("create the folder", directory) }
            try syncDirectory((directory as NSString).deletingLastPathComponent)
        }
    }

    /// Renames `from` to `to` (same folder) with rename(2).
    static func renameItem(_ from: String, _ to: String) throws(FileSystemFailure) {
        guard rename(from, to) == 0 else { throw FileSystemFailure("rename \(from) to", to) }
    }
}

/// An exclusive advisory lock (flock) on a folder, held while a checkpoint beside others in it is
/// replaced, recovered or removed. The kernel drops it when the process dies, so a killed save
/// never leaves the folder locked.
final class FolderLock {
    private let fd: Int32

    /// Blocks until the lock on folder `path` is held.
    init(_ path: String) throws(FileSystemFailure) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemFailure("open the folder", path) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let failure = FileSystemFailure("lock the folder", path)
                close(fd)
                throw failure
            }
        }
        self.fd = fd
    }

    deinit { close(fd) }   // closing the descriptor releases the lock
}
