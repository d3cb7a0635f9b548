// Reading a byte-level BPE tokenizer from a Hugging Face `tokenizer.json`. Every field is
// checked; features outside byte-level BPE (SentencePiece-style Metaspace, byte fallback,
// unknown pre-tokenizer regexes, normalizers other than NFC) are refused with a message naming
// them rather than silently mis-tokenizing.

extension BPETokenizer {
    /// Builds the tokenizer from a parsed document with `model.type == "BPE"`.
    static func fromHuggingFace(_ root: JSONObject, file: String, source: [UInt8]) throws(TokenizerError) -> BPETokenizer {
        guard let model = root["model"]?.objectValue, let vocabObject = model["vocab"]?.objectValue else {
            throw .invalidFile(file: file, reason: "model.vocab is missing or not an object")
        }
        if model["byte_fallback"]?.boolValue == true {
            throw .unsupported(file: file, reason: "byte_fallback BPE (SentencePiece style)")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let v = model[key]?.stringValue, !v.isEmpty { throw .unsupported(file: file, reason: "model.\(key) \"\(v)\"") }
        }

        // Vocabulary and added tokens share one id space.
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(vocabObject.count)
        var maxID = -1
        for (token, value) in vocabObject.pairs {
            guard let id = value.intValue, id >= 0, id < 10_000_000 else {
                throw .invalidFile(file: file, reason: "id of vocab entry '\(token)' is not an integer in 0..<10,000,000")
            }
            vocab[token] = id
            maxID = max(maxID, id)
        }
        var addedList: [(String, Int)] = []
        for item in root["added_tokens"]?.arrayValue ?? [] {
            guard let object = item.objectValue, let content = object["content"]?.stringValue, !content.isEmpty,
                  let id = object["id"]?.intValue, id >= 0, id < 10_000_000 else {
                throw .invalidFile(file: file, reason: "an added_tokens entry lacks a non-empty content or a valid id")
            }
            addedList.append((content, id))
            maxID = max(maxID, id)
        }
        var tokens = [String?](repeating: nil, count: maxID + 1)
        for (token, id) in vocab {
            if let other = tokens[id], other != token {
                throw .invalidFile(file: file, reason: "id \(id) is given to both '\(other)' and '\(token)'")
            }
            tokens[id] = token
        }
        for (content, id) in addedList { tokens[id] = content }   // added tokens may repeat vocab entries

        // Merges: "a b" strings (older files) or ["a", "b"] pairs (tokenizers ≥ 0.20).
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        let mergeItems = model["merges"]?.arrayValue ?? []
        merges.reserveCapacity(mergeItems.count)
        for (rank, item) in mergeItems.enumerated() {
            let pair: [String]
            if let s = item.stringValue {
                pair = s.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let a = item.arrayValue {
                pair = a.compactMap(\.stringValue)
            } else {
                pair = []
            }
            guard pair.count == 2 else { throw .invalidFile(file: file, reason: "merge \(rank) is not a pair of tokens") }
            guard let left = vocab[pair[0]], let right = vocab[pair[1]], let merged = vocab[pair[0] + pair[1]] else {
                throw .invalidFile(file: file, reason: "merge \(rank) '\(pair[0]) \(pair[1])' uses a token missing from the vocab")
            }
            let key = pairKey(left, right)
            if merges[key] == nil { merges[key] = (Int32(rank), Int32(merged)) }   // first (lowest) rank wins
        }

        let byteIDs = (0..<256).map { vocab[String(ByteLevel.byteToScalar[$0])] ?? -1 }
        let (patterns, addPrefixSpace) = try parsePreTokenizer(root["pre_tokenizer"], file: file)
        let normalizeNFC = try parseNormalizer(root["normalizer"], file: file)
        if let decoder = root["decoder"], decoder != .null, !containsType("ByteLevel", decoder) {
            throw .unsupported(file: file, reason: "decoder without ByteLevel")
        }

        var addedByString: [String: Int] = [:]
        for (content, id) in addedList { addedByString[content] = id }
        let added = addedList.map { (Array($0.0.unicodeScalars), $0.1) }
            .sorted { ($0.0.count, $1.1) > ($1.0.count, $0.1) }
        return BPETokenizer(
            tokens: tokens, vocab: vocab, merges: merges, byteIDs: byteIDs, added: added,
            addedIDs: Set(addedList.map(\.1)), patterns: patterns, addPrefixSpace: addPrefixSpace,
            normalizeNFC: normalizeNFC, ignoreMerges: model["ignore_merges"]?.boolValue ?? false,
            sourceJSON: source, special: SpecialTokens.locate(in: addedByString.merging(vocab) { a, _ in a }))
    }

    /// True if the value or any nested `pretokenizers`/`decoders` entry has `type == name`.
    static func containsType(_ name: String, _ value: JSONValue) -> Bool {
        guard let object = value.objectValue else { return false }
        if object["type"]?.stringValue == name { return true }
        let children = (object["pretokenizers"]?.arrayValue ?? []) + (object["decoders"]?.arrayValue ?? [])
        return children.contains { containsType(name, $0) }
    }

    /// The split patterns and prefix-space flag of a ByteLevel or Sequence[Split…, ByteLevel] pre-tokenizer.
    static func parsePreTokenizer(_ value: JSONValue?, file: String) throws(TokenizerError) -> ([SplitPattern], Bool) {
        guard let object = value?.objectValue, let type = object["type"]?.stringValue else {
            throw .unsupported(file: file, reason: "a BPE tokenizer without a ByteLevel pre-tokenizer")
        }
        let steps: [JSONValue]
        if type == "Sequence" { steps = object["pretokenizers"]?.arrayValue ?? [] } else { steps = [.object(object)] }
        var patterns: [SplitPattern] = []
        var sawByteLevel = false
        var addPrefixSpace = false
        for step in steps {
            guard let s = step.objectValue, let stepType = s["type"]?.stringValue else {
                throw .invalidFile(file: file, reason: "a pre-tokenizer step has no type")
            }
            switch stepType {
            case "Split":
                guard let regex = s["pattern"]?.objectValue?["Regex"]?.stringValue, let pattern = SplitPattern(regex: regex) else {
                    throw .unsupported(file: file, reason: "Split pre-tokenizer pattern \(s["pattern"].map { String(decoding: $0.serialized(), as: UTF8.self) } ?? "nil") is not one of GPT-2, Llama 3, Qwen2")
                }
                guard s["behavior"]?.stringValue == "Isolated", s["invert"]?.boolValue != true else {
                    throw .unsupported(file: file, reason: "Split behavior other than Isolated")
                }
                patterns.append(pattern)
            case "ByteLevel":
                sawByteLevel = true
                addPrefixSpace = s["add_prefix_space"]?.boolValue ?? false
                if s["use_regex"]?.boolValue ?? true { patterns.append(.gpt2) }
            default:
                throw .unsupported(file: file, reason: "pre-tokenizer \(stepType)")
            }
        }
        guard sawByteLevel else { throw .unsupported(file: file, reason: "a BPE tokenizer without a ByteLevel pre-tokenizer") }
        return (patterns, addPrefixSpace)
    }

    /// Whether to apply NFC; nil normalizer → false. Other normalizers are refused.
    static func parseNormalizer(_ value: JSONValue?, file: String) throws(TokenizerError) -> Bool {
        guard let value, value != .null else { return false }
        guard let object = value.objectValue, let type = object["type"]?.stringValue else {
            throw .invalidFile(file: file, reason: "normalizer has no type")
        }
        switch type {
        case "NFC": return true
        case "Sequence":
            var nfc = false
            for item in object["normalizers"]?.arrayValue ?? [] { nfc = try parseNormalizer(item, file: file) || nfc }
            return nfc
        default: throw .unsupported(file: file, reason: "normalizer \(type)")
        }
    }
}
