// Tasks/Registry.swift — owns the `key=value` front door the REPL uses to build tasks and
// rewards: `task arithmetic op=add digits=3 train=5000 test=500 think=mixed:0.2` and
// `reward correct format=0.1 length=-0.001`. Errors list the valid keys and values.
//
// The REPL engineer passes the words after the verb (already split by the command lexer) as
// `[(key, value)]` pairs — a bare word has a nil value — or the raw text to `parse…(text:)`.

import Foundation

/// One `key=value` (or bare `key`) argument.
public struct SpecArgument: Sendable, Equatable {
    /// The key, or the bare word.
    public var key: String
    /// The value after `=`, nil for a bare word.
    public var value: String?

    /// An argument.
    public init(_ key: String, _ value: String? = nil) {
        self.key = key
        self.value = value
    }

    /// Splits `text` at whitespace into arguments (`k=v` or bare words). No quoting.
    public static func split(_ text: String) -> [SpecArgument] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { word in
            if let eq = word.firstIndex(of: "=") {
                return SpecArgument(String(word[..<eq]), String(word[word.index(after: eq)...]))
            }
            return SpecArgument(String(word))
        }
    }
}

/// A task request from the REPL: the generator and the split sizes.
public struct TaskRequest: Sendable {
    /// The configured generator.
    public var generator: any TaskGenerator
    /// Training problems wanted.
    public var train: Int
    /// Test problems wanted.
    public var test: Int

    /// A different generator for the test split (shifted or harder problems), or nil.
    public var testGenerator: (any TaskGenerator)?

    /// Generates the data set.
    public func makeDataset(rng: inout some RandomNumberGenerator, isCancelled: () -> Bool = { false }) throws -> Dataset {
        if let testGenerator {
            return try generator.makeDataset(train: train, test: test, testTask: testGenerator, rng: &rng, isCancelled: isCancelled)
        }
        return try generator.makeDataset(train: train, test: test, rng: &rng, isCancelled: isCancelled)
    }
}

/// Task kinds and their keys, for `help` and completion.
public enum TaskRegistry {
    /// Every task kind with its keys and one-line usage.
    public static let kinds: [(name: String, keys: [String], usage: String)] = [
        ("arithmetic", ["op", "digits", "test_digits", "think", "greek", "train", "test"],
         "task arithmetic op=add|sub|mul digits=3|1:4 test_digits=4 think=none|always|mixed[:P]|toggle[:P] greek=0 train=5000 test=500"),
        ("countdown", ["count", "max", "target", "all", "think", "train", "test"],
         "task countdown count=4 max=99 target=999 all=false think=none train=5000 test=500"),
        ("sorting", ["length", "max", "think", "train", "test"],
         "task sorting length=4:6 max=99 think=none train=5000 test=500"),
    ]

    /// Parses `arithmetic op=add digits=3 …` (the first word is the kind).
    public static func parse(text: String) throws -> TaskRequest {
        let words = SpecArgument.split(text)
        guard let first = words.first, first.value == nil else {
            throw TasksError("task: name a kind first — one of \(kinds.map(\.name).joined(separator: ", "))")
        }
        return try make(kind: first.key, arguments: Array(words.dropFirst()))
    }

