// Tasks/TaskKeys.swift — every key of `task KIND key=value …`, declared once: which kinds take it,
// the form of its value, its bounds, its default and one line of help. `TaskRegistry.make` reads
// defaults and bounds from here, and the REPL's `task` command derives its key declarations,
// help and completion from the same rows.

/// One key of the `task` command.
public struct TaskKey: Sendable {
    /// The form of a key's value.
    public enum Form: Sendable, Equatable {
        /// A whole number within bounds.
        case whole(ClosedRange<Int>)
        /// A real number within bounds.
        case real(ClosedRange<Double>)
        /// `true` or `false`.
        case flag
        /// One of these words.
        case choice([String])
        /// Text with its own syntax (`N:M` ranges, think modes), parsed by the task.
        case text
    }

    /// The key people type.
    public let name: String
    /// The kinds that take it; empty: every kind.
    public let kinds: [String]
    /// What its value looks like.
    public let form: Form
    /// The default, as typed; nil when leaving it out means something of its own (see `help`).
    public let defaultText: String?
    /// One line: what it sets.
    public let help: String

    init(_ name: String, _ kinds: [String], _ form: Form, default defaultText: String?, _ help: String) {
        self.name = name; self.kinds = kinds; self.form = form; self.defaultText = defaultText; self.help = help
    }

    /// Whether tasks of `kind` take this key.
    public func applies(to kind: String) -> Bool { kinds.isEmpty || kinds.contains(kind) }
}

extension TaskRegistry {
    /// The task kinds.
    public static let kindNames = ["arithmetic", "countdown", "sorting"]

    /// Every key of every kind, in the order help lists them.
    public static let keys: [TaskKey] = [
        TaskKey("train", [], .whole(0...10_000_000), default: "5000", "training problems"),
        TaskKey("test", [], .whole(0...10_000_000), default: "500", "held-out test problems"),
        TaskKey("think", [], .text, default: "none",
                "none|always|mixed[:P]|toggle[:P]: direct answers, worked ones, a share P worked, or /think and /no_think prompts"),
        TaskKey("op", ["arithmetic"], .choice(["add", "sub", "mul"]), default: "add", "the operation"),
        TaskKey("digits", ["arithmetic"], .text, default: "3", "digits per operand, N or N:M"),
        TaskKey("test_digits", ["arithmetic"], .text, default: nil, "digits of the test split, for a shifted test (default: as digits)"),
        TaskKey("greek", ["arithmetic"], .real(0...1), default: "0",
                "share of add/sub worked solutions with Greek carry/borrow marks (κ, β), for the language reward"),
        TaskKey("count", ["countdown"], .whole(2...8), default: "4", "how many numbers"),
        TaskKey("max", ["countdown", "sorting"], .whole(1...1_000_000), default: "99", "largest number"),
        TaskKey("target", ["countdown"], .whole(1...1_000_000), default: "999", "largest target"),
        TaskKey("all", ["countdown"], .flag, default: "false", "every number must be used"),
        TaskKey("length", ["sorting"], .text, default: "4:6", "list length, N or N:M"),
    ]

    /// Every task kind with its keys and one-line usage (each key at its default).
    public static var kinds: [(name: String, keys: [String], usage: String)] {
        kindNames.map { kind in
            let own = keys.filter { $0.applies(to: kind) }
            let usage = (["task", kind] + own.map { key -> String in
                if case .choice(let words) = key.form { return key.name + "=" + words.joined(separator: "|") }
                return key.name + "=" + (key.defaultText ?? "…")
            }).joined(separator: " ")
            return (kind, own.map(\.name), usage)
        }
    }

    /// The key called `name`.
    static func key(_ name: String) -> TaskKey? { keys.first { $0.name == name } }
}
