// sleep — waits, polling cancellation and reporting progress: a pause in demos, and the honest way
// to test that Ctrl-C stops a long command and leaves the session intact.
import Foundation

extension CommandDefinition {
    /// `sleep SECONDS`
    static let sleep = CommandDefinition(CommandDeclaration(
        name: "sleep",
        summary: "wait SECONDS with a progress bar; Ctrl-C stops it",
        help: "Waits in 20 ms steps, checking for Ctrl-C between steps like every long command.",
        positionals: [ArgumentSpec("seconds", .float, bounds: 0...86_400, required: true, help: "how long to wait")],
        examples: ["sleep 0.05"]
    )) { invocation, session in
        let seconds = try invocation.double("seconds") ?? 0
        let steps = max(1, Int((seconds / 0.02).rounded(.up)))
        let progress = session.progress("sleep", total: steps)
        defer { progress.finish() }
        let start = Date()
        for step in 0..<steps {
            try session.checkCancellation()
            let target = start.addingTimeInterval(seconds * Double(step + 1) / Double(steps))
            let wait = target.timeIntervalSinceNow
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            progress.update(step + 1)
        }
        return .line("slept " + Format.fixed(seconds, 2) + " s")
    }
}
