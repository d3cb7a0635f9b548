// `eval` against a connected server: the session's model saved, served by the built `verity serve`
// binary, connected with `model connect`, and evaluated greedily. The remote run must equal the
// local one problem by problem — which also checks that server and local generator encode prompts
// the same way (bos, then the text).
import Foundation
import Testing
@testable import Notebook
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct RemoteEvalTests {
    /// The built `verity` binary beside the test products or under `.build/release`.
    static func verityBinary() throws -> String {
        var candidates: [String] = []
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("verity").path)
            directory = directory.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates += ["release", "debug"].map { root.appendingPathComponent(".build/\($0)/verity").path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CommandError("the verity binary was not found in \(candidates) — run 'swift build -c release' first")
        }
        return found
    }

    /// Collects a child's output from its reading handler.
    final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.lock(); data.append(more); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
    }

    @Test func evalOnAServedModelMatchesTheLocalRun() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try EvaluationCommandTests.trainedSession()
        _ = try session.execute("model save \(directory)/m")
        _ = try session.execute("eval problems=12 max_tokens=12 as=local")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.verityBinary())
        process.arguments = ["serve", "\(directory)/m", "--port", "0"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let captured = Captured()
        pipe.fileHandleForReading.readabilityHandler = { captured.append($0.availableData) }
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
        }
        var port: Int?
        let deadline = Date().addingTimeInterval(30)
        while port == nil, Date() < deadline, process.isRunning {
            if let line = captured.text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://127.0.0.1:") }),
               let tail = line.split(separator: ":").last {
                port = Int(tail.prefix { $0.isNumber })
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        let served = try #require(port, "verity serve did not report its port: \(captured.text)")
        _ = try session.execute("model connect http://127.0.0.1:\(served)/v1 model=m")
        let text = try CommandTesting.run(session, "eval problems=12 max_tokens=12 as=remote")
        #expect(text.contains("12 problems × 1 sample (greedy)"))
        let runs = try #require(session[EvaluationRunsSlot.self])
        let local = try #require(runs.byName["local"]).run, remote = try #require(runs.byName["remote"]).run
        #expect(remote.generatorName.contains("127.0.0.1"))
        #expect(remote.texts.map { $0.map(\.text) } == local.texts.map { $0.map(\.text) })
        #expect(remote.samples.map { $0.samples.map(\.correct) } == local.samples.map { $0.samples.map(\.correct) })
        let compared = try CommandTesting.run(session, "compare remote local resamples=100")
        #expect(compared.contains("difference remote − local: 0.000"))
    }
}
