// Training runs never mix: another model starts another run with its own log; `rl run=NAME`
// names one; `metrics`, `export metrics` and `plot metrics` take run=NAME; the model's name says
// how it was trained; `show trainer` shows a checkpoint's saved trainer before it resumes.
import Foundation
import Testing
import Training
@testable import Notebook

@Suite(.serialized) struct TrainingRunsTests {
    static let small = "prompts=2 n=2 max_tokens=6"

    @Test func anotherModelStartsAnotherRun() throws {
        let dir = try CommandTesting.scratch()
        let session = try TrainingCommandTests.tinySession()
        let first = try CommandTesting.run(session, "rl steps=3 every=1 \(Self.small)")
        #expect(first.contains("run run1: settings: algo="))
        #expect(session[ModelSlot.self]?.name.hasSuffix("+rl3") == true)
        _ = try session.execute("model save \(dir)/ck")
        _ = try session.execute("model load \(dir)/ck")
        let shown = try CommandTesting.run(session, "show trainer")
        #expect(shown.contains("trainer: saved with the model at step 3"))
        let second = try CommandTesting.run(session, "rl steps=2 every=1 \(Self.small)")
        #expect(second.contains("run run2: "))
        #expect(session[ModelSlot.self]?.name == "ck+rl5")
        // Each run keeps its own steps: no duplicates, no line drawn back to step 1.
        #expect(session.trainingLog?.rows.map(\.step) == [4, 5])
        #expect(try session.trainingLog(named: "run1", for: "t").rows.map(\.step) == [1, 2, 3])
        #expect(try CommandTesting.run(session, "metrics run=run1").contains("3 steps logged"))
        #expect(try CommandTesting.run(session, "metrics").contains("2 steps logged"))
        _ = try session.execute("export metrics \(dir)/r1.csv run=run1")
        let csv = try MetricsLog.read(path: "\(dir)/r1.csv")
        #expect(csv.rows.map(\.step) == [1, 2, 3])
        let listed = try CommandTesting.run(session, "runs")
        #expect(listed.contains("run1") && listed.contains("run2") && listed.contains("ck") && listed.contains("4–5"))
        #expect(CommandTesting.failure(session, "metrics run=nope").contains("the runs are run1, run2"))
    }

    @Test func namedRunsContinueOrBranch() throws {
        let session = try TrainingCommandTests.tinySession()
        _ = try session.execute("rl steps=1 run=grpo \(Self.small)")
        _ = try session.execute("rl steps=1 run=grpo")
        _ = try session.execute("rl steps=1 run=more")
        let all = try #require(session[TrainingRunsSlot.self]).runs
        #expect(all.map(\.name) == ["grpo", "more"])
        #expect(all[0].log.rows.map(\.step) == [1, 2] && all[1].log.rows.map(\.step) == [3])
        #expect(all[1].parent == "grpo")
        _ = try session.execute("step")                      // continues the current run
        #expect(session.trainingLog?.rows.map(\.step) == [3, 4])
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=32 max_pos=128")
        #expect(CommandTesting.failure(session, "rl steps=1 run=grpo").contains("run=grpo is a run of another model"))
        #expect(session[TrainingRunsSlot.self]?.runs.count == 2)
    }

    /// `plot metrics runs=A,B`: one panel per metric, one line per run, the runs' own values.
    @Test func plotMetricsDrawsSeveralRunsTogether() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = try TrainingCommandTests.tinySession()
        _ = try session.execute("rl steps=3 run=a \(Self.small)")
        _ = try session.execute("model new layers=1 dim=16 heads=2 ffn=32 max_pos=128")
        _ = try session.execute("rl steps=2 run=b \(Self.small)")
        let text = try CommandTesting.run(session, "plot metrics reward,frac_reward_zero_std runs=a,b labels=\"first run,second run\" to=\(dir)/m.png")
        #expect(text.contains("wrote \(dir)/m.png"))
        let rows = try String(contentsOfFile: "\(dir)/m.tsv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.first == ["metric", "run", "step", "value", "smoothed"])
        let first = rows.filter { $0.count == 5 && $0[0] == "reward" && $0[1] == "first run" }
        let logged = try session.trainingLog(named: "a", for: "t").series("reward").values
        #expect(first.compactMap { Double($0[3]) } == logged)
        #expect(rows.filter { $0.count == 5 && $0[0] == "frac_reward_zero_std" && $0[1] == "second run" }.count == 2)
        let script = try String(contentsOfFile: "\(dir)/m.gp", encoding: .utf8)
        #expect(script.contains("multiplot layout 2,1") && script.contains("title \"first run\"") && script.contains("notitle"))
        #expect(CommandTesting.failure(session, "plot metrics reward runs=a,b labels=one").contains("one label per run"))
        #expect(CommandTesting.failure(session, "plot metrics reward runs=a,nope").contains("nope"))
        #expect(CommandTesting.failure(session, "plot metrics nothing runs=a,b").contains("no values of 'nothing'"))
        #expect(CommandTesting.failure(session, "plot metrics reward labels=x").contains("runs="))
    }

    @Test func trainedNames() {
        #expect(Session.trainedName("cd-sft", kind: "rl", steps: 90) == "cd-sft+rl90")
        #expect(Session.trainedName("cd-sft+rl90", kind: "rl", steps: 120) == "cd-sft+rl120")
        #expect(Session.trainedName("4x64+sft200", kind: "rl", steps: 5) == "4x64+sft200+rl5")
        #expect(Session.trainedName("a+rlx", kind: "rl", steps: 2) == "a+rlx+rl2")
    }
}
