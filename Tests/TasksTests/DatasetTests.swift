// TasksTests/DatasetTests.swift — splits, deduplication, shuffling and filtering.

import Testing
import TestSupport
@testable import Tasks

private func problems(_ prompts: [String]) -> [Problem] {
    prompts.enumerated().map { Problem(id: "p\($0.offset)", prompt: $0.element, answer: "\($0.offset)", difficulty: Double($0.offset)) }
}

@Test func splitDeduplicatesAndIsSeeded() throws {
    let list = problems(["a", "b", "c", "a", "d", "e", "b", "f"])
    var r1 = SplitMix64(seed: 4), r2 = SplitMix64(seed: 4), r3 = SplitMix64(seed: 5)
    let d1 = try Dataset.split(name: "x", problems: list, testCount: 2, rng: &r1)
    let d2 = try Dataset.split(name: "x", problems: list, testCount: 2, rng: &r2)
    let d3 = try Dataset.split(name: "x", problems: list, testCount: 2, rng: &r3)
    #expect(d1 == d2)
    #expect(d1.train.count == 4 && d1.test.count == 2)
    #expect(Set(d1.all.map(\.prompt)) == ["a", "b", "c", "d", "e", "f"])
    #expect(d1.all.map(\.id).contains("p0") && !d1.all.map(\.id).contains("p3"))   // first kept
    #expect(d1.all.map(\.prompt) != d3.all.map(\.prompt))
    #expect(throws: TasksError.self) { try Dataset.split(name: "x", problems: list, testCount: 7, rng: &r1) }
}

@Test func deduplicatedRemovesTestPromptsFromTrain() {
    let d = Dataset(name: "x", train: problems(["a", "b", "b", "c"]), test: problems(["c", "d"])).deduplicated()
    #expect(d.train.map(\.prompt) == ["a", "b"])
    #expect(d.test.map(\.prompt) == ["c", "d"])
}

@Test func filteringAndShuffling() {
    let d = Dataset(name: "x", train: problems(["a", "b", "c", "d", "e"]), test: problems(["f", "g"]))
    #expect(d.filtered(difficulty: 1...3).train.map(\.prompt) == ["b", "c", "d"])
    #expect(d.filtered(difficulty: 1...3).test.map(\.prompt) == ["g"])
    #expect(d.filtered { $0.prompt != "a" }.train.count == 4)
    var rng = SplitMix64(seed: 8)
    let s = d.shuffled(rng: &rng)
    #expect(Set(s.train.map(\.prompt)) == Set(d.train.map(\.prompt)))
    #expect(s.train.map(\.prompt) != d.train.map(\.prompt))
    var withPrefix = d
    withPrefix.promptPrefix = "Solve: "
    #expect(withPrefix.fullPrompt(d.train[0]) == "Solve: a")
}

@Test func splitsAreNamedOnceAndIndexedWithAClearError() throws {
    let d = Dataset(name: "x", train: problems(["a", "b", "c"]), test: problems(["d"]))
    #expect(Split.allCases.map(\.rawValue) == ["train", "test"])
    #expect(Split.train.other == .test && Split.test.other == .train)
    #expect(d.problems(in: .train).map(\.prompt) == ["a", "b", "c"])
    #expect(d.problems(in: .test).map(\.prompt) == ["d"])
    #expect(try d.problem(2, in: .train).prompt == "c")
    #expect(try d.problem(0, in: .test).prompt == "d")
    for (index, split, message) in [(1, Split.test, "problem=1 is out of range — the test split has 1 problems (0..0)"),
                                    (-1, .train, "problem=-1 is out of range — the train split has 3 problems (0..2)")] {
        do {
            _ = try d.problem(index, in: split)
            Issue.record("problem \(index) of \(split) was accepted")
        } catch let e as TasksError {
            #expect(e.description == message)
        }
    }
    let empty = Dataset(name: "y", train: problems(["a"]), test: [])
    #expect(throws: TasksError.self) { try empty.problem(0, in: .test) }
}
