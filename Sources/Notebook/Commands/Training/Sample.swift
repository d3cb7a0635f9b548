// sample — the first of the step-by-step GRPO commands: samples a batch of groups from the train
// split with the current model into the trainer's pending rollouts, scores them with the session
// reward and shows one line per group. `show rollouts` looks inside, `reward` rescores, `step` updates.
import Training

extension CommandDefinition {
    /// `sample prompts=16 n=8 temperature=1 max_tokens=… budget=… waits=…`
    static let sample = CommandDefinition(CommandDeclaration(
        name: "sample",
        summary: "sample groups of completions for the next step: sample prompts=8 n=8 temperature=1",
        help: "Draws `prompts` training problems (the trainer's data order) and samples n completions of each "
            + "with the current model; scores them with the session reward ('reward'), computes advantages and "
            + "keeps them as the pending rollouts that 'step' will train on. Given keys also change the trainer's "
            + "sampling settings for later 'step' and 'rl'. Shows per group: prompt, mean reward, correct share, "
            + "mean length and distinct answers.",
        keys: [
            ArgumentSpec("prompts", .int, bounds: 1...4096, help: "prompts (groups) to sample (B)"),
            ArgumentSpec("n", .int, bounds: 1...1024, help: "completions per prompt (G)"),
            ArgumentSpec("temperature", .float, bounds: 0...10, help: "sampling temperature (T)"),
            ArgumentSpec("max_tokens", .int, bounds: 1...32_768, help: "most new tokens per completion"),
            ArgumentSpec("budget", .int, bounds: 0...1_000_000, help: "thinking budget in tokens; 0 = no cap"),
            ArgumentSpec("waits", .int, bounds: 0...64, help: "s1-style 'Wait' extensions of thinking"),
        ],
        examples: ["sample prompts=2 n=2 temperature=1 max_tokens=8 budget=0 waits=0"]
    )) { invocation, session in
        var changes: [(String, String)] = []
        for (key, field) in [("prompts", "prompts"), ("n", "n"), ("temperature", "temperature"),
                             ("max_tokens", "max_tokens"), ("budget", "think_budget"), ("waits", "waits")] {
            guard let value = try invocation.value(key), invocation.isGiven(key) else { continue }
            changes.append((field, value.description))
        }
        let trainer = try session.policyTrainer(for: "sample")
        var config = trainer.config
        for (field, text) in changes { try domain("sample") { try config.set(field, to: text) } }
        try domain("sample") { try trainer.setConfig(config) }
        let cancelled = session.cancellationRequested
        let batch = try domain("sample") { try trainer.sample(isCancelled: { cancelled() }) }
        return RolloutViews.groupSummary(batch, dataset: trainer.dataset, precision: session.settings.precision,
                                         heading: "sampled \(batch.groups) groups × \(batch.groupSize) in "
                                            + Format.duration(batch.samplingSeconds))
    }
}
