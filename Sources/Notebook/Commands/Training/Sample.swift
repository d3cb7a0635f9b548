// sample — the first of the step-by-step GRPO commands: samples a batch of groups from the train
// split with the current model into the trainer's pending rollouts, scores them with the session
// reward and shows one line per group. `show rollouts` looks inside, `reward` rescores, `step` updates.
import Training

extension CommandDefinition {
    /// The trainer fields `sample` takes: batch shape and the sampling value.
    static let sampleKeys = ["prompts", "n", "temperature", "top_p", "top_k", "max_tokens", "budget", "waits"]

    /// `sample prompts=16 n=8 temperature=1 max_tokens=… budget=… waits=…`
    static let sample = CommandDefinition(CommandDeclaration(
        name: "sample",
        summary: "sample groups of completions for the next step: sample prompts=8 n=8 temperature=1",
        help: "Draws `prompts` training problems (the trainer's data order) and samples n completions of each "
            + "with the current model; scores them with the session reward ('reward'), computes advantages and "
            + "keeps them as the pending rollouts that 'step' will train on. Its keys are the trainer's own "
            + "('help rl'): given ones change the trainer's settings for later 'step' and 'rl'. Shows per group: "
            + "prompt, mean reward, correct share, mean length and distinct answers.",
        keys: TrainerArguments.fields.filter { sampleKeys.contains($0.name) },
        examples: ["sample prompts=2 n=2 temperature=1 top_p=1 top_k=0 max_tokens=8 budget=off waits=0"]
    )) { invocation, session in
        let changes = try invocation.given(TrainerConfig.fields.filter { sampleKeys.contains($0.key) })
        let trainer = try session.policyTrainer(for: "sample")
        var config = trainer.config
        try changes.apply(to: &config)
        try domain("sample") { try trainer.setConfig(config) }
        let cancelled = session.cancellationRequested
        let batch = try domain("sample") { try trainer.sample(isCancelled: { cancelled() }) }
        return RolloutViews.groupSummary(batch, dataset: trainer.dataset, precision: session.settings.precision,
                                         heading: "sampled \(batch.groups) groups × \(batch.groupSize) in "
                                            + Format.duration(batch.samplingSeconds))
    }
}
