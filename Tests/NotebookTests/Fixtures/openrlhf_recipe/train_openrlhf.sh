#!/bin/sh
# OpenRLHF run of the Verity recipe: algo=dapo + prompts=8 n=4 max_tokens=24 minibatches=4 warmup=5 schedule=cosine; reward correct format=0.1 length=-0.01; task add-d2
# Rewards: Verity's own (correct×1.0 + format×0.1 + length×-0.01) from `verity serve --reward SETUP --port PORT`;
# set VERITY_REWARD_URL if it runs elsewhere. Add the cluster flags (--actor.num_gpus_per_node, vLLM engines, …).
VERITY_REWARD_URL=${VERITY_REWARD_URL:-http://127.0.0.1:18765/get_reward}
python3 -m openrlhf.cli.train_ppo_ray \
  --actor.model_name_or_path Qwen/Qwen2.5-0.5B-Instruct \
  --reward.remote_url "$VERITY_REWARD_URL" \
  --data.prompt_dataset train.jsonl \
  --eval.dataset test.jsonl \
  --data.input_key prompt \
  --data.label_key answer \
  --train.seed 7 \
  --rollout.batch_size 8 \
  --rollout.n_samples_per_prompt 4 \
  --train.batch_size 8 \
  --train.max_epochs 1 \
  --train.num_episodes 25 \
  --rollout.max_new_tokens 24 \
  --rollout.temperature 1.0 \
  --rollout.top_p 1.0 \
  --algo.advantage.estimator group_norm \
  --actor.eps_clip_low_high 0.2 0.28 \
  --algo.kl.init_coef 0 \
  --reward.stop_properly_penalty_coef 0 \
  --actor.adam.lr 0.0001 \
  --actor.adam.betas 0.9 0.99 \
  --actor.adam.eps 1.0e-08 \
  --actor.adam.weight_decay 0.0 \
  --actor.max_norm 1.0 \
  --actor.lr_scheduler cosine_with_min_lr \
  --actor.min_lr_ratio 0.1 \
  --actor.lr_warmup_ratio 0.025 \
  --algo.dynamic_filtering_enable \
  --algo.dynamic_filtering_range 0 1

# What each flag stands for in Verity:
#   --reward.remote_url: Verity's verifier and reward: verity serve --reward SETUP
#   --rollout.batch_size: B prompts per step
#   --rollout.n_samples_per_prompt: G
#   --train.batch_size: completions per optimizer step (4 minibatches)
#   --train.max_epochs: μ
#   --train.num_episodes: ≈ 200 steps of 8 prompts over 64 training prompts
#   --algo.advantage.estimator: GRPO
#   --actor.eps_clip_low_high: ε_low ε_high
#   --algo.kl.init_coef: β = 0: no KL penalty
#   --reward.stop_properly_penalty_coef: truncated completions get no reward (nearest to mask_truncated)
#   --actor.adam.lr: η
#   --actor.lr_warmup_ratio: 5 of 200 steps
#   --algo.dynamic_filtering_enable: DAPO dynamic sampling: drop all-equal groups
#   --algo.dynamic_filtering_range: keep groups whose mean score is strictly inside
# Verity settings OpenRLHF does not have:
#   max_rounds=3: OpenRLHF refills from the next rollout batches without a round limit
#   skip_zero_adv=true: OpenRLHF counts zero-advantage tokens in the loss mean (Verity leaves them out)
