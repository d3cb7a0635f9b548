// model save — writes the local model as a Hugging Face checkpoint directory (config.json,
// model.safetensors, tokenizer.json and the companion files), atomically: a crash leaves the old checkpoint or the new one.
// Optimizer and trainer state go beside it when a training command left them in `TrainingStateSlot`.
import Foundation
import Models

extension CommandDefinition {
    /// `model save PATH`
    static let modelSave = CommandDefinition(CommandDeclaration(
        name: "model", subverb: "save",
        summary: "save the model as a Hugging Face checkpoint directory: model save checkpoints/add3",
        help: "Writes config.json, model.safetensors, tokenizer.json and the tokenizer_config.json, "
            + "special_tokens_map.json and generation_config.json that AutoTokenizer and generate read (a loaded "
            + "checkpoint keeps its own), plus "
            + "optimizer.safetensors and trainer_state.json when training state exists. The directory is "
            + "replaced atomically.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the checkpoint directory")],
        examples: ["model save /tmp/verity-example-model"]
    )) { invocation, session in
        let path = try invocation.writePath("path", session, folder: true) ?? ""
        let model = try session.requireLocalModel(for: "model save")
        // The live trainer's state when one trains this model (so `model load` + `rl` resumes exactly).
        let training = session.trainingStateToSave()
        try saveCheckpoint(model, to: path, state: training)
        let state = training == nil ? "" : " with optimizer and trainer state"
        return .line("saved \(model.name) (\(model.transformer.parameterCount) parameters) to \(path)\(state)")
    }
}

/// Writes `model` (and `state`, when given) as a checkpoint directory at `path`; errors are
/// prefixed with `context` (the command saving).
func saveCheckpoint(_ model: LocalModel, to path: String, state: TrainingStateSnapshot?, context: String = "model save") throws {
    let url = URL(fileURLWithPath: path)
    try domain(context) {
        if let json = model.configJSON {
            try Checkpoint.save(to: url, configJSON: json, tensors: model.transformer.tensors(), tokenizer: model.tokenizer,
                                optimizer: state?.optimizer, trainerState: state?.trainerState, companions: model.companions)
        } else {
            try Checkpoint.save(to: url, config: model.transformer.config, tensors: model.transformer.tensors(),
                                tokenizer: model.tokenizer, optimizer: state?.optimizer, trainerState: state?.trainerState,
                                companions: model.companions)
        }
    }
}
