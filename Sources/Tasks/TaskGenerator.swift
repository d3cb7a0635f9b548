// Tasks/TaskGenerator.swift — owns the `TaskGenerator` protocol (seeded problem generators),
// `ThinkMode` (how many solutions show their worked steps) and the shared split builder.

/// A seeded, parameterized source of verifiable problems.
///
/// Implementations draw one problem at a time from `rng`; `makeDataset` (provided) draws
/// distinct prompts until both splits are full, so train and test never share a prompt.
/// Generated problems carry metadata `worked` (`true`/`false`: which form `solution` is) and
/// both forms, `direct_solution` and `worked_solution`, so a trainer or evaluator can force
/// either form.
public protocol TaskGenerator: Sendable {
    /// Short data-set name, e.g. `add-d3`.
    var name: String { get }
    /// The plain characters prompts and solutions use (special tokens excluded).
    var alphabet: Set<Character> { get }
    /// How completions of this task are checked.
    var extractor: AnswerExtractor { get }
    /// How extracted answers are compared.
    var comparison: AnswerComparison { get }
    /// One random problem (its `id` is replaced by `makeDataset`).
    func makeProblem(rng: inout some RandomNumberGenerator) -> Problem
}

extension TaskGenerator {
    public var extractor: AnswerExtractor { .afterThink }
    public var comparison: AnswerComparison { .numeric }

    /// Draws distinct prompts (test split first) until both splits are full. Throws when the
    /// task has too few distinct problems (e.g. 1-digit addition has only 100).
    /// `isCancelled` is polled every few thousand draws; a `true` throws `CancellationError`.
    public func makeDataset(train: Int, test: Int, rng: inout some RandomNumberGenerator,
                            isCancelled: () -> Bool = { false }) throws -> Dataset {
        guard train >= 0, test >= 0 else {
            throw TasksError("train=\(train) test=\(test): counts must be 0 or more")
        }
        var seen = Set<String>()
        let problems = try drawDistinct(train + test, seen: &seen, rng: &rng, isCancelled: isCancelled)
        return Dataset(name: name, train: numbered(Array(problems[test...]), split: "train"),
                       test: numbered(Array(problems[..<test]), split: "test"), extractor: extractor,
                       comparison: comparison, alphabet: alphabet)
    }

    /// A data set whose test split comes from `testTask` (a shifted or harder distribution,
    /// e.g. train on 3 digits and test on 4). Test prompts are drawn first; training prompts
    /// never repeat one. The alphabet is the union of both tasks'; the name is `train→test`.
    public func makeDataset(train: Int, test: Int, testTask: some TaskGenerator,
                            rng: inout some RandomNumberGenerator, isCancelled: () -> Bool = { false }) throws -> Dataset {
        guard train >= 0, test >= 0 else {
            throw TasksError("train=\(train) test=\(test): counts must be 0 or more")
        }
        var seen = Set<String>()
        let testProblems = try testTask.drawDistinct(test, seen: &seen, rng: &rng, isCancelled: isCancelled)
        let trainProblems = try drawDistinct(train, seen: &seen, rng: &rng, isCancelled: isCancelled)
        return Dataset(name: "\(name)→\(testTask.name)", train: numbered(trainProblems, split: "train"),
                       test: testTask.numbered(testProblems, split: "test"), extractor: extractor,
                       comparison: comparison, alphabet: alphabet.union(testTask.alphabet))
    }

    /// `count` problems whose prompts are not in `seen` (which grows). Throws when the task
    /// runs out of distinct prompts within a generous number of draws.
    func drawDistinct(_ count: Int, seen: inout Set<String>, rng: inout some RandomNumberGenerator,
                      isCancelled: () -> Bool = { false }) throws -> [Problem] {
        var problems: [Problem] = []
        problems.reserveCapacity(count)
        // Allow many redraws so near-exhaustive requests still finish, but never loop forever.
        var attempts = 0
        let maxAttempts = 50 * count + 1000
        while problems.count < count, attempts < maxAttempts {
            attempts += 1
            if attempts % 4096 == 0, isCancelled() { throw CancellationError() }
            let p = makeProblem(rng: &rng)
            if seen.insert(p.prompt).inserted { problems.append(p) }
        }
        guard problems.count == count else {
            throw TasksError("'\(name)' produced only \(problems.count) new distinct problems in \(attempts) draws, "
                             + "fewer than the \(count) asked — ask for fewer or widen the task (e.g. more digits)")
        }
        return problems
    }

    /// The problems with ids `<name>-<split>-<index>`.
    func numbered(_ problems: [Problem], split: String) -> [Problem] {
        var out = problems
        for i in out.indices { out[i].id = "\(name)-\(split)-\(i)" }
        return out
    }
}

/// How many generated solutions show their worked steps inside `<think>…</think>`.
/// `none`: all direct (`<think></think>579`); `always`: all worked; `mixed(p)`: each solution is
/// worked with probability p (SFT data in which RL can later find that thinking pays);
/// `toggle(p)`: like `mixed(p)`, and the prompt says which with `/think` or `/no_think`
/// (toggleable reasoning, `ThinkToggle.swift`).
public enum ThinkMode: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Every solution is direct.
    case none
    /// Every solution shows its steps.
    case always
    /// A share p ∈ [0, 1] of solutions show their steps.
    case mixed(Double)
    /// A share p ∈ [0, 1] of prompts say `/think` and show their steps; the rest say `/no_think`.
    case toggle(Double)

    /// The worked share used when `mixed` is written without a value (the measured recipe's 20%).
    public static let defaultMixedShare = 0.2
    /// The `/think` share used when `toggle` is written without a value.
    public static let defaultToggleShare = 0.5

    /// Parses `none`, `always`, `mixed`, `mixed:P`, `toggle` or `toggle:P` (0 ≤ P ≤ 1).
    public init(parsing text: String) throws {
        let t = text.lowercased()
        if t == "none" { self = .none; return }
        if t == "always" { self = .always; return }
        if t == "mixed" { self = .mixed(ThinkMode.defaultMixedShare); return }
        if t == "toggle" { self = .toggle(ThinkMode.defaultToggleShare); return }
        if t.hasPrefix("mixed:"), let p = Double(t.dropFirst(6)), p >= 0, p <= 1 {
            self = .mixed(p); return
        }
        if t.hasPrefix("toggle:"), let p = Double(t.dropFirst(7)), p >= 0, p <= 1 {
            self = .toggle(p); return
        }
        throw TasksError("think=\(text) is not valid — use none, always, mixed[:P] or toggle[:P] with P between 0 and 1")
    }

    /// The textual form accepted by `init(parsing:)`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .always: return "always"
        case .mixed(let p): return "mixed:\(p)"
        case .toggle(let p): return "toggle:\(p)"
        }
    }

    /// Draws whether the next solution shows its steps (uses `rng` only for `mixed` and `toggle`;
    /// `toggle` draws even at shares 0 and 1, so `toggle:0` and `toggle:1` with one seed give the
    /// same problems in the two modes).
    func showsWork(rng: inout some RandomNumberGenerator) -> Bool {
        switch self {
        case .none: return false
        case .always: return true
        case .mixed(let p), .toggle(let p): return Double.random(in: 0..<1, using: &rng) < p
        }
    }
}

/// `<think>steps</think>answer`, the completion format of every generated task.
func thinkFormat(_ steps: String, _ answer: String) -> String {
    "<think>" + steps + "</think>" + answer
}
