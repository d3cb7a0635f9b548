// Training/TrainerConfig+Fields.swift — the field table of `TrainerConfig`: one row per field
// with its REPL key, meaning, paper symbol, default and what 0/off means, plus typed get/set by
// key. The REPL derives `help rl`, `set key=value` and `show settings` from it; a test checks
// that it covers every stored property.

/// One documented, settable field of `TrainerConfig`.
public struct ConfigField: Sendable {
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
    /// The valid choices of an enumerated or boolean field; empty for numbers.
    public let choices: [String]
    /// The range a number must lie in (checked on `set`; `validate` adds the cross-field rules).
    public var bounds: ClosedRange<Double>? = nil
    let getter: @Sendable (TrainerConfig) -> String
    let setter: @Sendable (inout TrainerConfig, String) throws -> Void

    /// The default value, as text.
    public var defaultValue: String { getter(TrainerConfig()) }
    /// The value in `config`, as text.
    public func value(in config: TrainerConfig) -> String { getter(config) }
}

extension ConfigField {
    static func bad(_ key: String, _ text: String, _ what: String) -> TrainingError {
        TrainingError("\(key)=\(text) is not \(what)")
    }

    static func int(_ key: String, _ path: WritableKeyPath<TrainerConfig, Int> & Sendable, _ property: String,
                    _ summary: String, symbol: String = "", off: String = "", range: ClosedRange<Double>) -> ConfigField {
        ConfigField(key: key, property: property, summary: summary, symbol: symbol, offMeaning: off, choices: [],
                    bounds: range,
                    getter: { String($0[keyPath: path]) },
                    setter: { c, text in
                        guard let v = Int(text) else { throw bad(key, text, "an integer") }
                        try check(key, Double(v), range)
                        c[keyPath: path] = v
                    })
    }

    static func real(_ key: String, _ path: WritableKeyPath<TrainerConfig, Double> & Sendable, _ property: String,
                     _ summary: String, symbol: String = "", off: String = "", range: ClosedRange<Double>) -> ConfigField {
        ConfigField(key: key, property: property, summary: summary, symbol: symbol, offMeaning: off, choices: [],
                    bounds: range,
                    getter: { MetricsLog.format($0[keyPath: path]) },
                    setter: { c, text in
                        guard let v = Double(text), v.isFinite else { throw bad(key, text, "a finite number") }
                        try check(key, v, range)
                        c[keyPath: path] = v
                    })
    }

    static func check(_ key: String, _ value: Double, _ range: ClosedRange<Double>) throws {
        guard range.contains(value) else {
            throw TrainingError("\(key)=\(MetricsLog.format(value)) is outside \(MetricsLog.format(range.lowerBound))…\(MetricsLog.format(range.upperBound))")
        }
    }

    static func flag(_ key: String, _ path: WritableKeyPath<TrainerConfig, Bool> & Sendable, _ property: String,
                     _ summary: String) -> ConfigField {
        ConfigField(key: key, property: property, summary: summary, symbol: "", offMeaning: "", choices: ["on", "off"],
                    getter: { $0[keyPath: path] ? "on" : "off" },
                    setter: { c, text in
                        switch text.lowercased() {
                        case "on", "true", "1", "yes": c[keyPath: path] = true
                        case "off", "false", "0", "no": c[keyPath: path] = false
                        default: throw bad(key, text, "on or off")
                        }
                    })
    }

    static func choice<E>(_ key: String, _ path: WritableKeyPath<TrainerConfig, E> & Sendable, _ property: String,
                          _ summary: String, symbol: String = "") -> ConfigField
    where E: RawRepresentable & CaseIterable & Sendable, E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        return ConfigField(key: key, property: property, summary: summary, symbol: symbol, offMeaning: "", choices: names,
                           getter: { $0[keyPath: path].rawValue },
                           setter: { c, text in
                               guard let v = E(rawValue: text.lowercased()) else {
                                   throw bad(key, text, "one of " + names.joined(separator: ", "))
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
        .real("temperature", \.temperature, "temperature", "sampling temperature", symbol: "T", off: "greedy", range: 0...10),
        .int("top_k", \.topK, "topK", "keep the k most likely tokens when sampling", off: "no top-k", range: 0...1_000_000),
        .real("top_p", \.topP, "topP", "nucleus sampling mass (1 = off)", range: 0...1),
        .int("max_tokens", \.maxNewTokens, "maxNewTokens", "most new tokens per completion", symbol: "L_max", range: 1...32_768),
        .int("think_budget", \.thinkingBudget, "thinkingBudget", "force </think> after this many thinking tokens", off: "no cap", range: 0...1_000_000),
        .int("waits", \.waitExtensions, "waitExtensions", "replace the first W </think> by the wait text (s1)", symbol: "W", off: "no extension", range: 0...64),
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
    public func value(of key: String) throws -> String { try Self.field(key).getter(self) }

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
            try Self.field(key).setter(&copy, text)
        }
        try copy.validate()
        self = copy
    }

    /// (key, value) of every field, in table order, for `show settings`.
    public var settings: [(key: String, value: String)] { Self.fields.map { ($0.key, $0.getter(self)) } }
}
