// Tasks/TaskKeys.swift — every key of `task KIND key=value …`, declared once as a setting
// (`Fields.FieldSpec`: kind, bounds, default, help) plus the task kinds that take it.
// `TaskRegistry.make` reads and checks values against these rows, and the REPL's `task` command
// derives its key declarations, help and completion from the same rows.
import Fields

/// One key of the `task` command.
public struct TaskKey: Sendable {
    /// The declaration: key, kind of value, bounds, default (nil when leaving it out means
    /// something of its own, said in the help) and one line of help.
    public let spec: FieldSpec
    /// The kinds that take it; empty: every kind.
    public let kinds: [String]

    init(_ name: String, _ kinds: [String], _ kind: FieldKind, bounds: ClosedRange<Double>? = nil,
         default defaultValue: FieldValue?, _ help: String) {
        spec = FieldSpec(name, kind, bounds: bounds, default: defaultValue, summary: help)
        self.kinds = kinds
    }

    /// The key people type.
    public var name: String { spec.key }

    /// Whether tasks of `kind` take this key.
    public func applies(to kind: String) -> Bool { kinds.isEmpty || kinds.contains(kind) }
}

extension TaskRegistry {
    /// The task kinds.
    public static let kindNames = ["arithmetic", "countdown", "sorting"]

    /// Every key of every kind, in the order help lists them.
    public static let keys: [TaskKey] = [
        TaskKey("train", [], .whole, bounds: 0...10_000_000, default: .whole(5000), "training problems"),
        TaskKey("test", [], .whole, bounds: 0...10_000_000, default: .whole(500), "held-out test problems"),
        TaskKey("think", [], .text, default: .word("none"),
                "none|always|mixed[:P]|toggle[:P]: direct answers, worked ones, a share P worked, or /think and /no_think prompts"),
        TaskKey("op", ["arithmetic"], .choice(["add", "sub", "mul"]), default: .word("add"), "the operation"),
        TaskKey("digits", ["arithmetic"], .text, default: .word("3"), "digits per operand, N or N:M"),
        TaskKey("test_digits", ["arithmetic"], .text, default: nil, "digits of the test split, for a shifted test (default: as digits)"),
        TaskKey("greek", ["arithmetic"], .real, bounds: 0...1, default: .real(0),
                "share of add/sub worked solutions with Greek carry/borrow marks (κ, β), for the language reward"),
        TaskKey("count", ["countdown"], .whole, bounds: 2...8, default: .whole(4), "how many numbers"),
        TaskKey("max", ["countdown", "sorting"], .whole, bounds: 1...1_000_000, default: .whole(99), "largest number"),
        TaskKey("target", ["countdown"], .whole, bounds: 1...1_000_000, default: .whole(999), "largest target"),
        TaskKey("all", ["countdown"], .flag, default: .flag(false), "every number must be used"),
        TaskKey("length", ["sorting"], .text, default: .word("4:6"), "list length, N or N:M"),
    ]

    /// Every task kind with its keys and one-line usage (each key at its default).
    public static var kinds: [(name: String, keys: [String], usage: String)] {
        kindNames.map { kind in
            let own = keys.filter { $0.applies(to: kind) }
            let usage = (["task", kind] + own.map { key -> String in
                if case .choice(let words) = key.spec.kind { return key.name + "=" + words.joined(separator: "|") }
                return key.name + "=" + (key.spec.defaultValue?.description ?? "…")
            }).joined(separator: " ")
            return (kind, own.map(\.name), usage)
        }
    }

    /// The key called `name`.
    static func key(_ name: String) -> TaskKey? { keys.first { $0.name == name } }
}
