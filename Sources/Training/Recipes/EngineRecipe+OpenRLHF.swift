// EngineRecipe+OpenRLHF — the trainer configuration as OpenRLHF's `train_ppo_ray` command line (the
// dotted flag names of OpenRLHF's 2026 CLI: --actor.eps_clip_low_high, --algo.advantage.estimator,
// --rollout.n_samples_per_prompt, …), with the rewards from Verity's own endpoint through
// --reward.remote_url. Knobs OpenRLHF lacks are comments.

extension EngineRecipe {
    /// A shell script that runs OpenRLHF with the recipe on the exported `train.jsonl`.
    public static func openrlhf(_ c: TrainerConfig, steps: Int, seed: UInt64, rewards: [RewardWeight], summary: String,
                                modelPath: String, rewardURL: String, trainCount: Int, chat: Bool) -> String {
        let number = yamlNumber
        var missing: [String] = []
        func lacks(_ text: String) { missing.append("#   " + text) }
        var flags: [(String, String?, String)] = []
        func put(_ flag: String, _ value: String? = nil, _ note: String = "") { flags.append((flag, value, note)) }

        put("--actor.model_name_or_path", modelPath)
        put("--reward.remote_url", rewardURL, "Verity's verifier and reward: verity serve --reward SETUP")
        put("--data.prompt_dataset", "train.jsonl")
        put("--eval.dataset", "test.jsonl")
        put("--data.input_key", "prompt")
        put("--data.label_key", "answer")
        if chat { put("--data.apply_chat_template", nil, "prompts are conversations (model chat on)") }
        put("--train.seed", "\(seed % (1 << 31))")
        // Batch shape: B prompts × G samples per rollout, split into minibatches of completions.
        let completions = c.promptsPerStep * c.samplesPerPrompt
        let minibatches = max(1, min(c.minibatches, completions))
        put("--rollout.batch_size", "\(c.promptsPerStep)", "B prompts per step")
        put("--rollout.n_samples_per_prompt", "\(c.samplesPerPrompt)", "G")
        put("--train.batch_size", "\(completions / minibatches)", "completions per optimizer step (\(minibatches) minibatches)")
        put("--train.max_epochs", "\(c.updatesPerBatch)", "μ")
        // One episode walks the prompts once; enough episodes for the recipe's steps.
        let episodes = max(1, (steps * c.promptsPerStep + max(1, trainCount) - 1) / max(1, trainCount))
        put("--train.num_episodes", "\(episodes)", "≈ \(steps) steps of \(c.promptsPerStep) prompts over \(trainCount) training prompts")
        put("--rollout.max_new_tokens", "\(c.sampling.maxNewTokens)")
        put("--rollout.temperature", number(c.sampling.temperature.decimalValue))
        put("--rollout.top_p", number(c.sampling.topP.decimalValue))
        if c.sampling.topK > 0 { lacks("top_k=\(c.sampling.topK): OpenRLHF's rollout flags have top_p only") }
        // Advantages.
        switch c.advantage {
        case .groupMeanStd: put("--algo.advantage.estimator", "group_norm", "GRPO")
        case .groupMean: put("--algo.advantage.estimator", "dr_grpo", "Dr. GRPO: group mean, no std")
        case .leaveOneOut: put("--algo.advantage.estimator", "rloo")
        case .batchNormalized: put("--algo.advantage.estimator", "reinforce_baseline", "group mean, then normalised over the batch")
        case .none: put("--algo.advantage.estimator", "reinforce", "the reward itself")
        case .gae:
            put("--algo.advantage.estimator", "group_norm")
            lacks("advantage=gae (PPO with a critic): OpenRLHF has it (estimator gae), but this export does not write the critic's flags; group_norm is written")
        }
        // Policy loss.
        put("--actor.eps_clip_low_high", "\(number(c.epsilonLow > 0 ? c.epsilonLow : 1e9)) \(number(c.epsilonHigh > 0 ? c.epsilonHigh : 1e9))",
            "ε_low ε_high")
        if c.dualClip > 1 { put("--actor.dual_clip", number(c.dualClip)) }
        if c.klCoefficient > 0 && c.klEstimator != .none {
            put("--algo.kl.use_loss", nil, "KL in the loss, as GRPO")
            put("--algo.kl.init_coef", number(c.klCoefficient), "β")
            put("--algo.kl.estimator", c.klEstimator.rawValue)
        } else {
            put("--algo.kl.init_coef", "0", "β = 0: no KL penalty")
        }
        if c.entropyCoefficient != 0 { put("--actor.entropy_coef", number(c.entropyCoefficient)) }
        switch c.lossAggregation {
        case .tokenMean: break
        case .seqMeanTokenMean:
            lacks("loss=seq-mean-token-mean: OpenRLHF averages the loss over the tokens of each micro-batch")
        case .seqMeanTokenSumNorm:
            if c.advantage != .groupMean {
                lacks("loss=seq-mean-token-sum-norm: OpenRLHF uses it only with --algo.advantage.estimator dr_grpo")
            }
        }
        if c.maskTruncated { put("--reward.stop_properly_penalty_coef", "0", "truncated completions get no reward (nearest to mask_truncated)") }
        // Optimiser.
        put("--actor.adam.lr", number(c.learningRate), "η")
        put("--actor.adam.betas", "\(number(c.beta1)) \(number(c.beta2))")
        put("--actor.adam.eps", number(c.adamEpsilon))
        put("--actor.adam.weight_decay", number(c.weightDecay))
        put("--actor.max_norm", number(c.maxGradNorm))
        switch c.schedule {
        case .constant:
            put("--actor.lr_scheduler", c.warmupSteps > 0 ? "constant_with_warmup" : "constant")
        case .cosine:
            put("--actor.lr_scheduler", "cosine_with_min_lr")
            put("--actor.min_lr_ratio", number(c.minLearningRateRatio))
        }
        let warmup = steps > 0 ? Double(c.warmupSteps) / Double(steps) : 0
        put("--actor.lr_warmup_ratio", number(min(1, warmup)), "\(c.warmupSteps) of \(steps) steps")
        if c.dynamicSampling {
            put("--algo.dynamic_filtering_enable", nil, "DAPO dynamic sampling: drop all-equal groups")
            put("--algo.dynamic_filtering_range", "0 1", "keep groups whose mean score is strictly inside")
            lacks("max_rounds=\(c.maxGenerationRounds): OpenRLHF refills from the next rollout batches without a round limit")
        }
        if c.maxStaleness > 0 {
            put("--train.async_enable", nil, "asynchronous rollouts")
            put("--train.async_queue_size", "\(c.maxStaleness)", "staleness")
        }
        if c.referenceSyncInterval > 0 { lacks("ref_sync=\(c.referenceSyncInterval): OpenRLHF keeps the reference model fixed") }
        if let budget = c.sampling.thinkingBudget { lacks("budget=\(budget): OpenRLHF does not force </think>") }
        if c.sampling.waitExtensions > 0 { lacks("waits=\(c.sampling.waitExtensions): OpenRLHF has no s1-style wait extensions") }
        if c.skipZeroAdvantage {
            lacks("skip_zero_adv=true: OpenRLHF counts zero-advantage tokens in the loss mean (Verity leaves them out)")
        }
        if c.advantageEpsilon != 1e-6 { lacks("advantage_eps=\(c.advantageEpsilon): OpenRLHF's group_norm adds a fixed 1e-9") }
        let weights = rewards.map { "\($0.name)×\(number($0.weight))" }.joined(separator: " + ")
        var lines = [
            "#!/bin/sh",
            "# OpenRLHF run of the Verity recipe: \(summary)",
            "# Rewards: Verity's own (\(weights)) from `verity serve --reward SETUP --port PORT`;",
            "# set VERITY_REWARD_URL if it runs elsewhere. Add the cluster flags (--actor.num_gpus_per_node, vLLM engines, …).",
            "VERITY_REWARD_URL=${VERITY_REWARD_URL:-\(rewardURL)}",
            "python3 -m openrlhf.cli.train_ppo_ray \\",
        ]
        for (i, (flag, value, _)) in flags.enumerated() {
            let shown = flag == "--reward.remote_url" ? "\"$VERITY_REWARD_URL\"" : value ?? ""
            lines.append("  " + flag + (value == nil ? "" : " " + shown) + (i == flags.count - 1 ? "" : " \\"))
        }
        lines.append("")
        lines.append("# What each flag stands for in Verity:")
        for (flag, _, note) in flags where !note.isEmpty { lines.append("#   \(flag): \(note)") }
        lines.append("# Verity settings OpenRLHF does not have:")
        lines += missing.isEmpty ? ["#   (none)"] : missing
        return lines.joined(separator: "\n") + "\n"
    }
}
