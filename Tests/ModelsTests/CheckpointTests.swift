// Tests for checkpoint directories: save → load equality, optional parts, errors naming the
// missing file, and atomic replacement (a failed save leaves the previous checkpoint intact).

import Foundation
import Testing
@testable import Models

/// A config in Hugging Face field names, as the engine's `TransformerConfig` will encode.
struct CheckpointTestConfig: Codable, Equatable {
    var architectures = ["LlamaForCausalLM"]
    var model_type = "llama"
    var hidden_size = 8
    var num_hidden_layers = 1
    var vocab_size = 12
}

struct CheckpointTestTrainerState: Codable, Equatable {
    var step: Int
    var rngState: [UInt64]
    var dataOrder: [Int]
}

/// A tokenizer whose serialisation fails, to make a save fail after other parts encoded.
struct ThrowingTestTokenizer: Tokenizer {
    var vocabularySize: Int { 1 }
    var special: SpecialTokens { SpecialTokens() }
    func encode(_ text: String) throws -> [Int] { [] }
    func decode(_ ids: [Int]) -> String { "" }
    func tokenString(_ id: Int) -> String? { nil }
    func huggingFaceJSON() throws -> [UInt8] { throw TokenizerError.invalidVocabulary("deliberate failure") }
    func withSpecial(_ special: SpecialTokens) -> any Tokenizer { self }
}

func ioTemporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

func checkpointTestTensors(scale: Float) throws -> [String: Tensor] {
    [
        "model.embed_tokens.weight": try #require(Tensor(shape: [12, 8], values: (0..<96).map { Float($0) * scale })),
        "model.norm.weight": try #require(Tensor(shape: [8], values: [Float](repeating: 1, count: 8))),
    ]
}

@Test func checkpointSaveLoadRoundTrip() throws {
    let root = try ioTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let url = root.appendingPathComponent("nested/add3")
    let tokenizer = try CharTokenizer(corpus: ["0123456789+="])
    let tensors = try checkpointTestTensors(scale: 0.01)
    let optimizer = ["m.model.norm.weight": Tensor(zeros: [8])]
    let state = CheckpointTestTrainerState(step: 17, rngState: [1, UInt64.max], dataOrder: [3, 1, 2])
    try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: tensors, tokenizer: tokenizer,
                        optimizer: optimizer, trainerState: state)
    let files = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    #expect(files == ["config.json", "generation_config.json", "model.safetensors", "optimizer.safetensors",
                     "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "trainer_state.json"])

    let loaded = try Checkpoint.load(from: url)
    #expect(try loaded.config(as: CheckpointTestConfig.self) == CheckpointTestConfig())
    #expect(loaded.tensors == tensors)
    #expect(loaded.optimizer == optimizer)
    #expect(try loaded.trainerState(as: CheckpointTestTrainerState.self) == state)
    #expect((loaded.tokenizer as? CharTokenizer) == tokenizer)
    // Hugging Face compatibility: format=pt metadata, and config.json with the caller's keys.
    #expect(try SafeTensors.read(from: url.appendingPathComponent("model.safetensors")).metadata["format"] == "pt")
    let config = try String(contentsOf: url.appendingPathComponent("config.json"), encoding: .utf8)
    #expect(config.contains("\"architectures\""))
}

@Test func checkpointWithoutOptionalParts() throws {
    let root = try ioTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let url = root.appendingPathComponent("plain")
    try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: try checkpointTestTensors(scale: 1), tokenizer: try CharTokenizer(corpus: ["ab"]))
    let loaded = try Checkpoint.load(from: url)
    #expect(loaded.optimizer == nil)
    #expect(loaded.trainerState == nil)
    #expect(try loaded.trainerState(as: CheckpointTestTrainerState.self) == nil)
    #expect(throws: CheckpointError.self) { _ = try loaded.config(as: CheckpointTestTrainerState.self) }
}

