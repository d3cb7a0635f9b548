// CommandDeclaration / CommandDefinition — what a command is (name, optional sub-verb, usage,
// help, arguments, examples) and what it does (a handler acting on the session and returning a
// `CommandOutput`). One definition per file under `Commands/`; the registry is one list.

/// Everything the REPL knows about a command without running it: parsing, validation, `help`
/// and completion all derive from this value.
public struct CommandDeclaration: Sendable {
    /// The verb (`seed`, `show`, `model`).
    public var name: String
    /// The sub-verb, for families such as `show settings` / `model new`; nil for plain commands.
    public var subverb: String?
    /// Other spellings of the verb (`exit` for `quit`).
    public var aliases: [String]
    /// One line for the `help` list.
    public var summary: String
    /// A longer explanation for `help NAME`.
    public var help: String
    /// Positional values after the verb (and sub-verb), in order.
    public var positionals: [ArgumentSpec]
    /// `key=value` arguments.
    public var keys: [ArgumentSpec]
    /// When true the handler receives the rest of the line as free text (`echo`, `note`) and no
    /// positionals or keys are parsed.
    public var takesText: Bool
    /// Hidden commands work but are not listed by `help` or offered by completion.
    public var hidden: Bool
    /// Whether the command is kept in the session's history (and so in `record` notebooks);
    /// commands that only look at the session (`help`, `history`) or replay it (`rerun`) are not.
    public var recorded: Bool
    /// Example lines shown by `help NAME`; the declaration test runs each one.
    public var examples: [String]
    /// Keys this command does not take but another command does: key → where it belongs, added to
    /// the "unknown key" error (e.g. trainer settings typed after `set`).
    public var keysElsewhere: [String: String]

    /// Declares a command.
    public init(name: String, subverb: String? = nil, aliases: [String] = [], summary: String,
                help: String = "", positionals: [ArgumentSpec] = [], keys: [ArgumentSpec] = [],
                takesText: Bool = false, hidden: Bool = false, recorded: Bool = true,
                examples: [String] = [], keysElsewhere: [String: String] = [:]) {
        self.name = name
        self.subverb = subverb
        self.aliases = aliases
        self.summary = summary
        self.help = help
        self.positionals = positionals
        self.keys = keys
        self.takesText = takesText
        self.hidden = hidden
        self.recorded = recorded
        self.examples = examples
        self.keysElsewhere = keysElsewhere
    }

    /// The full name (`show settings`).
    public var fullName: String { subverb.map { name + " " + $0 } ?? name }

    /// The usage line: `name [sub] POS [OPT] key=TYPE …`, optional items in brackets.
    public var usage: String {
        var parts = [fullName]
        if takesText { parts.append("[TEXT…]") }
        for spec in positionals {
            let word = spec.name.uppercased()
            parts.append(spec.required ? word : "[\(word)]")
        }
        for spec in keys {
            let item = "\(spec.name)=\(spec.type.placeholder)"
            parts.append(spec.required ? item : "[\(item)]")
        }
        return parts.joined(separator: " ")
    }

    /// The declared argument called `name` (positional or key).
    func spec(named name: String) -> ArgumentSpec? {
        positionals.first { $0.name == name } ?? keys.first { $0.name == name }
    }
}

/// A command: its declaration and its handler.
public struct CommandDefinition: Sendable {
    /// What the command is.
    public var declaration: CommandDeclaration
    /// What the command does: reads its arguments through the invocation, acts on the session,
    /// returns a typed result. Never prints. Conventions: read every argument before looking at
    /// the session (argument errors come first, and the declaration test sees every key read even
    /// when an example fails for want of a model); long loops call `session.checkCancellation()`
    /// between steps and apply a step's effects only when it completes.
    public var run: @Sendable (Invocation, Session) throws -> CommandOutput

    /// Defines a command.
    public init(_ declaration: CommandDeclaration,
                run: @escaping @Sendable (Invocation, Session) throws -> CommandOutput) {
        self.declaration = declaration
        self.run = run
    }
}
