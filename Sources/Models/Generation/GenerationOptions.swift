// The one sampling value: what a caller asks of any generator (the local model or a remote
// server), in text terms. The trainer's config, the session settings and the evaluation commands
// all hold this type; the local engine compiles it into token-level controls (`DecodeControls`)
// with the tokenizer's special tokens, and its sampler reads temperature, top-k and top-p from it.
// Its settable keys are declared once, in `fields`; the trainer's table lifts them through
// `TrainerConfig.sampling` and the REPL's sampling keys are derived from them.
import Fields

/// How to sample completions. Every default is the one the RLVR recipes in DESIGN.md use, and is
/// written once, in `init` (the session settings, the trainer and the commands' help take theirs
/// from `GenerationOptions()`).
public struct GenerationOptions: Sendable, Equatable, Codable {
    /// Most tokens generated per completion, forced tokens included.
    public var maxNewTokens: Int
    /// Softmax temperature; 0 means greedy (argmax).
    public var temperature: Float
    /// Keep only the k most likely tokens before sampling; 0 turns it off.
    public var topK: Int
    /// Nucleus sampling: keep the smallest set whose probability reaches p; 1 turns it off.
    public var topP: Float
    /// Generation stops when the completion text ends with one of these (the string is kept).
    public var stopStrings: [String]
    /// Budget forcing: after this many thinking tokens, `</think>` is forced. nil: no cap.
    public var thinkingBudget: Int?
    /// s1-style extension: the first W times the model closes its thinking, `</think>` is
    /// suppressed and `waitText` is appended instead, so it keeps thinking.
    public var waitExtensions: Int
    /// The text appended on each extension.
    public var waitText: String
    /// The system turn for models that prompt through a chat template (the data set's system
    /// prompt); plain prompting does not use it.
    public var system: String?

    public init(maxNewTokens: Int = 64, temperature: Float = 1.0, topK: Int = 0, topP: Float = 1.0,
                stopStrings: [String] = [], thinkingBudget: Int? = nil, waitExtensions: Int = 0,
                waitText: String = " Wait", system: String? = nil) {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.stopStrings = stopStrings
        self.thinkingBudget = thinkingBudget
        self.waitExtensions = waitExtensions
        self.waitText = waitText
        self.system = system
    }

    /// What is wrong with these settings, named by the keys people type, or nil when they are
    /// valid. The one place the ranges are checked: the decoder, the trainer and the remote
    /// client all ask here.
    public var problem: String? {
        if maxNewTokens < 0 { return "max_tokens=\(maxNewTokens) must be ≥ 0" }
        if !(temperature.isFinite && temperature >= 0) { return "temperature=\(temperature) must be ≥ 0 (0 = greedy)" }
        if topK < 0 { return "top_k=\(topK) must be ≥ 0 (0 = off)" }
        if !(topP.isFinite && topP > 0 && topP <= 1) { return "top_p=\(topP) must lie in (0, 1] (1 = off)" }
        if let b = thinkingBudget, b < 0 { return "budget=\(b) must be ≥ 0 (off = no cap)" }
        if waitExtensions < 0 { return "waits=\(waitExtensions) must be ≥ 0" }
        return nil
    }
}

/// The settable keys of the sampling value, each declared once; the default of each is
/// `GenerationOptions.init`'s, its range the one `problem` checks.
public enum SamplingField {
    public static let temperature = Field<GenerationOptions>.real(
        "temperature", \.temperature, "temperature", "sampling temperature", symbol: "T", off: "greedy decoding", bounds: 0...10)
    public static let topK = Field<GenerationOptions>.whole(
        "top_k", \.topK, "topK", "keep only the k most likely tokens", off: "off", bounds: 0...1_000_000)
    public static let topP = Field<GenerationOptions>.real(
        "top_p", \.topP, "topP", "nucleus sampling: keep the smallest set of tokens with this much mass; 1 = off", bounds: 0...1)
    public static let maxTokens = Field<GenerationOptions>.whole(
        "max_tokens", \.maxNewTokens, "maxNewTokens", "longest completion sampled, in tokens", symbol: "L_max", bounds: 1...32_768)
    public static let budget = Field<GenerationOptions>.cap(
        "budget", \.thinkingBudget, "thinkingBudget",
        "thinking budget in tokens (force </think>); 0 = answer without thinking, off = no cap", bounds: 0...1_000_000)
    public static let waits = Field<GenerationOptions>.whole(
        "waits", \.waitExtensions, "waitExtensions", "s1-style 'Wait' extensions: replace the first W </think> by the wait text",
        symbol: "W", off: "no extension", bounds: 0...64)
}

extension GenerationOptions: FieldRoot {
    public static var defaults: GenerationOptions { GenerationOptions() }

    /// The settable keys, in the order the trainer's table lists them.
    public static let fields = [SamplingField.temperature, SamplingField.topK, SamplingField.topP,
                                SamplingField.maxTokens, SamplingField.budget, SamplingField.waits]

    /// Decodes a saved value; a key that is absent (a file written before the field existed)
    /// keeps its default, so saved trainer states and runs still load.
    public init(from decoder: Decoder) throws {
        self.init()
        try Field.restore(Self.fields, from: decoder.container(keyedBy: FieldCodingKey.self), into: &self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.take(.stopStrings, into: &stopStrings)
        try c.take(.waitText, into: &waitText)
        system = try c.decodeIfPresent(String.self, forKey: .system)
    }
}

/// Why a completion ended.
public enum FinishReason: String, Sendable, Codable, Equatable {
    /// The end-of-sequence token was sampled.
    case stop
    /// A stop string was produced.
    case stopString = "stop_string"
    /// `maxNewTokens` was reached (the completion is truncated).
    case length
}
