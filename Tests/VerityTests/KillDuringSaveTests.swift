// kill -9 at seeded random moments while `verity` saves checkpoints, then a new `verity` process:
// the newest complete checkpoint must load (recovered with a warning when the kill fell between the
// two renames), hold exactly the saved weights, and after the next save no hidden `.tmp-`/`.old-`
// folder may remain. Two workloads: back-to-back `model save` of a 4.2M-parameter model (17 MB,
// about a tenth of a second per save), and `sft save_every=1`, whose periodic checkpoints carry
// optimizer moments and are pruned as it goes. 12 + 8 kills, about 10 s in all.
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct KillDuringSaveTests {
    /// A seeded generator for the kill moments (SplitMix64), so a failure can be replayed.
    struct Moments {
        var state: UInt64
        mutating func next(below limit: Double) -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53) * limit
        }
    }

    /// Starts `verity` on `script` (stdin), waits until `ready()` holds, then `delay` seconds more,
    /// and kills it with SIGKILL. Returns false when it ended on its own before the kill.
    static func killDuring(_ script: String, ready: () -> Bool, delay: Double) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try VerityBinary.path())
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))   // small: fits the pipe; not closed, so verity waits for more
        let deadline = Date().addingTimeInterval(20)
        while !ready() {
            guard process.isRunning, Date() < deadline else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw TestFailure("verity never reached the first save")
            }
            usleep(2_000)
        }
        usleep(useconds_t(delay * 1_000_000))
        let alive = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        return alive && process.terminationReason == .uncaughtSignal
    }

    /// Hidden leftovers of interrupted saves in `dir`.
    static func leftovers(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.contains(".tmp-") || $0.contains(".old-") }.sorted()
    }

    @Test func killedModelSavesLeaveTheCheckpointLoadable() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let setup = "seed 5\nmodel new layers=4 dim=256 heads=4 ffn=1024 max_pos=64\n"
        // The weights every save writes, from one uninterrupted save.
        let reference = try runVerity([], stdin: Data((setup + "model save \(dir)/reference\n").utf8))
        #expect(reference.status == 0, "\(reference.err)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/reference/model.safetensors"))
        let checkpoint = "\(dir)/ck"
        let script = setup + String(repeating: "model save \(checkpoint)\n", count: 400)
        var moments = Moments(state: 20_250_601)
        var killed = 0, debris = 0, recovered = 0
        // Encoding happens in memory; the kill is aimed at the part on disk: it comes a random
        // moment after a save has created its temporary folder, within a window that starts at
        // 100 ms (a save writes for about that long) and halves after each kill that came too late,
        // so a busy or fast machine still lands most kills inside a save. At least 12 rounds, and
        // more (up to 30) until 6 kills have interrupted a save.
        func writing() -> Bool {
            FileManager.default.fileExists(atPath: checkpoint) && Self.leftovers(dir).contains { $0.hasPrefix(".ck.tmp-") }
        }
        var window = 0.1, rounds = 0
        for round in 0..<30 where round < 12 || debris < 6 {
            rounds += 1
            let delay = moments.next(below: window)
            guard try Self.killDuring(script, ready: writing, delay: delay) else { continue }
            killed += 1
            if Self.leftovers(dir).isEmpty { window = max(0.005, window / 2) } else { debris += 1 }
            // A new process loads what is there, then saves over it.
            let after = try runVerity([], stdin: Data("model load \(checkpoint)\nmodel save \(checkpoint)\n".utf8))
            #expect(after.status == 0, "round \(round) (kill after \(delay) s): \(after.err)")
            if after.out.contains("was recovered from .ck.old-") { recovered += 1 }
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(checkpoint)/model.safetensors")) == expected, "round \(round): other weights")
            #expect(Self.leftovers(dir).isEmpty, "round \(round): left \(Self.leftovers(dir))")
        }
        #expect(killed >= rounds - 2, "only \(killed) of \(rounds) kills hit a running save")
        // Kills that left nothing behind would test nothing: enough must land inside a save.
        #expect(debris >= 6, "only \(debris) of \(killed) kills in \(rounds) rounds interrupted a save")
        print("model save: \(killed) kills, \(debris) left leftovers, \(recovered) needed recovery")
    }

    @Test func killedPeriodicCheckpointsLeaveTheNewestLoadable() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = "\(dir)/run"
        let setup = "seed 5\ntask arithmetic op=add digits=2 train=200 test=10\nmodel new layers=2 dim=192 heads=4 ffn=768 max_pos=64\n"
        let keys = "batch=4 save_every=1 to=\(folder) keep=2"
        func steps() -> [Int] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { name in
                name.hasPrefix("step-") ? Int(name.dropFirst(5)) : nil
            }.sorted()
        }
        var moments = Moments(state: 7_041_999)
        var killed = 0, debris = 0
        for round in 0..<8 {
            try? FileManager.default.removeItem(atPath: folder)
            let delay = moments.next(below: 0.4)
            guard try Self.killDuring(setup + "sft steps=100000 \(keys)\n", ready: { FileManager.default.fileExists(atPath: folder + "/step-000001") },
                                      delay: delay) else { continue }
            killed += 1
            if !Self.leftovers(folder).isEmpty { debris += 1 }
            let newest = try #require(steps().last, "round \(round): no checkpoint left")
            #expect(steps().count <= 3, "round \(round): pruning fell behind: \(steps())")
            // Resume from the newest: it loads, the sft continues from its step, the next saves tidy.
            let name = "step-" + String(repeating: "0", count: max(0, 6 - String(newest).count)) + String(newest)
            let after = try runVerity([], stdin: Data((setup + "model load \(folder)/\(name)\nsft steps=2 \(keys)\n").utf8))
            #expect(after.status == 0, "round \(round) (kill after \(delay) s): \(after.err)")
            #expect(after.out.contains("resumed the SFT run saved with the model at step \(newest)"), "round \(round): \(after.out)")
            #expect(steps() == [newest + 1, newest + 2], "round \(round): \(steps())")
            #expect(Self.leftovers(folder).isEmpty, "round \(round): left \(Self.leftovers(folder))")
        }
        #expect(killed >= 6, "only \(killed) of 8 kills hit a running sft")
        #expect(debris >= 1, "no kill interrupted a checkpoint save")
        print("sft save_every: \(killed) kills, \(debris) left leftovers")
    }
}
