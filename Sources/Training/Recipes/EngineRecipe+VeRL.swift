// EngineRecipe+VeRL — the trainer configuration as a veRL (volcengine/verl) Hydra config: a YAML
// that extends veRL's own `ppo_trainer` config (field names as in veRL's generated reference
// config of January 2026) and sets only what Verity's recipe decides. Knobs veRL lacks are comments.

extension EngineRecipe {
    /// The veRL config for `python3 -m verl.trainer.main_ppo --config-path=DIR --config-name=verl_config`.
    /// `modelPath` is what veRL loads (a Hugging Face id or folder); the data files are the
    /// exported `train.json` / `test.json` (JSON lines in veRL's RLHFDataset layout).
    public static func verl(_ c: TrainerConfig, steps: Int, seed: UInt64, rewards: [RewardWeight], summary: String,
                            modelPath: String) -> String {
        let number = yamlNumber
        var missing: [String] = []
        func lacks(_ text: String) { missing.append("# - " + text) }
        let minibatches = max(1, min(c.minibatches, c.promptsPerStep))
        if c.promptsPerStep % minibatches != 0 {
            lacks("minibatches=\(c.minibatches) does not divide \(c.promptsPerStep) prompts; veRL's mini-batches are whole prompts")
        }
        let estimator: String
        var normalizeByStd = true
        switch c.advantage {
        case .groupMeanStd: estimator = "grpo"
        case .groupMean: estimator = "grpo"; normalizeByStd = false
        case .leaveOneOut: estimator = "rloo"
        case .batchNormalized: estimator = "reinforce_plus_plus"
        case .none:
            estimator = "grpo"
            lacks("advantage=none (the reward itself): veRL's estimators all subtract a baseline; grpo is written")
        case .gae:
            estimator = "grpo"
            lacks("advantage=gae (PPO with a critic): veRL has it (adv_estimator=gae), but this export does not write the critic's config; grpo is written")
        }
        let lossMode: String = switch c.lossAggregation {
        case .tokenMean: "token-mean"
        case .seqMeanTokenMean: "seq-mean-token-mean"
        case .seqMeanTokenSumNorm: "seq-mean-token-sum-norm"
        }
        let useKL = c.klCoefficient > 0 && c.klEstimator != .none
        let klType = c.klEstimator == .k1 ? "kl" : "low_var_kl"   // veRL's names for k1 and k3
        let schedule = c.schedule == .cosine ? "cosine" : "constant"
        if c.schedule == .cosine, c.totalSteps > 0, c.totalSteps != steps {
            lacks("total_steps=\(c.totalSteps): veRL's cosine spans total_training_steps (\(steps))")
        }
        if c.adamEpsilon != 1e-8 { lacks("adam_eps=\(c.adamEpsilon): veRL's AdamW uses torch's default 1e-8") }
        if c.referenceSyncInterval > 0 { lacks("ref_sync=\(c.referenceSyncInterval): veRL keeps the reference model fixed") }
        if !c.skipZeroAdvantage {
            lacks("skip_zero_adv=false: veRL keeps zero-advantage tokens in the loss as Verity then does (no change)")
        } else {
            lacks("skip_zero_adv=true: veRL counts zero-advantage tokens in token-mean, diluting the step (Verity leaves them out)")
        }
        if c.maskTruncated { lacks("mask_truncated=true: veRL has no masking of truncated completions in ppo_trainer") }
        if c.advantageEpsilon != 1e-6 { lacks("advantage_eps=\(c.advantageEpsilon): veRL adds a fixed 1e-6 to the group std") }
        if c.dynamicSampling {
            lacks("dynamic_sampling=true (max_rounds=\(c.maxGenerationRounds)): in veRL this is the DAPO recipe's "
                  + "algorithm.filter_groups (enable: true, metric: acc, max_num_gen_batches: \(c.maxGenerationRounds)), not ppo_trainer")
        }
        if c.maxStaleness > 0 {
            lacks("staleness=\(c.maxStaleness): veRL's one-step-off-policy and fully-async recipes, not ppo_trainer")
        }
        if let budget = c.sampling.thinkingBudget { lacks("budget=\(budget): veRL does not force </think>; use max_response_length") }
        if c.sampling.waitExtensions > 0 { lacks("waits=\(c.sampling.waitExtensions): veRL has no s1-style wait extensions") }
        let weights = rewards.map { "\($0.name)×\(number($0.weight))" }.joined(separator: " + ")
        var text = """
        # veRL config for the Verity recipe: \(summary)
        # Run with: python3 -m verl.trainer.main_ppo --config-path=$PWD --config-name=verl_config
        # It extends veRL's ppo_trainer config; fields not set here keep veRL's defaults.
        # The reward is Verity's own (\(weights)), served by
        # `verity serve --reward SETUP --port PORT` and called by verity_reward.py beside this file.
        hydra:
          searchpath:
            - pkg://verl.trainer.config
        defaults:
          - ppo_trainer
          - _self_
        data:
          train_files: train.json
          val_files: test.json
          prompt_key: prompt
          max_response_length: \(c.sampling.maxNewTokens)
          train_batch_size: \(c.promptsPerStep)  # B prompts per step
          seed: \(seed % (1 << 31))
        actor_rollout_ref:
          model:
            path: \(modelPath)
          actor:
            ppo_mini_batch_size: \(c.promptsPerStep / minibatches)  # prompts per minibatch (\(minibatches) minibatches)
            ppo_micro_batch_size_per_gpu: 4  # memory only (gradient accumulation); raise it on larger GPUs
            ppo_epochs: \(c.updatesPerBatch)  # μ
            clip_ratio_low: \(number(c.epsilonLow > 0 ? c.epsilonLow : 1e9))  # ε_low\(c.epsilonLow > 0 ? "" : " (Verity clip_low=0: no lower clip)")
            clip_ratio_high: \(number(c.epsilonHigh > 0 ? c.epsilonHigh : 1e9))  # ε_high\(c.epsilonHigh > 0 ? "" : " (Verity clip_high=0: no upper clip)")
            clip_ratio_c: \(number(c.dualClip > 1 ? c.dualClip : 1e9))  # dual clip\(c.dualClip > 1 ? "" : " (off in Verity; veRL always applies one, so it is set out of reach)")
            loss_agg_mode: \(lossMode)
            entropy_coeff: \(number(c.entropyCoefficient))
            use_kl_loss: \(useKL)  # KL in the loss, as GRPO; β below
            kl_loss_coef: \(number(c.klCoefficient))  # β
            kl_loss_type: \(klType)
            grad_clip: \(number(c.maxGradNorm))
            optim:
              lr: \(number(c.learningRate))  # η
              betas: [\(number(c.beta1)), \(number(c.beta2))]
              weight_decay: \(number(c.weightDecay))
              lr_warmup_steps: \(c.warmupSteps)
              lr_scheduler_type: \(schedule)
              min_lr_ratio: \(number(c.schedule == .cosine ? c.minLearningRateRatio : 0))
          ref:
            log_prob_micro_batch_size_per_gpu: 4  # memory only
          rollout:
            name: vllm
            log_prob_micro_batch_size_per_gpu: 4  # memory only
            n: \(c.samplesPerPrompt)  # G completions per prompt
            temperature: \(number(c.sampling.temperature.decimalValue))
            top_p: \(number(c.sampling.topP.decimalValue))
            top_k: \(c.sampling.topK > 0 ? c.sampling.topK : -1)
        algorithm:
          adv_estimator: \(estimator)
          norm_adv_by_std_in_grpo: \(normalizeByStd)
          use_kl_in_reward: false
        custom_reward_function:
          path: verity_reward.py
          name: compute_score
        trainer:
          total_training_steps: \(steps)
          total_epochs: 1000  # ended by total_training_steps
          project_name: verity
          experiment_name: verity-recipe
          logger: [console]

        # Verity settings veRL's ppo_trainer does not have:

        """
        text += (missing.isEmpty ? ["# (none)"] : missing).joined(separator: "\n") + "\n"
        return text
    }

    /// veRL's custom reward function: asks Verity's reward endpoint (`verity serve --reward`) to
    /// score each response against its ground truth, so the rewards are exactly Verity's.
    public static func verlRewardFunction(rewardURL: String) -> String {
        """
        # veRL custom reward function generated by Verity's `export recipe … format=verl`.
        # It sends each response with its ground truth to Verity's reward endpoint, started with
        #   verity serve --reward SETUP --port PORT
        # (SETUP: the notebook or script that makes the data set and sets the reward), and returns
        # Verity's weighted reward. Change VERITY_REWARD_URL to where that server runs.
        import json
        import os
        import urllib.request

        VERITY_REWARD_URL = os.environ.get("VERITY_REWARD_URL", "\(rewardURL)")


        def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
            prompt = (extra_info or {}).get("prompt", "")
            body = json.dumps({"query": [prompt + solution_str], "prompts": [prompt], "labels": [str(ground_truth)]})
            request = urllib.request.Request(VERITY_REWARD_URL, data=body.encode(), headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as reply:
                answer = json.load(reply)
            return {"score": answer["rewards"][0], "acc": answer["scores"][0]}

        """
    }
}
