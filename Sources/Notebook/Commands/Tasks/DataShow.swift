// data show — a few problems of the current data set as a table: prompt, answer and solution.
import Tasks

extension CommandDefinition {
    /// `data show [RANGE] [split=train|test]`
    static let dataShow = CommandDefinition(CommandDeclaration(
        name: "data", subverb: "show",
        summary: "show problems as a table: data show 0..4 split=test",
        positionals: [ArgumentSpec("rows", .range, default: .range(0...4), bounds: 0...1e9, help: "which problems, a..b")],
        keys: [.split(default: .train, help: "the split to show")],
        recorded: false,
        examples: ["data show 0..2 split=train", "data show"]
    )) { invocation, session in
        let rows = try invocation.range(defaulted: "rows")
        let split = try invocation.split()
        let dataset = try session.requireDataset(for: "data show")
        let problems = dataset.problems(in: split)
        guard rows.lowerBound < problems.count else {
            throw CommandError("data show: the \(split) split has \(problems.count) problems — ask for rows below \(problems.count)")
        }
        var table = Table(columns: [Table.Column("#", .right), Table.Column("id"), Table.Column("prompt"),
                                    Table.Column("answer"), Table.Column("solution")])
        for index in rows.lowerBound...min(rows.upperBound, problems.count - 1) {
            let problem = problems[index]
            table.append(["\(index)", problem.id, Format.quoted(dataset.fullPrompt(problem)), problem.answer,
                          problem.solution.map(Format.quoted) ?? ""])
        }
        return .table(table)
    }
}
