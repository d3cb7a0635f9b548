// The tokenizer of a checkpoint that comes without `tokenizer.json`: ids only. The model still
// loads, samples, scores and trains on token ids (`generate ids=…`, `score ids=…`, `tokens ids=…`);
// text cannot be encoded, and ids show as `#17`. bos and eos come from config.json's
// `bos_token_id` / `eos_token_id` (and generation_config.json's end ids).

/// Token ids without strings.
public struct IDTokenizer: Tokenizer {
    public let vocabularySize: Int
    public private(set) var special: SpecialTokens
    public private(set) var chat: ChatPrompting? = nil

    public init(vocabularySize: Int, special: SpecialTokens = SpecialTokens()) {
        self.vocabularySize = vocabularySize
        self.special = special
    }

    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        throw .unsupported(file: "tokenizer.json", reason: "this checkpoint has no tokenizer.json, so text cannot be encoded — "
                           + "work in token ids (generate ids=…, score ids=…, tokens ids=…) or put the model's tokenizer.json beside it")
    }

    public func decode(_ ids: [Int]) -> String {
        ids.filter { $0 >= 0 && $0 < vocabularySize }.map { "#\($0)" }.joined(separator: " ")
    }

    public func tokenString(_ id: Int) -> String? { id >= 0 && id < vocabularySize ? "#\(id)" : nil }

    public func huggingFaceJSON() throws(TokenizerError) -> [UInt8] {
        throw .unsupported(file: "tokenizer.json", reason: "the model was loaded without a tokenizer.json, so there is none to write")
    }

    public func withSpecial(_ special: SpecialTokens) -> any Tokenizer {
        var copy = self
        copy.special = special
        return copy
    }

    public func withChat(_ chat: ChatPrompting?) -> any Tokenizer { self }   // a template renders text, which ids-only cannot encode
}
