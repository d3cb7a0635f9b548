// Replacing a checkpoint directory without ever exposing a half-written one, and so that a
// completed save survives a crash of the machine:
//   0. with the parent folder locked, tidy what earlier interrupted saves left (Checkpoint+Recovery:
//      move a lone `.<name>.old-…` copy back if <name> is missing, remove stale `.tmp-`/`.old-`);
//   1. write every file into `.<name>.tmp-<uuid>` beside the target, fsync each file and the folder;
//   2. if the target exists, rename it aside to `.<name>.old-<uuid>`;
//   3. rename the new directory into place (rename(2) of a directory is atomic), fsync the parent;
//   4. remove the old one.
// A crash before 3 leaves the old checkpoint in place plus a temporary directory the next save
// removes; a crash between 2 and 3 leaves it intact under the `.old-` name, which the next save or
// `model load` moves back. A failure at 3 renames it back at once.

import Foundation

extension Checkpoint {
    /// Writes `files` (name, bytes) as the directory `url`, replacing any checkpoint there.
    static func writeDirectory(_ files: [(String, Data)], to url: URL) throws(CheckpointError) {
        let fm = FileManager.default
        let (parent, name) = try parentAndName(url)
        let target = parent.appendingPathComponent(name)
        func failed(_ reason: String) -> CheckpointError { .saveFailed(directory: target.path, reason: reason) }
        do {
            try DurableFiles.createDirectories(parent.path)
        } catch {
            throw failed("\(error)")
        }
        let lock: FolderLock
        do { lock = try FolderLock(parent.path) } catch { throw failed("\(error)") }
        defer { withExtendedLifetime(lock) {} }
        _ = try cleanUpLocked(parent: parent, name: name, recoverWhen: { hasConfig($0) })

        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: target.path, isDirectory: &isDirectory)
        if exists {
            // Guard against `save ~` or `save .`-style accidents wiping unrelated data.
            guard isDirectory.boolValue else { throw .refusingToReplace(path: target.path, reason: "it is a file, not a checkpoint directory") }
            let contents = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
            guard contents.isEmpty || contents.contains(configFile) else {
                throw .refusingToReplace(path: target.path, reason: "it is a non-empty directory without \(configFile), so it is not a checkpoint")
            }
        }

        let tag = UUID().uuidString
        let temporary = parent.appendingPathComponent(".\(name).tmp-\(tag)")
        do {
            guard mkdir(temporary.path, 0o777) == 0 else { throw FileSystemFailure("create the folder", temporary.path) }
            for (file, data) in files {
                try DurableFiles.writeFile(data, to: temporary.appendingPathComponent(file).path)
            }
            try DurableFiles.syncDirectory(temporary.path)
        } catch {
            try? fm.removeItem(at: temporary)
            throw failed("\(error)")
        }

        if !exists {
            do {
                try DurableFiles.renameItem(temporary.path, target.path)
            } catch {
                try? fm.removeItem(at: temporary)
                throw failed("cannot move the new checkpoint into place: \(error)")
            }
            try syncParent(parent, of: target)
            return
        }
        let aside = parent.appendingPathComponent(".\(name).old-\(tag)")
        do {
            try DurableFiles.renameItem(target.path, aside.path)
        } catch {
            try? fm.removeItem(at: temporary)
            throw failed("cannot move the old checkpoint aside: \(error)")
        }
        do {
            try DurableFiles.renameItem(temporary.path, target.path)
        } catch {
            _ = rename(aside.path, target.path)   // put the good checkpoint back
            try? fm.removeItem(at: temporary)
            throw failed("cannot move the new checkpoint into place: \(error)")
        }
        try syncParent(parent, of: target)
        // The new checkpoint is in place and durable; a leftover old copy is only wasted space
        // (and the next save removes it).
        try? fm.removeItem(at: aside)
    }

    /// Syncs the parent folder after the new checkpoint was renamed in, so the rename survives a crash.
    private static func syncParent(_ parent: URL, of target: URL) throws(CheckpointError) {
        do {
            try DurableFiles.syncDirectory(parent.path)
        } catch {
            throw .notDurable(directory: target.path, reason: "\(error)")
        }
    }
}
