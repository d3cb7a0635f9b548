// Training/TrainerConfig+Fields.swift — the field table of `TrainerConfig`: one row per field
// (`Fields.Field`) with its REPL key, kind, meaning, paper symbol, bounds and what 0/off means; the
// default is `TrainerConfig()`'s. From the table come typed get/set by key, decoding a saved
// config, and (in the REPL) `help rl`, the keys of `rl` and `sample` and `show trainer`; the REPL
// hands it already parsed values (no text round trip). The sampling rows are the sampling value's
// own (`GenerationOptions.fields`), lifted through `sampling`. A test checks that the table covers
// every stored property.
import Fields
import Models

/// One documented, settable field of `TrainerConfig`.
public typealias ConfigField = Field<TrainerConfig>

extension TrainerConfig: FieldRoot {
    public static var defaults: TrainerConfig { TrainerConfig() }
}

extension TrainerConfig {
    /// Every field, in the order `show settings` lists them.
    public static let fields: [ConfigField] = batchFields
        + GenerationOptions.fields.map { $0.lifted(through: \.sampling, named: "sampling") } + updateFields

    /// The batch's shape.
    private static let batchFields: [ConfigField] = [
        .whole("prompts", \.promptsPerStep, "promptsPerStep", "prompts per step", symbol: "B", bounds: 1...4096),
        .whole("n", \.samplesPerPrompt, "samplesPerPrompt", "completions per prompt (group size)", symbol: "G", bounds: 1...1024),
    ]

