// show settings — lists the session seed and every setting with its value, default and meaning.

extension CommandDefinition {
    /// `show settings`
    static let showSettings = CommandDefinition(CommandDeclaration(
        name: "show", subverb: "settings",
        summary: "list the seed and the settings with their values and defaults",
        help: "Settings marked * differ from their default. Change them with 'set key=value'; the seed with 'seed N'.",
        recorded: false,
        examples: ["show settings"]
    )) { _, session in
        SettingsView.render(session)
    }
}

/// The settings table shared by `show settings` and a bare `set`.
enum SettingsView {
    static func render(_ session: Session) -> CommandOutput {
        var table = Table(columns: [Table.Column("setting"), Table.Column("value", .right),
                                    Table.Column("default", .right), Table.Column("meaning")])
        table.append(["seed", String(session.seed), "1", "session seed (change with 'seed N')"])
        for spec in SettingsTable.all {
            let value = session.settings.value(spec.name)
            let mark = value == spec.defaultValue ? "" : " *"
            table.append([spec.name + mark, value?.description ?? "-", spec.defaultValue?.description ?? "-", spec.help])
        }
        return .table(table)
    }
}
