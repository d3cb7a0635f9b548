// Runner tests: running cells, failures named by file line, --check diffs, record → run round trip.
import Foundation
import Testing
@testable import Notebook

@Suite struct NotebookRunnerTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "verity-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func runsCellsInOrderAndStopsAtTheFailingLine() throws {
        let text = "Intro\n\n```verity\nseed 4\necho one\n```\n\n```verity\necho two\nset width=1\necho never\n```\n\n```verity\necho after\n```\n"
        let document = try NotebookDocument.markdown(text)
        let session = DeclarationTests.quietSession()
        var seen: [Int] = []
        let result = NotebookRunner.run(document, file: "notebooks/x.md", session: session) { seen.append($0.cellIndex) }
        #expect(seen == [0, 1])
        #expect(result.cells[0].lines == ["seed 4", "one"])
        #expect(result.cells[1].lines == ["two"])
        let failure = try #require(result.failure)
        #expect(failure.line == 10)
        #expect(failure.description.hasPrefix("notebooks/x.md:10:11: error: value out of range 40…400 for width: 1"))
        #expect(session.seed == 4)
    }

    /// `set width=…` in a notebook fits the tables of the lines after it, in the same cell too.
    @Test func setWidthAppliesFromTheNextLineOn() throws {
        let text = "```verity\nshow settings\nset width=40\nshow settings\n```\n\n```verity\nshow settings\n```\n"
        let result = NotebookRunner.run(try NotebookDocument.markdown(text), file: "w.md", session: DeclarationTests.quietSession())
        #expect(result.failure == nil)
        let first = result.cells[0].lines
        let split = try #require(first.firstIndex(of: "width = 40"))
        #expect(first[..<split].contains { $0.count > 40 }, "the default width (100) lets rows run past 40")
        #expect(first[(split + 1)...].allSatisfy { $0.count <= 40 }, "\(first[(split + 1)...])")
        #expect(result.cells[1].lines.allSatisfy { $0.count <= 40 })
    }

    @Test func checkDiffReportsChangedCellsAndIgnoresTimingLines() throws {
        let recorded = "```verity\necho same\n```\n```output\nsame\n```\n\n```verity\nsleep 0.01\necho b\n```\n```output\nslept 9.99 s\na\n```\n"
        let document = try NotebookDocument.markdown(recorded)
        let result = NotebookRunner.run(document, file: "n.md", session: DeclarationTests.quietSession())
        #expect(result.failure == nil)
        let diff = OutputCheck.diff(document, result, file: "n.md", images: [[], []])
        #expect(diff == ["--- n.md (recorded)", "+++ n.md (this run)", "@@ cell at line 9: sleep 0.01 @@", "-a", "+b"])
        // After accepting the outputs, the check passes even though the timing line differs.
        let outputs = result.cells.map { (lines: $0.lines, images: [String]()) }
        let written = try NotebookDocument.markdown(document.replacingOutputs(outputs).renderMarkdown())
        let rerun = NotebookRunner.run(written, file: "n.md", session: DeclarationTests.quietSession())
        #expect(OutputCheck.diff(written, rerun, file: "n.md", images: [[], []]).isEmpty)
    }

    @Test func recordThenRunReproducesTheSession() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/session.md"
        let session = DeclarationTests.quietSession()
        _ = try session.execute("set precision=2")
        _ = try session.execute("seed 11")
        #expect(throws: CommandError.self) { try session.execute("set precision=99") }
        _ = try session.execute("echo \"done\"")
        _ = try session.execute("history")
        #expect(try session.execute("record \(file)")?.renderedLines() == ["wrote 4 cells to \(file)"])
        let document = try NotebookRunner.load(file)
        // The session's starting seed comes first, so draws before 'seed 11' replay the same.
        #expect(document.cells.map(\.source) == [["seed 1"], ["set precision=2"], ["seed 11"], ["echo \"done\""]])
        let replay = Session(seed: 99)
        replay.cancellationRequested = { false }
        let result = NotebookRunner.run(document, file: file, session: replay)
        #expect(result.failure == nil)
        #expect(OutputCheck.diff(document, result, file: file, images: [[], [], [], []]).isEmpty)
        #expect(replay.seed == 11)
        #expect(replay.settings.precision == 2)
    }

    @Test func runCommandNestsAndRefusesEndlessRecursion() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inner = directory + "/inner.verity"
        try AtomicFile.write("seed 5\necho inner\n", to: inner)
        let session = DeclarationTests.quietSession()
        #expect(try session.execute("run \(inner)")?.renderedLines() == ["seed 5", "inner"])
        #expect(session.seed == 5)
        let loop = directory + "/loop.verity"
        try AtomicFile.write("run \(loop)\n", to: loop)
        do {
            _ = try session.execute("run \(loop)")
            Issue.record("a self-running script did not fail")
        } catch let error as CommandError {
            #expect(error.message.contains("is already running — a notebook may not run itself"))
        }
        #expect(throws: CommandError.self) { try session.execute("run \(directory)/missing.md") }
    }

    @Test func imageLinksAreRelativeToTheNotebook() {
        #expect(NotebookRunner.relativePath("plots/x.png", from: "notebooks/a.md") == "../plots/x.png")
        #expect(NotebookRunner.relativePath("plots/x.png", from: "a.md") == "plots/x.png")
        #expect(NotebookRunner.relativePath("/data/p/x.png", from: "/data/n/deep/a.md") == "../../p/x.png")
        #expect(NotebookRunner.imageLinks(for: [PlotReference(path: "plots/s.png", title: "scaling")],
                                          notebook: "notebooks/a.md") == ["![scaling](../plots/s.png)"])
    }
}

