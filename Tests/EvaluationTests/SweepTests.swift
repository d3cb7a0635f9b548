// Token accounting, scaling sweeps (consistency with the single estimators, determinism, bands)
// and the sweep TSV round trip.
import Foundation
import Testing
@testable import Evaluation

@Test func tokenCostScalesWithKAndCountsThePromptOnce() throws {
    let a = ProblemSamples(problemID: "a", samples: [
        ScoredSample(answerKey: "1", correct: true, generatedTokens: 10, thinkingTokens: 6),
        ScoredSample(answerKey: "2", correct: false, generatedTokens: 20, thinkingTokens: 14)], promptTokens: 30)
    let b = ProblemSamples(problemID: "b", samples: [
        ScoredSample(answerKey: "1", correct: true, generatedTokens: 40, thinkingTokens: 40),
        ScoredSample(answerKey: nil, correct: false, generatedTokens: 0, thinkingTokens: 0)], promptTokens: 50)
    // Per sample: a → 15 generated, 10 thinking, 5 answer; b → 20, 20, 0. Mean: 17.5, 15, 2.5.
    let cost = try tokenCost([a, b], k: 2)
    #expect(cost.generated == 35 && cost.thinking == 30 && cost.answer == 5)
    #expect(cost.prompt == 40)
    #expect(cost.total == 75)
    var noPrompt = b
    noPrompt.promptTokens = nil
    #expect(try tokenCost([a, noPrompt], k: 1).prompt == nil)
    #expect(throws: EvaluationError.self) { try tokenCost([a], k: 3) }
}

/// Ten problems with eight scored samples each, varied answers and lengths.
private func benchmark() -> [ProblemSamples] {
    (0..<10).map { p in
        ProblemSamples(problemID: "p\(p)", samples: (0..<8).map { i in
            let key = ["a", "b", "c", nil][(i * 3 + p) % 4]
            return ScoredSample(answerKey: key, correct: key == "a", generatedTokens: 10 + i + p, thinkingTokens: 5 + i,
                                logprob: -Double((i * 5 + p) % 7) - 1, score: Double((i + 2 * p) % 5) / 4)
        })
    }
}

@Test func sweepAgreesWithTheSingleEstimators() throws {
    let problems = benchmark()
    var generator = SplitMix64(seed: 11)
    let points = try scalingSweep(problems, methods: [.pass, .maj, .best, .majProb], ks: [1, 2, 8],
                                  options: SweepOptions(subsets: 16, resamples: 200, budget: 64), using: &generator)
    #expect(points.count == 12)
    #expect(points.map(\.method) == ["pass", "pass", "pass", "maj", "maj", "maj", "best", "best", "best", "maj-prob", "maj-prob", "maj-prob"])
    #expect(points.allSatisfy { $0.budget == 64 && $0.low <= $0.accuracy + 1e-12 && $0.accuracy <= $0.high + 1e-12 })
    for point in points where point.method == "pass" {
        #expect(abs(point.accuracy - (try passAtK(problems, k: point.k))) < 1e-12)
    }
    // At k = n every subset is the whole set: the exact estimators.
    let maj8 = try #require(points.first { $0.method == "maj" && $0.k == 8 })
    #expect(abs(maj8.accuracy - (try majorityAtN(problems))) < 1e-12)
    let prob8 = try #require(points.first { $0.method == "maj-prob" && $0.k == 8 })
    #expect(abs(prob8.accuracy - (try majorityAtN(problems, weighting: .probability))) < 1e-12)
    // maj@1 = pass@1 up to subset noise is not guaranteed (no-answer samples), but tokens are k × mean.
    let cost2 = try tokenCost(problems, k: 2).generated
    #expect(points.filter { $0.k == 2 }.allSatisfy { $0.meanTokens == cost2 })
}

@Test func sweepIsDeterministicUnderASeed() throws {
    let problems = benchmark()
    var first = SplitMix64(seed: 5), second = SplitMix64(seed: 5), third = SplitMix64(seed: 6)
    let options = SweepOptions(subsets: 8, resamples: 100)
    let a = try scalingSweep(problems, methods: ScalingMethod.allCases, ks: [1, 2, 4], options: options, using: &first)
    let b = try scalingSweep(problems, methods: ScalingMethod.allCases, ks: [1, 2, 4], options: options, using: &second)
    let c = try scalingSweep(problems, methods: ScalingMethod.allCases, ks: [1, 2, 4], options: options, using: &third)
    #expect(a == b)
    #expect(a != c)   // another seed draws other subsets and resamples
}

@Test func sweepBandMatchesTheNormalApproximation() throws {
    // 400 problems, pass@1 of 0.5 exactly: the 95% interval half-width is about 1.96·√(0.25/400) ≈ 0.049.
    let problems = (0..<400).map { problem("p\($0)", n: 2, c: $0 % 2 == 0 ? 2 : 0) }
    var generator = SplitMix64(seed: 9)
    let point = try #require(try scalingSweep(problems, methods: [.pass], ks: [1],
                                              options: SweepOptions(resamples: 2000), using: &generator).first)
    #expect(point.accuracy == 0.5)
    #expect(abs((point.high - point.low) / 2 - 0.049) < 0.008, "\(point.low)…\(point.high)")
}

