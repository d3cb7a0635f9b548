// compare — two eval runs on the same problems, compared by a paired bootstrap over problems: the
// accuracy difference, its interval, and the share of resamples where A is ahead. Typical use:
// `eval as=sft` … `rl …` … `eval as=rl`, then `compare rl sft`.
import Evaluation

extension CommandDefinition {
    /// `compare RUN_A RUN_B [resamples=10000] [confidence=0.95]`
    static let compare = CommandDefinition(CommandDeclaration(
        name: "compare",
        summary: "paired bootstrap of two eval runs: compare rl sft",
        help: "Matches the problems of eval runs A and B by id (both must cover the same problems), takes each "
            + "problem's accuracy (share of correct samples), and resamples the problems with replacement, the same "
            + "draw for both runs, to get the interval of accuracy(A) − accuracy(B) and the share of resamples in "
            + "which A is ahead. Shared difficulty cancels, so the interval is narrower than two separate ones.",
        positionals: [
            ArgumentSpec("a", .string, required: true, help: "the first run's name (as=…)"),
            ArgumentSpec("b", .string, required: true, help: "the second run's name"),
        ],
        keys: [
            ArgumentSpec("resamples", .int, default: .int(10_000), bounds: 1...1_000_000, help: "bootstrap resamples"),
            ArgumentSpec("confidence", .float, default: .float(0.95), bounds: 0.5...0.999, help: "confidence level of the interval"),
        ],
        examples: ["compare example example resamples=100 confidence=0.9"]
    )) { invocation, session in
        let nameA = try invocation.string("a") ?? ""
        let nameB = try invocation.string("b") ?? ""
        let resamples = try invocation.int("resamples") ?? 10_000
        let confidence = try invocation.double("confidence") ?? 0.95
        let a = try session.requireRun(nameA, for: "compare")
        let b = try session.requireRun(nameB, for: "compare")
        let seed = session.commandSeed()
        let result = try evaluationCall("compare") {
            try compareRuns(a.run, b.run, resamples: resamples, confidence: confidence, seed: seed)
        }
        let p = session.settings.precision
        var table = Table(columns: [Table.Column("run"), Table.Column("model"), Table.Column("problems", .right),
                                    Table.Column("n", .right), Table.Column("accuracy", .right)])
        table.append([a.name, a.run.generatorName, "\(a.run.problems.count)", "\(a.run.samplesPerProblem)", Format.fixed(result.accuracyA, p)])
        table.append([b.name, b.run.generatorName, "\(b.run.problems.count)", "\(b.run.samplesPerProblem)", Format.fixed(result.accuracyB, p)])
        var output = CommandOutput.table(table)
        let boot = result.bootstrap
        let percent = Format.compact(confidence * 100)
        output.append(.lines([
            "difference \(a.name) − \(b.name): \(Format.fixed(boot.meanDifference, p)), \(percent)% interval "
                + "[\(Format.fixed(boot.low, p)), \(Format.fixed(boot.high, p))] over \(boot.resamples) paired resamples",
            "share of resamples with \(a.name) ahead: \(Format.fixed(boot.shareAGreater, p))",
        ]))
        return output
    }
}
