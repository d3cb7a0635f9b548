// TasksTests/CountdownTests.swift — the expression parser (exact rationals, errors not traps)
// and the countdown and sorting generators with their verifiers.

import Foundation
import Testing
import TestSupport
@testable import Tasks

@Test func expressionParserEvaluatesExactly() throws {
    #expect(try ExpressionParser.evaluate("(50+25)").value == Rational(75))
    #expect(try ExpressionParser.evaluate("2+3*4").value == Rational(14))
    #expect(try ExpressionParser.evaluate("(2+3)*4").value == Rational(20))
    #expect(try ExpressionParser.evaluate("10-4-3").value == Rational(3))      // left-associative
    #expect(try ExpressionParser.evaluate("12/4/3").value == Rational(1))
    #expect(try ExpressionParser.evaluate(" 7 / 2 ").value == Rational(7, 2))
    #expect(try ExpressionParser.evaluate("1/3+1/6").value == Rational(1, 2))
    #expect(try ExpressionParser.evaluate("6 × 7 ÷ 2").value == Rational(21))
    #expect(try ExpressionParser.evaluate("(3+7)*25-50").numbers == [3, 7, 25, 50])
    #expect(Rational(1, 2)?.description == "0.5" && Rational(-2, 6)?.description == "-1/3")
}

@Test func expressionParserRejectsBadInput() {
    for bad in ["", "1+", "(1+2", "1+2)", "-3+5", "2^3", "1 2", "3/0", "5/(2-2)", "a+1",
                "1.5+1", "99999999999999999999", String(repeating: "(", count: 100) + "1"
                    + String(repeating: ")", count: 100)] {
        #expect(throws: ExpressionError.self, "\(bad)") { try ExpressionParser.evaluate(bad) }
    }
    #expect(throws: ExpressionError.divisionByZero) { try ExpressionParser.evaluate("3/(1-1)") }
    #expect(throws: ExpressionError.overflow) { try ExpressionParser.evaluate("999999999*999999999*999999999") }
}

@Test func countdownVerifierRules() {
    let p = Problem(id: "c", prompt: "nums 3 7 25 50 target 75:", answer: "(50+25)",
                    metadata: ["numbers": "3 7 25 50", "target": "75", "use_all": "false"])
    func ok(_ c: String) -> Bool { isCorrect(completion: c, problem: p, extractor: .afterThink, comparison: .countdown) }
    #expect(ok("<think></think>(50+25)"))
    #expect(ok("<think></think>50+25"))
    #expect(ok("<think></think>(3*25)"))
    #expect(ok("<think></think>(7-3)*25-25") == false)   // 25 twice
    #expect(ok("<think></think>75") == false)            // 75 is not given
    #expect(ok("<think></think>50+26") == false)         // 26 is not given
    #expect(ok("<think></think>50/(7-7)") == false)      // division by zero: incorrect, no crash
    #expect(ok("<think></think>(50+25") == false)
    #expect(countdownVerdict("50+3", problem: p) == "the expression equals 53, not 75")
    var all = p
    all.metadata["use_all"] = "true"
    #expect(countdownVerdict("50+25", problem: all) == "not every given number is used")
    #expect(countdownVerdict("(50+25)*(7-3-3)", problem: all) == "3 is used more often than given")
    #expect(countdownVerdict("(50+25)*(7/7)", problem: p) == "7 is used more often than given")
}

@Test(arguments: [false, true])
func countdownSolutionsAreVerified(useAll: Bool) throws {
    let task = try CountdownTask(count: 4, maxNumber: 50, maxTarget: 500, useAll: useAll, think: .mixed(0.5))
    var rng = SplitMix64(seed: 11)
    let data = try task.makeDataset(train: 2000, test: 200, rng: &rng)
    for p in data.all {
        for s in [p.solution, p.metadata["worked_solution"], p.metadata["direct_solution"]].compactMap({ $0 }) {
            #expect(data.isCorrect(completion: s, problem: p), "\(p.prompt) \(s)")
            #expect(s.replacingOccurrences(of: "<think>", with: "").replacingOccurrences(of: "</think>", with: "")
                        .allSatisfy { task.alphabet.contains($0) })
        }
        #expect(p.prompt.allSatisfy { task.alphabet.contains($0) })
        let target = try #require(Int(p.metadata["target"] ?? ""))
        #expect((1...500).contains(target))
        // Never one of the numbers (copying it would answer the problem).
        #expect(!(p.metadata["numbers"] ?? "").split(separator: " ").contains(Substring(String(target))))
        #expect(p.prompt.hasSuffix("target \(target):"))
        // Perturbed: the reference expression plus one is wrong (it uses a number not given
        // or reaches another value).
        #expect(!data.isCorrect(completion: "<think></think>(\(p.answer))+1", problem: p))
        #expect(!data.isCorrect(completion: "<think></think>\(target + 1)", problem: p))
    }
}

@Test func sortingFormatAndVerification() throws {
    let task = try SortingTask(length: 2...8, maxValue: 99, think: .mixed(0.5))
    let p = task.problem([5, 3, 9, 3], worked: true)
    #expect(p.prompt == "sort 5 3 9 3:")
    #expect(p.solution == "<think>3:5 9 3 3:5 9 5:9</think>3 3 5 9")
    var rng = SplitMix64(seed: 5)
    let data = try task.makeDataset(train: 2000, test: 200, rng: &rng)
    for q in data.all {
        let s = try #require(q.solution)
        #expect(data.isCorrect(completion: s, problem: q))
        #expect(s.replacingOccurrences(of: "<think>", with: "").replacingOccurrences(of: "</think>", with: "")
                    .allSatisfy { task.alphabet.contains($0) })
        let values = q.answer.split(separator: " ").compactMap { Int($0) }
        #expect(values == values.sorted())
        // Perturbed: reversed order (when not all equal) and a dropped element are wrong.
        if Set(values).count > 1 {
            #expect(!data.isCorrect(completion: "<think></think>" + values.reversed().map(String.init).joined(separator: " "), problem: q))
        }
        #expect(!data.isCorrect(completion: "<think></think>" + values.dropLast().map(String.init).joined(separator: " "), problem: q))
    }
}

@Test func countdownExtremeParametersStillGenerate() throws {
    var rng = SplitMix64(seed: 13)
    for task in [try CountdownTask(count: 6, maxNumber: 10_000, maxTarget: 10_000, useAll: true),
                 try CountdownTask(count: 2, maxNumber: 2, maxTarget: 10, useAll: true)] {
        for _ in 0..<50 {
            let p = task.makeProblem(rng: &rng)
            #expect(isCorrectAnswer(p.answer, problem: p, comparison: .countdown))
        }
    }
    #expect(throws: TasksError.self) { try CountdownTask(maxNumber: 99, maxTarget: 50) }
    #expect(throws: TasksError.self) { try CountdownTask(count: 7) }
}
