// rerun — runs numbered history entries again, in order, stopping at the first failure.

extension CommandDefinition {
    /// `rerun RANGE`
    static let rerun = CommandDefinition(CommandDeclaration(
        name: "rerun",
        summary: "run numbered commands from the history again: rerun 3-5",
        help: "The commands run again as new history entries; 'rerun' itself is not recorded. "
            + "Stops at the first command that fails.",
        positionals: [ArgumentSpec("cells", .range, bounds: 1...1e9, required: true,
                                   help: "the numbers to rerun: 4, 3..5 or 3-5")],
        recorded: false,
        examples: ["rerun 1", "rerun 1..2"]
    )) { invocation, session in
        guard let range = try invocation.range("cells") else { return .empty }
        guard let last = session.history.last?.number, range.upperBound <= last else {
            throw CommandError("no command \(range.upperBound) in the history (it has \(session.history.count)) — "
                               + "see 'history'", kind: .usage)
        }
        let sources = session.history.filter { range.contains($0.number) }.map { ($0.number, $0.source) }
        var output = CommandOutput()
        for (number, source) in sources {
            try session.checkCancellation()
            output.append(.line("[\(number)] \(source)"))
            do {
                if let result = try session.execute(source) { output.append(result) }
            } catch let error as CommandError {
                var wrapped = error.relocated(toLine: invocation.command.line)
                wrapped.message = "rerun of \(number) failed: " + error.message
                throw wrapped
            }
        }
        return output
    }
}