@Test func checkpointLoadNamesTheMissingFile() throws {
    let root = try ioTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let url = root.appendingPathComponent("c")
    try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: try checkpointTestTensors(scale: 1), tokenizer: try CharTokenizer(corpus: ["ab"]))
    // Without tokenizer.json a checkpoint still loads, for work in token ids (sized by config.json).
    try FileManager.default.removeItem(at: url.appendingPathComponent("tokenizer.json"))
    let idsOnly = try Checkpoint.load(from: url).tokenizer
    #expect(idsOnly is IDTokenizer)
    #expect(throws: TokenizerError.self) { try idsOnly.encode("ab") }
    for file in ["model.safetensors", "config.json"] {
        try FileManager.default.removeItem(at: url.appendingPathComponent(file))
        #expect(throws: CheckpointError.missingFile(directory: url.path, file: file)) { _ = try Checkpoint.load(from: url) }
    }
    #expect(throws: CheckpointError.notFound(directory: root.appendingPathComponent("nope").path)) {
        _ = try Checkpoint.load(from: root.appendingPathComponent("nope"))
    }
}

@Test func checkpointLoadRejectsCorruptParts() throws {
    let root = try ioTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let url = root.appendingPathComponent("c")
    try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: try checkpointTestTensors(scale: 1), tokenizer: try CharTokenizer(corpus: ["ab"]))
    let model = url.appendingPathComponent("model.safetensors")
    let bytes = try Data(contentsOf: model)
    try bytes.prefix(bytes.count - 3).write(to: model)
    #expect(throws: SafeTensorsError.self) { _ = try Checkpoint.load(from: url) }
    try bytes.write(to: model)
    try Data(#"{"a":1,"a":2}"#.utf8).write(to: url.appendingPathComponent("config.json"))
    #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(from: url) }
}

@Test func failedSaveLeavesTheExistingCheckpointIntact() throws {
    let root = try ioTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let url = root.appendingPathComponent("ckpt")
    let tokenizer = try CharTokenizer(corpus: ["xyz"])
    let original = try checkpointTestTensors(scale: 2)
    try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: original, tokenizer: tokenizer)

    // A tokenizer that throws, and an inconsistent tensor: both fail, the old checkpoint stays.
    #expect(throws: TokenizerError.self) {
        try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: try checkpointTestTensors(scale: 3), tokenizer: ThrowingTestTokenizer())
    }
    var bad = try checkpointTestTensors(scale: 3)
    bad["extra"] = Tensor(shape: [2], values: [1, 2]).map { var t = $0; t.values.append(3); return t }
    #expect(throws: SafeTensorsError.self) {
        try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: bad, tokenizer: tokenizer)
    }
    let loaded = try Checkpoint.load(from: url)
    #expect(loaded.tensors == original)
    // No temporary or aside directories are left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["ckpt"])

    // A successful save replaces it completely (stale optional files disappear too).
    try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: original, tokenizer: tokenizer, optimizer: original)
    let replacement = try checkpointTestTensors(scale: 5)
    try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: replacement, tokenizer: tokenizer)
    let reloaded = try Checkpoint.load(from: url)
    #expect(reloaded.tensors == replacement)
    #expect(reloaded.optimizer == nil)
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["ckpt"])
}

@Test func checkpointRefusesToReplaceNonCheckpoints() throws {
    let root = try ioTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let precious = root.appendingPathComponent("notes")
    try FileManager.default.createDirectory(at: precious, withIntermediateDirectories: true)
    try Data("keep me".utf8).write(to: precious.appendingPathComponent("todo.txt"))
    let file = root.appendingPathComponent("file.bin")
    try Data([1]).write(to: file)
    for target in [precious, file] {
        #expect(throws: CheckpointError.self) {
            try Checkpoint.save(to: target, config: CheckpointTestConfig(), tensors: [:], tokenizer: try CharTokenizer(corpus: ["a"]))
        }
    }
    #expect(try String(contentsOf: precious.appendingPathComponent("todo.txt"), encoding: .utf8) == "keep me")
    // A config that is not a JSON object is refused before anything is written.
    #expect(throws: CheckpointError.self) {
        try Checkpoint.save(to: root.appendingPathComponent("x"), config: [1, 2], tensors: [:], tokenizer: try CharTokenizer(corpus: ["a"]))
    }
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("x").path))
}

