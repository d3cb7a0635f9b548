// verifier save / verifier load — the session's outcome verifier as a checkpoint directory
// (config.json, model.safetensors, tokenizer.json, trainer_state.json marking it a verifier), so
// a verifier trained once scores later sessions' samples.
import Evaluation
import Foundation
import Models

extension CommandDefinition {
    /// `verifier save PATH`
    static let verifierSave = CommandDefinition(CommandDeclaration(
        name: "verifier", subverb: "save",
        summary: "save the verifier: verifier save checkpoints/add3-verifier",
        help: "Writes the session verifier to directory PATH (Hugging Face layout plus trainer_state.json with the "
            + "judgement tokens), atomically.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the directory to write")],
        examples: ["verifier save /tmp/verity-example-verifier"]
    )) { invocation, session in
        let path = try invocation.writePath("path", session, folder: true) ?? ""
        let loaded = try session.requireVerifier(for: "verifier save")
        try evaluationCall("verifier save") { try loaded.verifier.save(to: URL(fileURLWithPath: path)) }
        let config = loaded.verifier.model.config
        return .line("saved the \(config.numHiddenLayers)x\(config.hiddenSize) verifier to \(path)")
    }

    /// `verifier load PATH`
    static let verifierLoad = CommandDefinition(CommandDeclaration(
        name: "verifier", subverb: "load",
        summary: "load a verifier: verifier load checkpoints/add3-verifier",
        help: "Reads a verifier saved by 'verifier save' and makes it the session verifier. Its tokenizer must "
            + "encode the current model's prompts (use a verifier trained on this model's tokenizer).",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the verifier's directory")],
        examples: ["verifier load /tmp/verity-example-verifier"]
    )) { invocation, session in
        let path = try invocation.readPath("path", session) ?? ""
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandError("verifier load: \(path) does not exist — give a directory written by 'verifier save'")
        }
        let verifier = try evaluationCall("verifier load") { try OutcomeVerifier.load(from: URL(fileURLWithPath: path)) }
        if case .local(let local) = session[ModelSlot.self], local.tokenizer.vocabularySize != verifier.tokenizer.vocabularySize {
            throw CommandError("verifier load: the verifier's tokenizer has \(verifier.tokenizer.vocabularySize) tokens but the "
                               + "model's has \(local.tokenizer.vocabularySize) — load a verifier trained on this model's samples")
        }
        session[VerifierSlot.self] = LoadedVerifier(verifier: verifier, source: path, report: nil)
        let config = verifier.model.config
        return .line("loaded a \(config.numHiddenLayers)x\(config.hiddenSize) verifier from \(path)")
    }
}
