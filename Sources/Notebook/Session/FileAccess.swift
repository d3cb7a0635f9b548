// FileAccess — the one place that decides whether a command may read or write a path.
//
// Threat model: a notebook or script is shared like a document, so replaying one must not be able
// to hurt the person who runs it. Verity's command language has no shell and runs no code, so the
// only ways a notebook reaches the outside are the files it reads and writes (and the servers it
// talks to, which it can only feed with what it can read). Hence two rules:
// - Always (typed commands too): a write never replaces anything but a regular file, never a
//   symbolic link, device, FIFO, socket or folder, and never a file that is read-only (a file
//   without its owner's write bit stays untouched even for root). Checkpoint folders are the one
//   kind of folder a write may replace; `model save` recognises them itself.
// - While a notebook or script is replayed (`verity run FILE`, `run FILE`): every path it reads or
//   writes must lie, after resolving symbolic links, inside the notebook's own folder or a folder
//   the user allowed explicitly (`verity run --allow DIR`, `run FILE allow=DIR`). Reading a folder
//   (a checkpoint) checks what is in it too: a folder inside whose files link outside is refused.
// The check runs just before the write; a file swapped for a link in between is outside this model.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the session's commands may read and write.
public struct FileAccess: Sendable, Equatable {
    /// Real paths of the folders a replayed notebook is confined to; nil when nothing is replayed.
    public var roots: [String]?
    /// Real paths of folders the user allowed in addition to the notebook's own.
    public var allowed: [String] = []

    public init() {}

    /// Confines to the folder holding `file` plus `allowed`, unless already confined (a notebook run
    /// by a replayed notebook stays within the outer one's area).
    /// - Returns: the previous state, to restore after the replay.
    mutating func confine(toFolderOf file: String, allowing extra: [String]) -> FileAccess {
        let previous = self
        if roots == nil {
            let folder = (FileAccess.absolute(file) as NSString).deletingLastPathComponent
            roots = [FileAccess.resolved(folder)]
            allowed += extra.map { FileAccess.resolved(FileAccess.absolute($0)) }
        }
        return previous
    }

    /// Checks that a command may read `path`.
    /// - Throws: when a replayed notebook reaches outside its area.
    public func checkRead(_ path: String) throws {
        try checkArea(path, verb: "read")
        guard roots != nil else { return }
        // A folder is read through its entries (a checkpoint's config.json, weights, tokenizer …):
        // each, links resolved, must lie in the area too. Checkpoints are shallow; the walk is bounded.
        var pending = [(path: FileAccess.absolute(path), depth: 0)]
        var seen = 0
        while let (folder, depth) = pending.popLast() {
            var status = stat()
            guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR,
                  let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for entry in entries.sorted() {
                seen += 1
                guard seen <= 10_000 else {
                    throw CommandError("refusing to read '\(path)': the folder holds more than 10,000 entries, which a checkpoint never does")
                }
                let inner = folder + "/" + entry
                try checkArea(inner, verb: "read", shown: "\(entry)' in '\(depth == 0 ? path : folder)")
                if depth < 3 { pending.append((inner, depth + 1)) }
            }
        }
    }

    /// Checks that a command may write `path` (a file, or with `folder` a checkpoint folder).
    /// - Throws: for a special file, a link, a read-only file, or a path outside the replay area.
    public func checkWrite(_ path: String, folder: Bool = false) throws {
        var status = stat()
        if lstat(path, &status) == 0 {
            let type = status.st_mode & S_IFMT
            if type == S_IFLNK {
                throw CommandError("refusing to write '\(path)': it is a symbolic link, and Verity never writes through links — give the real path")
            }
            if type == S_IFDIR && !folder {
                throw CommandError("refusing to write '\(path)': it is a folder — give a file name")
            }
            if type != S_IFREG && type != S_IFDIR {
                throw CommandError("refusing to write '\(path)': it is not a regular file (a device, FIFO or socket), and Verity only replaces regular files")
            }
            if type == S_IFREG && ((status.st_mode & S_IWUSR) == 0 || access(path, W_OK) != 0) {
                throw CommandError("refusing to write '\(path)': the file is read-only, and Verity does not replace files you cannot write — make it writable (chmod u+w) or choose another name")
            }
        }
        try checkArea(path, verb: "write")
    }

    private func checkArea(_ path: String, verb: String, shown: String? = nil) throws {
        guard let roots else { return }
        let real = FileAccess.resolved(FileAccess.absolute(path))
        let areas = roots + allowed
        if areas.contains(where: { real == $0 || real.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) { return }
        let folder = roots.first ?? "."
        throw CommandError("refusing to \(verb) '\(shown ?? path)': it is outside the replayed notebook's folder \(folder), "
                           + "and a notebook may only \(verb) inside its own folder — to allow another folder, replay it "
                           + "with 'verity run FILE --allow DIR' (or 'run FILE allow=DIR')")
    }

    /// `path` made absolute against the working directory, with `.` and `..` removed lexically.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() } } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// An absolute path with every symbolic link resolved: the real path of its longest existing
    /// prefix, then the components that do not exist yet.
    static func resolved(_ absolutePath: String) -> String {
        var existing = absolutePath
        var rest: [String] = []
        while existing != "/" {
            var status = stat()
            if lstat(existing, &status) == 0 { break }
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        var base = existing
        if let real = realpath(existing, nil) {
            base = String(cString: real)
            free(real)
        }
        let joined = ([base == "/" ? "" : base] + rest).joined(separator: "/")
        return joined.isEmpty ? "/" : joined
    }
}
