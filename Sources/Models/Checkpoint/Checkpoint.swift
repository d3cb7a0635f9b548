// Checkpoint directories in the Hugging Face layout:
//   config.json            the caller's model config (architectures, hidden_size, … — HF names)
//   model.safetensors      the weights, under Hugging Face tensor names (loading also accepts
//                          shards listed by model.safetensors.index.json)
//   tokenizer.json         the tokenizer (Hugging Face format)
//   optimizer.safetensors  optional: optimizer moments, any names the trainer chooses
//   trainer_state.json     optional: any Codable trainer state (step, RNG state, data order, …)
//   tokenizer_config.json, special_tokens_map.json, generation_config.json
//                          what AutoTokenizer and generate read (Checkpoint+Companions)
// Saving never leaves a half-written checkpoint where a good one was: everything is encoded in
// memory first, written into a sibling temporary directory, and only then swapped into place.

import Foundation

/// What a checkpoint directory holds, as loaded.
public struct CheckpointContents: Sendable {
    /// The raw `config.json` bytes (a JSON object); decode with `config(as:)`.
    public var configJSON: Data
    /// Model weights by Hugging Face name.
    public var tensors: [String: Tensor]
    /// The tokenizer read from `tokenizer.json` (a `CharTokenizer` or a `BPETokenizer`).
    public var tokenizer: any Tokenizer
    /// Optimizer state, when the checkpoint has `optimizer.safetensors`.
    public var optimizer: [String: Tensor]?
    /// The raw `trainer_state.json` bytes, when present; decode with `trainerState(as:)`.
    public var trainerState: Data?
    /// `tokenizer_config.json`, `special_tokens_map.json` and `generation_config.json` as found
    /// (raw JSON objects), so that a save keeps them.
    public var companions: [String: Data] = [:]

    /// Decodes `config.json` into the caller's config type.
    public func config<T: Decodable>(as type: T.Type) throws(CheckpointError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: configJSON)
        } catch {
            throw .invalidJSON(file: "config.json", reason: "does not match \(T.self): \(error)")
        }
    }

    /// Decodes `trainer_state.json`; nil when the checkpoint has none.
    public func trainerState<T: Decodable>(as type: T.Type) throws(CheckpointError) -> T? {
        guard let trainerState else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: trainerState)
        } catch {
            throw .invalidJSON(file: "trainer_state.json", reason: "does not match \(T.self): \(error)")
        }
    }
}

/// Saving and loading checkpoint directories.
public enum Checkpoint {
    /// File names inside a checkpoint directory (the Hugging Face ones).
    public static let configFile = "config.json"
    public static let modelFile = "model.safetensors"
    public static let tokenizerFile = "tokenizer.json"
    public static let optimizerFile = "optimizer.safetensors"
    public static let trainerStateFile = "trainer_state.json"

    /// Saves a checkpoint directory at `url`, replacing an existing checkpoint there atomically.
    /// `config` must encode to a JSON object (Hugging Face `config.json` keys). Nothing on disk
    /// changes if any part fails to encode (a tokenizer that throws, an inconsistent tensor).
    public static func save(to url: URL, config: some Encodable, tensors: [String: Tensor], tokenizer: any Tokenizer,
                            optimizer: [String: Tensor]? = nil, trainerState: (any Encodable)? = nil,
                            companions: [String: Data]? = nil) throws {
        try save(to: url, configJSON: try encodeObject(config, what: "model config"), tensors: tensors,
                 tokenizer: tokenizer, optimizer: optimizer, trainerState: trainerState, companions: companions)
    }

    /// Saves with `config.json` given as raw JSON bytes (a JSON object), e.g. a loaded
    /// checkpoint's `configJSON`, so keys Verity does not model survive a load → save round trip.
    /// `companions` are a loaded checkpoint's `tokenizer_config.json`, … (kept as they are);
    /// the ones missing are made from the tokenizer's special tokens.
    public static func save(to url: URL, configJSON: Data, tensors: [String: Tensor], tokenizer: any Tokenizer,
                            optimizer: [String: Tensor]? = nil, trainerState: (any Encodable)? = nil,
                            companions: [String: Data]? = nil) throws {
        do {
            guard try JSONParser.parse([UInt8](configJSON)).objectValue != nil else {
                throw CheckpointError.encodingFailed(what: "model config", reason: "it is not a JSON object")
            }
        } catch let error as JSONParseError {
            throw CheckpointError.encodingFailed(what: "model config", reason: "invalid JSON: \(error.description)")
        }
        // 1. Encode everything in memory, so encoding errors touch nothing on disk.
        var files: [(String, Data)] = []
        files.append((configFile, configJSON))
        // transformers refuses safetensors files whose metadata lacks format=pt.
        files.append((modelFile, try SafeTensors.encode(tensors, metadata: ["format": "pt"])))
        // A model loaded without tokenizer.json is saved without one too (its ids are all it has).
        if !(tokenizer is IDTokenizer) { files.append((tokenizerFile, Data(try tokenizer.huggingFaceJSON()))) }
        files += companionFiles(given: companions, tokenizer: tokenizer)
        if let optimizer { files.append((optimizerFile, try SafeTensors.encode(optimizer, metadata: ["format": "pt"]))) }
        if let trainerState { files.append((trainerStateFile, try encodeObject(trainerState, what: "trainer state"))) }
        // 2. Write them into a sibling temporary directory, then swap it into place.
        try writeDirectory(files, to: url)
    }

