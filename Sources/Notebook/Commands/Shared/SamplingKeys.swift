// SamplingKeys — the command keys that fill the one sampling value (`Models.GenerationOptions`):
// each is that value's own declared field (`GenerationOptions.fields`: type, bounds, default,
// help), made a command key by the one bridge (`ArgumentSpec(FieldSpec)`). The session settings,
// `eval`, `generate`, `scale` and `search` take their sampling keys from here, and a line's keys
// become a `GenerationOptions` in one function. The trainer's keys (`rl temperature=…`,
// `sample …`) are the same fields, lifted into its table (`TrainerConfig.sampling`).
import Fields
import Models

/// One sampling key: the sampling value's field, and whether `set` makes it a session setting.
struct SamplingKey: Sendable {
    /// The field of the sampling value.
    let field: Field<GenerationOptions>
    /// Whether `set KEY=…` changes it for the session (and the trainer).
    let isSetting: Bool

    /// The command key.
    var spec: ArgumentSpec { ArgumentSpec(field.spec) }

    /// The command key with a command's own help line.
    func spec(help: String) -> ArgumentSpec { ArgumentSpec(field.spec, help: help) }

    /// Writes a parsed value into the sampling value.
    /// - Throws: `CommandError` naming the key when the value does not fit the field.
    func write(_ value: ArgumentValue, into options: inout GenerationOptions) throws {
        try field.set(value, in: &options)
    }
}

/// The sampling keys, and reading them into the sampling value.
enum SamplingKeys {
    static let temperature = SamplingKey(field: SamplingField.temperature, isSetting: true)
    static let topP = SamplingKey(field: SamplingField.topP, isSetting: true)
    static let topK = SamplingKey(field: SamplingField.topK, isSetting: true)
    static let maxTokens = SamplingKey(field: SamplingField.maxTokens, isSetting: true)
    static let budget = SamplingKey(field: SamplingField.budget, isSetting: false)
    static let waits = SamplingKey(field: SamplingField.waits, isSetting: false)

    /// Every sampling key, in the order help lists them.
    static let all: [SamplingKey] = [temperature, topP, topK, maxTokens, budget, waits]

    /// The keys that are also session settings (`set temperature=…`), for the settings table.
    static var settings: [ArgumentSpec] { all.filter(\.isSetting).map(\.spec) }

    /// The names of the settings among them.
    static var settingNames: [String] { all.filter(\.isSetting).map(\.spec.name) }

    /// `base` with every sampling key the command declares set from the line (or, for a setting
    /// not typed, from the session), then checked.
    /// - Throws: `CommandError` naming the key when the combination is invalid (top_p=0, …).
    static func options(_ invocation: Invocation, base: GenerationOptions = GenerationOptions()) throws -> GenerationOptions {
        var options = base
        // A command may declare a key of the same name with another type (scale's waits= list).
        for key in all where invocation.declaration.spec(named: key.spec.name)?.type == key.spec.type {
            if let value = try invocation.value(key.spec.name) { try key.write(value, into: &options) }
        }
        if let problem = options.problem { throw CommandError("\(invocation.declaration.fullName): \(problem)", kind: .usage) }
        return options
    }

    /// `settings`' sampling values written into `options`: every setting, or only `names`, and
    /// only those changed with `set` (the others keep `options`' values).
    static func applying(_ settings: Settings, to options: GenerationOptions, only names: [String]? = nil) throws -> GenerationOptions {
        var changed = options
        for key in all where key.isSetting && (names ?? settingNames).contains(key.spec.name)
            && settings.explicitlySet.contains(key.spec.name) {
            try key.field.set(key.field.value(in: settings.values.sampling), in: &changed)
        }
        return changed
    }
}
