// show rollouts — the pending rollouts (from `sample`) one per line, so a person can see what the
// next `step` will learn from: completion, extracted answer, verdict, each reward component, the
// total, the advantage, token counts and why each completion ended.
import Training

extension CommandDefinition {
    /// `show rollouts [RANGE] [group=N]`
    static let showRollouts = CommandDefinition(CommandDeclaration(
        name: "show", subverb: "rollouts",
        summary: "list the pending rollouts: show rollouts 0..1",
        help: "Shows the rollouts of the groups in RANGE (default: all) or of group=N: group, index, completion "
            + "(truncated to the width), extracted answer, correct, each reward component, total reward, "
            + "advantage, tokens, thinking tokens and finish reason (stop, length, budget).",
        positionals: [ArgumentSpec("range", .range, bounds: 0...1e9, help: "groups to show, e.g. 0..2")],
        keys: [ArgumentSpec("group", .int, bounds: 0...1e9, help: "show only this group")],
        recorded: true,
        examples: ["show rollouts 0..1", "show rollouts group=0"]
    )) { invocation, session in
        let range = try invocation.range("range")
        let group = try invocation.int("group")
        guard let trainer = session.existingTrainer, let batch = trainer.pending else {
            throw CommandError("show rollouts: no pending rollouts — run 'sample' first ('step' consumes them)")
        }
        if range != nil, group != nil { throw CommandError("show rollouts: give a RANGE or group=N, not both") }
        let last = max(batch.groups - 1, 0)
        let groups = group.map { $0...$0 } ?? range ?? 0...last
        guard groups.lowerBound <= last else {
            throw CommandError("show rollouts: group \(groups.lowerBound) is out of range — the batch has groups 0..\(last)")
        }
        let table = RolloutViews.rollouts(batch, groups: groups.clamped(to: 0...last), dataset: trainer.dataset,
                                          precision: session.settings.precision)
        return .table(table)
    }
}
