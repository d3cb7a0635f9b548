// Training/TrainerConfig+Fields.swift — the field table of `TrainerConfig`: one row per field
// with its REPL key, kind, meaning, paper symbol, default, bounds and what 0/off means, plus typed
// get/set by key. The REPL derives `help rl`, the keys of `rl` and `sample`, and `show trainer`
// from it and hands it already parsed values (no text round trip); a test checks that it covers
// every stored property.

/// A value for a trainer field, already parsed (by the REPL's argument parser, or from text by
/// `ConfigField.parse`).
public enum ConfigValue: Sendable, Equatable {
    /// A whole number.
    case whole(Int)
    /// A real number.
    case real(Double)
    /// A word: a choice (`token-mean`) or a switch (`on`/`off`).
    case word(String)
}

/// One documented, settable field of `TrainerConfig`.
public struct ConfigField: Sendable {
    /// What kind of value a field takes.
    public enum Kind: Sendable, Equatable {
        /// A whole number.
        case whole
        /// A real number.
        case real
        /// One of `choices` (switches are `on`/`off`).
        case word
        /// A whole number, or `off` for no cap.
        case cap
    }

    /// The key people type (`lr`, `clip_high`, `kl`, …).
    public let key: String
    /// The Swift property it sets (for the coverage test and for code readers).
    public let property: String
    /// One line: what it is.
    public let summary: String
    /// Its symbol in the papers (β, ε_low, μ, …), or "" when it has none.
    public let symbol: String
    /// What 0 or off means, or "" when 0 is not special.
    public let offMeaning: String
    /// The kind of value.
    public let kind: Kind
    /// The valid choices of an enumerated or boolean field; empty for numbers.
    public let choices: [String]
    /// The range a number must lie in (checked on `set`; `validate` adds the cross-field rules).
    public var bounds: ClosedRange<Double>? = nil
    let getter: @Sendable (TrainerConfig) -> ConfigValue
    let setter: @Sendable (inout TrainerConfig, ConfigValue) throws -> Void

    /// The default value.
    public var defaultValue: ConfigValue { getter(TrainerConfig()) }
    /// The default value, as text.
    public var defaultText: String { Self.text(defaultValue) }
    /// The value in `config`, as text.
    public func value(in config: TrainerConfig) -> String { Self.text(getter(config)) }

    /// A value as people type it.
    public static func text(_ value: ConfigValue) -> String {
        switch value {
        case .whole(let v): return String(v)
        case .real(let v): return MetricsLog.format(v)
        case .word(let w): return w
        }
    }

    /// Text typed for this field, as a value of its kind (bounds and choices are checked on set).
    public func parse(_ text: String) throws -> ConfigValue {
        switch kind {
        case .whole:
            guard let v = Int(text) else { throw Self.bad(key, text, "an integer") }
            return .whole(v)
        case .real:
            guard let v = Double(text), v.isFinite else { throw Self.bad(key, text, "a finite number") }
            return .real(v)
        case .word: return .word(text)
        case .cap: return Int(text).map(ConfigValue.whole) ?? .word(text)
        }
    }
}

extension ConfigField {
    static func bad(_ key: String, _ text: String, _ what: String) -> TrainingError {
        TrainingError("\(key)=\(text) is not \(what)")
    }

    static func whole(_ key: String, _ value: ConfigValue, _ range: ClosedRange<Double>) throws -> Int {
        guard case .whole(let v) = value else { throw bad(key, text(value), "an integer") }
        try check(key, Double(v), range)
        return v
    }

    static func int(_ key: String, _ path: WritableKeyPath<TrainerConfig, Int> & Sendable, _ property: String,
                    _ summary: String, symbol: String = "", off: String = "", range: ClosedRange<Double>) -> ConfigField {
        ConfigField(key: key, property: property, summary: summary, symbol: symbol, offMeaning: off, kind: .whole, choices: [],
                    bounds: range,
                    getter: { .whole($0[keyPath: path]) },
                    setter: { c, value in c[keyPath: path] = try whole(key, value, range) })
    }

