// Model slot — the session's policy: either a local model (a `Transformer`, its tokenizer and
// where it came from) or a remote OpenAI-compatible server (sampling only). Training commands
// get the local model with one call:
//
//     let local = try session.requireLocalModel(for: "rl")   // throws when none, or when remote
//     local.transformer  /  local.tokenizer  /  local.encodePrompt(text)
//
// and sampling/evaluation commands take any `Generator` with `session.requireGenerator(for:)`.
import Foundation
import Models

/// A model held in memory: weights, tokenizer and provenance.
public struct LocalModel {
    /// The weights (a class: large buffers, shared by reference).
    public var transformer: Transformer
    /// The tokenizer the model was built or loaded with.
    public var tokenizer: any Tokenizer
    /// A short name for tables (`4x128`, the checkpoint folder's name).
    public var name: String
    /// Where it came from: `model new …`, or the checkpoint directory.
    public var source: String
    /// The raw `config.json` of a loaded checkpoint, so keys Verity does not model survive a
    /// load → save round trip; nil for a model made with `model new`.
    public var configJSON: Data?
    /// The loaded checkpoint's `tokenizer_config.json`, `special_tokens_map.json` and
    /// `generation_config.json`, which `model save` keeps (a chat template lives there).
    public var companions: [String: Data]

    /// Wraps a model and its tokenizer.
    public init(transformer: Transformer, tokenizer: any Tokenizer, name: String, source: String, configJSON: Data? = nil,
                companions: [String: Data] = [:]) {
        self.transformer = transformer
        self.tokenizer = tokenizer
        self.name = name
        self.source = source
        self.configJSON = configJSON
        self.companions = companions
    }

    /// The token ids the model is prompted with for `text`: the beginning-of-sequence token (when
    /// the tokenizer has one) followed by the encoded text, or the chat template's rendering with
    /// `system` when `model chat on` — `Models.encodePrompt`, which the
    /// trainer, SFT and `LocalGenerator` use too, so sampling, training and evaluation agree.
    /// - Throws: `CommandError` naming the character the tokenizer cannot encode.
    public func encodePrompt(_ text: String, system: String? = nil) throws -> [Int] {
        // `Models.encodePrompt` is the one function: the trainer, SFT and LocalGenerator call it too.
        try domain("prompt") { try Models.encodePrompt(text, tokenizer: tokenizer, system: system) }
    }
}

/// A remote OpenAI-compatible completions server.
public struct RemoteModel {
    /// The connection (a class: it remembers server quirks between calls).
    public var generator: RemoteGenerator
    /// The base URL as typed.
    public var url: String
}

/// What the model slot holds.
public enum LoadedModel {
    /// A model in memory: samples and trains.
    case local(LocalModel)
    /// A server: samples only.
    case remote(RemoteModel)

    /// A short description for tables.
    public var name: String {
        switch self {
        case .local(let model): return model.name
        case .remote(let model): return model.generator.name
        }
    }
}

/// The session's current model (`model new`, `model load`, `model connect`).
public enum ModelSlot: SessionSlot {
    public typealias Value = LoadedModel
}

/// Optimizer and trainer state to write beside the weights on `model save`. The training
/// commands store their AdamW moments and step count here; `model save` includes them in
/// `optimizer.safetensors` and `trainer_state.json` when present (the hook for resuming).
public struct TrainingStateSnapshot {
    /// Optimizer tensors by name (e.g. `exp_avg.model.layers.0…`), nil for none.
    public var optimizer: [String: Tensor]?
    /// Trainer state encoded as a JSON object (step, RNG state, config), nil for none.
    public var trainerState: (any Encodable & Sendable)?

    /// A snapshot of optimizer tensors and trainer state.
    public init(optimizer: [String: Tensor]?, trainerState: (any Encodable & Sendable)?) {
        self.optimizer = optimizer
        self.trainerState = trainerState
    }
}

/// Where training commands leave the state `model save` writes beside the weights.
public enum TrainingStateSlot: SessionSlot {
    public typealias Value = TrainingStateSnapshot
}

extension Session {
    /// The current model, or an error saying how to get one.
    public func requireModel(for command: String) throws -> LoadedModel {
        guard let model = self[ModelSlot.self] else {
            throw CommandError("\(command): no model loaded — run 'model new' or 'model load PATH' first")
        }
        return model
    }

    /// The current local model; a connected server is refused with advice.
    public func requireLocalModel(for command: String) throws -> LocalModel {
        switch try requireModel(for: command) {
        case .local(let model): return model
        case .remote(let remote):
            throw CommandError("\(command): needs a local model, but the session is connected to \(remote.generator.name) "
                               + "(sampling only) — run 'model new' or 'model load PATH'")
        }
    }
}
