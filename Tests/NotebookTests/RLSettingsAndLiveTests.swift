// `rl` says what it runs (nearest preset + differences, the KL reference, warnings for knobs that
// cannot act), takes ref=now|PATH, and prints its rows live — in the REPL and in a notebook run —
// while its output still records them.
import Foundation
import Synchronization
import Testing
@testable import Notebook

/// Lines a live sink received.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    func sink() -> @Sendable (String) -> Void { { line in self.storage.withLock { $0.append(line) } } }
}

@Suite(.serialized) struct RLSettingsAndLiveTests {
    static let small = "prompts=2 n=2 max_tokens=6"

    @Test func rlStatesItsSettingsAndWarnsAboutInertKnobs() throws {
        let session = try TrainingCommandTests.tinySession()
        let plain = try CommandTesting.run(session, "rl steps=1 \(Self.small)")
        #expect(plain.contains("settings: algo=") && plain.contains("prompts=2 n=2 max_tokens=6"))
        #expect(!plain.contains("KL reference") && !plain.contains("warning"))
        let dapo = try CommandTesting.run(session, "rl algo=dapo steps=1 \(Self.small) minibatches=1")
        #expect(dapo.contains("settings: algo=dapo + "))
        #expect(dapo.contains("cannot act: with mu=1, minibatches=1 and staleness=0"))
        let paper = try CommandTesting.run(session, "rl algo=dapo steps=0 \(Self.small)")
        #expect(paper.contains("minibatches=16 exceeds the 4 completions"))
        #expect(!paper.contains("cannot act"))
    }

    @Test func theKLReferenceIsNamedAndSettable() throws {
        let dir = try CommandTesting.scratch()
        let session = try TrainingCommandTests.tinySession()
        _ = try session.execute("model save \(dir)/sft")
        #expect(CommandTesting.failure(session, "rl steps=0 ref=now").contains("kl is 0"))
        _ = try session.execute("rl steps=1 \(Self.small)")
        let switched = try CommandTesting.run(session, "rl steps=0 kl=0.04")
        #expect(switched.contains("KL reference: the policy at step 1, when kl was switched on"))
        let now = try CommandTesting.run(session, "rl steps=0 ref=now")
        #expect(now.contains("KL reference: the policy at step 1 (ref=now)"))
        let fromFile = try CommandTesting.run(session, "rl steps=1 \(Self.small) ref=\(dir)/sft")
        #expect(fromFile.contains("KL reference: \(dir)/sft"))
        #expect(fromFile.contains("kl"))
        // A missing checkpoint fails before anything changes.
        let before = session.existingTrainer?.referenceSource
        #expect(!CommandTesting.failure(session, "rl steps=0 ref=\(dir)/nothing kl=0.1").isEmpty)
        #expect(session.existingTrainer?.referenceSource == before)
        #expect(session.existingTrainer?.config.klCoefficient == 0.04)
    }

    @Test func rowsPrintLiveAndStayInTheOutput() throws {
        let session = try TrainingCommandTests.tinySession()
        let collector = LineCollector()
        session.liveSink = collector.sink()
        let output = try #require(try session.execute("rl steps=4 every=2 \(Self.small)"))
        let rendered = output.renderedLines(width: 200)
        let live = collector.lines
        // settings line, header, rule, rows at steps 2 and 4
        #expect(live.count == 5)
        #expect(live.first?.hasPrefix("run run1: settings: ") == true)
        #expect(live[1].contains("step") && live[1].contains("reward") && live[2].hasPrefix("----"))
        #expect(live[3].trimmingCharacters(in: .whitespaces).hasPrefix("2 ") && live[4].trimmingCharacters(in: .whitespaces).hasPrefix("4 "))
        #expect(output.shownLive == live.count)
        #expect(Array(rendered.prefix(live.count)) == live)
        #expect(rendered.count > live.count)           // the summary line follows, not live
        // Without a watcher nothing is marked as shown.
        session.liveSink = nil
        #expect(try #require(try session.execute("rl steps=2 every=1 \(Self.small)")).shownLive == 0)
    }

    @Test func aNotebookRunMarksTheLiveLinesOfItsCells() throws {
        let text = "```verity\nseed 3\ntask arithmetic op=add digits=1 train=60 test=12\n"
            + "model new layers=1 dim=16 heads=2 ffn=32 max_pos=128\nrl steps=2 every=1 \(Self.small)\n```\n"
        let session = DeclarationTests.quietSession()
        let collector = LineCollector()
        session.liveSink = collector.sink()
        let result = NotebookRunner.run(try NotebookDocument.markdown(text), file: "n.md", session: session)
        #expect(result.failure == nil)
        let cell = try #require(result.cells.first)
        #expect(cell.shownLive.count == collector.lines.count && collector.lines.count == 5)
        #expect(cell.shownLive.sorted().map { cell.lines[$0] } == collector.lines)
    }
}
