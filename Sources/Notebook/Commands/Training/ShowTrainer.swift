// show trainer — the policy-gradient trainer's settings (every `TrainerConfig` field with its
// value, default, paper symbol and meaning), its step and what is pending. Settings change with
// `rl KEY=VALUE … steps=0` (or `algo=NAME` for a preset) and persist for `sample`, `step`, `rl`.
import Training

extension CommandDefinition {
    /// `show trainer`
    static let showTrainer = CommandDefinition(CommandDeclaration(
        name: "show", subverb: "trainer",
        summary: "list the trainer's settings (rl keys) with defaults and paper symbols",
        help: "Settings marked * differ from their default. Change them with 'rl steps=0 KEY=VALUE …' or reset to a "
            + "preset with 'rl steps=0 algo=dapo'. Without a trainer yet (no model or data set) shows the defaults.",
        recorded: false,
        examples: ["show trainer"]
    )) { _, session in
        guard let trainer = session.existingTrainer else {
            if case .local(let local)? = session[ModelSlot.self], local.configJSON != nil, let saved = try? session.savedTrainerState() {
                return TrainerView.render(saved.state.config, heading: "trainer: saved with the model at step \(saved.state.step) "
                    + "(resumes on the next 'sample', 'step' or 'rl')")
            }
            return TrainerView.render(TrainerConfig(), heading: "trainer: none yet (defaults shown; 'sample', 'step' or 'rl' makes one)")
        }
        let pending = trainer.pending.map { "\($0.groups)×\($0.groupSize) rollouts pending" } ?? "no rollouts pending"
        return TrainerView.render(trainer.config, heading: "trainer at step \(trainer.step), \(pending)")
    }
}

/// The settings table of a trainer config.
enum TrainerView {
    static func render(_ config: TrainerConfig, heading: String) -> CommandOutput {
        var table = Table(columns: [Table.Column("key"), Table.Column("value", .right), Table.Column("default", .right),
                                    Table.Column("symbol"), Table.Column("meaning")])
        for field in TrainerConfig.fields {
            let value = field.value(in: config).description
            table.append([field.key + (value == field.defaultText ? "" : " *"), value, field.defaultText, field.symbol, field.summary])
        }
        var output = CommandOutput.line(heading)
        output.append(.table(table))
        return output
    }
}
