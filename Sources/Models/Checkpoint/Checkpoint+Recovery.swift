// What an interrupted save leaves beside a checkpoint directory NAME, and how it is tidied:
//   .NAME.tmp-<uuid>   a new checkpoint being written (or an old one being removed) — never
//                      complete by construction, so always removed;
//   .NAME.old-<uuid>   the previous checkpoint moved aside — the only copy when the process died
//                      between the two renames (NAME is then missing), so it is moved back into
//                      place; once NAME exists it is stale and removed.
// Only entries of exactly this shape (the suffix is a UUID) count, so a sibling whose own name
// starts with NAME (say `NAME.tmp-1`) is never touched. Every step holds the parent folder's lock.

import Foundation

/// What tidying the leftovers of interrupted saves beside a checkpoint did.
public struct InterruptedSaveCleanup: Sendable, Equatable {
    /// The `.NAME.old-…` directory moved back to NAME (NAME was missing), if any.
    public var recovered: String?
    /// Leftover directories removed.
    public var removed: [String] = []
}

extension Checkpoint {
    /// A leftover of an interrupted save of checkpoint `name`.
    enum Leftover: Equatable {
        case temporary, aside
    }

    /// The kind of `entry` when it is a leftover of saving checkpoint `name`, else nil.
    static func leftover(_ entry: String, of name: String) -> Leftover? {
        for (marker, kind) in [(".tmp-", Leftover.temporary), (".old-", .aside)] {
            let prefix = "." + name + marker
            guard entry.hasPrefix(prefix) else { continue }
            let tag = String(entry.dropFirst(prefix.count))
            if tag.count == 36, UUID(uuidString: tag) != nil { return kind }
        }
        return nil
    }

