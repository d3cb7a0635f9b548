// export recipe — the trainer's settings as another engine's configuration, with the data set in
// that engine's format, so a recipe found on a laptop runs where RL is scaled (EngineRecipe).
import Foundation
import Models
import Tasks
import Training

extension CommandDefinition {
    /// `export recipe DIR format=trl`
    static let exportRecipe = CommandDefinition(CommandDeclaration(
        name: "export", subverb: "recipe",
        summary: "write the trainer settings as TRL's GRPOConfig with the data set: export recipe runs/trl",
        help: "Writes DIR/grpo_config.yaml (TRL GRPOConfig fields: every trainer setting mapped by name, and a comment "
            + "for each one TRL lacks) and DIR/train.jsonl, DIR/test.jsonl (columns prompt and answer; with model chat on, "
            + "the prompt is TRL's conversational list of system and user turns, so TRL applies the model's template). The settings are "
            + "the trainer's ('show trainer'; change them with 'rl steps=0 KEY=…'), the reward weights the session "
            + "reward's. The reward functions themselves are Python on TRL's side: the file names them in order.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the folder to write")],
        keys: [
            ArgumentSpec("format", .choice(["trl"]), default: .choice("trl"), help: "the engine: trl (GRPOConfig YAML)"),
            ArgumentSpec("steps", .int, default: .int(0), bounds: 0...1e7,
                         help: "max_steps (default: the trainer's total_steps, else 100)"),
        ],
        examples: ["export recipe /tmp/verity-example-trl format=trl steps=200"]
    )) { invocation, session in
        let dir = try invocation.writePath("path", session, folder: true) ?? ""
        _ = try invocation.string("format")
        let dataset = try session.requireDataset(for: "export recipe")
        let config: TrainerConfig
        if let trainer = session.existingTrainer {
            config = trainer.config
        } else if let saved = try? session.savedTrainerState() {
            config = saved.state.config
        } else {
            config = TrainerConfig()
        }
        let given = try invocation.int("steps") ?? 0
        let steps = given > 0 ? given : (config.totalSteps > 0 ? config.totalSteps : 100)
        let reward = try session.currentReward()
        let weights = reward.reward.components.map { EngineRecipe.RewardWeight(name: $0.name, weight: $0.weight) }
        let yaml = EngineRecipe.trl(config, steps: steps, seed: session.seed, rewards: weights,
                                    summary: config.settingsSummary + "; reward " + reward.spec + "; task " + dataset.name)
        // A model prompted through its chat template (model chat on) gets TRL's conversational rows,
        // so TRL applies the same template: [system] + user turn.
        var chat: ChatPrompting? = nil
        if case .local(let local)? = session[ModelSlot.self] { chat = local.tokenizer.chat }
        let system = dataset.system ?? chat?.system
        func jsonl(_ problems: [Problem]) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try problems.map { problem in
                let data: Data
                if chat != nil {
                    let turns = (system.map { [RecipeTurn(role: "system", content: $0)] } ?? [])
                        + [RecipeTurn(role: "user", content: dataset.fullPrompt(problem))]
                    data = try encoder.encode(ConversationalRow(prompt: turns, answer: problem.answer))
                } else {
                    data = try encoder.encode(["prompt": dataset.fullPrompt(problem), "answer": problem.answer])
                }
                return String(decoding: data, as: UTF8.self) + "\n"
            }.joined()
        }
        let files = [("grpo_config.yaml", yaml), ("train.jsonl", try jsonl(dataset.train)), ("test.jsonl", try jsonl(dataset.test))]
        for (name, text) in files {
            let path = (dir as NSString).appendingPathComponent(name)
            try session.files.checkWrite(path)
            try AtomicFile.write(text, to: path)
        }
        return .line("wrote \(dir)/grpo_config.yaml (TRL GRPOConfig, max_steps \(steps)) with train.jsonl (\(dataset.train.count)) "
                     + "and test.jsonl (\(dataset.test.count))" + (chat == nil ? "" : ", prompts as conversations for the chat template"))
    }
}

/// One turn of TRL's conversational prompt format.
struct RecipeTurn: Encodable { var role: String; var content: String }
/// A data set row in TRL's conversational format.
struct ConversationalRow: Encodable { var prompt: [RecipeTurn]; var answer: String }
