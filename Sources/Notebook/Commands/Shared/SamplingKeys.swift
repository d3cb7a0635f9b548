// SamplingKeys — the keys that fill the one sampling value (`Models.GenerationOptions`): each is
// declared here once, with its type, bounds and where it lives in the value; its default is the
// value's own. The session settings, `eval`, `generate`, `scale` and `search` take their sampling
// keys from this table, and a line's keys become a `GenerationOptions` in one function. The
// trainer's keys (`rl temperature=…`, `sample …`) are its field table's, which points into the same
// value (`TrainerConfig.sampling`).
import Models

/// One sampling key: its declaration and how it reads and writes the sampling value.
struct SamplingKey: Sendable {
    /// The declaration (default: the sampling value's own default, when it has one).
    let spec: ArgumentSpec
    /// Whether `set KEY=…` changes it for the session (and the trainer).
    let isSetting: Bool
    /// Writes a parsed value into the sampling value (throws when a text value does not read).
    let write: @Sendable (inout GenerationOptions, ArgumentValue) throws -> Void

    /// The declaration with a command's own help line.
    func spec(help: String) -> ArgumentSpec {
        var spec = self.spec
        spec.help = help
        return spec
    }

    static func real(_ name: String, _ path: WritableKeyPath<GenerationOptions, Float> & Sendable,
                     bounds: ClosedRange<Double>, help: String, setting: Bool) -> SamplingKey {
        SamplingKey(spec: ArgumentSpec(name, .float, default: .float(GenerationOptions()[keyPath: path].decimalValue),
                                       bounds: bounds, help: help),
                    isSetting: setting,
                    write: { o, v in if case .float(let x) = v { o[keyPath: path] = Float(x) } })
    }

    static func int(_ name: String, _ path: WritableKeyPath<GenerationOptions, Int> & Sendable,
                    bounds: ClosedRange<Double>, help: String, setting: Bool) -> SamplingKey {
        SamplingKey(spec: ArgumentSpec(name, .int, default: .int(GenerationOptions()[keyPath: path]), bounds: bounds, help: help),
                    isSetting: setting,
                    write: { o, v in if case .int(let x) = v { o[keyPath: path] = x } })
    }
}

/// The sampling keys, and reading them into the sampling value.
enum SamplingKeys {
    static let temperature = SamplingKey.real("temperature", \.temperature, bounds: 0...10,
                                              help: "sampling temperature; 0 means greedy decoding", setting: true)
    static let topP = SamplingKey.real("top_p", \.topP, bounds: 0...1,
                                       help: "nucleus sampling: keep the smallest set of tokens with this much mass; 1 = off", setting: true)
    static let topK = SamplingKey.int("top_k", \.topK, bounds: 0...1_000_000, help: "keep only the k most likely tokens; 0 = off", setting: true)
    static let maxTokens = SamplingKey.int("max_tokens", \.maxNewTokens, bounds: 1...32_768,
                                          help: "longest completion sampled, in tokens", setting: true)
    /// As the trainer's `budget`: a number caps the thinking (0: none); `off`, or leaving it out, is no cap.
    static let budget = SamplingKey(
        spec: ArgumentSpec("budget", .string,
                           help: "thinking budget in tokens (force </think>); 0 = answer without thinking, off = no cap (the default)"),
        isSetting: false,
        write: { o, v in
            guard case .string(let text) = v else { return }
            if ["off", "none"].contains(text.lowercased()) { o.thinkingBudget = nil; return }
            guard let n = Int(text), (0...1_000_000).contains(n) else {
                throw CommandError("budget=\(text) — give a whole number of thinking tokens (0 to 1000000; 0 = none) or off", kind: .usage)
            }
            o.thinkingBudget = n
        })
    static let waits = SamplingKey.int("waits", \.waitExtensions, bounds: 0...64, help: "s1-style 'Wait' extensions of thinking", setting: false)

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
            if let value = try invocation.value(key.spec.name) { try key.write(&options, value) }
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
            if let value = settings.value(key.spec.name) { try key.write(&changed, value) }
        }
        return changed
    }
}
