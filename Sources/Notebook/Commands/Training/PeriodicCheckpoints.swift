// Periodic checkpoints for `sft` and `rl`: save_every=N to=DIR keep=K. Every N trainer steps the
// model and its training state go to DIR/step-000NNN through the same atomic, fsynced save as
// `model save` (so `model load DIR/step-000NNN` and the same command resume where it stood), and
// the step-… checkpoints beyond the newest K (by step) are removed. DIR and every checkpoint path
// pass the session's write rules (FileAccess.swift), so a replayed notebook writes only inside its
// folder. Each save also tidies what a crash left in DIR (hidden .step-….tmp-/.old- folders).
import Foundation
import Models
#if canImport(Glibc)
import Glibc
#endif

/// The periodic-checkpoint settings of one `sft` or `rl` run.
struct PeriodicCheckpoints {
    /// The keys `sft` and `rl` declare (help and completion list them from here).
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("save_every", .int, default: .int(0), bounds: 0...10_000_000,
                     help: "save a checkpoint every N trainer steps to to=DIR/step-000NNN; 0 = off"),
        ArgumentSpec("to", .path, help: "the folder of the periodic checkpoints (needed with save_every)"),
        ArgumentSpec("keep", .int, default: .int(3), bounds: 1...1_000_000,
                     help: "periodic checkpoints kept in to=DIR, the newest by step; older ones are removed"),
    ]

    /// Steps between checkpoints (N).
    let every: Int
    /// The folder (DIR), as given.
    let folder: String
    /// Checkpoints kept (K).
    let keep: Int

    /// Reads save_every, to and keep (all three always, so help and the declaration test see them).
    /// - Returns: nil when save_every is 0.
    /// - Throws: for save_every without to=, to=/keep= without save_every, or a to= that is not a folder
    ///   or may not be written.
    static func read(_ invocation: Invocation, _ session: Session, command: String) throws -> PeriodicCheckpoints? {
        let every = try invocation.int(defaulted: "save_every")
        let keep = try invocation.int(defaulted: "keep")
        let given = try invocation.string("to")
        guard every > 0 else {
            if given != nil || invocation.isGiven("keep") {
                throw CommandError("\(command): to= and keep= set periodic checkpoints, which are off — add save_every=N "
                                   + "(steps between checkpoints), or drop to= and keep=", kind: .usage)
            }
            return nil
        }
        guard given != nil, let folder = try invocation.writePath("to", session, folder: true) else {
            throw CommandError("\(command): save_every=\(every) needs to=DIR, the folder for the checkpoints "
                               + "(DIR/step-000\(every), …) — e.g. save_every=\(every) to=checkpoints/run1", kind: .usage)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CommandError("\(command): to=\(folder) is a file, but periodic checkpoints need a folder — choose another path",
                               kind: .usage)
        }
        return PeriodicCheckpoints(every: every, folder: folder, keep: keep)
    }

    /// Whether trainer step `step` (1-based, counted over every run) gets a checkpoint.
    func isDue(_ step: Int) -> Bool { step > 0 && step % every == 0 }

    /// The checkpoint path of trainer step `step`: DIR/step-000NNN (six digits or more).
    func path(step: Int) -> String {
        let digits = String(step)
        let name = "step-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// Saves `model` with `state` as the checkpoint of trainer step `step`, then removes the
    /// step-… checkpoints of DIR beyond the newest `keep` (never the one just written).
    /// - Returns: the checkpoint's path.
    func save(_ model: LocalModel, state: TrainingStateSnapshot?, step: Int, session: Session, command: String) throws -> String {
        let path = path(step: step)
        try session.files.checkWrite(path, folder: true)
        // Leftovers of other step-… saves a crash interrupted (this one's own are tidied by the save).
        let directory = URL(fileURLWithPath: folder)
        for name in Checkpoint.namesWithLeftovers(in: directory) where Self.step(of: name) != nil {
            try domain(command) { try Checkpoint.cleanUpInterruptedSaves(of: directory.appendingPathComponent(name)) }
        }
        try saveCheckpoint(model, to: path, state: state, context: command)
        try prune(keeping: (path as NSString).lastPathComponent, session: session, command: command)
        return path
    }

    /// The step of a periodic checkpoint's folder name (`step-` and digits only), else nil.
    static func step(of name: String) -> Int? {
        guard name.hasPrefix("step-") else { return nil }
        let digits = name.dropFirst(5)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Removes the periodic checkpoints beyond the newest `keep`; only real folders named
    /// step-NNN that hold config.json count (links and other entries are never touched).
    private func prune(keeping current: String, session: Session, command: String) throws {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var found: [(step: Int, name: String)] = []
        for name in entries {
            guard let step = Self.step(of: name) else { continue }
            let full = (folder as NSString).appendingPathComponent(name)
            var status = stat()
            guard lstat(full, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR,
                  FileManager.default.fileExists(atPath: (full as NSString).appendingPathComponent(Checkpoint.configFile)) else { continue }
            found.append((step, name))
        }
        let others = found.filter { $0.name != current }.sorted { $0.step != $1.step ? $0.step > $1.step : $0.name > $1.name }
        for old in others.dropFirst(keep - 1) {
            let full = (folder as NSString).appendingPathComponent(old.name)
            try session.files.checkWrite(full, folder: true)
            try domain(command) { try Checkpoint.remove(at: URL(fileURLWithPath: full)) }
        }
    }
}

/// What a run's periodic checkpoints add to its output.
struct CheckpointTally {
    private(set) var saved: [String] = []

    mutating func record(_ path: String) { saved.append(path) }

    /// One line naming how many were written and the newest, or nothing when none was due.
    func output(_ checkpoints: PeriodicCheckpoints) -> CommandOutput {
        guard let newest = saved.last else { return CommandOutput() }
        return .line("\(saved.count) checkpoint\(saved.count == 1 ? "" : "s") saved (every \(checkpoints.every) steps, "
                     + "keeping the newest \(checkpoints.keep)); newest \(newest)")
    }
}
