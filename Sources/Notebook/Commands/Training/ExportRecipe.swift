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
        summary: "write the trainer settings for TRL, veRL or OpenRLHF with the data set: export recipe runs/trl format=trl",
        help: "Writes DIR/grpo_config.yaml (TRL GRPOConfig fields: every trainer setting mapped by name, and a comment "
            + "for each one TRL lacks) and DIR/train.jsonl, DIR/test.jsonl (columns prompt and answer; with model chat on, "
            + "the prompt is TRL's conversational list of system and user turns, so TRL applies the model's template). The settings are "
            + "the trainer's ('show trainer'; change them with 'rl steps=0 KEY=…'), the reward weights the session "
            + "reward's. The reward functions themselves are Python on TRL's side: the file names them in order. "
            + "format=verl writes DIR/verl_config.yaml (a Hydra config extending veRL's ppo_trainer), DIR/verity_reward.py "
            + "(veRL's custom reward function, asking Verity's reward server) and DIR/train.json, DIR/test.json in veRL's "
            + "RLHFDataset layout; format=openrlhf writes DIR/train_openrlhf.sh (OpenRLHF's train_ppo_ray flags, rewards from "
            + "--reward.remote_url) with train.jsonl and test.jsonl. Both take their rewards from 'verity serve --reward SETUP' "
            + "at reward_url=.",
        positionals: [ArgumentSpec("path", .path, required: true, help: "the folder to write")],
        keys: [
            ArgumentSpec("format", .choice(["trl", "verl", "openrlhf"]), default: .choice("trl"),
                         help: "the engine: trl (GRPOConfig YAML), verl (Hydra YAML), openrlhf (train_ppo_ray flags)"),
            ArgumentSpec("model", .string, help: "the model path or Hugging Face id the engine loads (default: the loaded checkpoint's folder)"),
            ArgumentSpec("reward_url", .string, default: .string("http://127.0.0.1:8000/get_reward"),
                         help: "where 'verity serve --reward' answers (verl, openrlhf)"),
            ArgumentSpec("steps", .int, default: .int(0), bounds: 0...1e7,
                         help: "max_steps (default: the trainer's total_steps, else 100)"),
        ],
        examples: ["export recipe /tmp/verity-example-trl format=trl steps=200",
                   "export recipe /tmp/verity-example-verl format=verl model=Qwen/Qwen2.5-0.5B-Instruct reward_url=http://127.0.0.1:8000/get_reward"]
    )) { invocation, session in
        let dir = try invocation.writePath("path", session, folder: true) ?? ""
        let format = try invocation.string(defaulted: "format")
        let rewardURL = try invocation.string(defaulted: "reward_url")
        var modelPath = try invocation.string("model") ?? "MODEL_PATH"
        if !invocation.isGiven("model"), case .local(let local)? = session[ModelSlot.self], local.configJSON != nil {
            modelPath = local.source   // a loaded checkpoint's folder
        }
        let dataset = try session.requireDataset(for: "export recipe")
        let config: TrainerConfig
        if let trainer = session.existingTrainer {
            config = trainer.config
        } else if let saved = try? session.savedTrainerState() {
            config = saved.state.config
        } else {
            config = TrainerConfig()
        }
        let given = try invocation.int(defaulted: "steps")
        let steps = given > 0 ? given : (config.totalSteps > 0 ? config.totalSteps : 100)
        let reward = try session.currentReward()
        let weights = reward.reward.components.map { EngineRecipe.RewardWeight(name: $0.name, weight: $0.weight) }
        let summary = config.settingsSummary + "; reward " + reward.spec + "; task " + dataset.name
        // A model prompted through its chat template (model chat on) gets conversational rows,
        // so the engine applies the same template: [system] + user turn.
        var chat: ChatPrompting? = nil
        if case .local(let local)? = session[ModelSlot.self] { chat = local.tokenizer.chat }
        let system = dataset.system ?? chat?.system
        func turns(_ problem: Problem) -> [RecipeTurn] {
            (system.map { [RecipeTurn(role: "system", content: $0)] } ?? []) + [RecipeTurn(role: "user", content: dataset.fullPrompt(problem))]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func jsonl(_ problems: [Problem]) throws -> String {
            try problems.map { problem in
                let data = chat != nil
                    ? try encoder.encode(ConversationalRow(prompt: turns(problem), answer: problem.answer))
                    : try encoder.encode(["prompt": dataset.fullPrompt(problem), "answer": problem.answer])
                return String(decoding: data, as: UTF8.self) + "\n"
            }.joined()
        }
        func verlRows(_ problems: [Problem], split: String) throws -> String {
            try problems.map { problem in
                let row = VerlRow(data_source: dataset.name, prompt: turns(problem), ability: "verifiable",
                                  reward_model: .init(style: "rule", ground_truth: problem.answer),
                                  extra_info: .init(id: problem.id, prompt: dataset.fullPrompt(problem), split: split))
                return String(decoding: try encoder.encode(row), as: UTF8.self) + "\n"
            }.joined()
        }
        let files: [(String, String)]
        switch format {
        case "verl":
            files = [("verl_config.yaml", EngineRecipe.verl(config, steps: steps, seed: session.seed, rewards: weights,
                                                             summary: summary, modelPath: modelPath)),
                     ("verity_reward.py", EngineRecipe.verlRewardFunction(rewardURL: rewardURL)),
                     ("train.json", try verlRows(dataset.train, split: "train")), ("test.json", try verlRows(dataset.test, split: "test"))]
        case "openrlhf":
            files = [("train_openrlhf.sh", EngineRecipe.openrlhf(config, steps: steps, seed: session.seed, rewards: weights,
                                                                 summary: summary, modelPath: modelPath, rewardURL: rewardURL,
                                                                 trainCount: dataset.train.count, chat: chat != nil)),
                     ("train.jsonl", try jsonl(dataset.train)), ("test.jsonl", try jsonl(dataset.test))]
        default:
            files = [("grpo_config.yaml", EngineRecipe.trl(config, steps: steps, seed: session.seed, rewards: weights, summary: summary)),
                     ("train.jsonl", try jsonl(dataset.train)), ("test.jsonl", try jsonl(dataset.test))]
        }
        for (name, text) in files {
            let path = (dir as NSString).appendingPathComponent(name)
            try session.files.checkWrite(path)
            try AtomicFile.write(text, to: path)
        }
        let engine = ["verl": "veRL", "openrlhf": "OpenRLHF"][format] ?? "TRL GRPOConfig"
        return .line("wrote \(dir)/\(files[0].0) (\(engine), \(steps) steps) with \(files.dropFirst().map(\.0).joined(separator: ", ")) "
                     + "(\(dataset.train.count) train, \(dataset.test.count) test)" + (chat == nil ? "" : ", prompts as conversations for the chat template"))
    }
}

/// One turn of TRL's conversational prompt format.
struct RecipeTurn: Encodable { var role: String; var content: String }
/// A data set row in TRL's conversational format.
struct ConversationalRow: Encodable { var prompt: [RecipeTurn]; var answer: String }
/// A row of veRL's RLHFDataset (the layout of its GSM8K preprocessing).
struct VerlRow: Encodable {
    struct Reward: Encodable { var style: String; var ground_truth: String }
    struct Extra: Encodable { var id: String; var prompt: String; var split: String }
    var data_source: String
    var prompt: [RecipeTurn]
    var ability: String
    var reward_model: Reward
    var extra_info: Extra
}
