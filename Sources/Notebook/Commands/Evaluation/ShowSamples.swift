// show samples — the problems of an evaluation run with their samples: the completion (cut to fit),
// the extracted answer, the verdict, tokens and the verifier score when one was filled in. The way
// to see *why* an accuracy is what it is.
import Evaluation
import Models
import Tasks

extension CommandDefinition {
    /// `show samples [RANGE] run=NAME samples=4`
    static let showSamples = CommandDefinition(CommandDeclaration(
        name: "show", subverb: "samples",
        summary: "list an eval run's problems and samples: show samples 0..4 run=last",
        help: "Shows problems RANGE (default 0..4) of evaluation run run=NAME (default: the latest run), each "
            + "with up to samples=S of its completions: the text (cut to fit the width), the extracted answer, "
            + "whether it is correct, generated and thinking tokens, the finish reason and the verifier score "
            + "when 'verifier score' filled it in.",
        positionals: [ArgumentSpec("range", .range, default: .range(0...4), bounds: 0...1e9, help: "problem indices, e.g. 0..4")],
        keys: [
            ArgumentSpec("run", .string, help: "the evaluation run (default: the latest)"),
            ArgumentSpec("samples", .int, default: .int(4), bounds: 1...4096, help: "samples shown per problem"),
        ],
        recorded: true,
        examples: ["show samples 0..1 run=example samples=2"]
    )) { invocation, session in
        let range = try invocation.range(defaulted: "range")
        let name = try invocation.string("run")
        let perProblem = try invocation.int(defaulted: "samples")
        let stored = try session.requireRun(name, for: "show samples")
        let run = stored.run
        guard range.lowerBound < run.problems.count else {
            throw CommandError("show samples: problem \(range.lowerBound) is out of range — run '\(stored.name)' has "
                               + "\(run.problems.count) problems (0..\(run.problems.count - 1))")
        }
        let shown = range.lowerBound...min(range.upperBound, run.problems.count - 1)
        let scored = run.samples.contains { $0.samples.contains { $0.score != nil } }
        var table = Table(columns: [Table.Column("#", .right), Table.Column("prompt"), Table.Column("answer"),
                                    Table.Column("s", .right), Table.Column("extracted"), Table.Column("correct"),
                                    Table.Column("tokens", .right), Table.Column("think", .right), Table.Column("finish")]
                          + (scored ? [Table.Column("score", .right)] : []) + [Table.Column("completion")])
        let precision = session.settings.precision
        for index in shown {
            let problem = run.problems[index]
            let texts = run.texts[index], records = run.samples[index].samples
            for (s, (text, record)) in zip(texts, records).prefix(perProblem).enumerated() {
                // The index on every row: a row may not start with an empty cell (lines are trimmed).
                var row = ["\(index)", s == 0 ? Format.quoted(problem.prompt) : "", s == 0 ? problem.answer : "",
                           "\(s)", stored.dataset.extractor.extract(text.text).map(Format.quoted) ?? "(none)",
                           record.correct ? "yes" : "no", "\(record.generatedTokens)", "\(record.thinkingTokens)",
                           text.finishReason.rawValue]
                if scored { row.append(record.score.map { Format.fixed($0, precision) } ?? "-") }
                row.append(Format.quoted(text.text))
                table.append(row)
            }
        }
        var output = CommandOutput.line("run '\(stored.name)': problems \(shown.lowerBound)..\(shown.upperBound) of "
            + "\(run.problems.count), showing up to \(perProblem) of \(run.samplesPerProblem) samples each")
        output.append(.table(table))
        return output
    }
}
