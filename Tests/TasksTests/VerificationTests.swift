// TasksTests/VerificationTests.swift — the data-only verification report and the key=value
// registry for tasks and rewards.

import Fields
import Testing
import TestSupport
@testable import Tasks

@Test func reportOfACorrectCompletion() {
    let r = verifyCompletion("<think>3+6=9c0 2+5=7c0 1+4=5c0</think>579<eos>", answer: "579")
    #expect(r.extracted == "579" && r.extractedKey == "579" && r.goldKey == "579")
    #expect(r.correct && r.reason == "correct" && r.wellFormed)
    // 7 + 23 + 8 + 3 + 5 characters, with <think>, </think> and <eos> one token each: 1+23+1+3+1.
    #expect(r.tokenCount == 29)
    #expect(r.rewards.total == 1)
    #expect(r.rewards.components.map(\.name) == ["correct", "format", "length", "language"])
    #expect(r.rewards.value("length") == 29 && r.rewards.value("language") == nil)
}

@Test func reportExplainsWrongAnswers() {
    let wrong = verifyCompletion("<think></think>578", answer: "579", tokenCount: 5)
    #expect(!wrong.correct && wrong.reason == "578 ≠ 579" && wrong.tokenCount == 5)
    let none = verifyCompletion("579", answer: "579")
    #expect(none.extracted == nil && none.reason == "no answer found: no text after a </think> tag")
    #expect(!none.wellFormed)
    let text = verifyCompletion("<think></think>five", answer: "5")
    #expect(text.reason == "'five' is not a valid answer under numeric comparison")
    let gsm = verifyCompletion("so #### $1,000.", answer: "1000", extractor: .gsm8k)
    #expect(gsm.correct && gsm.extracted == "$1,000" && gsm.extractedKey == "1000")
    let p = Problem(id: "c", prompt: "nums 3 7 25 50 target 75:", answer: "(50+25)",
                    metadata: ["numbers": "3 7 25 50", "target": "75"])
    let cd = verifyCompletion("<think></think>50+26", problem: p, extractor: .afterThink, comparison: .countdown)
    #expect(!cd.correct && cd.reason == "26 is not one of the given numbers")
}

@Test func reportUsesAGivenReward() throws {
    let reward = try RewardRegistry.parse(text: "correct format=0.1 length=-0.01")
    let r = verifyCompletion("<think></think>579", answer: "579", reward: reward, tokenCount: 10)
    #expect(abs(r.rewards.total - 1.0) < 1e-12)   // 1 + 0.1 − 0.1
}

@Test func taskRegistryBuildsGenerators() throws {
    let req = try TaskRegistry.parse(text: "arithmetic op=add digits=3 train=50 test=5 think=mixed:0.2")
    #expect(req.train == 50 && req.test == 5)
    let task = try #require(req.generator as? ArithmeticTask)
    #expect(task == (try ArithmeticTask(operation: .add, digits: 3...3, think: .mixed(0.2))))
    var rng = SplitMix64(seed: 2)
    #expect(try req.makeDataset(rng: &rng).train.count == 50)
    let range = try #require(try TaskRegistry.parse(text: "arithmetic op=mul digits=1:4").generator as? ArithmeticTask)
    #expect(range.digits == 1...4 && range.operation == .mul)
    #expect(try TaskRegistry.parse(text: "countdown count=3 all=true").generator is CountdownTask)
    #expect(try TaskRegistry.parse(text: "sorting length=3..5").generator is SortingTask)
}

@Test func taskRegistryErrorsListChoices() {
    #expect(throws: TasksError("task arithmetic: unknown key 'dgits' — valid keys: train, test, think, op, digits, test_digits, greek")) {
        try TaskRegistry.parse(text: "arithmetic dgits=3")
    }
    #expect(throws: TasksError("task arithmetic: op=div is not one of add, sub, mul")) {
        try TaskRegistry.parse(text: "arithmetic op=div")
    }
    #expect(throws: TasksError("unknown task 'algebra' — use one of arithmetic, countdown, sorting")) {
        try TaskRegistry.parse(text: "algebra")
    }
    #expect(throws: TasksError.self) { try TaskRegistry.parse(text: "arithmetic digits=4:2") }
    #expect(throws: TasksError.self) { try TaskRegistry.parse(text: "arithmetic train=-1") }
    #expect(throws: TasksError.self) { try TaskRegistry.parse(text: "arithmetic think=often") }
    #expect(throws: TasksError.self) { try TaskRegistry.parse(text: "") }
}

@Test func taskDefaultsAndBoundsComeFromTheKeyTable() throws {
    // Leaving a key out gives the table's default; the table's bounds are checked here too.
    let plain = try TaskRegistry.parse(text: "countdown")
    let countdown = try #require(plain.generator as? CountdownTask)
    for (name, value) in [("count", countdown.count), ("max", countdown.maxNumber), ("target", countdown.maxTarget)] {
        #expect(TaskRegistry.keys.first { $0.name == name }?.spec.defaultValue == .whole(value), "\(name)")
    }
    #expect(plain.train == 5000 && plain.test == 500)
    #expect(throws: TasksError.self) { try TaskRegistry.parse(text: "countdown count=9") }
    #expect(throws: TasksError.self) { try TaskRegistry.parse(text: "arithmetic greek=2") }
    // Every kind's keys and usage line come from the same rows.
    for kind in TaskRegistry.kinds {
        #expect(kind.keys.allSatisfy { key in TaskRegistry.keys.contains { $0.name == key && $0.applies(to: kind.name) } })
        #expect(kind.usage.hasPrefix("task \(kind.name) ") && kind.usage.contains("train=5000"))
    }
}

