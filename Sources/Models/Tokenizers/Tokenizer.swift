// The tokenizer contract shared by the character tokenizer and Hugging Face tokenizers.

/// Special tokens Verity's prompts and completions use. Any may be absent from a loaded
/// tokenizer (nil), in which case the feature that needs it reports a clear error.
public struct SpecialTokens: Sendable, Equatable, Codable {
    public var bos: Int?
    public var eos: Int?
    public var pad: Int?
    public var thinkStart: Int?   // "<think>"
    public var thinkEnd: Int?     // "</think>"
    /// Further ids that end a sequence as `eos` does: a checkpoint's `generation_config.json` or
    /// `config.json` may list several (Qwen2.5-Instruct: `<|im_end|>` and `<|endoftext|>`).
    public var moreEnds: [Int] = []
    public init(bos: Int? = nil, eos: Int? = nil, pad: Int? = nil, thinkStart: Int? = nil, thinkEnd: Int? = nil) {
        self.bos = bos; self.eos = eos; self.pad = pad; self.thinkStart = thinkStart; self.thinkEnd = thinkEnd
    }

    /// These roles with the end-of-sequence ids a checkpoint declares (`ids`, in order): the first
    /// becomes `eos` (over one located by its string: the checkpoint's word is what `transformers`
    /// obeys), the others end sequences too. Ids outside `0..<vocabularySize` are dropped.
    public func withEnds(_ ids: [Int], vocabularySize: Int) -> SpecialTokens {
        var copy = self
        var ends: [Int] = []
        for id in ids where id >= 0 && id < vocabularySize && !ends.contains(id) { ends.append(id) }
        guard let first = ends.first else { return copy }
        copy.eos = first
        copy.moreEnds = Array(ends.dropFirst())
        return copy
    }
}

/// Text ↔ token ids. Special token strings (`<think>`, `</think>`, `<eos>`, …) written in the
/// text are encoded as their single special ids.
public protocol Tokenizer: Sendable {
    /// Number of ids (the model's `vocab_size` must be at least this).
    var vocabularySize: Int { get }
    var special: SpecialTokens { get }
    /// Encodes text; throws when a character has no token (character tokenizers) — the error names it.
    func encode(_ text: String) throws -> [Int]
    /// Decodes ids to text; special tokens appear as their strings (`<think>`); unknown ids are skipped.
    func decode(_ ids: [Int]) -> String
    /// The string of one id (for tables and debugging), nil when out of range.
    func tokenString(_ id: Int) -> String?
    /// The Hugging Face `tokenizer.json` document for this tokenizer, UTF-8 JSON.
    func huggingFaceJSON() throws -> [UInt8]
    /// The same tokenizer with other special roles (a checkpoint's end-of-sequence ids).
    func withSpecial(_ special: SpecialTokens) -> any Tokenizer
    /// The chat template prompts are wrapped in, or nil to prompt with the plain text.
    var chat: ChatPrompting? { get }
    /// The same tokenizer prompting through `chat` (nil: plainly).
    func withChat(_ chat: ChatPrompting?) -> any Tokenizer
}

/// A tokenizer whose special roles and chat template are stored values, so `withSpecial` and
/// `withChat` are a copy with one of them replaced — written here once for the character, BPE
/// and word-level tokenizers.
public protocol StoredRolesTokenizer: Tokenizer {
    var special: SpecialTokens { get set }
    var chat: ChatPrompting? { get set }
}

extension StoredRolesTokenizer {
    public func withSpecial(_ special: SpecialTokens) -> any Tokenizer {
        var copy = self
        copy.special = special
        return copy
    }

    public func withChat(_ chat: ChatPrompting?) -> any Tokenizer {
        var copy = self
        copy.chat = chat
        return copy
    }
}
