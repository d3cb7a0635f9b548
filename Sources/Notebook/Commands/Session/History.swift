// history — the numbered commands of this session (for `rerun` and `record`).

extension CommandDefinition {
    /// `history [RANGE]`
    static let history = CommandDefinition(CommandDeclaration(
        name: "history",
        summary: "list the numbered commands run so far (failed ones marked !)",
        help: "Numbers are what 'rerun' takes. Commands that only inspect the session (help, history, "
            + "show, rerun, record) are not numbered.",
        positionals: [ArgumentSpec("cells", .range, bounds: 1...1e9, help: "only these numbers, e.g. 3..5")],
        recorded: false,
        examples: ["history", "history 1..3"]
    )) { invocation, session in
        let range = try invocation.range("cells")
        let entries = session.history.filter { range?.contains($0.number) ?? true }
        if entries.isEmpty { return .line("no commands yet") }
        let width = String(entries.last?.number ?? 0).count
        return .lines(entries.map { entry in
            let number = String(repeating: " ", count: width - String(entry.number).count) + String(entry.number)
            return "\(number)\(entry.failed ? "!" : " ") \(entry.source)"
        })
    }
}
