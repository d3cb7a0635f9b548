// Bad input loses nothing: sizes are checked before allocating, unreadable files are named for
// what they are, a failed command leaves the random stream where it was, and a notebook cannot
// run itself. Each test checks the message and that the session is as before the command.
import Foundation
import Testing
@testable import Notebook
import Kernels

@Suite struct SafetyTests {
    @Test func modelsTooLargeForMemoryAreRefusedWithTheEstimate() throws {
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model new layers=1 dim=16 heads=2 ffn=32")
        let before = try CommandTesting.run(session, "model info")
        // Inside every key's range, but 550G parameters: the estimate, not an abort.
        let message = CommandTesting.failure(session, "model new layers=128 dim=16384 heads=128 ffn=65536")
        #expect(message.contains("would need about 4.4 TB"), "\(message)")
        #expect(message.contains("is available") && message.contains("use fewer layers"), "\(message)")
        // A vocabulary beyond any real one is refused by the configuration's limit.
        let vocab = CommandTesting.failure(session, "model new vocab=999999999999")
        #expect(vocab.contains("vocab_size 999999999999 is larger than Verity supports"), "\(vocab)")
        #expect(try CommandTesting.run(session, "model info") == before)
    }

    @Test func memoryEstimatesAreExactForTheModelAndOverflowSafe() throws {
        // Weights + gradients: 8 bytes per parameter; counts whose product overflows are nil.
        #expect(MemoryBudget.bytes(1_000, of: 8) == 8_000)
        #expect(MemoryBudget.bytes(Int.max / 2, of: 8) == nil)
        #expect(MemoryBudget.product(1 << 40, 1 << 30) == nil)
        #expect(MemoryBudget.sum(1, nil, 2) == nil)
        #expect(MemoryBudget.sum(Int.max, 1) == nil)
        #expect(MemoryBudget.parse("2G") == 2 << 30)
        #expect(MemoryBudget.parse("512M") == 512 << 20)
        #expect(MemoryBudget.parse("-1") == nil)
        #expect(MemoryBudget.format(4_398_046_511_104) == "4.4 TB")
        #expect(MemoryBudget.available() > 0)
        #expect(throws: MemoryBudgetError.self) { try MemoryBudget.check(nil, for: "x", advice: "y") }
        #expect(throws: MemoryBudgetError.self) { try MemoryBudget.check(Int.max, for: "x", advice: "y") }
        try MemoryBudget.check(1 << 20, for: "a megabyte", advice: "none")
    }

    @Test func unreadableDataFilesAreNamedForWhatTheyAre() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = CommandTesting.session()
        try FileManager.default.createDirectory(atPath: directory + "/folder", withIntermediateDirectories: true)
        #expect(mkfifo(directory + "/fifo", 0o644) == 0)
        try "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/:/bin/false\n".write(toFile: directory + "/passwd", atomically: true, encoding: .utf8)
        try "\n\n".write(toFile: directory + "/blank.jsonl", atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            ("data load \(directory)/folder", "it is a folder, not a JSONL file"),
            ("data load /dev/zero", "it is a device, not a JSONL file"),
            ("data load \(directory)/fifo", "it is a FIFO (named pipe), not a JSONL file"),
            ("data load \(directory)/missing.jsonl", "there is no such file"),
            ("data load \(directory)/passwd skip_bad=true", "all 2 non-blank lines are malformed"),
            ("data load \(directory)/blank.jsonl", "holds no problems"),
            ("data load \(directory)/passwd skip_bad=maybe", "skip_bad expects on or off, got 'maybe'"),
        ]
        let notebooks: [(String, String)] = [
            ("run \(directory)/folder", "it is a folder, not a notebook"),
            ("run /dev/zero", "it is a device, not a notebook"),
            ("run \(directory)/fifo", "it is a FIFO (named pipe), not a notebook"),
        ]
        for (line, expected) in cases + notebooks {
            let rng = session.rng
            let message = CommandTesting.failure(session, line)
            #expect(message.contains(expected), "\(line) → \(message)")
            #expect(!message.contains("data load: data load"), "\(message)")
            #expect(!message.contains("NSCocoaErrorDomain"), "\(message)")
            #expect(session.rng == rng, "\(line) failed but advanced the random stream")
        }
        // yes/no are booleans here as everywhere else.
        let good = #"{"prompt": "1+1=", "answer": "2"}"# + "\n" + #"{"prompt": "2+2=", "answer": "4"}"# + "\nnot json\n"
        try good.write(toFile: directory + "/good.jsonl", atomically: true, encoding: .utf8)
        let output = try CommandTesting.run(session, "data load \(directory)/good.jsonl skip_bad=yes")
        #expect(output.contains("skipped 1 malformed line"), "\(output)")
    }

    @Test func aFailedCommandLeavesTheRandomStreamWhereItWas() throws {
        // The same held-out split whether or not a command failed before it.
        func split(failingFirst: Bool) throws -> String {
            let session = CommandTesting.session()
            if failingFirst {
                _ = CommandTesting.failure(session, "data load /nonexistent/file.jsonl")
                _ = CommandTesting.failure(session, "task arithmetic digits=1 train=1000 test=1000")  // too few distinct problems
            }
            _ = try CommandTesting.run(session, "task arithmetic digits=2 train=20 test=5")
            return try CommandTesting.run(session, "data show split=test")
        }
        #expect(try split(failingFirst: true) == split(failingFirst: false))
    }

    @Test func aNotebookThatRunsItselfFailsOnceWithOneMessage() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "echo before\nrun \(directory)/self.verity\n".write(toFile: directory + "/self.verity", atomically: true, encoding: .utf8)
        let session = CommandTesting.session()
        let message = CommandTesting.failure(session, "run \(directory)/self.verity")
        #expect(message.contains("is already running — a notebook may not run itself"), "\(message)")
        #expect(message.components(separatedBy: "self.verity:").count == 2, "the location repeats: \(message)")
        // Two notebooks that run each other are caught the same way, and the session still runs.
        try "run \(directory)/b.verity\n".write(toFile: directory + "/a.verity", atomically: true, encoding: .utf8)
        try "run \(directory)/a.verity\n".write(toFile: directory + "/b.verity", atomically: true, encoding: .utf8)
        #expect(CommandTesting.failure(session, "run \(directory)/a.verity").contains("a.verity is already running"))
        #expect(try CommandTesting.run(session, "echo alive") == "alive")
    }

    @Test func everyTrainerKnobHasItsRangeOnTheLine() throws {
        let session = CommandTesting.session()
        let message = CommandTesting.failure(session, "rl steps=0 temperature=20")
        #expect(message.contains("out of range 0…10 for temperature"), "\(message)")
    }
}
