// The small files beside a checkpoint that standard Hugging Face usage reads:
//   tokenizer_config.json    which class to load and which strings are bos/eos/pad
//   special_tokens_map.json  the same roles, for older readers
//   generation_config.json   the ids `generate` starts, stops and pads with
// A checkpoint loaded from elsewhere keeps its own (a chat template lives in tokenizer_config.json);
// one made in Verity gets them written from its tokenizer's special tokens, so that AutoTokenizer +
// AutoModelForCausalLM.generate condition the model exactly as Verity does.

import Foundation

extension Checkpoint {
    public static let tokenizerConfigFile = "tokenizer_config.json"
    public static let specialTokensMapFile = "special_tokens_map.json"
    public static let generationConfigFile = "generation_config.json"
    /// transformers ≥ 4.43 writes the chat template here rather than inside tokenizer_config.json.
    public static let chatTemplateFile = "chat_template.jinja"
    /// Companion files carried through load → save, in the order they are written.
    public static let companionFiles = [tokenizerConfigFile, specialTokensMapFile, generationConfigFile, chatTemplateFile]

    /// The companion files for `tokenizer`: its bos, eos and pad tokens by string and by id.
    public static func companions(for tokenizer: any Tokenizer) -> [String: Data] {
        let special = tokenizer.special
        let roles: [(String, Int?)] = [("bos", special.bos), ("eos", special.eos), ("pad", special.pad)]
        var strings: [(String, JSONValue)] = []
        var ids: [(String, JSONValue)] = []
        for (role, id) in roles {
            guard let id, let text = tokenizer.tokenString(id) else { continue }
            strings.append(("\(role)_token", .string(text)))
            ids.append(("\(role)_token_id", .int(id)))
        }
        // The tokenizer.json post-processor adds bos; `add_bos_token` says so to readers that look.
        let config = JSONObject(strings + [
            ("add_bos_token", .bool(special.bos != nil)),
            ("add_eos_token", .bool(false)),
            ("clean_up_tokenization_spaces", .bool(false)),
            ("tokenizer_class", .string("PreTrainedTokenizerFast")),
        ])
        func bytes(_ object: JSONObject) -> Data { Data(JSONValue.object(object).serialized(indent: true)) }
        return [tokenizerConfigFile: bytes(config), specialTokensMapFile: bytes(JSONObject(strings)),
                generationConfigFile: bytes(JSONObject(ids))]
    }

    /// Reads the companion files present in `directory`; each must be a JSON object.
    static func readCompanions(directory url: URL) throws(CheckpointError) -> [String: Data] {
        var found: [String: Data] = [:]
        for name in companionFiles {
            let file = url.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            found[name] = name == chatTemplateFile ? try readText(file, limit: 1 << 20) : try readObject(file)
        }
        return found
    }

    /// The end-of-sequence ids a checkpoint declares: `generation_config.json`'s `eos_token_id`,
    /// then `config.json`'s (each an id or a list of ids), in that order (`SpecialTokens.withEnds`
    /// drops repeats and ids outside the vocabulary).
    static func declaredEnds(configJSON: Data, companions: [String: Data]) -> [Int] {
        var ids: [Int] = []
        for data in [companions[generationConfigFile], configJSON].compactMap({ $0 }) {
            guard let object = try? JSONParser.parse([UInt8](data)).objectValue, let value = object["eos_token_id"] else { continue }
            ids += value.arrayValue.map { $0.compactMap(\.intValue) } ?? value.intValue.map { [$0] } ?? []
        }
        return ids
    }

    /// The chat template a checkpoint carries: `chat_template.jinja`, else `tokenizer_config.json`'s
    /// `chat_template` (a string, or a list of named templates of which "default" or the first is taken).
    public static func chatTemplateSource(companions: [String: Data]) -> String? {
        if let data = companions[chatTemplateFile] { return String(decoding: data, as: UTF8.self) }
        guard let data = companions[tokenizerConfigFile],
              let value = (try? JSONParser.parse([UInt8](data)))?.objectValue?["chat_template"] else { return nil }
        if let s = value.stringValue { return s }
        let named = value.arrayValue?.compactMap(\.objectValue) ?? []
        let pick = named.first { $0["name"]?.stringValue == "default" } ?? named.first
        return pick?["template"]?.stringValue
    }

    /// The sampling defaults a checkpoint's `generation_config.json` declares (`do_sample`,
    /// `temperature`, `top_p`, `top_k`, `repetition_penalty`, `max_new_tokens`), as key/value text in
    /// that order. Verity shows them; its commands take their own sampling settings.
    public static func generationDefaults(companions: [String: Data]) -> [(String, String)] {
        guard let data = companions[generationConfigFile],
              let object = (try? JSONParser.parse([UInt8](data)))?.objectValue else { return [] }
        var out: [(String, String)] = []
        for key in ["do_sample", "temperature", "top_p", "top_k", "repetition_penalty", "max_new_tokens"] {
            switch object[key] {
            case .bool(let b)?: out.append((key, b ? "true" : "false"))
            case .number(let text)?: out.append((key, text))
            default: break
            }
        }
        return out
    }

    /// The files to write: `given` ones as they are, the rest made from the tokenizer.
    static func companionFiles(given: [String: Data]?, tokenizer: any Tokenizer) -> [(String, Data)] {
        let made = tokenizer is IDTokenizer ? [:] : companions(for: tokenizer)   // ids-only: no strings to declare
        return companionFiles.compactMap { name in (given?[name] ?? made[name]).map { (name, $0) } }
    }
}
