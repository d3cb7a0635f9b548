// The public error of the tokenizers and their file loader: each message names the offending
// character, token or file and says what to do about it.

/// Why text could not be encoded, or a tokenizer could not be built, loaded or saved.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text holds a character the vocabulary lacks (`offset` counts Unicode scalars).
    case unknownCharacter(String, offset: Int)
    /// A vocabulary given to an initializer is unusable (duplicates, empty or multi-character entries).
    case invalidVocabulary(String)
    /// The tokenizer file could not be read.
    case unreadable(file: String, reason: String)
    /// The tokenizer file is not a valid tokenizer.json document.
    case invalidFile(file: String, reason: String)
    /// The file is valid but uses a feature Verity does not implement.
    case unsupported(file: String, reason: String)

    /// A message naming the character, token or file and what to do.
    public var description: String {
        switch self {
        case let .unknownCharacter(c, offset):
            let shown = c.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "U+" + String($0.value, radix: 16, uppercase: true) }.joined()
            return "character '\(shown)' at position \(offset) is not in the tokenizer's vocabulary — remove it from the text or rebuild the tokenizer from a corpus that contains it"
        case let .invalidVocabulary(reason):
            return "invalid tokenizer vocabulary: \(reason)"
        case let .unreadable(file, reason):
            return "cannot read tokenizer file \(file): \(reason)"
        case let .invalidFile(file, reason):
            return "\(file) is not a valid tokenizer.json: \(reason)"
        case let .unsupported(file, reason):
            return "\(file): unsupported tokenizer: \(reason) — Verity reads its own character tokenizers and byte-level BPE (GPT-2, Llama 3, Qwen2 style)"
        }
    }
}

extension SpecialTokens {
    /// Strings recognised for each role, in order of preference. Verity's own names come first,
    /// then those of common Hugging Face models (Qwen2/ChatML, Llama 3, GPT-2, Llama 2/Mistral).
    static let bosNames = ["<bos>", "<|begin_of_text|>", "<s>", "<|startoftext|>"]
    static let eosNames = ["<eos>", "<|im_end|>", "<|eot_id|>", "<|endoftext|>", "<|end_of_text|>", "</s>"]
    static let padNames = ["<pad>", "<|pad|>", "<|finetune_right_pad_id|>", "[PAD]"]
    static let thinkStartNames = ["<think>"]
    static let thinkEndNames = ["</think>"]

    /// Locates the special roles by their strings in a token → id map.
    static func locate(in ids: [String: Int]) -> SpecialTokens {
        func first(_ names: [String]) -> Int? { names.lazy.compactMap { ids[$0] }.first }
        return SpecialTokens(bos: first(bosNames), eos: first(eosNames), pad: first(padNames),
                             thinkStart: first(thinkStartNames), thinkEnd: first(thinkEndNames))
    }
}
