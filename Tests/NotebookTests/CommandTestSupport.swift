// Shared helpers for the domain command tests: a quiet session, output as text, error messages,
// and a scratch directory per test.
import Foundation
import Testing
@testable import Notebook

enum CommandTesting {
    /// A session with no cancellation and no progress, seeded with 1.
    static func session() -> Session {
        let session = Session(seed: 1)
        session.cancellationRequested = { false }
        return session
    }

    /// Runs `line` and returns its rendered output joined by line breaks.
    static func run(_ session: Session, _ line: String) throws -> String {
        try #require(try session.execute(line)).renderedLines(width: 200).joined(separator: "\n")
    }

    /// The message of the error `line` throws, or "" when it succeeds.
    static func failure(_ session: Session, _ line: String) -> String {
        do { _ = try session.execute(line) } catch let error as CommandError { return error.message } catch { return "\(error)" }
        return ""
    }

    /// Runs `executable` with `arguments` and returns its exit status and standard output
    /// (standard error is discarded).
    static func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// A fresh empty directory for one test.
    static func scratch() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verity-cmds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