    /// A whole number, or `off` (stored as nil) for no cap.
    static func cap(_ key: String, _ path: WritableKeyPath<TrainerConfig, Int?> & Sendable, _ property: String,
                    _ summary: String, range: ClosedRange<Double>) -> ConfigField {
        ConfigField(key: key, property: property, summary: summary, symbol: "", offMeaning: "", kind: .cap, choices: ["off"],
                    bounds: range,
                    getter: { $0[keyPath: path].map(ConfigValue.whole) ?? .word("off") },
                    setter: { c, value in
                        switch value {
                        case .word(let w) where ["off", "none"].contains(w.lowercased()): c[keyPath: path] = nil
                        case .word(let w):
                            guard let n = Int(w) else { throw bad(key, w, "a whole number of tokens or off") }
                            c[keyPath: path] = try whole(key, .whole(n), range)
                        default: c[keyPath: path] = try whole(key, value, range)
                        }
                    })
    }

    static func real<F>(_ key: String, _ path: WritableKeyPath<TrainerConfig, F> & Sendable, _ property: String,
                        _ summary: String, symbol: String = "", off: String = "", range: ClosedRange<Double>) -> ConfigField
    where F: BinaryFloatingPoint & LosslessStringConvertible & Sendable {
        ConfigField(key: key, property: property, summary: summary, symbol: symbol, offMeaning: off, kind: .real, choices: [],
                    bounds: range,
                    // Through the value's own shortest text, so a Float 0.7 shows as 0.7.
                    getter: { .real($0[keyPath: path].decimalValue) },
                    setter: { c, value in
                        let v: Double
                        switch value {
                        case .real(let x): v = x
                        case .whole(let n): v = Double(n)
                        case .word(let w): throw bad(key, w, "a finite number")
                        }
                        guard v.isFinite else { throw bad(key, text(value), "a finite number") }
                        try check(key, v, range)
                        c[keyPath: path] = F(v)
                    })
    }

    static func check(_ key: String, _ value: Double, _ range: ClosedRange<Double>) throws {
        guard range.contains(value) else {
            throw TrainingError("\(key)=\(MetricsLog.format(value)) is outside \(MetricsLog.format(range.lowerBound))…\(MetricsLog.format(range.upperBound))")
        }
    }

    static func flag(_ key: String, _ path: WritableKeyPath<TrainerConfig, Bool> & Sendable, _ property: String,
                     _ summary: String) -> ConfigField {
        ConfigField(key: key, property: property, summary: summary, symbol: "", offMeaning: "", kind: .word, choices: ["on", "off"],
                    getter: { .word($0[keyPath: path] ? "on" : "off") },
                    setter: { c, value in
                        switch value {
                        case .word(let w) where ["on", "true", "1", "yes"].contains(w.lowercased()): c[keyPath: path] = true
                        case .word(let w) where ["off", "false", "0", "no"].contains(w.lowercased()): c[keyPath: path] = false
                        case .whole(1): c[keyPath: path] = true
                        case .whole(0): c[keyPath: path] = false
                        default: throw bad(key, text(value), "on or off")
                        }
                    })
    }

    static func choice<E>(_ key: String, _ path: WritableKeyPath<TrainerConfig, E> & Sendable, _ property: String,
                          _ summary: String, symbol: String = "") -> ConfigField
    where E: RawRepresentable & CaseIterable & Sendable, E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        return ConfigField(key: key, property: property, summary: summary, symbol: symbol, offMeaning: "", kind: .word, choices: names,
                           getter: { .word($0[keyPath: path].rawValue) },
                           setter: { c, value in
                               guard case .word(let w) = value, let v = E(rawValue: w.lowercased()) else {
                                   throw bad(key, text(value), "one of " + names.joined(separator: ", "))
                               }
                               c[keyPath: path] = v
                           })
    }
}

