// Tasks/ProcessReward.swift — a step-level verifier for worked solutions whose steps are
// checkable: the arithmetic task's digit-by-digit lines (`3+6=9c0 2+5=7c0 …`). A completion's
// steps are the space-separated pieces of its thinking; each is checked against the problem's
// canonical worked solution (`worked_solution` in its metadata), and the first wrong step is
// marked — the labels of a process reward model (Lightman et al. 2023, "Let's Verify Step by
// Step"), here exact because the task defines its steps. It knows the right steps, so as a
// search scorer it is an oracle for the steps (not for the final answer): an upper bound on
// what a learned process reward model could do.

/// The step-by-step check of one completion.
public struct StepCheck: Sendable, Equatable {
    /// Complete steps written (a step is complete when a space or `</think>` follows it).
    public var steps: Int
    /// Index of the first wrong complete step; nil when every complete step is right.
    public var firstWrong: Int?
    /// Steps of the canonical solution.
    public var expected: Int
    /// Leading steps that are right.
    public var rightSteps: Int { firstWrong ?? steps }
}

/// Checks worked steps against a problem's canonical worked solution.
public enum StepVerifier {
    static let open = "<think>", close = "</think>"

    /// The canonical steps of `problem`, or nil when it has no worked solution with steps.
    public static func expectedSteps(_ problem: Problem) -> [String]? {
        guard let worked = problem.metadata["worked_solution"] else { return nil }
        let parts = thinking(worked).complete
        return parts.isEmpty ? nil : parts
    }

    /// The thinking's complete steps and the unfinished tail of `text` (which may stop mid-step).
    static func thinking(_ text: String) -> (complete: [String], tail: String) {
        guard let start = text.range(of: open) else { return ([], "") }
        let rest = text[start.upperBound...]
        let closed = rest.range(of: close)
        let body = closed.map { rest[..<$0.lowerBound] } ?? rest
        var pieces = body.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        // Without `</think>`, the last piece is complete only when a space followed it.
        let tail = closed == nil ? (pieces.popLast() ?? "") : ""
        return (pieces.filter { !$0.isEmpty }, tail)
    }

    /// The check of `completion` (possibly a partial one) for `problem`; nil when the problem has
    /// no checkable steps.
    public static func check(completion: String, problem: Problem) -> StepCheck? {
        guard let expected = expectedSteps(problem) else { return nil }
        let written = thinking(completion).complete
        var firstWrong: Int?
        for (i, step) in written.enumerated() where i >= expected.count || step != expected[i] {
            firstWrong = i
            break
        }
        return StepCheck(steps: written.count, firstWrong: firstWrong, expected: expected.count)
    }
}

/// The process reward as a dense reward: the share of the canonical steps written right before
/// the first wrong one, r = (right leading steps) / (canonical steps). Not applicable (nil) to a
/// direct answer without steps or to a problem without checkable steps.
public struct ProcessReward: Reward, Equatable {
    public var name: String { "process" }
    public init() {}

    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        guard let check = StepVerifier.check(completion: completion, problem: problem), check.steps > 0 else { return nil }
        return Double(check.rightSteps) / Double(max(check.expected, 1))
    }
}
