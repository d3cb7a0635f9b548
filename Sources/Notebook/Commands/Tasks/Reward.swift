// reward — configures the session's reward function: a weighted sum of components built by
// `Tasks.RewardRegistry` for the current data set. The training commands extend `reward` to score
// pending rollouts; the configuration part lives in `configureReward` so they can call it.
import Tasks
import Training

extension CommandDefinition {
    /// `reward COMPONENT[=W] …`
    static let reward = CommandDefinition(CommandDeclaration(
        name: "reward",
        summary: "set the reward function: reward correct format=0.1 length=-0.001",
        help: "Sets the session's reward to a weighted sum of components, scored with the current data set's "
            + "answer extractor and comparison. Components: "
            + RewardRegistry.keys.map { "\($0.name)\($0.syntax) — \($0.spec.summary)" }.joined(separator: "; ")
            + ". Without arguments, shows the current reward.",
        takesText: true,
        examples: ["reward correct format=0.1", "reward correct=1 length=-0.001 gate=true", "reward"]
    )) { invocation, session in
        let spec = invocation.text.trimmingWhitespace()
        if spec.isEmpty {
            let current = try session.currentReward()
            let source = session[RewardSlot.self] == nil ? " (default)" : ""
            return rewardComponentsOutput(current, heading: "reward: \(current.spec)\(source)")
        }
        let configuration = try configureReward(spec: spec, dataset: session[DatasetSlot.self])
        session[RewardSlot.self] = configuration
        var output = rewardComponentsOutput(configuration, heading: "reward set: \(spec)")
        output.append(try rescorePendingRollouts(session))
        return output
    }
}

/// Builds a reward configuration from `spec` (the text after `reward`) for `dataset`.
/// - Throws: `CommandError` listing the valid components when `spec` is wrong.
func configureReward(spec: String, dataset: Dataset?) throws -> RewardConfiguration {
    let reward = try domain { try RewardRegistry.parse(text: spec, dataset: dataset) }
    return RewardConfiguration(spec: spec, reward: reward)
}

/// The components of a reward as a table under a heading line.
func rewardComponentsOutput(_ configuration: RewardConfiguration, heading: String) -> CommandOutput {
    var table = Table(columns: [Table.Column("component"), Table.Column("weight", .right), Table.Column("gated")])
    let reward = configuration.reward
    for component in reward.components {
        let gated = reward.gate != nil && reward.gated.contains(component.name)
        table.append([component.name, Format.compact(component.weight), gated ? "by format" : ""])
    }
    var output = CommandOutput.line(heading)
    output.append(.table(table))
    return output
}

/// Gives the session's trainer (if any) the new reward; when rollouts are pending, rescores them,
/// recomputes their advantages and shows the new group summary.
func rescorePendingRollouts(_ session: Session) throws -> CommandOutput {
    guard let trainer = session.existingTrainer else { return .empty }
    let scorer = try session.rolloutScorer(dataset: trainer.dataset)
    try domain("reward") { try trainer.setScorer(scorer) }
    guard let batch = trainer.pending else { return .empty }
    return RolloutViews.groupSummary(batch, dataset: trainer.dataset, precision: session.settings.precision,
                                     heading: "rescored \(batch.groups) pending groups with the new reward")
}
