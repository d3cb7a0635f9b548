// TokenAccounting — what a method costs in tokens at k samples: k samples cost k times the mean
// tokens of one sample; the prompt is counted once per problem (it is prefilled once and shared).
import Foundation

/// Mean tokens per problem spent by a method that draws k samples.
public struct TokenCost: Sendable, Equatable, Codable {
    /// Samples per problem.
    public var k: Int
    /// Generated tokens per problem: k × the problem's mean generated tokens per sample, averaged over problems.
    public var generated: Double
    /// Thinking tokens per problem (k × mean per sample, averaged over problems).
    public var thinking: Double
    /// Answer tokens (generated minus thinking) per problem.
    public var answer: Double
    /// Prompt tokens per problem, counted once; nil unless every problem recorded them.
    public var prompt: Double?
    /// Everything the model processed per problem: prompt (if known) plus generated.
    public var total: Double { (prompt ?? 0) + generated }
}

/// The token cost of drawing k samples per problem, estimated from all recorded samples (the mean
/// over all n samples is a better estimate of one sample's length than any k of them).
public func tokenCost(_ problems: [ProblemSamples], k: Int) throws -> TokenCost {
    try validate(problems, k: k, estimator: "token cost at k")
    if let empty = problems.first(where: { $0.n == 0 }) {
        throw EvaluationError("token cost: problem '\(empty.problemID)' has no samples")
    }
    var generated = 0.0, thinking = 0.0, answer = 0.0
    for problem in problems {
        let n = Double(problem.n)
        generated += Double(problem.samples.reduce(0) { $0 + $1.generatedTokens }) / n
        thinking += Double(problem.samples.reduce(0) { $0 + $1.thinkingTokens }) / n
        answer += Double(problem.samples.reduce(0) { $0 + $1.answerTokens }) / n
    }
    let count = Double(problems.count), scale = Double(k) / count
    let prompts = problems.compactMap(\.promptTokens)
    let prompt = prompts.count == problems.count ? Double(prompts.reduce(0, +)) / count : nil
    return TokenCost(k: k, generated: generated * scale, thinking: thinking * scale, answer: answer * scale, prompt: prompt)
}