@Test func checkpointResavesRawConfigKeepingUnknownKeys() throws {
    let root = try ioTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let config = Data(#"{"architectures":["Qwen2ForCausalLM"],"rope_theta":1000000.0,"sliding_window":4096}"#.utf8)
    let tokenizer = try CharTokenizer(corpus: ["ab"])
    try Checkpoint.save(to: root.appendingPathComponent("a"), configJSON: config, tensors: try checkpointTestTensors(scale: 1), tokenizer: tokenizer)
    let loaded = try Checkpoint.load(from: root.appendingPathComponent("a"))
    #expect(loaded.configJSON == config)
    try Checkpoint.save(to: root.appendingPathComponent("b"), configJSON: loaded.configJSON, tensors: loaded.tensors, tokenizer: loaded.tokenizer)
    #expect(try Checkpoint.load(from: root.appendingPathComponent("b")).configJSON == config)
    for bad in ["[1]", "{", #"{"a":1,"a":2}"#] {
        #expect(throws: CheckpointError.self) {
            try Checkpoint.save(to: root.appendingPathComponent("c"), configJSON: Data(bad.utf8), tensors: [:], tokenizer: tokenizer)
        }
    }
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("c").path))
}

@Test func checkpointLoadsShardedWeights() throws {
    let root = try ioTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let url = root.appendingPathComponent("sharded")
    let tensors = try checkpointTestTensors(scale: 0.5)
    try Checkpoint.save(to: url, config: CheckpointTestConfig(), tensors: tensors, tokenizer: try CharTokenizer(corpus: ["ab"]))
    // Re-shape the directory as Hugging Face ships larger models: two shards and an index.
    try FileManager.default.removeItem(at: url.appendingPathComponent("model.safetensors"))
    let names = tensors.keys.sorted()
    for (k, name) in names.enumerated() {
        try SafeTensors.write([name: try #require(tensors[name])], to: url.appendingPathComponent("model-0000\(k + 1)-of-00002.safetensors"))
    }
    func writeIndex(_ map: [String: String]) throws {
        let body = map.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        try Data(#"{"metadata": {"total_size": 0}, "weight_map": {\#(body)}}"#.utf8).write(to: url.appendingPathComponent("model.safetensors.index.json"))
    }
    try writeIndex([names[0]: "model-00001-of-00002.safetensors", names[1]: "model-00002-of-00002.safetensors"])
    #expect(try Checkpoint.load(from: url).tensors == tensors)
    // A tensor in the wrong shard, a missing shard, and a path outside the directory are errors.
    try writeIndex([names[0]: "model-00002-of-00002.safetensors", names[1]: "model-00002-of-00002.safetensors"])
    #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(from: url) }
    try writeIndex([names[0]: "model-00003-of-00002.safetensors"])
    #expect(throws: CheckpointError.missingFile(directory: url.path, file: "model-00003-of-00002.safetensors")) { _ = try Checkpoint.load(from: url) }
    try writeIndex([names[0]: "../../etc/passwd"])
    #expect(throws: CheckpointError.self) { _ = try Checkpoint.load(from: url) }
    // Neither a single file nor an index: the error names model.safetensors.
    try FileManager.default.removeItem(at: url.appendingPathComponent("model.safetensors.index.json"))
    #expect(throws: CheckpointError.missingFile(directory: url.path, file: "model.safetensors")) { _ = try Checkpoint.load(from: url) }
}
