// data save — writes the current data set as JSONL (atomically), in the standard fields
// (id, prompt, answer, solution, difficulty) that TRL/veRL-style trainers read.
import Tasks

extension CommandDefinition {
    /// `data save PATH [split=all|train|test]`
    static let dataSave = CommandDefinition(CommandDeclaration(
        name: "data", subverb: "save",
        summary: "write the current data set as JSONL: data save data/add3.jsonl split=train",
        help: "One problem per line with the fields id, prompt, answer, solution and difficulty. split=all "
            + "writes train then test (reload with 'data load PATH test=N' to split them again).",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the JSONL file to write")],
        keys: [ArgumentSpec("split", .choice(["all"] + Split.allCases.map(\.rawValue)), default: .choice("all"), help: "which problems to write")],
        examples: ["data save /tmp/verity-example-data.jsonl split=all"]
    )) { invocation, session in
        let path = try invocation.writePath("path", session) ?? ""
        let split = try invocation.string(defaulted: "split")
        let dataset = try session.requireDataset(for: "data save")
        let problems = Split(rawValue: split).map { dataset.problems(in: $0) } ?? dataset.all
        try domain("data save") { try JSONL.save(problems, path: path) }
        return .line("wrote \(problems.count) problem\(problems.count == 1 ? "" : "s") (\(split)) to \(path)")
    }
}
