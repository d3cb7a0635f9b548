// help — lists the commands, or explains one; generated from the declarations alone.

extension CommandDefinition {
    /// `help [COMMAND [SUBCOMMAND]]`
    static let help = CommandDefinition(CommandDeclaration(
        name: "help",
        summary: "list the commands, or explain one: help COMMAND",
        help: "Without arguments, lists every command with a one-line summary. With a command name, shows "
            + "its usage, what it does, its arguments (type, default, valid range) and examples.",
        positionals: [
            ArgumentSpec("command", .string, help: "the command to explain"),
            ArgumentSpec("subcommand", .string, help: "its sub-command, for families such as 'show settings'"),
        ],
        recorded: false,
        examples: ["help", "help set", "help show settings"]
    )) { invocation, session in
        guard let name = try invocation.string("command") else { return HelpText.overview(width: session.displayWidth) }
        let sub = try invocation.string("subcommand")
        return try HelpText.explain(name, subverb: sub, width: session.displayWidth)
    }
}

/// Builds the help texts from the registry's declarations.
enum HelpText {
    /// The list of commands: one row per visible declaration.
    static func overview(width: Int) -> CommandOutput {
        var table = Table(columns: [Table.Column("command"), Table.Column("what it does")])
        for command in Registry.commands where !command.declaration.hidden {
            table.append([command.declaration.fullName, command.declaration.summary])
        }
        var output = CommandOutput.table(table)
        output.append(.lines(["", "Type 'help COMMAND' for its arguments. Values: numbers, \"quoted text\", "
            + "lists 1,2,4, ranges 0..2, pairs 0.2:0.28; '# …' is a comment."]))
        return output
    }

    /// The full help of one command (or of every sub-command of a family).
    static func explain(_ name: String, subverb: String?, width: Int) throws -> CommandOutput {
        let family = Registry.definitions(named: name)
        guard !family.isEmpty else {
            var message = "no command called '\(name)'"
            if let near = Suggestions.nearest(to: name, among: Registry.allVerbs) { message += " — did you mean '\(near)'?" }
            throw CommandError(message + " (type 'help' for the list)", kind: .usage)
        }
        var chosen = family
        if let subverb {
            chosen = family.filter { $0.declaration.subverb == subverb }
            guard !chosen.isEmpty else {
                let subs = family.compactMap(\.declaration.subverb)
                throw CommandError("'\(name)' has no sub-command '\(subverb)'; it has: \(subs.joined(separator: ", "))",
                                   kind: .usage)
            }
        }
        var output = CommandOutput()
        for (index, command) in chosen.enumerated() {
            if index > 0 { output.append(.line("")) }
            output.append(describe(command.declaration, width: width))
        }
        return output
    }

    /// Usage, summary, help, arguments table and examples of one declaration.
    static func describe(_ declaration: CommandDeclaration, width: Int) -> CommandOutput {
        var lines = ["usage: " + declaration.usage, "", declaration.summary]
        if !declaration.help.isEmpty { lines += wrap(declaration.help, width: min(width, 100)) }
        if !declaration.aliases.isEmpty { lines.append("also: " + declaration.aliases.joined(separator: ", ")) }
        var output = CommandOutput.lines(lines)
        let specs = declaration.positionals + declaration.keys
        if !specs.isEmpty {
            output.append(.line(""))
            output.append(.table(argumentTable(declaration)))
        }
        if !declaration.examples.isEmpty {
            output.append(.lines([""] + ["examples:"] + declaration.examples.map { "  " + $0 }))
        }
        return output
    }

    /// One row per argument: name, type, default, valid range, help.
    static func argumentTable(_ declaration: CommandDeclaration) -> Table {
        var table = Table(columns: [Table.Column("argument"), Table.Column("type"), Table.Column("default"),
                                    Table.Column("range"), Table.Column("meaning")])
        for spec in declaration.positionals {
            table.append([spec.name.uppercased(), spec.type.placeholder, defaultText(spec),
                          spec.boundsText ?? "", spec.help])
        }
        for spec in declaration.keys {
            table.append([spec.name + "=", spec.type.placeholder, defaultText(spec),
                          spec.boundsText ?? "", spec.help])
        }
        return table
    }

    /// An argument's default as help shows it: a switch reads on or off, as `show trainer` and the
    /// settings lines print it (true/false, yes/no and 1/0 are accepted too).
    static func defaultText(_ spec: ArgumentSpec) -> String {
        switch spec.defaultValue {
        case .bool(let on)?: on ? "on" : "off"
        case let value?: value.description
        case nil: spec.required ? "required" : "-"
        }
    }

    /// Greedy word wrap.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
