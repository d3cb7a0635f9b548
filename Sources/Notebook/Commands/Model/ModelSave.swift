// model save — writes the local model as a Hugging Face checkpoint directory (config.json,
// model.safetensors, tokenizer.json and the companion files), atomically: a crash leaves the old checkpoint or the new one.
// Optimizer and trainer state go beside it when a training command left them in `TrainingStateSlot`.
// `format=gguf` writes one GGUF file for llama.cpp and Ollama instead (Checkpoint+GGUF.swift).
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
            + "replaced atomically. format=gguf writes one float32 GGUF file instead, which llama.cpp's "
            + "server, llama-cpp-python and Ollama load (Llama and Qwen2 models with a character or byte-level "
            + "BPE tokenizer; no training state).",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the checkpoint directory (a .gguf file with format=gguf)")],
        keys: [ArgumentSpec("format", .choice(["hf", "gguf"]), default: .choice("hf"),
                            help: "hf: a Hugging Face checkpoint directory; gguf: one GGUF file for llama.cpp")],
        examples: ["model save /tmp/verity-example-model", "model save /tmp/verity-example.gguf format=gguf"]
    )) { invocation, session in
        let model = try session.requireLocalModel(for: "model save")
        if try invocation.string("format") == "gguf" {
            let path = try invocation.writePath("path", session) ?? ""
            guard path.hasSuffix(".gguf") else { throw CommandError("model save format=gguf: name the file NAME.gguf, got '\(path)'") }
            let chat = Checkpoint.chatTemplateSource(companions: model.companions) ?? model.tokenizer.chat?.template.source
            let bytes = try domain("model save") {
                try Checkpoint.gguf(config: model.transformer.config, tensors: model.transformer.tensors(),
                                    tokenizer: model.tokenizer, chatTemplate: chat, name: model.name).encoded()
            }
            try AtomicFile.write(bytes, to: path)
            return .line("saved \(model.name) (\(model.transformer.parameterCount) parameters) to \(path) as GGUF (float32, \(bytes.count) bytes)")
        }
        let path = try invocation.writePath("path", session, folder: true) ?? ""
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
