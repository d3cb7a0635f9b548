// Tests of the plot family (real gnuplot) and the metrics log format.
import Evaluation
import Foundation
import Testing
import Training
@testable import Notebook

@Suite(.serialized) struct PlotCommandTests {
    static let sweep = [
        SweepPoint(method: "pass@k", k: 1, budget: nil, meanTokens: 10, accuracy: 0.2, low: 0.1, high: 0.3),
        SweepPoint(method: "pass@k", k: 4, budget: nil, meanTokens: 40, accuracy: 0.6, low: 0.5, high: 0.7),
        SweepPoint(method: "maj@k", k: 1, budget: nil, meanTokens: 10, accuracy: 0.2, low: 0.1, high: 0.3),
        SweepPoint(method: "maj@k", k: 4, budget: nil, meanTokens: 40, accuracy: 0.3, low: 0.2, high: 0.4),
    ]

    @Test func plotScalingWritesImageDataAndScript() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = CommandTesting.session()
        let input = directory + "/sweep.tsv"
        try writeSweepTSV(Self.sweep, to: URL(fileURLWithPath: input))
        let image = directory + "/plots/scaling.png"
        let text = try CommandTesting.run(session, "plot scaling \(input) to=\(image) x=tokens")
        #expect(text.contains("wrote \(image)"))
        let png = try #require(FileManager.default.contents(atPath: image))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        let data = try String(contentsOfFile: directory + "/plots/scaling.tsv", encoding: .utf8)
        #expect(data.contains("pass@k\t40.0\t0.6"))
        #expect(FileManager.default.fileExists(atPath: directory + "/plots/scaling.gp"))
        #expect(session.plots.map(\.path) == [image])
        #expect(CommandTesting.failure(session, "plot scaling \(input) to=\(directory)/sweep.png").contains("would overwrite"))
    }

    @Test func plotScalingFromTheSessionSweepInline() throws {
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "plot scaling").contains("no sweep"))
        session[SweepSlot.self] = Self.sweep
        let text = try CommandTesting.run(session, "plot scaling")
        #expect(text.contains("accuracy vs. samples"))
        #expect(text.contains("pass@k") && text.contains("maj@k"))
        #expect(text.split(separator: "\n").count > 10)
        #expect(session.plots.isEmpty)
    }

    @Test func plotMetricsFromFilesAndTheSessionLog() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = CommandTesting.session()
        try Data("step,reward,accuracy\n0,0.1,0.2\n1,0.3,\n2,0.5,0.4\n".utf8).write(to: URL(fileURLWithPath: directory + "/m.csv"))
        let text = try CommandTesting.run(session, "plot metrics reward,accuracy from=\(directory)/m.csv to=\(directory)/m.svg")
        #expect(text.contains("wrote \(directory)/m.svg"))
        let svg = try String(contentsOfFile: directory + "/m.svg", encoding: .utf8)
        #expect(svg.contains("<svg"))
        #expect(CommandTesting.failure(session, "plot metrics loss from=\(directory)/m.csv").contains("no values of 'loss'"))
        #expect(CommandTesting.failure(session, "plot metrics reward").contains("no training metrics"))
        var log = MetricsLog()
        log.append(step: 1, ["reward": 0.5, "length": 12])
        log.append(step: 2, ["reward": 0.75, "length": 14])
        var runs = TrainingRuns()
        runs.runs.append(TrainingRun(name: "run1", startedFrom: "m", settings: "algo=grpo", log: log))
        session[TrainingRunsSlot.self] = runs
        #expect(try CommandTesting.run(session, "plot metrics reward,length").contains("length"))
        try Data("{\"step\":1,\"reward\":0.5}\n{\"step\":2,\"reward\":0.25,\"note\":\"x\"}\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/a.jsonl"))
        try Data(log.csv.utf8).write(to: URL(fileURLWithPath: directory + "/b.csv"))
        let compared = try CommandTesting.run(session, "plot compare \(directory)/a.jsonl \(directory)/b.csv metric=reward to=\(directory)/c.png")
        #expect(compared.contains("wrote \(directory)/c.png"))
        let table = try String(contentsOfFile: directory + "/c.tsv", encoding: .utf8)
        #expect(table.contains("a\t2.0\t0.25") && table.contains("b\t2.0\t0.75"))
        // label= names the curves (one per file) and the title says what is compared.
        _ = try CommandTesting.run(session, "plot compare \(directory)/a.jsonl \(directory)/b.csv metric=reward label=grpo,dapo to=\(directory)/d.png")
        let labelled = try String(contentsOfFile: directory + "/d.tsv", encoding: .utf8)
        #expect(labelled.contains("grpo\t2.0\t0.25") && labelled.contains("dapo\t2.0\t0.75"))
        #expect(try String(contentsOfFile: directory + "/d.gp", encoding: .utf8).contains("reward: grpo vs. dapo"))
        #expect(CommandTesting.failure(session, "plot compare \(directory)/a.jsonl \(directory)/b.csv label=x").contains("1 names for 2 files"))
        #expect(CommandTesting.failure(session, "plot compare \(directory)/a.jsonl \(directory)/b.csv label=x,x").contains("must differ"))
    }

    @Test func metricsLogParsing() throws {
        let log = try MetricsLog.parseCSV("step,reward,length\n0,0.5,10\n3,,12\n")
        #expect(log.names == ["reward", "length"])
        #expect(log.series("reward").steps == [0])
        #expect(log.series("length").values == [10, 12])
        #expect(try MetricsLog.parseCSV(log.csv) == log)
        #expect(throws: TrainingError.self) { try MetricsLog.parseCSV("reward,step\n1,2\n") }
        #expect(throws: TrainingError.self) { try MetricsLog.parseCSV("step,reward\n1,abc\n") }
        #expect(throws: TrainingError.self) { try MetricsLog.parseCSV("step,reward\n1\n") }
        #expect(throws: TrainingError.self) { try MetricsLog.parseJSONL("{\"reward\":1}\n") }
        let jsonl = try MetricsLog.parseJSONL("{\"step\":4,\"reward\":0.5,\"ok\":true}\n")
        #expect(jsonl.rows == [MetricsLog.Row(step: 4, values: ["reward": 0.5])])
    }
}