extension TrainerConfig {
    /// Every field, in the order `show settings` lists them.
    public static let fields: [ConfigField] = [
        .int("prompts", \.promptsPerStep, "promptsPerStep", "prompts per step", symbol: "B", range: 1...4096),
        .int("n", \.samplesPerPrompt, "samplesPerPrompt", "completions per prompt (group size)", symbol: "G", range: 1...1024),
        .real("temperature", \.sampling.temperature, "sampling.temperature", "sampling temperature", symbol: "T", off: "greedy", range: 0...10),
        .int("top_k", \.sampling.topK, "sampling.topK", "keep the k most likely tokens when sampling", off: "no top-k", range: 0...1_000_000),
        .real("top_p", \.sampling.topP, "sampling.topP", "nucleus sampling mass (1 = off)", range: 0...1),
        .int("max_tokens", \.sampling.maxNewTokens, "sampling.maxNewTokens", "most new tokens per completion", symbol: "L_max", range: 1...32_768),
        .cap("budget", \.sampling.thinkingBudget, "sampling.thinkingBudget",
             "force </think> after this many thinking tokens; off = no cap, 0 = answer without thinking", range: 0...1_000_000),
        .int("waits", \.sampling.waitExtensions, "sampling.waitExtensions", "replace the first W </think> by the wait text (s1)", symbol: "W", off: "no extension", range: 0...64),
        .choice("advantage", \.advantage, "advantage", "advantage estimator"),
        .real("adv_eps", \.advantageEpsilon, "advantageEpsilon", "added to the std of normalised advantages", symbol: "ε", range: 0...1),
        .real("clip_low", \.epsilonLow, "epsilonLow", "ratio clipped below at 1-ε_low", symbol: "ε_low", off: "no lower clip", range: 0...1),
        .real("clip_high", \.epsilonHigh, "epsilonHigh", "ratio clipped above at 1+ε_high (clip-higher)", symbol: "ε_high", off: "no upper clip", range: 0...100),
        .real("dual_clip", \.dualClip, "dualClip", "dual clip bound for negative advantages (>1)", symbol: "c", off: "no dual clip", range: 0...1000),
        .real("kl", \.klCoefficient, "klCoefficient", "KL penalty coefficient against the reference model", symbol: "β", off: "no KL, no reference model", range: 0...1000),
        .choice("kl_estimator", \.klEstimator, "klEstimator", "KL estimator"),
        .int("ref_sync", \.referenceSyncInterval, "referenceSyncInterval", "copy the policy into the reference every N steps", off: "never", range: 0...1_000_000),
        .choice("loss", \.lossAggregation, "lossAggregation", "loss aggregation over tokens and sequences"),
        .real("loss_norm", \.lossNormalizer, "lossNormalizer", "constant divisor of seq-mean-token-sum-norm", symbol: "L", off: "max_tokens", range: 0...1_000_000),
        .real("entropy", \.entropyCoefficient, "entropyCoefficient", "entropy bonus coefficient", symbol: "α", off: "no bonus", range: -100...100),
        .flag("mask_truncated", \.maskTruncated, "maskTruncated", "leave truncated completions out of the loss (overlong filtering)"),
        .flag("skip_zero_adv", \.skipZeroAdvantage, "skipZeroAdvantage", "leave zero-advantage completions out of the update"),
        .int("mu", \.updatesPerBatch, "updatesPerBatch", "optimisation passes over each batch", symbol: "μ", range: 1...64),
        .int("minibatches", \.minibatches, "minibatches", "minibatches (optimizer steps) per pass", range: 1...1_048_576),
        .real("lr", \.learningRate, "learningRate", "peak learning rate", symbol: "η", range: 0...10),
        .real("beta1", \.beta1, "beta1", "AdamW first-moment decay", symbol: "β₁", range: 0...1),
        .real("beta2", \.beta2, "beta2", "AdamW second-moment decay", symbol: "β₂", range: 0...1),
        .real("adam_eps", \.adamEpsilon, "adamEpsilon", "AdamW denominator epsilon", range: 0...1),
        .real("weight_decay", \.weightDecay, "weightDecay", "decoupled weight decay", symbol: "λ", off: "no decay", range: 0...100),
        .int("warmup", \.warmupSteps, "warmupSteps", "linear warm-up steps", off: "no warm-up", range: 0...1_000_000),
        .choice("schedule", \.schedule, "schedule", "learning-rate schedule after warm-up"),
        .int("total_steps", \.totalSteps, "totalSteps", "length of the cosine schedule", off: "the steps of the current run", range: 0...100_000_000),
        .real("min_lr_ratio", \.minLearningRateRatio, "minLearningRateRatio", "cosine floor as a fraction of the peak", range: 0...1),
        .real("grad_clip", \.maxGradNorm, "maxGradNorm", "clip the gradient norm to this", off: "no clipping", range: 0...1e6),
        .flag("dynamic_sampling", \.dynamicSampling, "dynamicSampling", "drop all-equal-reward groups and refill (DAPO)"),
        .int("max_rounds", \.maxGenerationRounds, "maxGenerationRounds", "most generation rounds per step with dynamic sampling", range: 1...1000),
        .int("staleness", \.maxStaleness, "maxStaleness", "asynchronous rollouts at most K steps stale", symbol: "K", off: "synchronous, on-policy", range: 0...64),
        .real("gamma", \.gamma, "gamma", "GAE discount (advantage=gae)", symbol: "γ", range: 0...1),
        .real("lam", \.lambda, "lambda", "GAE trade-off: 1 Monte-Carlo, 0 one-step TD (advantage=gae)", symbol: "λ", range: 0...1),
        .real("cliprange_value", \.valueClip, "valueClip", "clip the critic's values to ±ε_v around their sampling-time values", symbol: "ε_v", off: "no value clipping", range: 0...1e6),
        .real("value_lr", \.valueLearningRate, "valueLearningRate", "the critic's peak learning rate", off: "the policy's lr", range: 0...10),
        .flag("whiten", \.whitenAdvantages, "whitenAdvantages", "whiten GAE advantages over the batch's trained tokens"),
        .choice("critic", \.critic, "critic", "the critic's start: a copy of the policy, or a small fresh network"),
        .int("vine", \.vineSamples, "vineSamples", "Monte-Carlo continuations per step boundary that replace the critic (VinePPO)", symbol: "K", off: "the learned critic", range: 0...256),
    ]

