// run — runs a notebook or script inside the current session, as if its commands were typed.

extension CommandDefinition {
    /// `run FILE`
    static let run = CommandDefinition(CommandDeclaration(
        name: "run",
        summary: "run a notebook (.md) or script (.verity) in this session: run notebooks/x.md",
        help: "Runs every cell in order in the current session and shows their output; stops at the "
            + "first failing command and names its file line. The commands join the history.",
        positionals: [ArgumentSpec("file", .path, required: true, help: "the notebook or script")],
        recorded: false,
        examples: ["run /tmp/verity-session.md"]
    )) { invocation, session in
        guard let file = try invocation.string("file") else { return .empty }
        let document = try NotebookRunner.load(file)
        let result = NotebookRunner.run(document, file: file, session: session)
        var output = CommandOutput()
        for cell in result.cells {
            output.append(.lines(cell.lines))
            output.blocks += cell.plots.map { .plot($0) }
        }
        if let failure = result.failure {
            // The cells before the failure did run; their effects stay, like typed commands.
            var error = failure.error
            error.message = "\(failure.file):\(failure.line): " + error.message
            throw error
        }
        return output
    }
}
