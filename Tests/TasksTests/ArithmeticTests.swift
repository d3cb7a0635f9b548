// TasksTests/ArithmeticTests.swift — the arithmetic generator: exact formats from RECIPES.md,
// worked solutions judged correct by the task's own verifier, perturbed answers judged wrong.

import Foundation
import Testing
import TestSupport
@testable import Tasks

@Test func additionFormatsMatchTheRecipe() throws {
    let task = try ArithmeticTask(operation: .add, digits: 3...3, think: .always)
    let p = task.problem(123, 456, worked: true)
    #expect(p.prompt == "123+456=")
    #expect(p.answer == "579")
    #expect(p.solution == "<think>3+6=9c0 2+5=7c0 1+4=5c0</think>579")
    #expect(p.metadata["direct_solution"] == "<think></think>579")
    #expect(task.problem(123, 456, worked: false).solution == "<think></think>579")
}

@Test func additionCarriesAndMissingDigits() throws {
    let task = try ArithmeticTask(operation: .add, digits: 1...3, think: .always)
    // 58 + 7: 8+7=15 → 5 carry 1; 5+0+1=6.
    #expect(task.problem(58, 7, worked: true).solution == "<think>8+7=5c1 5+0=6c0</think>65")
    // A final carry shows only in the answer.
    #expect(task.problem(9, 3, worked: true).solution == "<think>9+3=2c1</think>12")
    #expect(task.problem(999, 1, worked: true).solution == "<think>9+1=0c1 9+0=0c1 9+0=0c1</think>1000")
    #expect(task.problem(999, 1, worked: true).difficulty == 6)
}

@Test func subtractionAndMultiplicationForms() throws {
    let sub = try ArithmeticTask(operation: .sub, digits: 3...3, think: .always)
    #expect(sub.problem(456, 123, worked: true).solution == "<think>6-3=3b0 5-2=3b0 4-1=3b0</think>333")
    #expect(sub.problem(100, 1, worked: true).solution == "<think>0-1=9b1 0-0=9b1 1-0=0b0</think>99")
    let mul = try ArithmeticTask(operation: .mul, digits: 2...3, think: .always)
    #expect(mul.problem(123, 45, worked: true).solution
            == "<think>123*5=615 123*40=4920 615+4920=5535</think>5535")
    #expect(mul.problem(123, 45, worked: true).prompt == "123*45=")
}

@Test func subtractionNeverGoesNegative() throws {
    let task = try ArithmeticTask(operation: .sub, digits: 1...4, think: .none)
    var rng = SplitMix64(seed: 3)
    for _ in 0..<2000 {
        let p = task.makeProblem(rng: &rng)
        let answer = try #require(Int(p.answer))
        #expect(answer >= 0)
    }
}

@Test(arguments: ArithmeticTask.Operation.allCases)
func workedSolutionsAreVerifiedAndPerturbationsRejected(op: ArithmeticTask.Operation) throws {
    let task = try ArithmeticTask(operation: op, digits: 1...5, think: .mixed(0.5))
    var rng = SplitMix64(seed: 42)
    let data = try task.makeDataset(train: 3000, test: 500, rng: &rng)
    var worked = 0
    for p in data.all {
        for solution in [p.solution, p.metadata["worked_solution"], p.metadata["direct_solution"]] {
            let s = try #require(solution)
            #expect(data.isCorrect(completion: s, problem: p), "\(p.prompt) \(s)")
            #expect(data.isCorrect(completion: s + "<eos>", problem: p))
            // Every character outside the special tokens is in the alphabet.
            let plain = s.replacingOccurrences(of: "<think>", with: "").replacingOccurrences(of: "</think>", with: "")
            #expect((plain + p.prompt).allSatisfy { task.alphabet.contains($0) }, "\(s)")
        }
        if p.metadata["worked"] == "true" { worked += 1 }
        let gold = try #require(Int(p.answer))
        for wrong in [gold + 1, gold - 1, gold * 10 + 1] {
            #expect(!data.isCorrect(completion: "<think></think>\(wrong)", problem: p))
        }
        // Gold answers are recomputed independently of the step formatter.
        let parts = p.prompt.dropLast().split(whereSeparator: { "+-*".contains($0) }).compactMap { Int($0) }
        try #require(parts.count == 2)
        let expected = op == .add ? parts[0] + parts[1] : op == .sub ? parts[0] - parts[1] : parts[0] * parts[1]
        #expect(gold == expected)
    }
    // mixed:0.5 gives about half worked solutions (3500 draws: ±5% is > 5 sigma).
    #expect(abs(Double(worked) / 3500 - 0.5) < 0.05)
}

