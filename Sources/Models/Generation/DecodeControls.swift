// DecodeControls — token-level sampling controls for the local engine (temperature, top-k/top-p,
// stop tokens, thinking budgets and s1-style "Wait" extensions), and the SampledSequence result.

/// How the local model samples: the one sampling value (`GenerationOptions`: temperature,
/// top-k/top-p, max tokens, thinking budget, wait extensions) with its text pieces compiled to
/// token ids for one tokenizer. Build one with `init(options:tokenizer:)`, or set the fields directly.
public struct DecodeControls: Sendable, Equatable {
    /// The sampling settings. Its text fields (`stopStrings`, `waitText`) are already compiled
    /// into `stopSequences` and `waitTokens`, which are what decoding reads.
    public var sampling: GenerationOptions
    /// End-of-sequence id: generation stops after it (it is kept as the last token). nil: never.
    public var eos: Int?
    /// Further ids that end a sequence exactly as `eos` does (a checkpoint's extra eos ids).
    public var moreEnds: [Int] = []
    /// `<think>` id: after it a sequence is "thinking" (in the prompt or generated).
    public var thinkStart: Int?
    /// `</think>` id: ends thinking; forced when the budget is reached.
    public var thinkEnd: Int?
    /// Tokens forced in place of a sampled `</think>` while extensions remain (e.g. " Wait").
    public var waitTokens: [Int]
    /// Generation stops when the completion ends with one of these id sequences (kept).
    public var stopSequences: [[Int]]

    /// Controls in token ids; the sampling settings default as `GenerationOptions` does (temperature
    /// 1, 64 tokens, no truncation, no budget).
    public init(eos: Int? = nil, thinkStart: Int? = nil, thinkEnd: Int? = nil, waitTokens: [Int] = [],
                stopSequences: [[Int]] = [], sampling: GenerationOptions = GenerationOptions()) {
        self.eos = eos; self.thinkStart = thinkStart; self.thinkEnd = thinkEnd; self.waitTokens = waitTokens
        self.stopSequences = stopSequences; self.sampling = sampling
    }

    /// Token controls from the sampling value: special ids from the tokenizer, `waitText` and
    /// `stopStrings` encoded with it (a stop string matches when its encoding is generated).
    public init(options o: GenerationOptions, tokenizer: any Tokenizer) throws {
        let sp = tokenizer.special
        self.init(eos: sp.eos, thinkStart: sp.thinkStart, thinkEnd: sp.thinkEnd, sampling: o)
        moreEnds = sp.moreEnds
        if o.waitExtensions > 0 { waitTokens = try tokenizer.encode(o.waitText) }
        stopSequences = try o.stopStrings.filter { !$0.isEmpty }.map { try tokenizer.encode($0) }
    }

    /// True when `token` ends a sequence (`eos` or one of `moreEnds`).
    public func isEnd(_ token: Int?) -> Bool {
        guard let token else { return false }
        return token == eos || moreEnds.contains(token)
    }

    /// Checks the controls against a vocabulary of `vocabSize` ids; messages say what to change.
    public func validate(vocabSize: Int) throws {
        func need(_ ok: Bool, _ m: String) throws { if !ok { throw ModelError("sampling: " + m) } }
        func inVocab(_ id: Int?, _ name: String) throws {
            if let id { try need(id >= 0 && id < vocabSize, "\(name) id \(id) is outside the vocabulary 0..<\(vocabSize)") }
        }
        if let problem = sampling.problem { throw ModelError("sampling: " + problem) }
        try inVocab(eos, "eos"); for id in moreEnds { try inVocab(id, "end") }; try inVocab(thinkStart, "<think>"); try inVocab(thinkEnd, "</think>")
        for t in waitTokens { try inVocab(t, "wait token") }
        if sampling.thinkingBudget != nil {
            try need(thinkEnd != nil, "a thinking budget needs a </think> token, and this tokenizer has none")
        }
        if sampling.waitExtensions > 0 {
            try need(thinkEnd != nil, "wait extensions need a </think> token, and this tokenizer has none")
            try need(!waitTokens.isEmpty, "wait extensions need a non-empty wait text")
        }
        for s in stopSequences {
            try need(!s.isEmpty, "stop sequences must not be empty")
            for t in s { try inVocab(t, "stop sequence token") }
        }
    }
}

/// One generated completion with what the trainer needs to score and mask it.
public struct SampledSequence: Sendable, Equatable {
    /// The prompt ids it continues.
    public var prompt: [Int]
    /// Generated ids (forced ones included).
    public var tokens: [Int]
    /// log p(token) under softmax(logits / temperature) (temperature 1 when greedy), before
    /// top-k/top-p truncation — what `forward(_:temperature:)` gives for the same token.
    public var logprobs: [Float]
    /// True for tokens the controls forced (`</think>` at the budget, wait tokens).
    public var forced: [Bool]
    /// Why generation stopped.
    public var finishReason: FinishReason
    /// Generated tokens inside the thinking section (after `<think>`, before `</think>`).
    public var thinkingTokens: Int
    /// How many wait extensions were inserted.
    public var waitsUsed: Int

    public init(prompt: [Int], tokens: [Int] = [], logprobs: [Float] = [], forced: [Bool] = [],
                finishReason: FinishReason = .length, thinkingTokens: Int = 0, waitsUsed: Int = 0) {
        self.prompt = prompt; self.tokens = tokens; self.logprobs = logprobs; self.forced = forced
        self.finishReason = finishReason; self.thinkingTokens = thinkingTokens; self.waitsUsed = waitsUsed
    }
}
