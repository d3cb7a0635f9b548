// The process under pressure: commands that would need more memory than a 2 GB address-space
// limit (`ulimit -v`) fail with the estimate and the knob to turn, and the process lives on; Ctrl-C
// during data generation, data loading and a scaling sweep returns to the prompt with the session
// as before the command; SIGINT with piped stdin ends the running command and exits 130.
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct ResourceLimitTests {
    /// Runs `script` through `verity` under `ulimit -v KiB` (a shell sets the limit, then execs).
    func runLimited(_ script: String, kib: Int, directory: String) throws -> (status: Int32?, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v \(kib) && exec \"$0\"", try VerityBinary.path()]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status: Int32? = process.terminationReason == .exit ? process.terminationStatus : nil
        return (status, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func tooLargeRequestsUnderATwoGigabyteLimitFailWithTheEstimate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A checkpoint whose weights file claims 10 GB (a sparse file: no disk is used).
        let checkpoint = directory + "/big"
        try FileManager.default.createDirectory(atPath: checkpoint, withIntermediateDirectories: true)
        try "{}".write(toFile: checkpoint + "/config.json", atomically: true, encoding: .utf8)
        try "{}".write(toFile: checkpoint + "/tokenizer.json", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: checkpoint + "/model.safetensors", contents: nil)
        #expect(truncate(checkpoint + "/model.safetensors", 10_000_000_000) == 0)
        let script = """
            task arithmetic digits=2 train=50 test=10
            model new layers=128 dim=16384 heads=128 ffn=65536
            model new layers=24 dim=2048 heads=16 ffn=8192
            task arithmetic digits=9 train=10000000 test=10000000
            model new layers=1 dim=16 heads=2 ffn=32 max_pos=40000
            rl steps=1 prompts=4096 n=1024 max_tokens=32768
            sample prompts=4096 n=1024 max_tokens=32768
            eval problems=10 n=4096 max_tokens=32768
            model load big
            data info
            echo alive

            """
        let result = try runLimited(script, kib: 2_000_000, directory: directory)
        #expect(result.status == 1, "died by a signal or did not report the failures: \(result.err)")
        let errors = result.err.split(separator: "\n").filter { $0.contains("error:") }
        #expect(errors.count == 7, "\(result.err)")
        for line in errors {
            #expect(line.contains("would need about") && line.contains("is available —"), "\(line)")
        }
        #expect(result.err.contains("stdin:4: error: task: 20000000 problems would need about 20 GB"))
        #expect(result.err.contains("ask for fewer problems with train= and test="))
        #expect(result.err.contains("use fewer layers or a smaller dim, ffn or vocab"))
        #expect(result.err.contains("sample fewer completions at once"))
        #expect(result.err.contains("use fewer problems=, a smaller n= or a lower max_tokens="))
        #expect(result.err.contains("loading 10 GB of weights and optimizer state would need about 30 GB"))
        // The data set of line 1 is still there, and the process got to the end.
        #expect(result.out.contains("add-d2"), "\(result.out)")
        #expect(result.out.hasSuffix("alive\n"), "\(result.out)")
    }

    @Test func sigintWithPipedStdinEndsTheCommandAndExits130() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try VerityBinary.path())
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data("echo started\nsleep 60\necho never\n".utf8))
        try input.fileHandleForWriting.close()
        // Wait for the first line, so the handler is installed and `sleep` is running.
        var seen = Data()
        let deadline = Date().addingTimeInterval(20)
        while !String(decoding: seen, as: UTF8.self).contains("started"), Date() < deadline {
            seen += output.fileHandleForReading.availableData
        }
        Thread.sleep(forTimeInterval: 0.5)
        let start = Date()
        process.interrupt()
        seen += output.fileHandleForReading.readDataToEndOfFile()
        let err = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(start) < 10, "the command did not stop")
        #expect(process.terminationReason == .exit, "killed by the signal instead of handling it")
        #expect(process.terminationStatus == 130)
        #expect(err.contains("interrupted"), "\(err)")
        #expect(!String(decoding: seen, as: UTF8.self).contains("never"))
    }

    @Test func ctrlCDuringGenerationLoadingAndScalingKeepsTheSession() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Two million lines (about 60 MB): longer to parse than the moment before Ctrl-C.
        let line = #"{"prompt": "12+34=", "answer": "46"}"# + "\n"
        let big = directory + "/big.jsonl"
        FileManager.default.createFile(atPath: big, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        let block = Data(String(repeating: line, count: 100_000).utf8)
        for _ in 0..<20 { handle.write(block) }
        try handle.close()

        let terminal = try PseudoTerminal(environment: ["VERITY_HISTORY": directory + "/history", "HOME": directory])
        #expect(terminal.expect("verity> "))
        func command(_ text: String, wait expected: String) {
            let mark = terminal.mark
            terminal.send(text + "\r")
            #expect(terminal.expect(expected, after: mark, seconds: 60), "\(text): \(terminal.output[mark...])")
            terminal.waitForPrompt(after: mark)
        }
        func interrupt(_ text: String, after seconds: Double) {
            let mark = terminal.mark
            terminal.send(text + "\r")
            terminal.read(for: seconds)
            let start = Date()
            terminal.send("\u{03}")
            #expect(terminal.expect("interrupted", after: mark, seconds: 30), "\(text): \(terminal.output[mark...])")
            #expect(Date().timeIntervalSince(start) < 10, "\(text) took too long to stop")
            terminal.waitForPrompt(after: mark)
        }
        command("task arithmetic digits=2 train=50 test=10", wait: "add-d2")
        command("model new layers=1 dim=16 heads=2 ffn=32", wait: "parameters")
        interrupt("task arithmetic digits=9 train=3000000 test=0", after: 1.5)
        interrupt("data load \(big) test=10", after: 1.0)
        interrupt("scale n=4096 ks=1,4096 methods=pass,maj problems=50 split=train max_tokens=64 temperature=1", after: 1.0)
        // Still the first data set, and the model works.
        command("data info", wait: "add-d2")
        let mark = terminal.mark
        terminal.send("data info\r")
        #expect(terminal.read(for: 10) { $0[mark...].range(of: #"train\s+50"#, options: .regularExpression) != nil })
        terminal.waitForPrompt(after: mark)
        command("eval problems=5", wait: "accuracy")
        terminal.send("\u{04}")
        #expect(terminal.exitStatus() == 0)
    }
    @Test func ctrlCDuringALargeSaveFinishesItAtomically() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let terminal = try PseudoTerminal(environment: ["VERITY_HISTORY": directory + "/history", "HOME": directory])
        #expect(terminal.expect("verity> "))
        var mark = terminal.mark
        // 103M parameters: a 400 MB checkpoint, several seconds to write and sync here.
        terminal.send("model new layers=8 dim=1024 heads=8 ffn=2816\r")
        #expect(terminal.expect("102982656", after: mark, seconds: 60))
        terminal.waitForPrompt(after: mark)
        mark = terminal.mark
        terminal.send("model save \(directory)/big\r")
        terminal.read(for: 0.5)
        terminal.send("\u{03}")
        // The save is finished, not left half-done: the name holds a whole checkpoint and no
        // temporary copy is left beside it.
        #expect(terminal.expect("saved 8x1024", after: mark, seconds: 120), "\(terminal.output[mark...])")
        terminal.waitForPrompt(after: mark)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".big.") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        mark = terminal.mark
        terminal.send("model load \(directory)/big\r")
        #expect(terminal.expect("102982656", after: mark, seconds: 60), "\(terminal.output[mark...])")
        terminal.waitForPrompt(after: mark)
        terminal.send("\u{04}")
        #expect(terminal.exitStatus() == 0)
    }
}
