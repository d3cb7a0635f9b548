// value save / value load — the session's value model (a PPO critic) as a checkpoint directory
// (config.json, model.safetensors, tokenizer.json, trainer_state.json of kind "value-model"), so
// the critic trained by `rl algo=ppo` can score samples for `scale … scorer=value` or start
// another run's critic.
import Evaluation
import Foundation
import Models
import Training

/// A value model held by the session and where it came from.
public struct LoadedValue {
    /// The value model.
    public var value: ValueModel
    /// The directory it was loaded from.
    public var source: String
}

/// The session's value model (`value load`).
public enum ValueSlot: SessionSlot {
    public typealias Value = LoadedValue
}

extension Session {
    /// The value model commands use: the loaded one, else the current trainer's critic.
    func requireValue(for command: String) throws -> (value: ValueModel, source: String) {
        if let loaded = self[ValueSlot.self] { return (loaded.value, loaded.source) }
        if let critic = existingTrainer?.critic { return (critic, "the PPO critic of the current run") }
        throw CommandError("\(command): no value model — train one with 'rl algo=ppo …' (its critic) or 'value load PATH'")
    }
}

extension CommandDefinition {
    /// `value save PATH`
    static let valueSave = CommandDefinition(CommandDeclaration(
        name: "value", subverb: "save",
        summary: "save the value model (the PPO critic): value save checkpoints/add2-critic",
        help: "Writes the session's value model — the one 'value load' gave, else the critic of the current 'rl algo=ppo' "
            + "run — to directory PATH (Hugging Face layout plus trainer_state.json naming the value row), atomically.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the directory to write")],
        examples: ["value save /tmp/verity-example-value"]
    )) { invocation, session in
        let path = try invocation.writePath("path", session, folder: true) ?? ""
        let (value, source) = try session.requireValue(for: "value save")
        try evaluationCall("value save") { try value.save(to: URL(fileURLWithPath: path)) }
        let config = value.model.config
        return .line("saved the \(config.numHiddenLayers)x\(config.hiddenSize) value model (\(source)) to \(path)")
    }

    /// `value load PATH`
    static let valueLoad = CommandDefinition(CommandDeclaration(
        name: "value", subverb: "load",
        summary: "load a value model: value load checkpoints/add2-critic",
        help: "Reads a value model saved by 'value save' and makes it the session's (used by 'scale … scorer=value'); "
            + "when the current trainer runs PPO (advantage=gae), it also becomes that trainer's critic. Its tokenizer "
            + "must be the current model's.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the value model's directory")],
        examples: ["value load /tmp/verity-example-value"]
    )) { invocation, session in
        let path = try invocation.readPath("path", session) ?? ""
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandError("value load: \(path) does not exist — give a directory written by 'value save'")
        }
        let value = try evaluationCall("value load") { try ValueModel.load(from: URL(fileURLWithPath: path)) }
        if case .local(let local) = session[ModelSlot.self], local.tokenizer.vocabularySize != value.tokenizer.vocabularySize {
            throw CommandError("value load: the value model's tokenizer has \(value.tokenizer.vocabularySize) tokens but the "
                               + "model's has \(local.tokenizer.vocabularySize) — load a value model made for this policy")
        }
        var lines: [String] = []
        if let trainer = session.existingTrainer, trainer.config.advantage == .gae {
            try evaluationCall("value load") { try trainer.setCritic(value) }
            lines.append("it is now the critic of the current PPO trainer (fresh optimizer state)")
        }
        session[ValueSlot.self] = LoadedValue(value: value, source: path)
        let config = value.model.config
        return .lines(["loaded a \(config.numHiddenLayers)x\(config.hiddenSize) value model from \(path)"] + lines)
    }
}
