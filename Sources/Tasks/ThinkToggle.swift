// Tasks/ThinkToggle.swift — owns toggleable reasoning: the `/think` and `/no_think` flags a prompt
// can start with (Qwen 3's soft switch; Llama-Nemotron switches by system prompt), the `mode`
// reward that pays for obeying the flag, and `Problem.inForm(worked:)`, the one place that turns
// a problem into its worked or direct form and keeps the flag in step with the solution.
//
// A generated problem with `think=toggle:P` reads `/think 12+34=` with the worked solution
// (probability P) or `/no_think 12+34=` with the direct one. Its metadata keeps `mode` (the flag
// now in the prompt) and `drawn_mode` (the flag it was generated with), so a data set can be
// switched wholly to one mode for evaluation and back again (`data mode`).

/// A reasoning switch at the start of a prompt.
public enum ThinkFlag: String, Sendable, CaseIterable, Equatable {
    /// Think: show the worked steps before the answer.
    case think
    /// Do not think: an empty `<think></think>` and the answer.
    case noThink = "no_think"

    /// The text the prompt starts with, `/think ` or `/no_think `.
    public var prefix: String { "/" + rawValue + " " }

    /// The flag a worked (`true`) or direct solution goes with.
    public init(worked: Bool) { self = worked ? .think : .noThink }

    /// The characters the flags add to a task's alphabet.
    public static let alphabet: Set<Character> = Set(allCases.map(\.prefix).joined())
}

extension Problem {
    /// The flag the prompt starts with, or nil when it has none.
    public var thinkFlag: ThinkFlag? {
        ThinkFlag.allCases.first { prompt.hasPrefix($0.prefix) }
    }

    /// The problem with `flag` written at the start of its prompt (replacing any flag there).
    func flagged(_ flag: ThinkFlag) -> Problem {
        var copy = self
        if let old = thinkFlag { copy.prompt.removeFirst(old.prefix.count) }
        copy.prompt = flag.prefix + copy.prompt
        copy.metadata["mode"] = flag.rawValue
        return copy
    }

    /// The same problem with its worked (`true`) or direct solution, or nil when the problem does
    /// not keep that form (`worked_solution` / `direct_solution` metadata). A problem whose prompt
    /// carries a reasoning flag gets the matching flag, so prompt and solution never disagree.
    public func inForm(worked: Bool) -> Problem? {
        guard let solution = metadata[worked ? "worked_solution" : "direct_solution"] else { return nil }
        var copy = thinkFlag == nil ? self : flagged(ThinkFlag(worked: worked))
        copy.solution = solution
        copy.metadata["worked"] = worked ? "true" : "false"
        return copy
    }

    /// The problem in the form it was generated with (its `drawn_mode`), or nil without one.
    public func inDrawnForm() -> Problem? {
        guard let drawn = metadata["drawn_mode"].flatMap(ThinkFlag.init(rawValue:)) else { return nil }
        return inForm(worked: drawn == .think)
    }
}

extension ThinkMode {
    /// A generated problem as this mode writes it: with `toggle`, the flag that matches `worked`
    /// starts the prompt and is recorded as `mode` and `drawn_mode`; other modes leave it as is.
    func finishing(_ problem: Problem, worked: Bool) -> Problem {
        guard case .toggle = self else { return problem }
        var out = problem.flagged(ThinkFlag(worked: worked))
        out.metadata["drawn_mode"] = out.metadata["mode"]
        return out
    }

    /// The characters this mode adds to a task's alphabet (the flags', for `toggle`).
    var addedAlphabet: Set<Character> {
        if case .toggle = self { return ThinkFlag.alphabet }
        return []
    }

    /// Throws when a share is outside [0, 1] (for the task initialisers).
    func validate() throws {
        switch self {
        case .mixed(let p) where !(0...1).contains(p):
            throw TasksError("think=mixed:\(p) — the share must be between 0 and 1")
        case .toggle(let p) where !(0...1).contains(p):
            throw TasksError("think=toggle:\(p) — the share must be between 0 and 1")
        default: return
        }
    }
}

/// Obeying the reasoning flag (the behaviour that toggleable-reasoning training rewards): 1 when a
/// `/think` prompt's completion shows work or a `/no_think` prompt's completion has an empty
/// thinking section, else 0; not applicable (nil) to a prompt without a flag.
public struct ModeReward: Reward, Equatable {
    public init() {}

    public var name: String { "mode" }

    public func score(completion: String, problem: Problem, tokenCount: Int) -> Double? {
        guard let flag = problem.thinkFlag else { return nil }
        let parts = CompletionParts(completion)
        switch flag {
        case .think: return parts.showsWork ? 1 : 0
        case .noThink: return parts.thinking != nil && !parts.showsWork ? 1 : 0
        }
    }
}
