// verify — judges one completion by hand: the extracted answer, both normalized forms, the
// verdict and why, and every reward component's value. The quickest way to see what a reward
// will do with an output before training on it.
import Tasks

extension CommandDefinition {
    /// `verify "COMPLETION" answer=A | problem=N`
    static let verify = CommandDefinition(CommandDeclaration(
        name: "verify",
        summary: "judge a completion: verify \"<think></think>579<eos>\" answer=579",
        help: "Shows how the current data set's extractor and comparison judge COMPLETION against answer=A "
            + "(or the gold answer of problem problem=N of split=, the train split by default as in 'data show'), and every component of the current reward "
            + "(set with 'reward …'; by default correctness, with format, length and language shown at weight 0). "
            + "Without a data set, answer= is judged after </think> with numeric comparison; extract= and compare= "
            + "choose the extractor and comparison (over the data set's), so a completion can be tried in any "
            + "answer convention without loading a data set.",
        positionals: [ArgumentSpec("completion", .string, required: true, help: "the completion text (quote it)")],
        keys: [
            ArgumentSpec("answer", .string, help: "the gold answer to compare with"),
            ArgumentSpec("problem", .int, bounds: 0...1e9, help: "index of a problem of the current data set (as 'data show' numbers them)"),
            .split(default: .train, help: "the split problem= indexes"),
            ArgumentSpec("extract", .choice(AnswerExtractor.allCases.map(\.rawValue)),
                         help: "the answer extractor (default: the data set's, else after-think)"),
            ArgumentSpec("compare", .choice(AnswerComparison.allCases.map(\.rawValue)),
                         help: "the answer comparison (default: the data set's, else numeric)"),
        ],
        examples: ["verify \"<think>3+6=9c0</think>579<eos>\" answer=579", "verify \"<think></think>12\" problem=0 split=test",
                   "verify \"so the answer is $\\\\boxed{\\\\dfrac{1}{2}}$\" answer=0.5 extract=boxed compare=numeric"]
    )) { invocation, session in
        let completion = try invocation.string("completion") ?? ""
        let answer = try invocation.string("answer")
        let index = try invocation.int("problem")
        let split = try invocation.split()
        let dataset = session[DatasetSlot.self]
        let problem: Problem
        switch (answer, index) {
        case (.some, .some):
            throw CommandError("verify: give answer= or problem=, not both")
        case (nil, nil):
            throw CommandError("verify: give the gold answer with answer=A, or a test problem with problem=N")
        case (.some(let gold), nil):
            problem = Problem(id: "verify", prompt: "", answer: gold)
        case (nil, .some(let n)):
            let data = try session.requireDataset(for: "verify")
            problem = try data.problem(n, in: split, for: "verify")
        }
        let reward = session[RewardSlot.self]
        var tokens: Int?
        if case .local(let model) = session[ModelSlot.self] { tokens = try? model.tokenizer.encode(completion).count }
        let extractor = try invocation.string("extract").flatMap(AnswerExtractor.init(rawValue:)) ?? dataset?.extractor ?? .afterThink
        let comparison = try invocation.string("compare").flatMap(AnswerComparison.init(rawValue:)) ?? dataset?.comparison ?? .numeric
        let report = verifyCompletion(completion, problem: problem, extractor: extractor,
                                      comparison: comparison, reward: reward?.reward,
                                      tokenCount: tokens)
        return VerificationView.render(report, problem: problem, rewardSpec: reward?.spec,
                                       precision: session.settings.precision, tokenizer: tokens != nil)
    }
}

/// The text and table `verify` prints for a report.
enum VerificationView {
    static func render(_ report: VerificationReport, problem: Problem, rewardSpec: String?, precision: Int,
                       tokenizer: Bool) -> CommandOutput {
        var lines: [String] = []
        if !problem.prompt.isEmpty { lines.append("problem    " + Format.quoted(problem.prompt)) }
        lines.append("extractor  \(report.extractor.rawValue), comparison \(report.comparison.rawValue)")
        lines.append("extracted  " + (report.extracted.map(Format.quoted) ?? "(none)"))
        lines.append("normalized " + (report.extractedKey ?? "(none)") + "  gold " + (report.goldKey ?? Format.quoted(report.goldAnswer)))
        lines.append("verdict    " + (report.correct ? "correct" : "wrong") + (report.correct ? "" : " — \(report.reason)"))
        lines.append("format     " + (report.wellFormed ? "well formed" : "not well formed"))
        lines.append("tokens     \(report.tokenCount)" + (tokenizer ? " (model tokenizer)" : " (estimated)"))
        lines.append("reward     " + (rewardSpec ?? "default: correct, with format, length and language at weight 0"))
        var output = CommandOutput.lines(lines)
        var table = Table(columns: [Table.Column("component"), Table.Column("weight", .right),
                                    Table.Column("value", .right), Table.Column("contribution", .right)])
        for component in report.rewards.components {
            table.append([component.name + (component.gated ? " (gated)" : ""), Format.compact(component.weight),
                          component.value.map { Format.fixed($0, precision) } ?? "n/a",
                          Format.fixed(component.contribution, precision)])
        }
        table.append(["total", "", "", Format.fixed(report.rewards.total, precision)])
        output.append(.table(table))
        return output
    }
}
