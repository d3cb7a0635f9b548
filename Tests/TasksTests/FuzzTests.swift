// TasksTests/FuzzTests.swift — nothing traps on arbitrary input: seeded random byte strings
// and tag-heavy strings fed to every extractor, every comparison, the JSONL parser, the
// expression parser, the rewards and the verification report.

import Foundation
import Testing
import TestSupport
@testable import Tasks

/// Random bytes, decoded leniently (invalid UTF-8 becomes U+FFFD), length 0…`maxLength`.
private func randomText(_ rng: inout SplitMix64, maxLength: Int, alphabet: [String]? = nil) -> String {
    let n = Int.random(in: 0...maxLength, using: &rng)
    if let alphabet {
        return (0..<n).map { _ in alphabet.randomElement(using: &rng) ?? "" }.joined()
    }
    let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
    return String(decoding: bytes, as: UTF8.self)
}

/// Pieces that exercise the parsers' special cases far more often than random bytes do.
private let pieces = ["<think>", "</think>", "<answer>", "</answer>", "\\boxed{", "\\frac", "{", "}", "\\",
                      "####", "the answer is", "$", "-", ",", ".", "/", "%", "(", ")", "*", "+", "0", "7", "9",
                      " ", "\n", "<eos>", "é", "д", "中", "\u{FFFD}", "e", "1,000", "\\%", "÷"]

@Test func extractorsAndComparisonsNeverTrap() {
    var rng = SplitMix64(seed: 2024)
    let problem = Problem(id: "f", prompt: "nums 1 2 3 target 6:", answer: "6",
                          metadata: ["numbers": "1 2 3", "target": "6", "use_all": "true"])
    let reward = RewardRegistry.make(safe: "correct format=0.1 length=-0.001 overlong=32:8 l1=max:10 language gate=true")
    #expect(reward != nil)
    var found = 0
    for i in 0..<3000 {
        let text = i % 2 == 0 ? randomText(&rng, maxLength: 80) : randomText(&rng, maxLength: 40, alphabet: pieces)
        for extractor in AnswerExtractor.allCases {
            let extracted = extractor.extract(text)
            if extracted != nil { found += 1 }
            for comparison in AnswerComparison.allCases {
                _ = answerKey(extracted ?? text, comparison: comparison)
                _ = isCorrect(completion: text, problem: problem, extractor: extractor, comparison: comparison)
            }
        }
        _ = try? ExpressionParser.evaluate(text)
        _ = reward?.evaluate(completion: text, problem: problem, tokenCount: text.count)
        _ = verifyCompletion(text, problem: problem, extractor: .afterThink, comparison: .countdown)
    }
    // The structured half must reach the extractors' success paths, or the loop tests little.
    #expect(found > 500)
}

@Test func jsonlParserNeverTraps() {
    var rng = SplitMix64(seed: 77)
    let jsonPieces = ["{", "}", "[", "]", "\"prompt\"", "\"answer\"", ":", ",", "\"x\"", "1", "-2.5e3", "true",
                      "null", "\n", "\"####\"", "\"metadata\"", "\"difficulty\"", " ", "\\u00e9", "\"", "\\"]
    var parsed = 0, failed = 0
    for i in 0..<4000 {
        let text = i % 2 == 0 ? randomText(&rng, maxLength: 120) : randomText(&rng, maxLength: 60, alphabet: jsonPieces)
        do {
            let r = try JSONL.parse(Data(text.utf8), file: "fuzz.jsonl", skipBad: i % 4 == 1)
            parsed += r.problems.count
        } catch let error as TasksError {
            #expect(error.message.hasPrefix("fuzz.jsonl line "))
            failed += 1
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
        // Raw bytes, not only valid UTF-8.
        let bytes = Data((0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        _ = try? JSONL.parse(bytes, file: "bytes.jsonl")
    }
    #expect(failed > 0)
    // Valid lines built from well-formed pieces: exercise the success path as well.
    let good = (0..<200).map { #"{"prompt": "p\#($0)", "answer": \#($0)}"# }.joined(separator: "\n")
    #expect((try? JSONL.parse(Data(good.utf8), file: "good.jsonl").problems.count) == 200)
}

@Test func expressionParserNeverTraps() {
    var rng = SplitMix64(seed: 99)
    let exprPieces = ["(", ")", "+", "-", "*", "/", "0", "1", "7", "25", "999999999", " ", "×", "÷", "x", "="]
    var valid = 0
    for _ in 0..<20000 {
        let text = randomText(&rng, maxLength: 30, alphabet: exprPieces)
        if let r = try? ExpressionParser.evaluate(text) {
            valid += 1
            #expect(r.value.den > 0)
        }
    }
    #expect(valid > 100)
}

extension RewardRegistry {
    /// Test helper: a reward from text, nil when it does not parse.
    static func make(safe text: String) -> WeightedReward? { try? parse(text: text) }
}
