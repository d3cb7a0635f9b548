// set — changes session settings (the defaults commands read); the keys are the settings table.

extension CommandDefinition {
    /// `set key=value …`
    static let set = CommandDefinition(CommandDeclaration(
        name: "set",
        summary: "change session defaults: set temperature=0.7 max_tokens=128",
        help: "Changes one or more settings for the rest of the session. A command key with the same "
            + "name takes the setting's value when the line does not give one. The sampling settings "
            + "(temperature, top_p, top_k, max_tokens) reach the trainer too: a new trainer starts from them "
            + "and an existing one changes with them ('show trainer'). Without arguments, lists the settings "
            + "like 'show settings'.",
        keys: SettingsTable.all,
        examples: ["set precision=4", "set temperature=0.7 max_tokens=128", "set progress=off"],
        keysElsewhere: Dictionary(TrainerArguments.fields.map { field in
            (field.name, "'\(field.name)' is a trainer setting: change it with 'rl steps=0 \(field.name)=…' "
                + "(it stays for later 'sample', 'step' and 'rl'; 'show trainer' lists them)")
        }, uniquingKeysWith: { first, _ in first })
    )) { invocation, session in
        var changed = session.settings
        var lines: [String] = []
        for spec in SettingsTable.all {
            // Every setting is a key of `set`; only those on the line change.
            guard let value = try invocation.value(spec.name), invocation.isGiven(spec.name) else { continue }
            try changed.set(spec.name, to: value)
            lines.append("\(spec.name) = \(value)")
        }
        if lines.isEmpty { return SettingsView.render(session) }
        // The live trainer samples with the sampling settings too; its checks run before anything changes.
        let given = SamplingKeys.settingNames.filter { invocation.isGiven($0) }
        var trainerLine: String? = nil
        if !given.isEmpty, let trainer = session.existingTrainer {
            let config = try domain("set") { try Session.withSetSamplingSettings(trainer.config, from: changed, only: given) }
            try domain("set") { try trainer.setConfig(config) }
            trainerLine = "the trainer samples with \(given.joined(separator: ", ")) too ('show trainer')"
        }
        // All values were validated before any is applied: a bad key leaves every setting as it was.
        session.settings = changed
        return .lines(lines + (trainerLine.map { [$0] } ?? []))
    }
}
