// The character tokenizer as a Hugging Face `tokenizer.json`, and back.
//
// Written as: a WordLevel model whose vocab holds every token; `added_tokens` for the specials
// (special: true, so `tokenizers` matches them before pre-tokenization); a Split pre-tokenizer
// on the regex `[\s\S]` with behavior Isolated, which makes every character its own piece
// (`.` would skip newlines); a TemplateProcessing post-processor that starts every encoding with
// `<bos>` (as Verity's prompts do); and a Fuse decoder, which joins tokens without spaces.

extension CharTokenizer {
    /// The `tokenizer.json` document, pretty-printed UTF-8.
    public func huggingFaceJSON() throws(TokenizerError) -> [UInt8] {
        let added: [JSONValue] = specialIDs.sorted().map { id in
            .object(JSONObject([
                ("id", .int(id)), ("content", .string(vocabulary[id])), ("single_word", .bool(false)),
                ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)),
                ("special", .bool(true)),
            ]))
        }
        // Hugging Face tokenizers add bos in the post-processor; Verity's prompts start with it
        // (`encodePrompt`), so the saved tokenizer must add it too, or `generate` sees other inputs.
        var postProcessor = JSONValue.null
        if let bos = special.bos {
            let token = vocabulary[bos]
            func piece(_ kind: String, _ id: String, _ type: Int) -> JSONValue {
                .object(JSONObject([(kind, .object(JSONObject([("id", .string(id)), ("type_id", .int(type))])))]))
            }
            postProcessor = .object(JSONObject([
                ("type", .string("TemplateProcessing")),
                ("single", .array([piece("SpecialToken", token, 0), piece("Sequence", "A", 0)])),
                ("pair", .array([piece("SpecialToken", token, 0), piece("Sequence", "A", 0),
                                 piece("SpecialToken", token, 1), piece("Sequence", "B", 1)])),
                ("special_tokens", .object(JSONObject([(token, .object(JSONObject([
                    ("id", .string(token)), ("ids", .array([.int(bos)])), ("tokens", .array([.string(token)])),
                ])))]))),
            ]))
        }
        let vocab = JSONObject(vocabulary.enumerated().map { ($0.element, JSONValue.int($0.offset)) })
        let document = JSONObject([
            ("version", .string("1.0")),
            ("truncation", .null),
            ("padding", .null),
            ("added_tokens", .array(added)),
            ("normalizer", .null),
            ("pre_tokenizer", .object(JSONObject([
                ("type", .string("Split")),
                ("pattern", .object(JSONObject([("Regex", .string(#"[\s\S]"#))]))),
                ("behavior", .string("Isolated")),
                ("invert", .bool(false)),
            ]))),
            ("post_processor", postProcessor),
            ("decoder", .object(JSONObject([("type", .string("Fuse"))]))),
            ("model", .object(JSONObject([
                ("type", .string("WordLevel")),
                ("vocab", .object(vocab)),
                // Not in the vocabulary on purpose: unknown characters are errors, as in `encode`.
                ("unk_token", .string("<unk>")),
            ]))),
        ])
        return JSONValue.object(document).serialized(indent: true)
    }

    /// Rebuilds a character tokenizer from a parsed WordLevel `tokenizer.json`.
    static func fromHuggingFace(_ root: JSONObject, file: String) throws(TokenizerError) -> CharTokenizer {
        guard let vocab = root["model"]?.objectValue?["vocab"]?.objectValue else {
            throw .invalidFile(file: file, reason: "model.vocab is missing or not an object")
        }
        var byID = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab.pairs {
            guard let id = value.intValue, id >= 0, id < vocab.count else {
                throw .invalidFile(file: file, reason: "id of '\(token)' must be an integer in 0..<\(vocab.count) (ids must be contiguous)")
            }
            guard byID[id] == nil else { throw .invalidFile(file: file, reason: "id \(id) is used twice") }
            byID[id] = token
        }
        let vocabulary = byID.compactMap { $0 }   // all present: count ids, each in range and unique
        var specials: [String] = []
        for item in root["added_tokens"]?.arrayValue ?? [] {
            guard let object = item.objectValue, let content = object["content"]?.stringValue,
                  let id = object["id"]?.intValue else {
                throw .invalidFile(file: file, reason: "an added_tokens entry lacks content or id")
            }
            guard id >= 0, id < vocabulary.count, vocabulary[id] == content else {
                throw .invalidFile(file: file, reason: "added token '\(content)' has id \(id), which the vocab gives to another token")
            }
            specials.append(content)
        }
        for (id, token) in vocabulary.enumerated() where token.unicodeScalars.count != 1 && !specials.contains(token) {
            throw .unsupported(file: file, reason: "WordLevel token '\(token)' (id \(id)) is a multi-character word; only character vocabularies are supported")
        }
        do {
            return try CharTokenizer(vocabulary: vocabulary, specials: specials)
        } catch {
            throw .invalidFile(file: file, reason: error.description)
        }
    }
}