    /// Loads a checkpoint directory. Errors name the missing or broken file.
    public static func load(from url: URL) throws -> CheckpointContents {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CheckpointError.notFound(directory: url.path)
        }
        func required(_ name: String) throws(CheckpointError) -> URL {
            let file = url.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else { throw .missingFile(directory: url.path, file: name) }
            return file
        }
        let configURL = try required(configFile)
        // Weights: one file, or shards with an index.
        if !FileManager.default.fileExists(atPath: url.appendingPathComponent(shardIndexFile).path) {
            _ = try required(modelFile)
        }
        let tokenizerURL = url.appendingPathComponent(tokenizerFile)
        let configJSON = try readObject(configURL)
        try checkLoadBudget(directory: url)
        let tensors = try readModelTensors(directory: url)
        var tokenizer: any Tokenizer
        if FileManager.default.fileExists(atPath: tokenizerURL.path) {
            tokenizer = try loadTokenizer(from: tokenizerURL)
        } else {
            // No tokenizer.json: token ids only, sized and with bos/eos from config.json.
            let object = (try? JSONParser.parse([UInt8](configJSON)))?.objectValue
            guard let size = object?["vocab_size"]?.intValue, size > 0, size <= TransformerConfig.maxVocabulary else {
                throw CheckpointError.missingFile(directory: url.path, file: tokenizerFile)
            }
            func id(_ key: String) -> Int? { object?[key]?.intValue.flatMap { $0 >= 0 && $0 < size ? $0 : nil } }
            tokenizer = IDTokenizer(vocabularySize: size, special: SpecialTokens(bos: id("bos_token_id"), eos: id("eos_token_id"),
                                                                               pad: id("pad_token_id")))
        }
        let companions = try readCompanions(directory: url)
        let ends = declaredEnds(configJSON: configJSON, companions: companions)
        if !ends.isEmpty {
            tokenizer = tokenizer.withSpecial(tokenizer.special.withEnds(ends, vocabularySize: tokenizer.vocabularySize))
        }
        let optimizerURL = url.appendingPathComponent(optimizerFile)
        let optimizer = FileManager.default.fileExists(atPath: optimizerURL.path) ? try SafeTensors.read(from: optimizerURL).tensors : nil
        let stateURL = url.appendingPathComponent(trainerStateFile)
        let state = FileManager.default.fileExists(atPath: stateURL.path) ? try readObject(stateURL) : nil
        return CheckpointContents(configJSON: configJSON, tensors: tensors, tokenizer: tokenizer,
                                  optimizer: optimizer, trainerState: state, companions: companions)
    }

    /// Encodes a value as pretty, key-sorted JSON and checks it is an object.
    static func encodeObject(_ value: any Encodable, what: String) throws(CheckpointError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw .encodingFailed(what: what, reason: "\(error)")
        }
        guard data.first == UInt8(ascii: "{") else { throw .encodingFailed(what: what, reason: "it is not a JSON object") }
        return data
    }

    /// Reads a JSON file and checks it is a well-formed object (no duplicate keys).
    /// A UTF-8 text file of at most `limit` bytes (checked before reading).
    static func readText(_ url: URL, limit: Int) throws(CheckpointError) -> Data {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= limit else { throw .invalidJSON(file: url.path, reason: "larger than \(limit) bytes") }
        guard let data = try? Data(contentsOf: url), String(data: data, encoding: .utf8) != nil else {
            throw .invalidJSON(file: url.path, reason: "cannot be read as UTF-8 text")
        }
        return data
    }

    static func readObject(_ url: URL) throws(CheckpointError) -> Data {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .invalidJSON(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        do {
            guard try JSONParser.parse([UInt8](data)).objectValue != nil else {
                throw CheckpointError.invalidJSON(file: url.path, reason: "not a JSON object")
            }
        } catch let error as JSONParseError {
            throw .invalidJSON(file: url.path, reason: "invalid JSON: \(error.description)")
        } catch {
            throw .invalidJSON(file: url.path, reason: "not a JSON object")
        }
        return data
    }
}