    /// Builds a task of `kind` from `key=value` arguments; unknown keys or bad values throw
    /// errors that list the valid choices. Defaults: train=5000, test=500, think=none.
    public static func make(kind: String, arguments: [SpecArgument]) throws -> TaskRequest {
        guard let entry = kinds.first(where: { $0.name == kind }) else {
            throw TasksError("unknown task '\(kind)' — use one of \(kinds.map(\.name).joined(separator: ", "))")
        }
        var values: [String: String] = [:]
        for a in arguments {
            guard entry.keys.contains(a.key) else {
                throw TasksError("task \(kind): unknown key '\(a.key)' — valid keys: \(entry.keys.joined(separator: ", "))")
            }
            guard let v = a.value, !v.isEmpty else { throw TasksError("task \(kind): '\(a.key)' needs a value, as in \(a.key)=…") }
            guard values[a.key] == nil else { throw TasksError("task \(kind): '\(a.key)' is given twice") }
            values[a.key] = v
        }
        let train = try integer(values["train"], key: "train", default: 5000, kind: kind)
        let test = try integer(values["test"], key: "test", default: 500, kind: kind)
        let think = try values["think"].map { try ThinkMode(parsing: $0) } ?? ThinkMode.none
        let generator: any TaskGenerator
        var testGenerator: (any TaskGenerator)?
        switch kind {
        case "arithmetic":
            let opText = values["op"] ?? "add"
            guard let op = ArithmeticTask.Operation(rawValue: opText) else {
                throw TasksError("task arithmetic: op=\(opText) is not valid — use add, sub or mul")
            }
            let digits = try range(values["digits"], key: "digits", default: 3...3, kind: kind)
            var greek = 0.0
            if let text = values["greek"] {
                guard let p = Double(text), (0...1).contains(p) else {
                    throw TasksError("task arithmetic: greek=\(text) — give the share of worked solutions with Greek marks, 0 to 1")
                }
                greek = p
            }
            generator = try ArithmeticTask(operation: op, digits: digits, think: think, greekShare: greek)
            if let testDigits = values["test_digits"] {
                testGenerator = try ArithmeticTask(operation: op, digits: range(testDigits, key: "test_digits", default: digits, kind: kind),
                                                   think: think, greekShare: greek)
            }
        case "countdown":
            let all = values["all"] ?? "false"
            guard all == "true" || all == "false" else {
                throw TasksError("task countdown: all=\(all) is not valid — use true or false")
            }
            generator = try CountdownTask(count: integer(values["count"], key: "count", default: 4, kind: kind),
                                          maxNumber: integer(values["max"], key: "max", default: 99, kind: kind),
                                          maxTarget: integer(values["target"], key: "target", default: 999, kind: kind),
                                          useAll: all == "true", think: think)
        default:
            generator = try SortingTask(length: range(values["length"], key: "length", default: 4...6, kind: kind),
                                        maxValue: integer(values["max"], key: "max", default: 99, kind: kind),
                                        think: think)
        }
        return TaskRequest(generator: generator, train: train, test: test, testGenerator: testGenerator)
    }
}

/// Reward keys, for `help` and completion.
public enum RewardRegistry {
    /// Every key with its value form and meaning.
    public static let keys: [(name: String, value: String, help: String)] = [
        ("correct", "[=W]", "1 if the answer is right (weight W, default 1)"),
        ("format", "[=W]", "1 if the think/answer structure is well formed"),
        ("length", "=W", "completion tokens; a negative W is a per-token penalty"),
        ("overlong", "=LMAX:LCACHE[:W]", "DAPO soft overlong punishment"),
        ("l1", "=exact|max[:TARGET[:ALPHA]]", "L1 target-length reward (TARGET tokens, else metadata target_tokens; slope ALPHA, default 0.0003)"),
        ("language", "[=W]", "share of the thinking's letters in the prompt's script"),
        ("mode", "[=W]", "1 if the completion obeys its prompt's /think or /no_think flag"),
        ("process", "[=W]", "share of the worked steps right before the first wrong one (checkable steps)"),
        ("gate", "=true|false", "count correctness only when the format is right"),
    ]

    /// Parses `correct format=0.1 length=-0.001` for `dataset` (its extractor, comparison and format).
    public static func parse(text: String, dataset: Dataset? = nil) throws -> WeightedReward {
        try make(arguments: SpecArgument.split(text), dataset: dataset)
    }

