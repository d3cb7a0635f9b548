// Tests of the task family: task, data load/save/show/info, reward, verify.
import Foundation
import Testing
@testable import Notebook
import Tasks

@Suite struct TaskCommandTests {
    @Test func taskBuildsTheDataSetAndSummarizesIt() throws {
        let session = CommandTesting.session()
        let text = try CommandTesting.run(session, "task arithmetic op=add digits=2 train=60 test=20 think=mixed")
        let dataset = try #require(session[DatasetSlot.self])
        #expect(dataset.train.count == 60)
        #expect(dataset.test.count == 20)
        #expect(text.contains("add-d2"))
        #expect(text.range(of: #"train\s+60"#, options: .regularExpression) != nil)
        #expect(text.range(of: #"test\s+20"#, options: .regularExpression) != nil)
        #expect(text.contains("after-think"))
        #expect(text.contains("sample prompt    " + Format.quoted(dataset.fullPrompt(dataset.train[0]))))
        #expect(text.contains("\(dataset.alphabet?.count ?? -1) characters"))
        // No prompt is in both splits.
        #expect(Set(dataset.train.map(\.prompt)).isDisjoint(with: dataset.test.map(\.prompt)))
    }

    @Test func taskIsReproducibleAfterSeed() throws {
        let session = CommandTesting.session()
        _ = try session.execute("seed 5")
        _ = try session.execute("task sorting length=3:4 max=9 train=20 test=5")
        let first = try #require(session[DatasetSlot.self])
        _ = try session.execute("task sorting length=3:4 max=9 train=20 test=5")
        let second = try #require(session[DatasetSlot.self])
        _ = try session.execute("seed 5")
        _ = try session.execute("task sorting length=3:4 max=9 train=20 test=5")
        let replay = try #require(session[DatasetSlot.self])
        #expect(first == replay)
        #expect(first != second)
    }

    @Test func taskErrors() {
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "task algebra").contains("kind must be one of arithmetic, countdown, sorting"))
        #expect(CommandTesting.failure(session, "task sorting op=add").contains("unknown key 'op'"))
        #expect(CommandTesting.failure(session, "task arithmetic digits=5:2").contains("digits=5:2"))
        #expect(CommandTesting.failure(session, "task arithmetic trian=5").contains("did you mean 'train'?"))
        #expect(session[DatasetSlot.self] == nil)
    }

    @Test func dataSaveLoadShowInfo() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = CommandTesting.session()
        _ = try session.execute("task arithmetic digits=1 train=30 test=10")
        let original = try #require(session[DatasetSlot.self])
        let file = directory + "/add.jsonl"
        #expect(try CommandTesting.run(session, "data save \(file)").contains("wrote 40 problems (all)"))
        let loaded = try CommandTesting.run(session, "data load \(file) test=10 extract=after-think name=reloaded")
        #expect(loaded.contains("reloaded"))
        let dataset = try #require(session[DatasetSlot.self])
        #expect(dataset.train.count == 30)
        #expect(dataset.test.count == 10)
        #expect(Set(dataset.all.map(\.prompt)) == Set(original.all.map(\.prompt)))
        let shown = try CommandTesting.run(session, "data show 0..2")
        #expect(shown.components(separatedBy: "\n").count == 5)  // header, rule, three rows
        #expect(shown.contains(Format.quoted(dataset.train[2].prompt)))
        #expect(try CommandTesting.run(session, "data info").contains("reloaded"))
        #expect(CommandTesting.failure(session, "data show 40..41").contains("has 30 problems"))
    }

    @Test func dataLoadErrorsAndSkippedLines() throws {
        let directory = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "data load \(directory)/missing.jsonl").contains("missing.jsonl"))
        #expect(CommandTesting.failure(session, "data save \(directory)/x.jsonl").contains("no data set"))
        let file = directory + "/mixed.jsonl"
        try Data("{\"prompt\":\"1+1=\",\"answer\":\"2\"}\nnot json\n{\"prompt\":\"2+2=\",\"answer\":\"4\"}\n".utf8)
            .write(to: URL(fileURLWithPath: file))
        #expect(!CommandTesting.failure(session, "data load \(file)").isEmpty)
        let text = try CommandTesting.run(session, "data load \(file) skip_bad=true")
        #expect(text.contains("warning: skipped 1 malformed line"))
        #expect(session[DatasetSlot.self]?.train.count == 2)
    }

    @Test func verifyShowsVerdictAndRewards() throws {
        let session = CommandTesting.session()
        let right = try CommandTesting.run(session, "verify \"<think>3+6=9c0</think>579<eos>\" answer=579")
        #expect(right.contains("extracted  \"579\""))
        #expect(right.contains("verdict    correct"))
        #expect(right.range(of: #"total\s+1\.000"#, options: .regularExpression) != nil)
        let wrong = try CommandTesting.run(session, "verify \"<think></think>578\" answer=579")
        #expect(wrong.contains("verdict    wrong — 578 ≠ 579"))
        #expect(wrong.range(of: #"total\s+0\.000"#, options: .regularExpression) != nil)
        let missing = try CommandTesting.run(session, "verify \"578\" answer=579")
        #expect(missing.contains("no answer found"))
        // With a configured reward: correctness plus 0.1 × format.
        _ = try session.execute("reward correct format=0.1")
        let weighted = try CommandTesting.run(session, "verify \"<think></think>579\" answer=579")
        #expect(weighted.range(of: #"total\s+1\.100"#, options: .regularExpression) != nil)
        #expect(weighted.contains("reward     correct format=0.1"))
    }

    @Test func verifyAgainstAProblemOfEitherSplit() throws {
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "verify \"<think></think>5\" problem=0").contains("no data set"))
        #expect(CommandTesting.failure(session, "verify \"5\"").contains("answer=A"))
        _ = try session.execute("task arithmetic digits=1 train=10 test=5")
        let problem = try #require(session[DatasetSlot.self]?.test[0])
        let text = try CommandTesting.run(session, "verify \"<think></think>\(problem.answer)\" problem=0 split=test")
        #expect(text.contains(Format.quoted(problem.prompt)))
        #expect(text.contains("verdict    correct"))
        #expect(CommandTesting.failure(session, "verify \"1\" problem=5 split=test").contains("the test split has 5 problems"))
        // Without split=, problem=N indexes the train split, as 'data show' numbers it.
        let train = try #require(session[DatasetSlot.self]?.train[7])
        #expect(try CommandTesting.run(session, "verify \"<think></think>\(train.answer)\" problem=7").contains(Format.quoted(train.prompt)))
        #expect(CommandTesting.failure(session, "verify \"1\" problem=10").contains("the train split has 10 problems"))
        // The one split key: every command that indexes a split says the same thing.
        #expect(CommandTesting.failure(session, "verify \"1\" problem=10") == "verify: problem=10 is out of range — the train split has 10 problems (0..9)")
        #expect(CommandTesting.failure(session, "generate problem=5 split=test") == "generate: problem=5 is out of range — the test split has 5 problems (0..4)")
        #expect(CommandTesting.failure(session, "verify \"1\" problem=0 split=dev") == "split must be one of train, test; got 'dev'")
    }

    @Test func rewardConfiguresAndRejects() throws {
        let session = CommandTesting.session()
        #expect(try CommandTesting.run(session, "reward").contains("(default)"))
        let text = try CommandTesting.run(session, "reward correct format=0.1 length=-0.001")
        #expect(text.contains("reward set: correct format=0.1 length=-0.001"))
        #expect(text.range(of: #"length\s+-0\.001"#, options: .regularExpression) != nil)
        let configured = try #require(session[RewardSlot.self])
        #expect(configured.reward.components.map(\.name) == ["correct", "format", "length"])
        #expect(CommandTesting.failure(session, "reward corect").contains("unknown key 'corect'"))
        // The failed line left the previous configuration.
        #expect(session[RewardSlot.self]?.spec == "correct format=0.1 length=-0.001")
    }
}