@Test func splitsAreDisjointAndSeeded() throws {
    let task = try ArithmeticTask(operation: .add, digits: 3...3, think: .mixed(0.2))
    var rng1 = SplitMix64(seed: 7), rng2 = SplitMix64(seed: 7)
    let a = try task.makeDataset(train: 1000, test: 200, rng: &rng1)
    let b = try task.makeDataset(train: 1000, test: 200, rng: &rng2)
    #expect(a == b)
    #expect(a.train.count == 1000 && a.test.count == 200)
    #expect(Set(a.train.map(\.prompt)).isDisjoint(with: a.test.map(\.prompt)))
    #expect(Set(a.all.map(\.prompt)).count == 1200)
    #expect(Set(a.all.map(\.id)).count == 1200)
    #expect(a.name == "add-d3")
}

@Test func tooFewDistinctProblemsIsAnError() throws {
    let task = try ArithmeticTask(operation: .add, digits: 1...1)
    var rng = SplitMix64(seed: 1)
    #expect(throws: TasksError.self) { try task.makeDataset(train: 150, test: 10, rng: &rng) }
    // All 100 one-digit sums are reachable.
    let all = try task.makeDataset(train: 90, test: 10, rng: &rng)
    #expect(all.all.count == 100)
}

@Test func invalidParametersThrow() {
    #expect(throws: TasksError.self) { try ArithmeticTask(digits: 0...3) }
    #expect(throws: TasksError.self) { try ArithmeticTask(digits: 3...10) }
    #expect(throws: TasksError.self) { try ThinkMode(parsing: "mixed:1.5") }
    #expect(throws: TasksError.self) { try ThinkMode(parsing: "sometimes") }
    #expect((try? ThinkMode(parsing: "mixed")) == .mixed(0.2))
    #expect((try? ThinkMode(parsing: "mixed:0.35")) == .mixed(0.35))
}

/// `greek=P`: a share of worked solutions write their carry or borrow marks in Greek; the problems
/// say language=en, so the language reward scores the Latin share; greek=0 leaves every problem as
/// it was (no extra draw).
@Test func greekMarksMixTheScriptOfTheThinking() throws {
    let task = try ArithmeticTask(operation: .add, digits: 2...2, think: .always, greekShare: 0.5)
    var rng = SplitMix64(seed: 9)
    let data = try task.makeDataset(train: 200, test: 20, rng: &rng)
    let greek = data.all.filter { $0.metadata["script"] == "greek" }
    #expect((60...140).contains(greek.count))
    let reward = LanguageConsistencyReward()
    for p in data.all {
        #expect(p.metadata["language"] == "en")
        let solution = try #require(p.solution)
        let isGreek = p.metadata["script"] == "greek"
        #expect(solution.contains("κ") == isGreek && solution.contains("c") != isGreek, "\(solution)")
        #expect(reward.score(completion: solution, problem: p, tokenCount: 0) == (isGreek ? 0 : 1))
        #expect(isCorrect(completion: solution, problem: p, extractor: .afterThink, comparison: .numeric))
        #expect(solution.replacingOccurrences(of: "<think>", with: "").replacingOccurrences(of: "</think>", with: "")
            .allSatisfy(task.alphabet.contains))
    }
    #expect(ArithmeticTask.greekMarks("<think>6-3=3b0 5-9=6b1</think>26") == "<think>6-3=3β0 5-9=6β1</think>26")
    var a = SplitMix64(seed: 4), b = SplitMix64(seed: 4)
    let plain = try ArithmeticTask(operation: .add, digits: 2...2, think: .mixed(0.5)).makeDataset(train: 30, test: 5, rng: &a)
    let zero = try ArithmeticTask(operation: .add, digits: 2...2, think: .mixed(0.5), greekShare: 0).makeDataset(train: 30, test: 5, rng: &b)
    #expect(plain == zero)
    #expect(throws: TasksError.self) { try ArithmeticTask(operation: .mul, greekShare: 0.2) }
    #expect(throws: TasksError.self) { try ArithmeticTask(operation: .add, greekShare: 1.5) }
    #expect(throws: TasksError.self) { try TaskRegistry.make(kind: "arithmetic", arguments: SpecArgument.split("greek=lots")) }
}
