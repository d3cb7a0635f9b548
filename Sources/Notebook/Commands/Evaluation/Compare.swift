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
            + "which A is ahead. Shared difficulty cancels, so the interval is narrower than two separate ones. "
            + "With ks=, the same paired bootstrap for pass@k and maj@k at each k (per problem: the unbiased "
            + "pass@k and the exact maj@k), one row per k: whether the difference between two models holds, "
            + "shrinks or reverses as more samples are drawn.",
        positionals: [
            ArgumentSpec("a", .string, required: true, help: "the first run's name (as=…)"),
            ArgumentSpec("b", .string, required: true, help: "the second run's name"),
        ],
        keys: [
            ArgumentSpec("resamples", .int, default: .int(10_000), bounds: 1...1_000_000, help: "bootstrap resamples"),
            ArgumentSpec("confidence", .float, default: .float(0.95), bounds: 0.5...0.999, help: "confidence level of the interval"),
            ArgumentSpec("ks", .intList, bounds: 1...4096, help: "also compare pass@k and maj@k at these k (each ≤ both runs' samples)"),
        ],
        examples: ["compare example example resamples=100 confidence=0.9 ks=1,2"]
    )) { invocation, session in
        let nameA = try invocation.string("a") ?? ""
        let nameB = try invocation.string("b") ?? ""
        let resamples = try invocation.int(defaulted: "resamples")
        let confidence = try invocation.double(defaulted: "confidence")
        let ks = try invocation.ints("ks")
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
        guard let ks else { return output }
        var byK = Table(columns: [Table.Column("k", .right), Table.Column("pass@k \(a.name)", .right), Table.Column(b.name, .right),
                                  Table.Column("difference", .right), Table.Column("\(percent)% interval", .right),
                                  Table.Column("maj@k \(a.name)", .right), Table.Column(b.name, .right),
                                  Table.Column("difference", .right), Table.Column("\(percent)% interval", .right)])
        for k in ks {
            var cells = ["\(k)"]
            for majority in [false, true] {
                let score = majority ? perProblemMajorityAtK(k) : perProblemPassAtK(k)
                let atK = try evaluationCall("compare") {
                    try compareRuns(a.run, b.run, resamples: resamples, confidence: confidence, seed: seed, score: score)
                }
                let paired = atK.bootstrap
                cells += [Format.fixed(atK.accuracyA, p), Format.fixed(atK.accuracyB, p), Format.fixed(paired.meanDifference, p),
                          "\(Format.fixed(paired.low, p))–\(Format.fixed(paired.high, p))"]
            }
            byK.append(cells)
        }
        output.append(.table(byK))
        return output
    }
}
