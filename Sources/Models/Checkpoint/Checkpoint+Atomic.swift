// Replacing a checkpoint directory without ever exposing a half-written one:
//   1. write every file into `.<name>.tmp-<uuid>` beside the target;
//   2. if the target exists, rename it aside to `.<name>.old-<uuid>`;
//   3. rename the new directory into place (rename(2) of a directory is atomic);
//   4. remove the old one.
// A crash before 3 leaves the old checkpoint in place (plus a stray temporary directory); a crash
// between 2 and 3 leaves it intact under the `.old-` name. A failure at 3 renames it back.

import Foundation

extension Checkpoint {
    /// Writes `files` (name, bytes) as the directory `url`, replacing any checkpoint there.
    static func writeDirectory(_ files: [(String, Data)], to url: URL) throws(CheckpointError) {
        let fm = FileManager.default
        let target = url.standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        guard !name.isEmpty, name != "/", name != ".", name != ".." else {
            throw .refusingToReplace(path: url.path, reason: "the path has no directory name")
        }
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
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw .saveFailed(directory: target.path, reason: "cannot create \(parent.path): \(error.localizedDescription)")
        }

        let tag = UUID().uuidString
        let temporary = parent.appendingPathComponent(".\(name).tmp-\(tag)")
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            for (file, data) in files {
                try data.write(to: temporary.appendingPathComponent(file))
            }
        } catch {
            try? fm.removeItem(at: temporary)
            throw .saveFailed(directory: target.path, reason: error.localizedDescription)
        }

        if !exists {
            guard rename(temporary.path, target.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(at: temporary)
                throw .saveFailed(directory: target.path, reason: "cannot move the new checkpoint into place: \(reason)")
            }
            return
        }
        let aside = parent.appendingPathComponent(".\(name).old-\(tag)")
        guard rename(target.path, aside.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(at: temporary)
            throw .saveFailed(directory: target.path, reason: "cannot move the old checkpoint aside: \(reason)")
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(aside.path, target.path)   // put the good checkpoint back
            try? fm.removeItem(at: temporary)
            throw .saveFailed(directory: target.path, reason: "cannot move the new checkpoint into place: \(reason)")
        }
        // The new checkpoint is in place; a leftover old copy is only wasted space.
        try? fm.removeItem(at: aside)
    }
}