    /// How the batch becomes an update.
    private static let updateFields: [ConfigField] = [
        .choice("advantage", \.advantage, "advantage", "advantage estimator"),
        .real("adv_eps", \.advantageEpsilon, "advantageEpsilon", "added to the std of normalised advantages", symbol: "ε", bounds: 0...1),
        .real("clip_low", \.epsilonLow, "epsilonLow", "ratio clipped below at 1-ε_low", symbol: "ε_low", off: "no lower clip", bounds: 0...1),
        .real("clip_high", \.epsilonHigh, "epsilonHigh", "ratio clipped above at 1+ε_high (clip-higher)", symbol: "ε_high", off: "no upper clip", bounds: 0...100),
        .real("dual_clip", \.dualClip, "dualClip", "dual clip bound for negative advantages (>1)", symbol: "c", off: "no dual clip", bounds: 0...1000),
        .real("kl", \.klCoefficient, "klCoefficient", "KL penalty coefficient against the reference model", symbol: "β", off: "no KL, no reference model", bounds: 0...1000),
        .choice("kl_estimator", \.klEstimator, "klEstimator", "KL estimator"),
        .whole("ref_sync", \.referenceSyncInterval, "referenceSyncInterval", "copy the policy into the reference every N steps", off: "never", bounds: 0...1_000_000),
        .choice("loss", \.lossAggregation, "lossAggregation", "loss aggregation over tokens and sequences"),
        .real("loss_norm", \.lossNormalizer, "lossNormalizer", "constant divisor of seq-mean-token-sum-norm", symbol: "L", off: "max_tokens", bounds: 0...1_000_000),
        .real("entropy", \.entropyCoefficient, "entropyCoefficient", "entropy bonus coefficient", symbol: "α", off: "no bonus", bounds: -100...100),
        .flag("mask_truncated", \.maskTruncated, "maskTruncated", "leave truncated completions out of the loss (overlong filtering)"),
        .flag("skip_zero_adv", \.skipZeroAdvantage, "skipZeroAdvantage", "leave zero-advantage completions out of the update"),
        .whole("mu", \.updatesPerBatch, "updatesPerBatch", "optimisation passes over each batch", symbol: "μ", bounds: 1...64),
        .whole("minibatches", \.minibatches, "minibatches", "minibatches (optimizer steps) per pass", bounds: 1...1_048_576),
        .real("lr", \.learningRate, "learningRate", "peak learning rate", symbol: "η", bounds: 0...10),
        .real("beta1", \.beta1, "beta1", "AdamW first-moment decay", symbol: "β₁", bounds: 0...1),
        .real("beta2", \.beta2, "beta2", "AdamW second-moment decay", symbol: "β₂", bounds: 0...1),
        .real("adam_eps", \.adamEpsilon, "adamEpsilon", "AdamW denominator epsilon", bounds: 0...1),
        .real("weight_decay", \.weightDecay, "weightDecay", "decoupled weight decay", symbol: "λ", off: "no decay", bounds: 0...100),
        .whole("warmup", \.warmupSteps, "warmupSteps", "linear warm-up steps", off: "no warm-up", bounds: 0...1_000_000),
        .choice("schedule", \.schedule, "schedule", "learning-rate schedule after warm-up"),
        .whole("total_steps", \.totalSteps, "totalSteps", "length of the cosine schedule", off: "the steps of the current run", bounds: 0...100_000_000),
        .real("min_lr_ratio", \.minLearningRateRatio, "minLearningRateRatio", "cosine floor as a fraction of the peak", bounds: 0...1),
        .real("grad_clip", \.maxGradNorm, "maxGradNorm", "clip the gradient norm to this", off: "no clipping", bounds: 0...1e6),
        .flag("dynamic_sampling", \.dynamicSampling, "dynamicSampling", "drop all-equal-reward groups and refill (DAPO)"),
        .whole("max_rounds", \.maxGenerationRounds, "maxGenerationRounds", "most generation rounds per step with dynamic sampling", bounds: 1...1000),
        .whole("staleness", \.maxStaleness, "maxStaleness", "asynchronous rollouts at most K steps stale", symbol: "K", off: "synchronous, on-policy", bounds: 0...64),
        .real("gamma", \.gamma, "gamma", "GAE discount (advantage=gae)", symbol: "γ", bounds: 0...1),
        .real("lam", \.lambda, "lambda", "GAE trade-off: 1 Monte-Carlo, 0 one-step TD (advantage=gae)", symbol: "λ", bounds: 0...1),
        .real("cliprange_value", \.valueClip, "valueClip", "clip the critic's values to ±ε_v around their sampling-time values", symbol: "ε_v", off: "no value clipping", bounds: 0...1e6),
        .real("value_lr", \.valueLearningRate, "valueLearningRate", "the critic's peak learning rate", off: "the policy's lr", bounds: 0...10),
        .flag("whiten", \.whitenAdvantages, "whitenAdvantages", "whiten GAE advantages over the batch's trained tokens"),
        .choice("critic", \.critic, "critic", "the critic's start: a copy of the policy, or a small fresh network"),
        .whole("vine", \.vineSamples, "vineSamples", "Monte-Carlo continuations per step boundary that replace the critic (VinePPO)", symbol: "K", off: "the learned critic", bounds: 0...256),
    ]

    /// The field with this key, or an error listing the valid keys.
    public static func field(_ key: String) throws -> ConfigField {
        if let f = fields.first(where: { $0.key == key }) { return f }
        throw TrainingError("unknown training setting '\(key)' — valid settings: "
            + fields.map(\.key).joined(separator: ", ") + " (and clip=LOW:HIGH, algo=NAME)")
    }

    /// The value of a setting as text.
    public func value(of key: String) throws -> String { try Self.field(key).value(in: self).description }

    /// A field's refusal as the trainer's error.
    private static func refusing(_ body: () throws -> Void) throws {
        try FieldError.mapped(to: { TrainingError($0) }, body)
    }

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
            try Self.refusing { try field.set(try field.spec.parse(text), in: &copy) }
        }
        try copy.validate()
        self = copy
    }

    /// Sets a table field to an already parsed value (what the REPL hands over). Leaves the config
    /// unchanged when the value is out of bounds or the result fails `validate()`.
    public mutating func set(_ key: String, to value: FieldValue) throws {
        var copy = self
        let field = try Self.field(key)
        try Self.refusing { try field.set(value, in: &copy) }
        try copy.validate()
        self = copy
    }

    /// (key, value) of every field, in table order, for `show settings`.
    public var settings: [(key: String, value: String)] { Self.fields.map { ($0.key, $0.value(in: self).description) } }
}