@Test func sweepRejectsBadInput() {
    var generator = SplitMix64(seed: 1)
    let problems = benchmark()
    #expect(throws: EvaluationError.self) { try scalingSweep(problems, methods: [.pass], ks: [9], using: &generator) }
    #expect(throws: EvaluationError.self) { try scalingSweep(problems, methods: [.pass], ks: [0], using: &generator) }
    #expect(throws: EvaluationError.self) { try scalingSweep(problems, methods: [], ks: [1], using: &generator) }
    #expect(throws: EvaluationError.self) { try scalingSweep([], methods: [.pass], ks: [1], using: &generator) }
    #expect(throws: EvaluationError.self) {
        try scalingSweep(problems, methods: [.pass], ks: [1], options: SweepOptions(confidence: 1), using: &generator)
    }
    // A method needing scores on samples without them names the problem.
    let unscored = [problem("bare", n: 4, c: 1)]
    #expect(throws: EvaluationError.self) { try scalingSweep(unscored, methods: [.best], ks: [2], using: &generator) }
}

@Test func sweepTSVRoundTripsExactly() throws {
    let points = [
        SweepPoint(method: "pass", k: 1, budget: nil, meanTokens: 12.345678901234567, accuracy: 1.0 / 3.0, low: 0.1, high: 0.7),
        SweepPoint(method: "maj-prob", k: 64, budget: 256, meanTokens: 1e-17, accuracy: 0.9999999999999999, low: 0, high: 1),
    ]
    let text = try sweepTSV(points)
    #expect(text.hasPrefix("method\tk\tbudget\tmean_tokens\taccuracy\tlow\thigh\n"))
    #expect(try parseSweepTSV(text) == points)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("verity-sweep-\(UUID().uuidString)/s.tsv")
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    try writeSweepTSV(points, to: url)
    #expect(try readSweepTSV(from: url) == points)
    var generator = SplitMix64(seed: 2)
    let swept = try scalingSweep(benchmark(), methods: [.maj], ks: [1, 3], options: SweepOptions(subsets: 4, resamples: 50), using: &generator)
    #expect(try parseSweepTSV(try sweepTSV(swept)) == swept)
}

@Test func sweepTSVErrorsNameTheLine() {
    #expect(throws: EvaluationError.self) { try parseSweepTSV("wrong header\n") }
    do {
        _ = try parseSweepTSV(sweepTSVHeader + "\npass\tone\t\t1\t0.5\t0.4\t0.6\n")
        Issue.record("a bad k parsed")
    } catch let error as EvaluationError {
        #expect(error.message.contains("line 2") && error.message.contains("'one'"))
    } catch { Issue.record("unexpected \(error)") }
    #expect(throws: EvaluationError.self) { try parseSweepTSV(sweepTSVHeader + "\npass\t1\t\t1\n") }
    #expect(throws: EvaluationError.self) {
        try sweepTSV([SweepPoint(method: "a\tb", k: 1, budget: nil, meanTokens: 1, accuracy: 0, low: 0, high: 0)])
    }
}

@Test func curvesGroupByMethodAndBudgetSortedByK() {
    let points = [
        SweepPoint(method: "maj", k: 4, budget: 32, meanTokens: 40, accuracy: 0.6, low: 0.5, high: 0.7),
        SweepPoint(method: "maj", k: 1, budget: 32, meanTokens: 10, accuracy: 0.4, low: 0.3, high: 0.5),
        SweepPoint(method: "pass", k: 1, budget: nil, meanTokens: 12, accuracy: 0.4, low: 0.3, high: 0.5),
        SweepPoint(method: "maj", k: 1, budget: 64, meanTokens: 20, accuracy: 0.5, low: 0.4, high: 0.6),
    ]
    let bySamples = scalingCurves(points)
    #expect(bySamples.map(\.name) == ["maj (budget 32)", "pass", "maj (budget 64)"])
    #expect(bySamples[0].x == [1, 4] && bySamples[0].accuracy == [0.4, 0.6] && bySamples[0].high == [0.5, 0.7])
    let byTokens = scalingCurves(points, x: .tokens)
    #expect(byTokens[0].x == [10, 40])
    #expect(byTokens[1].budget == nil && byTokens[1].low == [0.3])
}

@Test func budgetCurvesHoldKFixedAcrossBudgets() {
    let point = { (method: String, k: Int, budget: Int?, accuracy: Double) in
        SweepPoint(method: method, k: k, budget: budget, meanTokens: Double(k * (budget ?? 5)), accuracy: accuracy,
                   low: accuracy - 0.1, high: accuracy + 0.1)
    }
    let points = [point("pass", 1, 16, 0.2), point("pass", 2, 16, 0.3), point("pass", 1, 0, 0.1),
                  point("pass", 2, 0, 0.15), point("pass", 1, 24, 0.6), point("pass", 2, 24, 0.8),
                  point("maj", 1, nil, 0.5)]
    let curves = scalingCurves(points, x: .budget)
    #expect(curves.map(\.name) == ["pass@1", "pass@2"])        // the point without a budget belongs to no curve
    #expect(curves[0].x == [0, 16, 24] && curves[0].accuracy == [0.1, 0.2, 0.6])
    #expect(curves[1].x == [0, 16, 24] && curves[1].high == [0.25, 0.4, 0.9])
    #expect(ScalingAxis.budget.label.contains("budget"))
}
