// Word-level tokenizers from Hugging Face `tokenizer.json` files (model type WordLevel with a word
// vocabulary): added tokens matched as wholes, then an optional normalizer (Lowercase, NFC), a
// pre-tokenizer that cuts words (Whitespace, WhitespaceSplit, BertPreTokenizer, or a Sequence of
// them), and one id per word — the unk token for words outside the vocabulary. Decoding joins
// tokens with spaces (no decoder, as `tokenizers` does) or without (Fuse). Verity's own character
// tokenizers are WordLevel files too; those load as `CharTokenizer`.

import Foundation

/// A word-level tokenizer.
public struct WordLevelTokenizer: StoredRolesTokenizer {
    enum PreTokenizer: Sendable, Equatable { case whitespace, whitespaceSplit, bert }
    let tokens: [String?]
    let vocab: [String: Int]
    let added: [(scalars: [Unicode.Scalar], id: Int)]
    let unk: Int?
    let preTokenizers: [PreTokenizer]
    let lowercase: Bool
    let nfc: Bool
    let joinWithSpaces: Bool
    let sourceJSON: [UInt8]
    public var special: SpecialTokens
    public var chat: ChatPrompting? = nil

    public var vocabularySize: Int { tokens.count }

    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        var start = 0, i = 0
        while i < scalars.count {
            if let match = added.first(where: { i + $0.scalars.count <= scalars.count && Array(scalars[i..<(i + $0.scalars.count)]) == $0.scalars }) {
                try encodeWords(scalars[start..<i], offset: start, into: &ids)
                ids.append(match.id)
                i += match.scalars.count
                start = i
            } else {
                i += 1
            }
        }
        try encodeWords(scalars[start...], offset: start, into: &ids)
        return ids
    }

    private func encodeWords(_ segment: ArraySlice<Unicode.Scalar>, offset: Int, into ids: inout [Int]) throws(TokenizerError) {
        var text = String(String.UnicodeScalarView(segment))
        if nfc { text = text.precomposedStringWithCanonicalMapping }
        if lowercase { text = text.lowercased() }
        for word in words(Array(text.unicodeScalars)) {
            let piece = String(String.UnicodeScalarView(word))
            if let id = vocab[piece] ?? unk { ids.append(id) } else { throw .unknownCharacter(piece, offset: offset) }
        }
    }

    /// The words of a normalized text, cut by each pre-tokenizer in turn.
    func words(_ s: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var pieces: [ArraySlice<Unicode.Scalar>] = [s[...]]
        for p in preTokenizers { pieces = pieces.flatMap { Self.split($0, p) } }
        return pieces.filter { !$0.isEmpty }
    }

    static func isWord(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil
            || [.nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation].contains(c.properties.generalCategory)
    }
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return true
        default: return c.isASCII && !isWord(c) && !c.properties.isWhitespace && c.value > 0x20 && c.value < 0x7f
        }
    }

    static func split(_ s: ArraySlice<Unicode.Scalar>, _ p: PreTokenizer) -> [ArraySlice<Unicode.Scalar>] {
        var out: [ArraySlice<Unicode.Scalar>] = []
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c.properties.isWhitespace { i += 1; continue }
            var j = i + 1
            switch p {
            case .whitespaceSplit:
                while j < s.endIndex, !s[j].properties.isWhitespace { j += 1 }
            case .whitespace:   // \w+|[^\w\s]+
                let word = isWord(c)
                while j < s.endIndex, !s[j].properties.isWhitespace, isWord(s[j]) == word { j += 1 }
            case .bert:         // words, and each punctuation character alone
                if !isPunctuation(c) {
                    while j < s.endIndex, !s[j].properties.isWhitespace, !isPunctuation(s[j]) { j += 1 }
                }
            }
            out.append(s[i..<j])
            i = j
        }
        return out
    }

    public func decode(_ ids: [Int]) -> String {
        ids.compactMap { $0 >= 0 && $0 < tokens.count ? tokens[$0] : nil }.joined(separator: joinWithSpaces ? " " : "")
    }

    public func tokenString(_ id: Int) -> String? { id >= 0 && id < tokens.count ? tokens[id] : nil }

    public func huggingFaceJSON() throws(TokenizerError) -> [UInt8] { sourceJSON }


    /// Builds it from a parsed WordLevel `tokenizer.json`.
    static func fromHuggingFace(_ root: JSONObject, file: String, source: [UInt8]) throws(TokenizerError) -> WordLevelTokenizer {
        guard let model = root["model"]?.objectValue, let vocabObject = model["vocab"]?.objectValue else {
            throw .invalidFile(file: file, reason: "model.vocab is missing or not an object")
        }
        var vocab: [String: Int] = [:]
        var largest = -1
        for (token, value) in vocabObject.pairs {
            guard let id = value.intValue, id >= 0, id < 1 << 24 else {
                throw .invalidFile(file: file, reason: "the id of '\(token)' must be an integer in 0..<16777216")
            }
            vocab[token] = id
            largest = max(largest, id)
        }
        guard Set(vocab.values).count == vocab.count else { throw .invalidFile(file: file, reason: "two words share an id") }
        var added: [(String, Int)] = []
        for item in root["added_tokens"]?.arrayValue ?? [] {
            guard let o = item.objectValue, let content = o["content"]?.stringValue, !content.isEmpty,
                  let id = o["id"]?.intValue, id >= 0, id < 1 << 24 else {
                throw .invalidFile(file: file, reason: "an added_tokens entry lacks a non-empty content or a valid id")
            }
            added.append((content, id))
            largest = max(largest, id)
        }
        var tokens = [String?](repeating: nil, count: largest + 1)
        for (token, id) in vocab { tokens[id] = token }
        for (content, id) in added { tokens[id] = content }
        var all = vocab
        for (content, id) in added { all[content] = id }
        let unk = model["unk_token"]?.stringValue.flatMap { all[$0] }
        func pre(_ value: JSONValue?) throws(TokenizerError) -> [PreTokenizer] {
            guard let value, value != .null else { return [] }
            guard let o = value.objectValue, let type = o["type"]?.stringValue else {
                throw .invalidFile(file: file, reason: "pre_tokenizer has no type")
            }
            switch type {
            case "Whitespace": return [.whitespace]
            case "WhitespaceSplit": return [.whitespaceSplit]
            case "BertPreTokenizer": return [.bert]
            case "Sequence":
                var out: [PreTokenizer] = []
                for p in o["pretokenizers"]?.arrayValue ?? [] { out += try pre(p) }
                return out
            default: throw .unsupported(file: file, reason: "word-level pre-tokenizer \(type) (Whitespace, WhitespaceSplit, BertPreTokenizer and Sequence are supported)")
            }
        }
        var lowercase = false, nfc = false
        func norm(_ value: JSONValue?) throws(TokenizerError) {
            guard let value, value != .null else { return }
            guard let type = value.objectValue?["type"]?.stringValue else { throw .invalidFile(file: file, reason: "normalizer has no type") }
            switch type {
            case "Lowercase": lowercase = true
            case "NFC": nfc = true
            case "Sequence": for n in value.objectValue?["normalizers"]?.arrayValue ?? [] { try norm(n) }
            default: throw .unsupported(file: file, reason: "word-level normalizer \(type) (Lowercase, NFC and Sequence are supported)")
            }
        }
        try norm(root["normalizer"])
        let decoderType = root["decoder"]?.objectValue?["type"]?.stringValue
        guard decoderType == nil || decoderType == "Fuse" else {
            throw .unsupported(file: file, reason: "word-level decoder \(decoderType ?? "") (none or Fuse are supported)")
        }
        let addedScalars = added.map { (Array($0.0.unicodeScalars), $0.1) }.sorted { $0.0.count > $1.0.count }
        return WordLevelTokenizer(tokens: tokens, vocab: vocab, added: addedScalars.map { (scalars: $0.0, id: $0.1) }, unk: unk,
                                  preTokenizers: try pre(root["pre_tokenizer"]), lowercase: lowercase, nfc: nfc,
                                  joinWithSpaces: decoderType == nil, sourceJSON: source, special: SpecialTokens.locate(in: all))
    }
}