    /// The field with this key, or an error listing the valid keys.
    public static func field(_ key: String) throws -> ConfigField {
        if let f = fields.first(where: { $0.key == key }) { return f }
        throw TrainingError("unknown training setting '\(key)' — valid settings: "
            + fields.map(\.key).joined(separator: ", ") + " (and clip=LOW:HIGH, algo=NAME)")
    }

    /// The value of a setting as text.
    public func value(of key: String) throws -> String { try Self.field(key).value(in: self) }

    /// Sets a setting from text. Besides the table's keys, `clip=E` or `clip=LOW:HIGH` sets both
    /// ε's, and `algo=NAME` replaces everything with a preset. Leaves the config unchanged when
    /// the value is invalid or the result fails `validate()`.
    public mutating func set(_ key: String, to text: String) throws {
        var copy = self
        switch key {
        case "clip":
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(parts.count), let lo = Double(parts[0]), let hi = Double(parts.last ?? "") else {
                throw TrainingError("clip=\(text) is not ε or ε_low:ε_high — e.g. clip=0.2 or clip=0.2:0.28")
            }
            copy.epsilonLow = lo
            copy.epsilonHigh = hi
        case "algo", "algorithm":
            copy = try TrainerConfig.preset(text)
        default:
            let field = try Self.field(key)
            try field.setter(&copy, try field.parse(text))
        }
        try copy.validate()
        self = copy
    }

    /// Sets a table field to an already parsed value (what the REPL hands over). Leaves the config
    /// unchanged when the value is out of bounds or the result fails `validate()`.
    public mutating func set(_ key: String, to value: ConfigValue) throws {
        var copy = self
        try Self.field(key).setter(&copy, value)
        try copy.validate()
        self = copy
    }

    /// (key, value) of every field, in table order, for `show settings`.
    public var settings: [(key: String, value: String)] { Self.fields.map { ($0.key, $0.value(in: self)) } }
}
