// Tests of crash safety in the commands: `model load` recovering a checkpoint a killed save left
// aside (with its warning), trainer state surviving load → save byte for byte, and the periodic
// checkpoints of `sft` and `rl` (save_every=N to=DIR keep=K): which folders exist, the write
// rules, argument errors, and that loading checkpoint k and training the rest gives bit for bit
// the weights of an uninterrupted run.
import Foundation
import Testing
@testable import Notebook
import Models
import Training

@Suite(.serialized) struct CheckpointCommandTests {
    static func tinySession(seed: Int = 3) throws -> Session {
        try TrainingCommandTests.tinySession(seed: seed)
    }

    /// The parameters' bit patterns (exact equality, -0 ≠ +0, NaN = NaN).
    static func bits(_ session: Session) throws -> [UInt32] {
        try TrainingCommandTests.parameters(session).map(\.bitPattern)
    }

    static func entries(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    // MARK: model load after an interrupted save

    @Test func modelLoadRecoversTheOldCopyWithAWarning() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try Self.tinySession()
        _ = try session.execute("model save \(dir)/ck")
        let saved = try Self.bits(session)
        // What a kill between the two renames leaves: the checkpoint only under its aside name.
        let aside = ".ck.old-\(UUID().uuidString)"
        #expect(rename("\(dir)/ck", "\(dir)/\(aside)") == 0)
        let fresh = CommandTesting.session()
        let text = try CommandTesting.run(fresh, "model load \(dir)/ck")
        #expect(text.hasPrefix("warning: \(dir)/ck was missing: a save into it was interrupted, so the previous checkpoint "
                               + "was recovered from \(aside) beside it and loaded"), "\(text)")
        #expect(try Self.bits(fresh) == saved)
        #expect(try Self.entries(dir) == ["ck"])
        // An ordinary load prints no warning, and a path with nothing to recover still says so plainly.
        #expect(!(try CommandTesting.run(fresh, "model load \(dir)/ck")).contains("warning"))
        #expect(CommandTesting.failure(fresh, "model load \(dir)/nothing").contains("no checkpoint at \(dir)/nothing"))
    }

    @Test func modelLoadRefusesToRecoverOutsideAReplayedNotebooksFolder() throws {
        let dir = FileAccess.resolved(try CommandTesting.scratch())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/nb", withIntermediateDirectories: true)
        let session = try Self.tinySession()
        _ = try session.execute("model save \(dir)/ck")
        let aside = ".ck.old-\(UUID().uuidString)"
        #expect(rename("\(dir)/ck", "\(dir)/\(aside)") == 0)
        let previous = session.files.confine(toFolderOf: dir + "/nb/n.md", allowing: [])
        defer { session.files = previous }
        #expect(CommandTesting.failure(session, "model load \(dir)/ck").contains("refusing to read"))
        #expect(try Self.entries(dir) == [aside, "nb"].sorted())
    }

    @Test func trainerStateSurvivesLoadThenSaveExactly() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try Self.tinySession()
        _ = try session.execute("rl steps=2 prompts=2 n=4 max_tokens=8")
        _ = try session.execute("model save \(dir)/a")
        let reloaded = CommandTesting.session()
        _ = try reloaded.execute("model load \(dir)/a")
        _ = try reloaded.execute("model save \(dir)/b")
        let a = try JSONDecoder().decode(PolicyTrainerState.self, from: Data(contentsOf: URL(fileURLWithPath: "\(dir)/a/trainer_state.json")))
        let b = try JSONDecoder().decode(PolicyTrainerState.self, from: Data(contentsOf: URL(fileURLWithPath: "\(dir)/b/trainer_state.json")))
        // The generator's words above Int64.max are the ones a Double would round.
        #expect(a.rng.state.contains { $0 > UInt64(Int64.max) }, "pick a seed whose RNG state has a word ≥ 2^63")
        #expect(b == a)
    }

    // MARK: periodic checkpoints

    @Test func rlKeepsTheNewestCheckpointsAndTidiesLeftovers() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try Self.tinySession()
        // Debris of an earlier killed run in the folder: removed by the first save.
        try FileManager.default.createDirectory(atPath: "\(dir)/ckpts/.step-000003.tmp-\(UUID().uuidString)", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(dir)/ckpts/notes", withIntermediateDirectories: true)
        let text = try CommandTesting.run(session, "rl steps=5 prompts=2 n=4 max_tokens=8 save_every=2 to=\(dir)/ckpts keep=1")
        #expect(text.contains("2 checkpoints saved (every 2 steps, keeping the newest 1); newest \(dir)/ckpts/step-000004"))
        #expect(try Self.entries("\(dir)/ckpts") == ["notes", "step-000004"])
        let files = try Self.entries("\(dir)/ckpts/step-000004")
        #expect(files == ["config.json", "generation_config.json", "model.safetensors", "optimizer.safetensors",
                     "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "trainer_state.json"])
        // The trainer continues counting: the next run's checkpoints carry its own steps.
        _ = try session.execute("rl steps=3 save_every=2 to=\(dir)/ckpts keep=2")
        #expect(try Self.entries("\(dir)/ckpts") == ["notes", "step-000006", "step-000008"])
    }

    @Test func rlResumedFromAPeriodicCheckpointEqualsAnUninterruptedRun() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keys = "prompts=2 n=4 max_tokens=8"
        let straight = try Self.tinySession()
        _ = try straight.execute("reward correct length=-0.05")
        _ = try straight.execute("rl steps=6 \(keys)")
        // Saving along the way changes nothing in the run itself.
        let saving = try Self.tinySession()
        _ = try saving.execute("reward correct length=-0.05")
        _ = try saving.execute("rl steps=6 \(keys) save_every=2 to=\(dir)/run keep=3")
        #expect(try Self.bits(saving) == Self.bits(straight))
        #expect(try Self.entries("\(dir)/run") == ["step-000002", "step-000004", "step-000006"])
        for k in [2, 4] {
            let resumed = try Self.tinySession()
            _ = try resumed.execute("reward correct length=-0.05")
            _ = try resumed.execute("seed 99")  // another session stream: only the checkpoint counts
            _ = try resumed.execute("model load \(dir)/run/step-00000\(k)")
            _ = try resumed.execute("rl steps=\(6 - k)")
            #expect(try Self.bits(resumed) == Self.bits(straight), "resumed from step \(k)")
            #expect(resumed.existingTrainer?.step == 6)
        }
    }

    @Test func sftResumedFromAPeriodicCheckpointEqualsAnUninterruptedRun() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // mixed:0.5 draws the worked/direct choice from the command's seed, so the seed must be kept too.
        let line = "sft batch=8 lr=1e-2 warmup=2 source=mixed:0.5"
        let straight = try Self.tinySession()
        _ = try straight.execute("\(line) steps=6")
        let saving = try Self.tinySession()
        let text = try CommandTesting.run(saving, "\(line) steps=6 save_every=2 to=\(dir)/sft keep=2")
        #expect(text.contains("3 checkpoints saved (every 2 steps, keeping the newest 2); newest \(dir)/sft/step-000006"))
        #expect(try Self.bits(saving) == Self.bits(straight))
        #expect(try Self.entries("\(dir)/sft") == ["step-000004", "step-000006"])

        let resumed = try Self.tinySession()
        _ = try resumed.execute("seed 11")  // another session stream: only the checkpoint counts
        _ = try resumed.execute("model load \(dir)/sft/step-000004")
        let continued = try CommandTesting.run(resumed, "\(line) steps=2")
        #expect(continued.contains("resumed the SFT run saved with the model at step 4"))
        #expect(try Self.bits(resumed) == Self.bits(straight))
        // The state is used once: another sft starts a fresh run.
        let again = try CommandTesting.run(resumed, "\(line) steps=1")
        #expect(!again.contains("resumed"))

        // Without the saved state (a plain `model save` after sft keeps none) the continuation differs:
        // the comparison above can fail.
        let plain = try Self.tinySession()
        _ = try plain.execute("model load \(dir)/sft/step-000004")
        _ = try plain.execute("model save \(dir)/plain")
        // Load → save keeps the state exactly (the generator's 64-bit words included).
        let relayed = try Self.tinySession()
        _ = try relayed.execute("model load \(dir)/plain")
        _ = try relayed.execute("\(line) steps=2")
        #expect(try Self.bits(relayed) == Self.bits(straight))
        try FileManager.default.removeItem(atPath: "\(dir)/plain/trainer_state.json")
        let fresh = try Self.tinySession()
        _ = try fresh.execute("seed 11")
        _ = try fresh.execute("model load \(dir)/plain")
        _ = try fresh.execute("\(line) steps=2")
        #expect(try Self.bits(fresh) != Self.bits(straight))
    }

    @Test func sftResumeNeedsTheSameSource() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try Self.tinySession()
        _ = try session.execute("sft steps=2 batch=8 source=worked save_every=2 to=\(dir)/s")
        let resumed = try Self.tinySession()
        // Another source, or a batch size that does not fit the saved batch order: refused once, then dropped.
        _ = try resumed.execute("model load \(dir)/s/step-000002")
        let source = CommandTesting.failure(resumed, "sft steps=2 batch=8 source=direct")
        #expect(source.contains("was made with source=worked, not source=direct, so it cannot continue this run"))
        #expect(source.contains("the saved state is now dropped"))
        #expect(CommandTesting.failure(resumed, "sft steps=1 batch=8 source=direct").isEmpty)
        _ = try resumed.execute("model load \(dir)/s/step-000002")
        #expect(CommandTesting.failure(resumed, "sft steps=1 batch=4 source=worked").contains("the SFT state saved with the model does not fit"))
        #expect(CommandTesting.failure(resumed, "sft steps=1 batch=4 source=worked").isEmpty)
        // With the same source and batch it continues.
        _ = try resumed.execute("model load \(dir)/s/step-000002")
        #expect(try CommandTesting.run(resumed, "sft steps=1 batch=8 source=worked").contains("resumed the SFT run saved with the model at step 2"))
    }

    @Test func argumentErrorsAndWriteRules() throws {
        let dir = FileAccess.resolved(try CommandTesting.scratch())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try Self.tinySession()
        #expect(CommandTesting.failure(session, "rl steps=1 save_every=2").contains("save_every=2 needs to=DIR"))
        #expect(CommandTesting.failure(session, "sft steps=1 save_every=2").contains("save_every=2 needs to=DIR"))
        #expect(CommandTesting.failure(session, "sft steps=1 to=\(dir)/x").contains("add save_every=N"))
        #expect(CommandTesting.failure(session, "rl steps=1 keep=2").contains("add save_every=N"))
        #expect(CommandTesting.failure(session, "rl steps=1 save_every=1 to=\(dir)/x keep=0").contains("out of range"))
        try Data([1]).write(to: URL(fileURLWithPath: "\(dir)/file"))
        #expect(CommandTesting.failure(session, "rl steps=1 save_every=1 to=\(dir)/file").contains("is a file"))
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/link", withDestinationPath: dir)
        #expect(CommandTesting.failure(session, "rl steps=1 save_every=1 to=\(dir)/link").contains("symbolic link"))
        #expect((session.existingTrainer?.step ?? 0) == 0, "refused before any step")

        // In a replayed notebook the folder must lie inside the notebook's own folder.
        try FileManager.default.createDirectory(atPath: dir + "/nb", withIntermediateDirectories: true)
        let previous = session.files.confine(toFolderOf: dir + "/nb/n.md", allowing: [])
        defer { session.files = previous }
        #expect(CommandTesting.failure(session, "sft steps=1 batch=4 save_every=1 to=\(dir)/out").contains("outside the replayed notebook's folder"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
        #expect(CommandTesting.failure(session, "sft steps=1 batch=4 save_every=1 to=\(dir)/nb/ok").isEmpty)
        #expect(try Self.entries(dir + "/nb/ok") == ["step-000001"])
    }

    @Test func aFailingCheckpointStopsTrainingAndSaysWhy() throws {
        let dir = try CommandTesting.scratch()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir + "/ro")
            try? FileManager.default.removeItem(atPath: dir)
        }
        // A folder the process cannot write (root ignores permission bits, so skip the check then).
        try FileManager.default.createDirectory(atPath: dir + "/ro", withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir + "/ro")
        guard access(dir + "/ro", W_OK) != 0 else { return }
        let session = try Self.tinySession()
        let message = CommandTesting.failure(session, "rl steps=4 prompts=2 n=2 max_tokens=6 save_every=2 to=\(dir)/ro")
        #expect(message.contains("rl: cannot save checkpoint \(dir)/ro/step-000002"))
        #expect(message.contains("rl stopped after step 2"))
        #expect(session.existingTrainer?.step == 2)
    }
}
