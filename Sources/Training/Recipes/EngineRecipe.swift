// EngineRecipe — a trainer configuration written for an engine people scale RL on, so that a recipe
// found in Verity runs there: TRL's `GRPOConfig` (checked against TRL 1.16's field names). Every
// knob is mapped by name where the engine has it; every knob it lacks is a comment with Verity's
// value and what it does, so nothing is dropped without a word.

import Foundation

/// A trainer configuration as another engine's configuration file.
public enum EngineRecipe {
    /// One reward component: its name and weight (`reward_weights` order).
    public struct RewardWeight: Sendable, Equatable {
        public var name: String
        public var weight: Double
        public init(name: String, weight: Double) { self.name = name; self.weight = weight }
    }

    /// A float as YAML 1.1 (PyYAML) reads it back as a float: `1e-08` would be a string, so an
    /// exponent gets a `.` in its mantissa; whole values keep a `.0`.
    static func yamlNumber(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(format: "%.1f", v) }
        let text = "\(v)"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), !text[..<e].contains(".") else { return text }
        return String(text[..<e]) + ".0" + String(text[e...])
    }

    /// TRL `GRPOConfig` as YAML (`trl grpo --config FILE` or `GRPOConfig(**yaml.safe_load(…))`).
    /// One process: prompts × n completions per generation, split into `steps_per_generation` =
    /// minibatches optimizer steps of `per_device_train_batch_size` completions.
    public static func trl(_ c: TrainerConfig, steps: Int, seed: UInt64, rewards: [RewardWeight],
                           summary: String) -> String {
        var lines: [String] = [
            "# TRL GRPOConfig for the Verity recipe: \(summary)",
            "# Run with: trl grpo --config grpo_config.yaml --dataset_name train.jsonl … (TRL ≥ 1.0), or",
            "# GRPOConfig(**yaml.safe_load(open(\"grpo_config.yaml\"))) with GRPOTrainer(reward_funcs=…).",
            "# train.jsonl / test.jsonl beside this file have the columns prompt and answer (TRL passes",
            "# answer to each reward function as a keyword argument).",
        ]
        var missing: [String] = []
        func put(_ key: String, _ value: String, _ note: String = "") {
            lines.append("\(key): \(value)" + (note.isEmpty ? "" : "  # \(note)"))
        }
        func lacks(_ text: String) { missing.append("# - " + text) }
        let number = yamlNumber

        put("output_dir", "verity-grpo")
        put("bf16", "false", "Verity computes in float32; bf16: true is faster on GPUs and changes the arithmetic")
        put("seed", "\(seed % (1 << 31))", "Verity's seed stream differs; runs match in distribution, not in bytes")
        put("max_steps", "\(steps)")
        // Batch shape.
        let completions = c.promptsPerStep * c.samplesPerPrompt
        let minibatches = max(1, min(c.minibatches, completions))
        put("num_generations", "\(c.samplesPerPrompt)", "G")
        // TRL derives generation_batch_size = per_device_train_batch_size × steps_per_generation
        // (and refuses both set): B × G completions per generation.
        put("steps_per_generation", "\(minibatches)", "minibatches")
        put("per_device_train_batch_size", "\(completions / minibatches)",
            "× steps_per_generation = B × G = \(c.promptsPerStep) × \(c.samplesPerPrompt) completions per generation")
        if completions % minibatches != 0 {
            lacks("minibatches=\(c.minibatches) does not divide \(completions) completions; TRL needs equal minibatches")
        }
        put("gradient_accumulation_steps", "1")
        put("num_iterations", "\(c.updatesPerBatch)", "μ")
        // Sampling.
        put("max_completion_length", "\(c.sampling.maxNewTokens)")
        put("temperature", number(c.sampling.temperature.decimalValue))
        put("top_p", number(c.sampling.topP.decimalValue))
        put("top_k", "\(c.sampling.topK)")
        // Advantages.
        switch c.advantage {
        case .groupMeanStd: put("scale_rewards", "group", "advantage=group-mean-std")
        case .groupMean: put("scale_rewards", "none", "advantage=group-mean (Dr. GRPO)")
        case .batchNormalized: put("scale_rewards", "batch", "advantage=batch-normalized")
        case .leaveOneOut:
            put("scale_rewards", "none")
            lacks("advantage=leave-one-out: GRPOTrainer subtracts the group mean including the sample itself "
                  + "(a factor G/(G−1) from RLOO's baseline); TRL's RLOOTrainer has the leave-one-out baseline")
        case .none:
            put("scale_rewards", "none")
            lacks("advantage=none (REINFORCE, the reward itself): GRPOTrainer always subtracts the group mean")
        case .gae:
            put("scale_rewards", "group")
            lacks("advantage=gae (PPO with a critic): GRPOTrainer has no critic; TRL's PPOTrainer does, and this export does not write its config")
        }
        if c.advantageEpsilon != 1e-4 {
            lacks("advantage_eps=\(c.advantageEpsilon): TRL adds a fixed 1e-4 to the standard deviation")
        }
        // Policy loss.
        if c.epsilonLow > 0 {
            put("epsilon", number(c.epsilonLow), "ε_low")
        } else {
            put("epsilon", "1.0e+9", "Verity clip_low=0: no lower clip")
        }
        if c.epsilonHigh > 0 {
            put("epsilon_high", number(c.epsilonHigh), "ε_high (clip-higher)")
        } else {
            put("epsilon_high", "1.0e+9", "Verity clip_high=0: no upper clip")
        }
        if c.dualClip > 0 {
            put("delta", number(c.dualClip), "dual clip c: INTELLECT-2's two-sided clipping caps the ratio at δ for negative advantages")
        }
        put("beta", number(c.klCoefficient), "β; 0 loads no reference model")
        if c.klCoefficient > 0, c.klEstimator == .k1 {
            lacks("kl_estimator=k1: TRL's GRPOTrainer uses the k3 estimator")
        }
        if c.referenceSyncInterval > 0 {
            put("sync_ref_model", "true")
            put("ref_model_sync_steps", "\(c.referenceSyncInterval)")
            put("ref_model_mixup_alpha", "1.0", "a hard copy, as Verity's ref_sync does")
        }
        switch c.lossAggregation {
        case .tokenMean: put("loss_type", "dapo", "loss=token-mean: summed over every token of the batch, divided by their number")
        case .seqMeanTokenMean: put("loss_type", "grpo", "loss=seq-mean-token-mean")
        case .seqMeanTokenSumNorm:
            put("loss_type", "dr_grpo", "loss=seq-mean-token-sum-norm, divided by max_completion_length")
            if c.lossNormalizer > 0, Int(c.lossNormalizer) != c.sampling.maxNewTokens {
                lacks("loss_norm=\(number(c.lossNormalizer)): TRL's dr_grpo divides by max_completion_length (\(c.sampling.maxNewTokens))")
            }
        }
        put("mask_truncated_completions", c.maskTruncated ? "true" : "false")
        if c.entropyCoefficient != 0 {
            lacks("entropy=\(c.entropyCoefficient): GRPOTrainer has no entropy bonus")
        }
        if !c.skipZeroAdvantage {
            lacks("skip_zero_adv=false: GRPOTrainer always keeps zero-advantage completions in the loss's token count")
        } else {
            lacks("skip_zero_adv=true: GRPOTrainer keeps zero-advantage completions in the token count of loss_type dapo, "
                  + "so their groups dilute the step (Verity leaves them out)")
        }
        // Optimiser and schedule.
        put("learning_rate", number(c.learningRate), "η")
        put("adam_beta1", number(c.beta1))
        put("adam_beta2", number(c.beta2))
        put("adam_epsilon", number(c.adamEpsilon))
        put("weight_decay", number(c.weightDecay), "Verity never decays norms and biases")
        put("max_grad_norm", number(c.maxGradNorm))
        put("warmup_steps", "\(c.warmupSteps)")
        switch c.schedule {
        case .constant:
            put("lr_scheduler_type", c.warmupSteps > 0 ? "constant_with_warmup" : "constant")
        case .cosine:
            put("lr_scheduler_type", "cosine_with_min_lr")
            put("lr_scheduler_kwargs", "{min_lr_rate: \(number(c.minLearningRateRatio))}")
            if c.totalSteps > 0, c.totalSteps != steps {
                lacks("total_steps=\(c.totalSteps): TRL's cosine spans max_steps (\(steps))")
            }
        }
        // Rewards.
        put("reward_weights", "[" + rewards.map { number($0.weight) }.joined(separator: ", ") + "]",
            "in order: " + rewards.map(\.name).joined(separator: ", ") + " — pass reward_funcs in this order")
        lines.append("report_to: none")
        // What TRL lacks.
        if c.dynamicSampling {
            lacks("dynamic_sampling=true (max_rounds=\(c.maxGenerationRounds)): GRPOTrainer has no refill of all-equal groups")
        }
        if c.maxStaleness > 0 {
            lacks("staleness=\(c.maxStaleness): GRPOTrainer samples on-policy (num_iterations > 1 is the nearest off-policy knob)")
        }
        if let budget = c.sampling.thinkingBudget {
            lacks("budget=\(budget): GRPOTrainer does not force </think>; use max_completion_length")
        }
        if c.sampling.waitExtensions > 0 { lacks("waits=\(c.sampling.waitExtensions): GRPOTrainer has no s1-style wait extensions") }
        lines.append("")
        lines.append("# Verity settings TRL's GRPOTrainer does not have:")
        lines += missing.isEmpty ? ["# (none)"] : missing
        return lines.joined(separator: "\n") + "\n"
    }
}
