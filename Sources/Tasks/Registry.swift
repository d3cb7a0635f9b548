// Tasks/Registry.swift — owns the `key=value` front door the REPL uses to build tasks and
// rewards: `task arithmetic op=add digits=3 train=5000 test=500 think=mixed:0.2` and
// `reward correct format=0.1 length=-0.001`. Errors list the valid keys and values.
//
// The REPL engineer passes the words after the verb (already split by the command lexer) as
// `[(key, value)]` pairs — a bare word has a nil value — or the raw text to `parse…(text:)`.

import Fields
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
    /// Parses `arithmetic op=add digits=3 …` (the first word is the kind).
    public static func parse(text: String) throws -> TaskRequest {
        let words = SpecArgument.split(text)
        guard let first = words.first, first.value == nil else {
            throw TasksError("task: name a kind first — one of \(kinds.map(\.name).joined(separator: ", "))")
        }
        return try make(kind: first.key, arguments: Array(words.dropFirst()))
    }

    /// Builds a task of `kind` from `key=value` text arguments, each read by its key's
    /// declaration; unknown keys or bad values throw errors that list the valid choices.
    public static func make(kind: String, arguments: [SpecArgument]) throws -> TaskRequest {
        let own = try keys(of: kind)
        var given: [String: FieldValue] = [:]
        for a in arguments {
            guard let key = own.first(where: { $0.name == a.key }) else { throw unknown(a.key, kind: kind, own: own) }
            guard let v = a.value, !v.isEmpty else { throw TasksError("task \(kind): '\(a.key)' needs a value, as in \(a.key)=…") }
            guard given[a.key] == nil else { throw TasksError("task \(kind): '\(a.key)' is given twice") }
            given[a.key] = try refusing(kind) { try key.spec.parse(v) }
        }
        return try make(kind: kind, values: given)
    }

    /// Builds a task of `kind` from already parsed values (what the REPL hands over); a key left
    /// out takes its declared default. Defaults and bounds are the key table's (`keys`).
    public static func make(kind: String, values given: [String: FieldValue]) throws -> TaskRequest {
        let own = try keys(of: kind)
        var checked: [String: FieldValue] = [:]
        for (name, value) in given {
            guard let key = own.first(where: { $0.name == name }) else { throw unknown(name, kind: kind, own: own) }
            checked[name] = try refusing(kind) { try key.spec.checked(value) }
        }
        let values = TaskValues(kind: kind, given: checked)
        let think = try ThinkMode(parsing: try values.text("think"))
        let generator: any TaskGenerator
        var testGenerator: (any TaskGenerator)?
        switch kind {
        case "arithmetic":
            guard let op = ArithmeticTask.Operation(rawValue: try values.choice("op")) else {
                throw TasksError("task arithmetic: op has no generator")  // the key's choices are the operations
            }
            let digits = try values.range("digits")
            let greek = try values.real("greek")
            generator = try ArithmeticTask(operation: op, digits: digits, think: think, greekShare: greek)
            if given["test_digits"] != nil {
                testGenerator = try ArithmeticTask(operation: op, digits: values.range("test_digits"), think: think, greekShare: greek)
            }
        case "countdown":
            generator = try CountdownTask(count: values.whole("count"), maxNumber: values.whole("max"),
                                          maxTarget: values.whole("target"), useAll: values.flag("all"), think: think)
        default:
            generator = try SortingTask(length: values.range("length"), maxValue: values.whole("max"), think: think)
        }
        return TaskRequest(generator: generator, train: try values.whole("train"), test: try values.whole("test"),
                           testGenerator: testGenerator)
    }

    /// The keys tasks of `kind` take.
    private static func keys(of kind: String) throws -> [TaskKey] {
        guard kindNames.contains(kind) else {
            throw TasksError("unknown task '\(kind)' — use one of \(kindNames.joined(separator: ", "))")
        }
        return keys.filter { $0.applies(to: kind) }
    }

    private static func unknown(_ name: String, kind: String, own: [TaskKey]) -> TasksError {
        TasksError("task \(kind): unknown key '\(name)' — valid keys: \(own.map(\.name).joined(separator: ", "))")
    }

    /// A key's refusal as the task's error.
    private static func refusing(_ kind: String, _ body: () throws -> FieldValue) throws -> FieldValue {
        try FieldError.mapped(to: { TasksError("task \(kind): " + $0) }, body)
    }
}

/// One component key of the `reward` command: its declaration (a weight, a switch, or text with
/// its own syntax) and how its value is written.
public struct RewardKey: Sendable {
    /// The declaration; a weight's default is what a bare word (`format`) means.
    public let spec: FieldSpec
    /// How the value is written after the key (`[=W]`, `=LMAX:LCACHE[:W]`, …).
    public let syntax: String

    /// The key people type.
    public var name: String { spec.key }

