// Tasks/Verification.swift — owns `VerificationReport` and `verifyCompletion`: everything about
// how one completion was judged (extracted answer, normalized forms, verdict and why, every
// reward's value), as plain data for the REPL's `verify "…" answer=42` command to print.

/// How one completion was judged. Plain data with named fields; the REPL formats it.
public struct VerificationReport: Sendable, Equatable {
    /// The completion as given.
    public var completion: String
    /// The gold answer as given.
    public var goldAnswer: String
    /// The extractor used.
    public var extractor: AnswerExtractor
    /// The comparison used.
    public var comparison: AnswerComparison
    /// The text the extractor found, nil when none.
    public var extracted: String?
    /// The normalized form of `extracted` (the voting key), nil when none or not of the kind.
    public var extractedKey: String?
    /// The normalized form of the gold answer, nil when it cannot be normalized.
    public var goldKey: String?
    /// The verdict.
    public var correct: Bool
    /// One sentence saying why (`correct`, `no </think> in the completion`, `578 ≠ 579`, …).
    public var reason: String
    /// Whether the completion has the data set's think/answer structure.
    public var wellFormed: Bool
    /// The token count the length rewards used.
    public var tokenCount: Int
    /// Every reward's value and the weighted total.
    public var rewards: RewardBreakdown
}

/// The default components reported when no reward is given: correctness (weight 1), and
/// format, length and language (weight 0, so they are shown but do not change the total).
public func defaultReportReward(extractor: AnswerExtractor, comparison: AnswerComparison) -> WeightedReward {
    // Distinct names and finite weights: nothing to validate.
    WeightedReward(unchecked: [
        .init(CorrectnessReward(extractor: extractor, comparison: comparison)),
        .init(FormatReward(style: FormatStyle(extractor: extractor)), weight: 0),
        .init(LengthReward(), weight: 0),
        .init(LanguageConsistencyReward(), weight: 0),
    ])
}

/// Judges `completion` for `problem` and reports every intermediate value. Pure: no printing.
/// `tokenCount` defaults to `approximateTokenCount(completion)`.
public func verifyCompletion(_ completion: String, problem: Problem, extractor: AnswerExtractor,
                             comparison: AnswerComparison, reward: WeightedReward? = nil,
                             tokenCount: Int? = nil) -> VerificationReport {
    let tokens = tokenCount ?? approximateTokenCount(completion)
    let extracted = extractor.extract(completion)
    let extractedKey = extracted.flatMap { answerKey($0, comparison: comparison) }
    let goldKey = answerKey(problem.answer, comparison: comparison)
    let correct = extracted.map { isCorrectAnswer($0, problem: problem, comparison: comparison) } ?? false
    let reason: String
    if let extracted {
        if comparison == .countdown {
            reason = countdownVerdict(extracted, problem: problem) ?? "correct"
        } else if extractedKey == nil {
            reason = "'\(extracted)' is not a valid answer under \(comparison.rawValue) comparison"
        } else if goldKey == nil {
            reason = "the gold answer '\(problem.answer)' is not a valid answer under \(comparison.rawValue) comparison"
        } else {
            reason = correct ? "correct" : "\(extractedKey ?? "") ≠ \(goldKey ?? "")"
        }
    } else {
        reason = "no answer found: " + missingAnswerHint(extractor)
    }
    let sum = reward ?? defaultReportReward(extractor: extractor, comparison: comparison)
    return VerificationReport(
        completion: completion, goldAnswer: problem.answer, extractor: extractor, comparison: comparison,
        extracted: extracted, extractedKey: extractedKey, goldKey: goldKey, correct: correct, reason: reason,
        wellFormed: FormatReward(style: FormatStyle(extractor: extractor)).isWellFormed(completion),
        tokenCount: tokens, rewards: sum.evaluate(completion: completion, problem: problem, tokenCount: tokens))
}

/// `verifyCompletion` against a bare gold answer (a problem with an empty prompt). For
/// `.countdown`, put the target in `answer`; number usage is then not checked.
public func verifyCompletion(_ completion: String, answer: String, extractor: AnswerExtractor = .afterThink,
                             comparison: AnswerComparison = .numeric, reward: WeightedReward? = nil,
                             tokenCount: Int? = nil) -> VerificationReport {
    verifyCompletion(completion, problem: Problem(id: "verify", prompt: "", answer: answer),
                     extractor: extractor, comparison: comparison, reward: reward, tokenCount: tokenCount)
}

/// Characters, counting `<think>`, `</think>` and each end marker as one token, as Verity's
/// character tokenizer would. Only an estimate for other tokenizers.
public func approximateTokenCount(_ completion: String) -> Int {
    var n = completion.count
    for marker in ["<think>", "</think>"] + AnswerExtractor.endMarkers {
        n -= count(marker, in: completion) * (marker.count - 1)
    }
    return n
}

/// What the extractor looked for, to explain a missing answer.
private func missingAnswerHint(_ extractor: AnswerExtractor) -> String {
    switch extractor {
    case .afterThink: return "no text after a </think> tag"
    case .answerTag: return "no <answer>…</answer> pair"
    case .boxed: return "no \\boxed{…} with balanced braces"
    case .gsm8k: return "no number after ####"
    case .answerIs: return "no number after \"the answer is\""
    case .lastNumber: return "no number in the completion"
    case .whole: return "the completion is empty"
    case .auto: return "no tagged, boxed or marked answer and no number after the thinking"
    }
}