    /// Builds a weighted reward from arguments, in the order given. Correctness and format use
    /// `dataset`'s extractor and comparison (defaults: after-think, numeric).
    public static func make(arguments: [SpecArgument], dataset: Dataset? = nil) throws -> WeightedReward {
        let extractor = dataset?.extractor ?? .afterThink
        let comparison = dataset?.comparison ?? .numeric
        let correctness = CorrectnessReward(extractor: extractor, comparison: comparison)
        let format = FormatReward(style: FormatStyle(extractor: extractor))
        var components: [WeightedReward.Component] = []
        var gate = false
        let valid = keys.map(\.name).joined(separator: ", ")
        for a in arguments {
            func weight(required: Bool = false) throws -> Double {
                guard let v = a.value else {
                    if required { throw TasksError("reward: '\(a.key)' needs a weight, as in \(a.key)=-0.001") }
                    return 1
                }
                guard let w = Double(v), w.isFinite else { throw TasksError("reward: \(a.key)=\(v) — the weight must be a number") }
                return w
            }
            switch a.key {
            case "correct": components.append(.init(correctness, weight: try weight()))
            case "format": components.append(.init(format, weight: try weight()))
            case "length": components.append(.init(LengthReward(), weight: try weight(required: true)))
            case "language": components.append(.init(LanguageConsistencyReward(), weight: try weight()))
            case "mode": components.append(.init(ModeReward(), weight: try weight()))
            case "process": components.append(.init(ProcessReward(), weight: try weight()))
            case "overlong":
                let parts = (a.value ?? "").split(separator: ":").map { Double($0) }
                guard (2...3).contains(parts.count), let lmax = parts[0], let lcache = parts[1],
                      lmax == lmax.rounded(), lcache == lcache.rounded(), abs(lmax) < 1e9, abs(lcache) < 1e9,
                      parts.count == 2 || parts[2]?.isFinite == true else {
                    throw TasksError("reward: overlong=\(a.value ?? "") — use overlong=LMAX:LCACHE or LMAX:LCACHE:W, e.g. overlong=64:16")
                }
                components.append(.init(try OverlongPenalty(maxLength: Int(lmax), cacheLength: Int(lcache)),
                                        weight: parts.count == 3 ? parts[2] ?? 1 : 1))
            case "l1":
                let parts = (a.value ?? "").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard let mode = parts.first.flatMap(TargetLengthReward.Mode.init(rawValue:)), parts.count <= 3 else {
                    throw TasksError("reward: l1=\(a.value ?? "") — use l1=exact, l1=max, l1=exact:TARGET or l1=exact:TARGET:ALPHA")
                }
                var target: Int?
                if parts.count >= 2 {
                    guard let t = Int(parts[1]), t > 0 else { throw TasksError("reward: l1 target '\(parts[1])' must be a positive whole number of tokens") }
                    target = t
                }
                var alpha = TargetLengthReward().alpha
                if parts.count == 3 {
                    // The paper's α = 0.0003 is made for targets of thousands of tokens; short tasks scale it up.
                    guard let value = Double(parts[2]), value.isFinite, value > 0, value <= 1 else {
                        throw TasksError("reward: l1 slope '\(parts[2])' must be a number in (0, 1], e.g. l1=exact:20:0.03")
                    }
                    alpha = value
                }
                components.append(.init(TargetLengthReward(mode: mode, target: target, alpha: alpha, correctness: correctness)))
            case "gate":
                guard let v = a.value, v == "true" || v == "false" else {
                    throw TasksError("reward: gate=\(a.value ?? "") — use gate=true or gate=false")
                }
                gate = v == "true"
            default:
                throw TasksError("reward: unknown key '\(a.key)' — valid keys: \(valid)")
            }
        }
        guard !components.isEmpty else {
            throw TasksError("reward: name at least one component — valid keys: \(valid)")
        }
        if gate, !components.contains(where: { $0.name == "correct" }) {
            throw TasksError("reward: gate=true needs the 'correct' component — add correct")
        }
        return try WeightedReward(components, gate: gate ? format : nil)
    }
}

/// An integer option or its default; the error names the key and the task.
private func integer(_ text: String?, key: String, default value: Int, kind: String) throws -> Int {
    guard let text else { return value }
    guard let n = Int(text), n >= 0 else {
        throw TasksError("task \(kind): \(key)=\(text) — use a whole number of 0 or more")
    }
    return n
}

/// `N`, `N:M` or `N..M` as a closed range.
private func range(_ text: String?, key: String, default value: ClosedRange<Int>, kind: String) throws -> ClosedRange<Int> {
    guard let text else { return value }
    let parts = text.contains("..") ? text.components(separatedBy: "..") : text.components(separatedBy: ":")
    let numbers = parts.map { Int($0) }
    if numbers.count == 1, let n = numbers[0], n >= 0 { return n...n }
    if numbers.count == 2, let a = numbers[0], let b = numbers[1], a >= 0, a <= b { return a...b }
    throw TasksError("task \(kind): \(key)=\(text) — use N, N:M or N..M with N ≤ M, e.g. \(key)=3 or \(key)=1:4")
}