    /// A weight: a bare key weighs 1, unless `required`.
    static func weight(_ name: String, required: Bool = false, _ help: String) -> RewardKey {
        RewardKey(spec: FieldSpec(name, .real, default: required ? nil : .real(1), summary: help), syntax: required ? "=W" : "[=W]")
    }

    /// A value with its own syntax.
    static func text(_ name: String, _ syntax: String, _ help: String) -> RewardKey {
        RewardKey(spec: FieldSpec(name, .text, default: nil, summary: help), syntax: syntax)
    }
}

/// Reward keys, for `help` and completion.
public enum RewardRegistry {
    /// Every key with its value form and meaning.
    public static let keys: [RewardKey] = [
        .weight("correct", "1 if the answer is right (weight W, default 1)"),
        .weight("format", "1 if the think/answer structure is well formed"),
        .weight("length", required: true, "completion tokens; a negative W is a per-token penalty"),
        .text("overlong", "=LMAX:LCACHE[:W]", "DAPO soft overlong punishment"),
        .text("l1", "=exact|max[:TARGET[:ALPHA]]", "L1 target-length reward (TARGET tokens, else metadata target_tokens; slope ALPHA, default 0.0003)"),
        .weight("language", "share of the thinking's letters in the prompt's script"),
        .weight("mode", "1 if the completion obeys its prompt's /think or /no_think flag"),
        .weight("process", "share of the worked steps right before the first wrong one (checkable steps)"),
        RewardKey(spec: FieldSpec("gate", .flag, default: nil, summary: "count correctness only when the format is right"), syntax: "=on|off"),
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
            /// The key's value read by its declaration; a bare key takes the declared default.
            func value() throws -> FieldValue {
                guard let key = keys.first(where: { $0.name == a.key }) else { throw TasksError("reward: unknown key '\(a.key)' — valid keys: \(valid)") }
                guard let text = a.value else {
                    if let bare = key.spec.defaultValue { return bare }
                    throw TasksError("reward: '\(a.key)' needs a value, as in \(a.key)\(key.syntax == "=W" ? "=-0.001" : key.syntax)")
                }
                return try FieldError.mapped(to: { TasksError("reward: " + $0) }) { try key.spec.parse(text) }
            }
            func weight() throws -> Double {
                guard case .real(let w) = try value() else { throw TasksError("reward: \(a.key) is not a weight") }
                return w
            }
            switch a.key {
            case "correct": components.append(.init(correctness, weight: try weight()))
            case "format": components.append(.init(format, weight: try weight()))
            case "length": components.append(.init(LengthReward(), weight: try weight()))
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
                guard case .flag(let on) = try value() else { throw TasksError("reward: gate is a switch") }
                gate = on
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

/// A task's typed values: what was given (already checked), else the key table's default;
/// errors name the key and the task.
private struct TaskValues {
    let kind: String
    let given: [String: FieldValue]

    /// `name`'s value: given, else its default.
    private func value(_ name: String) throws -> FieldValue {
        if let v = given[name] { return v }
        guard let fallback = TaskRegistry.key(name)?.spec.defaultValue else { throw TasksError("task \(kind): \(name) has no default") }
        return fallback
    }

    /// The text of `name` (a text key's value as typed).
    func text(_ name: String) throws -> String { try value(name).description }

    func whole(_ name: String) throws -> Int {
        guard case .whole(let n) = try value(name) else { throw TasksError("task \(kind): \(name) is not a whole-number key") }
        return n
    }

    func real(_ name: String) throws -> Double {
        guard case .real(let x) = try value(name) else { throw TasksError("task \(kind): \(name) is not a number key") }
        return x
    }

    func flag(_ name: String) throws -> Bool {
        guard case .flag(let on) = try value(name) else { throw TasksError("task \(kind): \(name) is not a switch") }
        return on
    }

    func choice(_ name: String) throws -> String {
        guard case .word(let w) = try value(name) else { throw TasksError("task \(kind): \(name) is not a choice") }
        return w
    }

    /// `N`, `N:M` or `N..M` as a closed range; `test_digits` defaults to `digits`.
    func range(_ name: String) throws -> ClosedRange<Int> {
        let t = try given[name]?.description ?? (name == "test_digits" ? text("digits") : text(name))
        let parts = t.contains("..") ? t.components(separatedBy: "..") : t.components(separatedBy: ":")
        let numbers = parts.map { Int($0) }
        if numbers.count == 1, let n = numbers[0], n >= 0 { return n...n }
        if numbers.count == 2, let a = numbers[0], let b = numbers[1], a >= 0, a <= b { return a...b }
        throw TasksError("task \(kind): \(name)=\(t) — use N, N:M or N..M with N ≤ M, e.g. \(name)=3 or \(name)=1:4")
    }
}
