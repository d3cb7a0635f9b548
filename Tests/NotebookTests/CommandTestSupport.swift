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

    /// A fresh empty directory for one test.
    static func scratch() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verity-cmds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