/// `data mode`: one toggle data set measured in each mode on the same problems, and back.
@Suite struct DataModeCommandTests {
    @Test func switchesEveryPromptAndRestoresTheDraw() throws {
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "seed 4")
        _ = try CommandTesting.run(session, "task arithmetic op=add digits=2 train=40 test=20 think=toggle:0.5")
        let drawn = try #require(session[DatasetSlot.self])
        #expect(Set(drawn.all.compactMap(\.thinkFlag)).count == 2)
        let on = try CommandTesting.run(session, "data mode think")
        #expect(on.contains("60 of 60 prompts say /think"))
        let think = try #require(session[DatasetSlot.self])
        #expect(think.all.allSatisfy { $0.thinkFlag == .think && CompletionParts($0.solution ?? "").showsWork })
        _ = try CommandTesting.run(session, "data mode no_think")
        let off = try #require(session[DatasetSlot.self])
        #expect(off.all.allSatisfy { $0.thinkFlag == .noThink && !CompletionParts($0.solution ?? "").showsWork })
        #expect(off.test.map(\.answer) == drawn.test.map(\.answer))
        #expect(off.test.map(\.id) == drawn.test.map(\.id))
        _ = try CommandTesting.run(session, "data mode drawn")
        #expect(session[DatasetSlot.self] == drawn)
        // A trainer is keyed to the prompts it samples: switched prompts do not reuse it.
        #expect(Session.datasetKey(think) != Session.datasetKey(off))
    }

    @Test func refusesDataWithoutFlags() throws {
        let session = CommandTesting.session()
        #expect(CommandTesting.failure(session, "data mode think").contains("data"))
        _ = try CommandTesting.run(session, "task arithmetic op=add digits=2 train=20 test=5 think=mixed")
        let before = session[DatasetSlot.self]
        #expect(CommandTesting.failure(session, "data mode think").contains("think=toggle"))
        #expect(session[DatasetSlot.self] == before)
        #expect(!CommandTesting.failure(session, "data mode sometimes").isEmpty)
    }
}
