// quit / exit — ends the REPL (and stops a notebook run early, successfully).

extension CommandDefinition {
    /// `quit`
    static let quit = CommandDefinition(CommandDeclaration(
        name: "quit", aliases: ["exit"],
        summary: "leave Verity (Ctrl-D does the same)",
        recorded: false,
        examples: []
    )) { _, _ in
        CommandOutput(quits: true)
    }
}
