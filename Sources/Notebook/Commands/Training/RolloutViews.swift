// Rollout views — the tables of the step-by-step commands: one line per group (`sample`,
// `reward`) and one line per rollout (`show rollouts`), sized to fit a terminal.
import Tasks
import Training

enum RolloutViews {
    /// One line per group: prompt, mean reward, correct share, mean length, distinct answers.
    static func groupSummary(_ batch: RolloutBatch, dataset: Dataset, precision: Int, heading: String) -> CommandOutput {
        var output = CommandOutput.line(heading)
        var table = Table(columns: [Table.Column("group", .right), Table.Column("prompt"), Table.Column("answer"),
                                    Table.Column("reward", .right), Table.Column("correct", .right),
                                    Table.Column("length", .right), Table.Column("distinct", .right)])
        for g in 0..<batch.groups {
            let group = batch.rollouts[g * batch.groupSize..<(g + 1) * batch.groupSize]
            guard let first = group.first else { continue }
            let n = Double(group.count)
            let reward = group.reduce(0) { $0 + $1.reward.total } / n
            let correct = group.filter(\.correct).count
            let length = Double(group.reduce(0) { $0 + $1.length }) / n
            let answers = Set(group.map { dataset.answerKey(completion: $0.text) ?? "∅" })
            table.append(["\(g)", Format.quoted(first.problem.prompt), first.problem.answer, Format.fixed(reward, precision),
                          "\(correct)/\(group.count)", Format.fixed(length, 1), "\(answers.count)"])
        }
        output.append(.table(table))
        let m = rolloutMetrics(batch)
        output.append(.line("reward \(Format.fixed(m["reward"] ?? 0, precision))  accuracy \(Format.fixed(m["accuracy"] ?? 0, precision))"
            + "  mean length \(Format.fixed(m["completions/mean_length"] ?? 0, 1))  all-equal groups \(Format.fixed(batch.zeroStdFraction, precision))"))
        return output
    }

    /// One line per rollout: group, index, completion, extracted answer, verdict, reward
    /// components, total, advantage, tokens, thinking tokens, finish reason.
    static func rollouts(_ batch: RolloutBatch, groups: ClosedRange<Int>, dataset: Dataset, precision: Int) -> Table {
        let names = batch.rollouts.first?.reward.names ?? []
        var columns = [Table.Column("g", .right), Table.Column("#", .right), Table.Column("completion"),
                       Table.Column("answer"), Table.Column("ok")]
        columns += names.map { Table.Column($0, .right) }
        columns += [Table.Column("reward", .right), Table.Column("adv", .right), Table.Column("tok", .right),
                    Table.Column("think", .right), Table.Column("finish")]
        var table = Table(columns: columns)
        for (offset, rollout) in batch.rollouts.enumerated() where groups.contains(rollout.group) {
            var row = ["\(rollout.group)", "\(offset % max(batch.groupSize, 1))", Format.quoted(rollout.text),
                       dataset.answerKey(completion: rollout.text) ?? "-", rollout.correct ? "yes" : "no"]
            for k in names.indices {
                let value = k < rollout.reward.values.count ? rollout.reward.values[k] : nil
                row.append(value.map { Format.fixed($0, precision) } ?? "-")
            }
            row += [Format.fixed(rollout.reward.total, precision),
                    batch.hasAdvantages ? Format.fixed(rollout.advantage, precision) : "-",
                    "\(rollout.length)", "\(rollout.thinkingTokens)", rollout.finish.rawValue]
            table.append(row)
        }
        return table
    }
}
