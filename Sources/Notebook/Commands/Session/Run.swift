// run — runs a notebook or script inside the current session, as if its commands were typed.

extension CommandDefinition {
    /// `run FILE`
    static let run = CommandDefinition(CommandDeclaration(
        name: "run",
        summary: "run a notebook (.md) or script (.verity) in this session: run notebooks/x.md",
        help: "Runs every cell in order in the current session and shows their output; stops at the "
            + "first failing command and names its file line. The commands join the history. The notebook "
            + "may read and write only inside its own folder (and allow=DIR): see 'Safe replay' in the README.",
        positionals: [ArgumentSpec("file", .path, required: true, help: "the notebook or script")],
        keys: [ArgumentSpec("allow", .path, help: "a folder the notebook may also read and write (it may always use its own)")],
        recorded: false,
        examples: ["run /tmp/verity-session.md allow=/tmp"]
    )) { invocation, session in
        guard let file = try invocation.string("file") else { return .empty }
        let allow = try invocation.string("allow")
        try session.files.checkRead(file)
        let key = FileAccess.resolved(FileAccess.absolute(file))
        guard !session.runningFiles.contains(key) else {
            throw CommandError("\(file) is already running — a notebook may not run itself, directly or through another notebook")
        }
        session.runningFiles.append(key)
        defer { session.runningFiles.removeLast() }
        let document = try NotebookRunner.load(file)
        let result = NotebookRunner.runConfined(document, file: file, session: session, allowing: allow.map { [$0] } ?? [])
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
