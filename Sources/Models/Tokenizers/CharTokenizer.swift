// The character tokenizer: one token per Unicode scalar plus a few multi-character special
// tokens. Small vocabularies keep toy models (arithmetic, countdown) fast and their outputs
// readable token by token. Saved as a Hugging Face `tokenizer.json` (WordLevel model, a Split
// pre-tokenizer that isolates every character, a Fuse decoder) so `tokenizers` loads it too.

/// A tokenizer with one id per character (Unicode scalar) and special tokens matched as wholes.
///
/// Built from a corpus, ids are: the specials first, in the order given (by default
/// `<pad>`=0, `<bos>`=1, `<eos>`=2, `<think>`=3, `</think>`=4), then the corpus's unique
/// characters sorted by code point. Built from an explicit vocabulary, ids are its positions.
public struct CharTokenizer: StoredRolesTokenizer, Equatable {
    /// The default special tokens, in id order.
    public static let defaultSpecials = ["<pad>", "<bos>", "<eos>", "<think>", "</think>"]

    /// Token strings by id.
    public let vocabulary: [String]
    /// Ids of the special (multi-character, matched-as-a-whole) tokens.
    public let specialIDs: Set<Int>
    /// Roles of the specials present (`<pad>`, `<bos>`, `<eos>`, `<think>`, `</think>`).
    public var special: SpecialTokens
    /// The chat template prompts go through (`model chat on`), nil to prompt plainly.
    public var chat: ChatPrompting? = nil

    private let characterIDs: [Unicode.Scalar: Int]
    /// Specials as scalar sequences, longest first, so encoding takes the longest match.
    private let specialPatterns: [(scalars: [Unicode.Scalar], id: Int)]

    /// Number of tokens, specials included.
    public var vocabularySize: Int { vocabulary.count }

    /// Builds a tokenizer from the characters of a corpus, specials first.
    public init(corpus: [String], specials: [String] = CharTokenizer.defaultSpecials) throws(TokenizerError) {
        var characters = Set<Unicode.Scalar>()
        for text in corpus { characters.formUnion(text.unicodeScalars) }
        let sorted = characters.sorted { $0.value < $1.value }.map { String($0) }
        // A special's single-character spelling, if any, must not also appear as a plain character.
        try self.init(vocabulary: specials + sorted.filter { !specials.contains($0) }, specials: specials)
    }

    /// Builds a tokenizer from an ordered vocabulary: entry i gets id i. `specials` names the
    /// entries matched as wholes; nil means every entry longer than one character.
    /// The arithmetic recipe's 18 symbols, for instance:
    /// `CharTokenizer(vocabulary: ["0", …, "9", "+", "=", "c", " ", "<think>", "</think>", "<eos>", "<pad>"])`.
    public init(vocabulary: [String], specials: [String]? = nil) throws(TokenizerError) {
        let specialSet = Set(specials ?? vocabulary.filter { $0.unicodeScalars.count > 1 })
        var characterIDs: [Unicode.Scalar: Int] = [:]
        var patterns: [(scalars: [Unicode.Scalar], id: Int)] = []
        var specialIDs = Set<Int>()
        var seen = Set<String>()
        for (id, token) in vocabulary.enumerated() {
            guard !token.isEmpty else { throw .invalidVocabulary("entry \(id) is an empty string") }
            guard seen.insert(token).inserted else { throw .invalidVocabulary("'\(token)' appears twice") }
            let scalars = Array(token.unicodeScalars)
            if specialSet.contains(token) {
                patterns.append((scalars, id))
                specialIDs.insert(id)
            } else {
                guard scalars.count == 1 else {
                    throw .invalidVocabulary("'\(token)' (id \(id)) has \(scalars.count) characters but is not a special token")
                }
                characterIDs[scalars[0]] = id
            }
        }
        for s in specialSet where !seen.contains(s) {
            throw .invalidVocabulary("special token '\(s)' is not in the vocabulary")
        }
        self.vocabulary = vocabulary
        self.specialIDs = specialIDs
        self.characterIDs = characterIDs
        self.specialPatterns = patterns.sorted { ($0.scalars.count, $1.id) > ($1.scalars.count, $0.id) }
        var byString: [String: Int] = [:]
        for id in specialIDs { byString[vocabulary[id]] = id }
        self.special = SpecialTokens.locate(in: byString)
    }

    /// Same vocabulary in the same order, with the same specials.
    public static func == (a: CharTokenizer, b: CharTokenizer) -> Bool {
        a.vocabulary == b.vocabulary && a.specialIDs == b.specialIDs
    }

    /// Encodes text; special token strings become their ids (longest match wins).
    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        ids.reserveCapacity(scalars.count)
        var i = 0
        outer: while i < scalars.count {
            for p in specialPatterns where p.scalars.first == scalars[i] && i + p.scalars.count <= scalars.count {
                if scalars[i..<i + p.scalars.count].elementsEqual(p.scalars) {
                    ids.append(p.id)
                    i += p.scalars.count
                    continue outer
                }
            }
            guard let id = characterIDs[scalars[i]] else { throw .unknownCharacter(String(scalars[i]), offset: i) }
            ids.append(id)
            i += 1
        }
        return ids
    }

    /// Decodes ids; specials appear as their strings, out-of-range ids are skipped.
    public func decode(_ ids: [Int]) -> String {
        var out = ""
        for id in ids where id >= 0 && id < vocabulary.count { out += vocabulary[id] }
        return out
    }

    /// The token's text, nil when `id` is out of range.
    public func tokenString(_ id: Int) -> String? {
        id >= 0 && id < vocabulary.count ? vocabulary[id] : nil
    }
}

