// Byte-level BPE (GPT-2, Llama 3, Qwen2): text → added tokens matched as wholes → NFC (when the
// file asks) → pre-tokenizer pieces → UTF-8 bytes as byte-level characters → BPE merges by rank
// → ids. Decoding maps token characters back to bytes and decodes UTF-8 (invalid sequences
// become U+FFFD, as in `tokenizers`).
//
// Not implemented (documented shortcuts): post-processors (no automatic BOS/EOS — callers add
// special ids themselves), the lstrip/rstrip/single_word flags of added tokens, BPE dropout,
// and normalizers other than NFC.

import Foundation

/// A Hugging Face byte-level BPE tokenizer loaded from `tokenizer.json`.
public struct BPETokenizer: StoredRolesTokenizer {
    /// Token strings by id (byte-level form for model tokens, literal text for added tokens).
    let tokens: [String?]
    /// Model vocabulary: byte-level token string → id.
    let vocab: [String: Int]
    /// Merge (left id, right id) packed into 64 bits → (rank, merged id).
    let merges: [UInt64: (rank: Int32, id: Int32)]
    /// The id of each single byte's token (-1 when the vocabulary lacks it).
    let byteIDs: [Int]
    /// Added tokens as scalar sequences, longest first; matched in the raw text.
    let added: [(scalars: [Unicode.Scalar], id: Int)]
    let addedIDs: Set<Int>
    /// Split patterns applied in order (a Split regex, then ByteLevel's own regex if enabled).
    let patterns: [SplitPattern]
    let addPrefixSpace: Bool
    let normalizeNFC: Bool
    /// Llama 3's `ignore_merges`: a piece that is itself a vocabulary entry maps to it directly.
    let ignoreMerges: Bool
    /// The tokenizer.json this was loaded from, returned unchanged by `huggingFaceJSON()`.
    let sourceJSON: [UInt8]
    /// Special roles located by their strings (`<|im_end|>`, `<think>`, …) among added tokens and vocab.
    public var special: SpecialTokens
    /// The chat template prompts go through (`model chat on`), nil to prompt plainly.
    public var chat: ChatPrompting? = nil

    /// One more than the largest id of the vocab and added tokens.
    public var vocabularySize: Int { tokens.count }

    static func pairKey(_ a: Int, _ b: Int) -> UInt64 { UInt64(UInt32(truncatingIfNeeded: a)) << 32 | UInt64(UInt32(truncatingIfNeeded: b)) }

    /// Encodes text; added-token strings (`<|im_end|>`, `<think>`) become their single ids.
    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        var segmentStart = 0
        var i = 0
        while i < scalars.count {
            if let (length, id) = addedMatch(scalars, at: i) {
                try encodeSegment(scalars[segmentStart..<i], into: &ids)
                ids.append(id)
                i += length
                segmentStart = i
            } else {
                i += 1
            }
        }
        try encodeSegment(scalars[segmentStart..<scalars.count], into: &ids)
        return ids
    }

    /// The longest added token starting at `i`.
    private func addedMatch(_ s: [Unicode.Scalar], at i: Int) -> (Int, Int)? {
        for p in added where p.scalars.first == s[i] && i + p.scalars.count <= s.count {
            if s[i..<i + p.scalars.count].elementsEqual(p.scalars) { return (p.scalars.count, p.id) }
        }
        return nil
    }

    /// Encodes text that holds no added token.
    private func encodeSegment(_ segment: ArraySlice<Unicode.Scalar>, into ids: inout [Int]) throws(TokenizerError) {
        guard !segment.isEmpty else { return }
        var text = String(String.UnicodeScalarView(segment))
        if normalizeNFC { text = text.precomposedStringWithCanonicalMapping }
        if addPrefixSpace, !text.hasPrefix(" ") { text = " " + text }
        var pieces = [Array(text.unicodeScalars)]
        for pattern in patterns {
            pieces = pieces.flatMap { piece in pattern.split(piece).map { Array(piece[$0]) } }
        }
        for piece in pieces {
            try encodePiece(Array(String(String.UnicodeScalarView(piece)).utf8), into: &ids)
        }
    }

    /// Runs BPE on one pre-tokenized piece's bytes.
    func encodePiece(_ bytes: [UInt8], into ids: inout [Int]) throws(TokenizerError) {
        if ignoreMerges, let id = vocab[ByteLevel.encode(bytes)] { ids.append(id); return }
        var symbols: [Int] = []
        symbols.reserveCapacity(bytes.count)
        for (k, b) in bytes.enumerated() {
            let id = byteIDs[Int(b)]
            guard id >= 0 else {
                throw .unknownCharacter(String(decoding: bytes, as: UTF8.self), offset: k)
            }
            symbols.append(id)
        }
        // Repeatedly merge the adjacent pair of lowest rank (leftmost on ties) — the same order
        // as the reference's priority queue. Pieces are short, so the quadratic scan is cheap.
        while symbols.count > 1 {
            var best: (rank: Int32, position: Int, id: Int32)? = nil
            for k in 0..<(symbols.count - 1) {
                if let m = merges[Self.pairKey(symbols[k], symbols[k + 1])], m.rank < best?.rank ?? .max {
                    best = (m.rank, k, m.id)
                }
            }
            guard let b = best else { break }
            symbols[b.position] = Int(b.id)
            symbols.remove(at: b.position + 1)
        }
        ids.append(contentsOf: symbols)
    }

    /// Decodes ids to text; added tokens appear literally, unknown ids are skipped.
    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids where id >= 0 && id < tokens.count {
            guard let token = tokens[id] else { continue }
            if addedIDs.contains(id) || !ByteLevel.decode(token, into: &bytes) {
                bytes.append(contentsOf: Array(token.utf8))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text of one token when it is whole UTF-8 (`" the"`), else its byte-level form (`"Ġ\u{e6}"`).
    public func tokenString(_ id: Int) -> String? {
        guard id >= 0, id < tokens.count, let token = tokens[id] else { return nil }
        if addedIDs.contains(id) { return token }
        var bytes: [UInt8] = []
        guard ByteLevel.decode(token, into: &bytes), let text = String(validating: bytes, as: UTF8.self) else { return token }
        return text
    }

    /// The `tokenizer.json` this tokenizer was loaded from, byte for byte.
    public func huggingFaceJSON() throws(TokenizerError) -> [UInt8] { sourceJSON }
}

