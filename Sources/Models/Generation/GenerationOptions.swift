// What a caller asks of any generator (the local model or a remote server), in text terms.
// The local engine turns these into token-level controls with the tokenizer's special tokens.

/// How to sample completions. Every default is the one the RLVR recipes in DESIGN.md use.
public struct GenerationOptions: Sendable, Equatable, Codable {
    /// Most tokens generated per completion, forced tokens included.
    public var maxNewTokens: Int = 64
    /// Softmax temperature; 0 means greedy (argmax).
    public var temperature: Float = 1.0
    /// Keep only the k most likely tokens before sampling; 0 turns it off.
    public var topK: Int = 0
    /// Nucleus sampling: keep the smallest set whose probability reaches p; 1 turns it off.
    public var topP: Float = 1.0
    /// Generation stops when the completion text ends with one of these (the string is kept).
    public var stopStrings: [String] = []
    /// Budget forcing: after this many thinking tokens, `</think>` is forced. nil: no cap.
    public var thinkingBudget: Int? = nil
    /// s1-style extension: the first W times the model closes its thinking, `</think>` is
    /// suppressed and `waitText` is appended instead, so it keeps thinking.
    public var waitExtensions: Int = 0
    /// The text appended on each extension.
    public var waitText: String = " Wait"
    /// The system turn for models that prompt through a chat template (the data set's system
    /// prompt); plain prompting does not use it.
    public var system: String? = nil

    public init(maxNewTokens: Int = 64, temperature: Float = 1.0, topK: Int = 0, topP: Float = 1.0,
                stopStrings: [String] = [], thinkingBudget: Int? = nil, waitExtensions: Int = 0,
                waitText: String = " Wait") {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.stopStrings = stopStrings
        self.thinkingBudget = thinkingBudget
        self.waitExtensions = waitExtensions
        self.waitText = waitText
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