    /// The checkpoint names in `folder` that have leftovers of interrupted saves (for a caller
    /// that writes many checkpoints into one folder and tidies them all).
    public static func namesWithLeftovers(in folder: URL) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var names = Set<String>()
        for entry in entries where entry.hasPrefix(".") && entry.count > 42 {
            // ".NAME.tmp-<36>": NAME is what lies between the leading dot and the 41-character tail.
            let name = String(entry.dropFirst().dropLast(41))
            if !name.isEmpty, leftover(entry, of: name) != nil { names.insert(name) }
        }
        return names.sorted()
    }

    /// Removes the leftovers of interrupted saves of checkpoint `url`; when `url` is missing and an
    /// aside copy holds a checkpoint (it has config.json), moves the newest such copy back first.
    /// Leftovers that cannot be removed are left for the next save (they only cost space).
    @discardableResult
    public static func cleanUpInterruptedSaves(of url: URL) throws(CheckpointError) -> InterruptedSaveCleanup {
        let (parent, name) = try parentAndName(url)
        guard FileManager.default.fileExists(atPath: parent.path) else { return InterruptedSaveCleanup() }
        let lock: FolderLock
        do { lock = try FolderLock(parent.path) } catch {
            throw .saveFailed(directory: url.path, reason: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        return try cleanUpLocked(parent: parent, name: name, recoverWhen: { hasConfig($0) })
    }

    /// For `model load`: when `url` is missing because a save was interrupted between its two
    /// renames, moves the previous checkpoint (the newest `.NAME.old-…` that loads) back into place.
    /// - Returns: the aside directory that was moved back, or nil when there was nothing to recover.
    /// - Throws: when `url` is missing and an aside copy exists but none loads, or the rename fails.
    public static func recoverInterruptedSave(at url: URL) throws(CheckpointError) -> String? {
        let (parent, name) = try parentAndName(url)
        let target = parent.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: target.path), FileManager.default.fileExists(atPath: parent.path) else { return nil }
        let lock: FolderLock
        do { lock = try FolderLock(parent.path) } catch {
            throw .recoveryFailed(directory: target.path, reason: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        let asides = leftovers(in: parent, of: name).filter { $0.kind == .aside }.map(\.path)
        guard !asides.isEmpty else { return nil }
        var reasons: [String] = []
        for aside in newestFirst(asides) {
            do {
                _ = try load(from: URL(fileURLWithPath: aside))
            } catch {
                reasons.append("\((aside as NSString).lastPathComponent): \(error)")
                continue
            }
            do {
                try DurableFiles.renameItem(aside, target.path)
                try DurableFiles.syncDirectory(parent.path)
            } catch {
                throw .recoveryFailed(directory: target.path, reason: "\(error)")
            }
            return aside
        }
        throw .recoveryFailed(directory: target.path,
                              reason: "it is missing after an interrupted save, and no copy left beside it loads (\(reasons.joined(separator: "; ")))")
    }

    /// Removes checkpoint directory `url` without ever leaving a half-removed checkpoint under its
    /// name: it is first renamed to a `.NAME.tmp-…` leftover, which a crash leaves for the next
    /// save to remove.
    public static func remove(at url: URL) throws(CheckpointError) {
        let (parent, name) = try parentAndName(url)
        let lock: FolderLock
        do { lock = try FolderLock(parent.path) } catch {
            throw .removeFailed(directory: url.path, reason: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        let doomed = parent.appendingPathComponent(".\(name).tmp-\(UUID().uuidString)")
        do {
            try DurableFiles.renameItem(parent.appendingPathComponent(name).path, doomed.path)
            try DurableFiles.syncDirectory(parent.path)
        } catch {
            throw .removeFailed(directory: url.path, reason: "\(error)")
        }
        try? FileManager.default.removeItem(at: doomed)
    }

    /// The tidying step, with the parent folder's lock held. `recoverWhen` decides whether an
    /// aside copy is worth moving back when NAME is missing.
    static func cleanUpLocked(parent: URL, name: String, recoverWhen: (String) -> Bool) throws(CheckpointError) -> InterruptedSaveCleanup {
        let fm = FileManager.default
        let target = parent.appendingPathComponent(name)
        var result = InterruptedSaveCleanup()
        let found = leftovers(in: parent, of: name)
        if !fm.fileExists(atPath: target.path),
           let aside = newestFirst(found.filter { $0.kind == .aside }.map(\.path)).first(where: recoverWhen) {
            do {
                try DurableFiles.renameItem(aside, target.path)
                try DurableFiles.syncDirectory(parent.path)
            } catch {
                throw .recoveryFailed(directory: target.path, reason: "\(error)")
            }
            result.recovered = aside
        }
        for leftover in found where leftover.path != result.recovered {
            // An aside copy is stale only once NAME exists; without NAME and without config.json it is debris.
            if leftover.kind == .aside, !fm.fileExists(atPath: target.path), recoverWhen(leftover.path) { continue }
            if (try? fm.removeItem(atPath: leftover.path)) != nil { result.removed.append(leftover.path) }
        }
        if !result.removed.isEmpty { try? DurableFiles.syncDirectory(parent.path) }
        return result
    }

    /// The leftovers of checkpoint `name` in `parent`, as full paths with their kind.
    static func leftovers(in parent: URL, of name: String) -> [(path: String, kind: Leftover)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        return entries.sorted().compactMap { entry in
            leftover(entry, of: name).map { (parent.appendingPathComponent(entry).path, $0) }
        }
    }

    /// Paths ordered by modification time, newest first (ties by name, for a stable order).
    static func newestFirst(_ paths: [String]) -> [String] {
        func modified(_ path: String) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return paths.map { ($0, modified($0)) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 > $1.0 }.map(\.0)
    }

    /// Whether `path` is a directory holding config.json (what marks a checkpoint).
    static func hasConfig(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(configFile))
    }

    /// The parent folder and the last path component of a checkpoint path, validated.
    static func parentAndName(_ url: URL) throws(CheckpointError) -> (parent: URL, name: String) {
        let target = url.standardizedFileURL
        let name = target.lastPathComponent
        guard !name.isEmpty, name != "/", name != ".", name != ".." else {
            throw .refusingToReplace(path: url.path, reason: "the path has no directory name")
        }
        return (target.deletingLastPathComponent(), name)
    }
}