@Suite struct OutputCheckTests {
    @Test func columnWidthsSetByATimingColumnDoNotCount() {
        // The same table from two runs whose speed column had different widths.
        let recorded = ["step    loss  speed", "----  ------  -----------", " 500  0.9426  89874 tok/s"]
        let fresh = ["step    loss   speed", "----  ------  ------------", " 500  0.9426  142702 tok/s"]
        #expect(OutputCheck.comparable(recorded) == OutputCheck.comparable(fresh))
        // A changed number in a non-timing cell still counts.
        let changed = ["step    loss   speed", "----  ------  ------------", " 500  0.9427  142702 tok/s", "final loss 0.9427"]
        let before = ["step    loss   speed", "----  ------  ------------", " 500  0.9426  142702 tok/s", "final loss 0.9426"]
        #expect(OutputCheck.comparable(changed) != OutputCheck.comparable(before))
    }

    @Test func anImageLinkCountsByTitleAndFileNotFolder() {
        // Replayed from another working directory, the same plot is linked through another folder.
        let recorded = ["![greedy accuracy](../plots/quickstart-seeds.png)"]
        #expect(OutputCheck.comparable(["![greedy accuracy](../../../tmp/plots/quickstart-seeds.png)"]) == OutputCheck.comparable(recorded))
        #expect(OutputCheck.comparable(["![greedy accuracy](quickstart-seeds.png)"]) == OutputCheck.comparable(recorded))
        // Another image or another title still counts.
        #expect(OutputCheck.comparable(["![greedy accuracy](../plots/other.png)"]) != OutputCheck.comparable(recorded))
        #expect(OutputCheck.comparable(["![accuracy](../plots/quickstart-seeds.png)"]) != OutputCheck.comparable(recorded))
        // Text that only looks like a path is left alone.
        #expect(OutputCheck.comparable(["wrote plots/a.png (data a.tsv)"]) == ["wrote plots/a.png (data a.tsv)"])
    }

    @Test(arguments: [
        "slept 2.00 s", "step 10  1.5s", "elapsed 3", "ETA 12", "throughput 350 tok/s", "1200 tokens/s",
        "done in 850 ms", "12.5 it/s", "took 2 min", "sample  0.3 sec/it", "3 steps/s",
    ])
    func timingLinesAreIgnored(_ line: String) {
        #expect(OutputCheck.isTimingLine(line), "\(line) should count as a timing line")
    }

    @Test(arguments: [
        "seed 7", "accuracy 0.500", "2 steps", "4 heads", "model add3s", "sample  s=3", "pass@8 0.75",
        "layers=4 dim=128", "reward 1.5 score", "0.2:0.28", "x1s",
    ])
    func otherLinesAreCompared(_ line: String) {
        #expect(!OutputCheck.isTimingLine(line), "\(line) should be compared")
    }

    @Test func unifiedDiff() {
        #expect(OutputCheck.unified(["a", "b", "c"], ["a", "x", "c", "d"]) == [" a", "-b", "+x", " c", "+d"])
        #expect(OutputCheck.unified([], ["n"]) == ["+n"])
        #expect(OutputCheck.unified(["o"], []) == ["-o"])
    }
}
