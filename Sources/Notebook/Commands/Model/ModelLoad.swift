// model load — reads a Hugging Face checkpoint directory (config.json, model.safetensors or shards,
// tokenizer.json) into a local model. Files are untrusted: every size is checked by the loader.
// When the directory is missing because a save into it was killed between its two renames, the
// previous checkpoint (kept beside it as .NAME.old-…) is moved back first, with a warning.
import Foundation
import Models
#if canImport(Glibc)
import Glibc
#endif

extension CommandDefinition {
    /// `model load PATH`
    static let modelLoad = CommandDefinition(CommandDeclaration(
        name: "model", subverb: "load",
        summary: "load a Hugging Face checkpoint directory: model load checkpoints/add3",
        help: "Loads a Llama or Qwen2 checkpoint saved by Verity or by transformers (fp32, fp16 or bf16 "
            + "weights). Optimizer and trainer state found beside it are kept for training commands to resume.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the checkpoint directory")],
        examples: ["model load /tmp/verity-example-model"]
    )) { invocation, session in
        let path = try invocation.readPath("path", session) ?? ""
        let url = URL(fileURLWithPath: path)
        let recovered = try recoverInterruptedSave(path, session)
        let contents = try domain("model load") { try Checkpoint.load(from: url) }
        let config = try domain("model load: \(path)/config.json") { try contents.config(as: TransformerConfig.self) }
        guard contents.tokenizer.vocabularySize <= config.vocabSize else {
            throw CommandError("model load: the tokenizer has \(contents.tokenizer.vocabularySize) tokens but config.json "
                               + "says vocab_size \(config.vocabSize) — the checkpoint's files do not belong together")
        }
        let transformer = try domain("model load") { try Transformer(config: config, tensors: contents.tensors) }
        let model = LocalModel(transformer: transformer, tokenizer: contents.tokenizer,
                               name: url.standardizedFileURL.lastPathComponent, source: path,
                               configJSON: contents.configJSON, companions: contents.companions)
        session[ModelSlot.self] = .local(model)
        if contents.optimizer != nil || contents.trainerState != nil {
            session[TrainingStateSlot.self] = TrainingStateSnapshot(optimizer: contents.optimizer,
                                                                    trainerState: contents.trainerState.map(RawJSONObject.init))
        } else {
            session[TrainingStateSlot.self] = nil
        }
        var output = ModelInfoView.render(.local(model), precision: session.settings.precision)
        if let recovered {
            output.blocks.insert(.warning("\(path) was missing: a save into it was interrupted, so the previous checkpoint was recovered "
                                          + "from \((recovered as NSString).lastPathComponent) beside it and loaded"), at: 0)
        }
        return output
    }
}

/// When nothing is at `path` but a save into it was interrupted between its two renames, moves the
/// previous checkpoint back into place (a write, so it obeys the session's write rules).
/// - Returns: the hidden copy that was moved back, or nil when there was nothing to recover.
private func recoverInterruptedSave(_ path: String, _ session: Session) throws -> String? {
    var status = stat()
    guard lstat(path, &status) != 0 else { return nil }
    try session.files.checkWrite(path, folder: true)
    return try domain("model load") { try Checkpoint.recoverInterruptedSave(at: URL(fileURLWithPath: path)) }
}

/// JSON bytes re-encoded as the same JSON value, so a loaded `trainer_state.json` survives a save.
struct RawJSONObject: Encodable, Sendable {
    var data: Data
    init(_ data: Data) { self.data = data }

    func encode(to encoder: Encoder) throws {
        try JSONDecoder().decode(JSONTree.self, from: data).encode(to: encoder)
    }
}

/// Any JSON value, decodable and encodable without knowing its schema.
private enum JSONTree: Codable {
    case null, bool(Bool), int(Int64), uint(UInt64), number(Double), string(String)
    case array([JSONTree]), object([String: JSONTree])

    init(from decoder: Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null; return }
        if let value = try? single.decode(Bool.self) { self = .bool(value); return }
        if let value = try? single.decode(Int64.self) { self = .int(value); return }
        // Above Int64.max (RNG state words): a Double would round them and break exact resumption.
        if let value = try? single.decode(UInt64.self) { self = .uint(value); return }
        if let value = try? single.decode(Double.self) { self = .number(value); return }
        if let value = try? single.decode(String.self) { self = .string(value); return }
        if let value = try? single.decode([JSONTree].self) { self = .array(value); return }
        self = .object(try single.decode([String: JSONTree].self))
    }

    func encode(to encoder: Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let value): try single.encode(value)
        case .int(let value): try single.encode(value)
        case .uint(let value): try single.encode(value)
        case .number(let value): try single.encode(value)
        case .string(let value): try single.encode(value)
        case .array(let value): try single.encode(value)
        case .object(let value): try single.encode(value)
        }
    }
}