@Test func rewardRegistryBuildsWeightedSums() throws {
    let r = try RewardRegistry.parse(text: "correct format=0.1 length=-0.001 overlong=64:16:0.5 l1=max:20 language gate=true")
    #expect(r.components.map(\.name) == ["correct", "format", "length", "overlong", "l1-max", "language"])
    #expect(r.components.map(\.weight) == [1, 0.1, -0.001, 0.5, 1, 1])
    #expect(r.gate == FormatReward(style: .think))
    let tagged = Dataset(name: "t", train: [], test: [], extractor: .answerTag, comparison: .exact)
    let t = try RewardRegistry.parse(text: "correct format", dataset: tagged)
    let p = Problem(id: "x", prompt: "q", answer: "Paris")
    #expect(t.evaluate(completion: "<think>hm</think><answer>Paris</answer>", problem: p, tokenCount: 5).total == 2)
    #expect(throws: TasksError("reward: unknown key 'lenght' — valid keys: correct, format, length, overlong, l1, language, mode, process, gate")) {
        try RewardRegistry.parse(text: "correct lenght=0.1")
    }
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "length") }
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "format gate=true") }
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "overlong=16:64") }
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "l1=min") }
    // l1=MODE:TARGET:ALPHA sets the slope: 3 tokens off the target cost 3 × 0.03.
    let l1 = try RewardRegistry.parse(text: "l1=exact:20:0.03")
    let sum = Problem(id: "s", prompt: "2+2=", answer: "4")
    let scored = l1.evaluate(completion: "<think></think>4", problem: sum, tokenCount: 17).total
    #expect(abs(scored - (1 - 0.09)) < 1e-12)
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "l1=exact:20:0") }
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "l1=exact:20:2") }
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "l1=exact:20:0.1:9") }
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "") }
    #expect(throws: TasksError.self) { try RewardRegistry.parse(text: "correct correct=2") }
}

@Test func completionPartsAndWorkedShare() {
    let worked = CompletionParts("<think>3+6=9c0 2+5=7c0</think>79<eos>")
    #expect(worked.thinking == "3+6=9c0 2+5=7c0" && worked.answer == "79" && worked.showsWork)
    let direct = CompletionParts("<think></think>579")
    #expect(direct.thinking == "" && direct.answer == "579" && !direct.showsWork)
    let broken = CompletionParts("</think>x<think>")
    #expect(broken.thinking == nil && !broken.showsWork)
    #expect(CompletionParts("no tags").answer == nil)
}

@Test func shiftedTestSplit() throws {
    let req = try TaskRegistry.parse(text: "arithmetic digits=3 test_digits=4 train=300 test=50")
    var rng = SplitMix64(seed: 6)
    let data = try req.makeDataset(rng: &rng)
    #expect(data.train.count == 300 && data.test.count == 50)
    #expect(data.train.allSatisfy { $0.prompt.count == 8 })     // `123+456=`
    #expect(data.test.allSatisfy { $0.prompt.count == 10 })     // `1234+5678=`
    #expect(data.name == "add-d3→add-d4" && data.test[0].id == "add-d4-test-0")
    #expect(throws: TasksError.self) { try TaskRegistry.parse(text: "arithmetic test_digits=12") }
}

@Test func rewardWeightsAndSwitchesAreReadByTheirDeclarations() throws {
    // A bare weight key takes its declared default; a required one says how to write it.
    let bare = try RewardRegistry.parse(text: "correct format")
    #expect(bare.components.map(\.weight) == [1, 1])
    #expect(RewardRegistry.keys.first { $0.name == "format" }?.spec.defaultValue == .real(1))
    #expect(throws: TasksError("reward: 'length' needs a value, as in length=-0.001")) { try RewardRegistry.parse(text: "length") }
    #expect(throws: TasksError("reward: format=abc is not a finite number")) { try RewardRegistry.parse(text: "format=abc") }
    #expect(throws: TasksError("reward: format=1e400 is not a finite number")) { try RewardRegistry.parse(text: "format=1e400") }
    // The gate is a switch, spelled as every switch is.
    #expect(try RewardRegistry.parse(text: "correct format gate=on").gate != nil)
    #expect(try RewardRegistry.parse(text: "correct format gate=false").gate == nil)
    #expect(throws: TasksError("reward: gate=maybe is not on or off")) { try RewardRegistry.parse(text: "correct gate=maybe") }
}

@Test func typedTaskValuesAreCheckedByTheirDeclarations() throws {
    // The REPL's path: values already parsed, no text in between.
    let request = try TaskRegistry.make(kind: "countdown", values: ["count": .whole(3), "all": .flag(false), "train": .whole(10), "test": .whole(2)])
    let countdown = try #require(request.generator as? CountdownTask)
    #expect(countdown.count == 3 && request.train == 10 && request.test == 2)
    #expect(throws: TasksError("task countdown: count=9 is outside 2…8")) {
        try TaskRegistry.make(kind: "countdown", values: ["count": .whole(9)])
    }
    #expect(throws: TasksError("task countdown: unknown key 'op' — valid keys: train, test, think, count, max, target, all")) {
        try TaskRegistry.make(kind: "countdown", values: ["op": .word("add")])
    }
    // The text path reads each key by the same declaration: a switch is spelled as every switch is.
    let text = try TaskRegistry.parse(text: "countdown count=3 all=on train=10 test=2")
    #expect((text.generator as? CountdownTask)?.count == 3)
    #expect(throws: TasksError("task countdown: all=maybe is not on or off")) { try TaskRegistry.parse(text: "countdown all=maybe") }
}
