// TasksTests/RewardFormulaTests.swift — length, overlong, L1, language and weighted rewards
// against values computed by hand in the comments.

import Testing
@testable import Tasks

private let p = Problem(id: "p", prompt: "123+456=", answer: "579")
private let right = "<think>3+6=9c0 2+5=7c0 1+4=5c0</think>579"
private let wrong = "<think></think>578"

@Test func lengthTermIsTheTokenCount() {
    #expect(LengthReward().score(completion: right, problem: p, tokenCount: 30) == 30)
}

@Test func dapoOverlongPunishment() throws {
    // L_max = 20, L_cache = 8: free up to 12 tokens, then (12 − L)/8, then −1 past 20.
    let r = try OverlongPenalty(maxLength: 20, cacheLength: 8)
    func s(_ n: Int) -> Double? { r.score(completion: "", problem: p, tokenCount: n) }
    #expect(s(5) == 0)
    #expect(s(12) == 0)
    #expect(s(13) == -0.125)   // (12 − 13)/8
    #expect(s(16) == -0.5)     // (12 − 16)/8
    #expect(s(20) == -1)       // (12 − 20)/8
    #expect(s(21) == -1)
    #expect(throws: TasksError.self) { try OverlongPenalty(maxLength: 4, cacheLength: 8) }
    #expect(throws: TasksError.self) { try OverlongPenalty(maxLength: 4, cacheLength: 0) }
}

@Test func l1TargetLengthRewards() {
    // Exact, α = 0.01, n_gold = 20: right at 30 tokens → 1 − 0.01·10 = 0.9; wrong at 15 → 0 − 0.05.
    let exact = TargetLengthReward(mode: .exact, target: 20, alpha: 0.01)
    #expect(abs((exact.score(completion: right, problem: p, tokenCount: 30) ?? .nan) - 0.9) < 1e-12)
    #expect(abs((exact.score(completion: wrong, problem: p, tokenCount: 15) ?? .nan) + 0.05) < 1e-12)
    // Max, α = 0.01, δ = 0.5, n_gold = 20: right at 30 → clip(−0.1 + 0.5) = 0.4; at 10 → 0.6;
    // far under → clip to 1; far over → 0; wrong → 0.
    let maxR = TargetLengthReward(mode: .max, target: 20, alpha: 0.01, delta: 0.5)
    #expect(abs((maxR.score(completion: right, problem: p, tokenCount: 30) ?? .nan) - 0.4) < 1e-12)
    #expect(abs((maxR.score(completion: right, problem: p, tokenCount: 10) ?? .nan) - 0.6) < 1e-12)
    #expect(maxR.score(completion: right, problem: p, tokenCount: -100) == 1)
    #expect(maxR.score(completion: right, problem: p, tokenCount: 200) == 0)
    #expect(maxR.score(completion: wrong, problem: p, tokenCount: 10) == 0)
    // Target from metadata, or not applicable.
    let fromMeta = TargetLengthReward(mode: .exact, alpha: 0.5)
    var q = p
    q.metadata["target_tokens"] = "8"
    #expect(fromMeta.score(completion: right, problem: q, tokenCount: 10) == 0)   // 1 − 0.5·2
    #expect(fromMeta.score(completion: right, problem: p, tokenCount: 10) == nil)
    #expect(TargetLengthReward().alpha == 0.0003 && TargetLengthReward().delta == 0.5)
}

@Test func languageConsistency() {
    let r = LanguageConsistencyReward()
    let en = Problem(id: "e", prompt: "How many apples?", answer: "3")
    // Thinking "abc дд" has 5 letters, 3 Latin → 0.6.
    #expect(r.score(completion: "<think>abc дд</think>3", problem: en, tokenCount: 0) == 0.6)
    #expect(r.score(completion: "<think>two plus one</think>3", problem: en, tokenCount: 0) == 1)
    // No letters in the thinking, or none in the prompt: not applicable.
    #expect(r.score(completion: "<think>1+2=3</think>3", problem: en, tokenCount: 0) == nil)
    #expect(r.score(completion: "<think>abc</think>3", problem: p, tokenCount: 0) == nil)
    // Metadata wins over the prompt's script: Chinese expected, 2 of 4 letters are Han.
    let zh = Problem(id: "z", prompt: "apples?", answer: "3", metadata: ["language": "zh"])
    #expect(r.score(completion: "<think>苹果ab</think>", problem: zh, tokenCount: 0) == 0.5)
    // Cyrillic prompt, no think block: the whole completion counts (3 of 4 letters).
    let ru = Problem(id: "r", prompt: "Сколько яблок?", answer: "3")
    #expect(r.score(completion: "три x<eos>zzzz", problem: ru, tokenCount: 0) == 0.75)
    // Japanese: kana and kanji both count.
    let ja = Problem(id: "j", prompt: "りんごは何個?", answer: "3")
    #expect(r.score(completion: "<think>りんご三個</think>", problem: ja, tokenCount: 0) == 1)
}

@Test func weightedSumKeepsComponents() throws {
    let sum = try WeightedReward([
        .init(CorrectnessReward()),
        .init(FormatReward(), weight: 0.1),
        .init(LengthReward(), weight: -0.001),
    ])
    // Right, well formed, 30 tokens: 1 + 0.1 − 0.03 = 1.07.
    let b = sum.evaluate(completion: right, problem: p, tokenCount: 30)
    #expect(abs(b.total - 1.07) < 1e-12)
    #expect(b.components.map(\.name) == ["correct", "format", "length"])
    #expect(b.value("correct") == 1 && b.value("format") == 1 && b.value("length") == 30)
    #expect(abs(b.components[2].contribution + 0.03) < 1e-12)
    // Wrong but well formed, 7 tokens: 0 + 0.1 − 0.007 = 0.093.
    #expect(abs((sum.score(completion: wrong, problem: p, tokenCount: 7) ?? .nan) - 0.093) < 1e-12)
    // Nil components count 0 and stay nil in the breakdown.
    let withLanguage = try WeightedReward([.init(CorrectnessReward()), .init(LanguageConsistencyReward(), weight: 5)])
    let c = withLanguage.evaluate(completion: right, problem: p, tokenCount: 30)
    #expect(c.total == 1 && c.value("language") == nil && c.components[1].contribution == 0)
}

@Test func formatGateZeroesCorrectness() throws {
    let gated = try WeightedReward([.init(CorrectnessReward()), .init(FormatReward(), weight: 0.5)],
                                   gate: FormatReward())
    // Right answer after a broken structure (two </think>): correctness 1 is reported but gated.
    let broken = "<think>x</think>y</think>579"
    let b = gated.evaluate(completion: broken, problem: p, tokenCount: 9)
    #expect(b.value("correct") == 1)
    #expect(b.components[0].gated && b.components[0].contribution == 0)
    #expect(b.total == 0)
    // Well formed: counted as usual, 1 + 0.5.
    #expect(gated.evaluate(completion: right, problem: p, tokenCount: 30).total == 1.5)
    #expect(throws: TasksError.self) { try WeightedReward([.init(FormatReward())], gate: FormatReward()) }
    #expect(throws: TasksError.self) { try WeightedReward([.init(FormatReward()), .init(FormatReward())]) }
    #expect(throws: TasksError.self) { try WeightedReward([.init(LengthReward(), weight: .nan)]) }
}
