#!/usr/bin/env python3
"""Loads a recipe written by `export recipe DIR format=trl` with TRL's own classes, for
Tests/NotebookTests/ExportRecipeTests.swift.

    python3 check_trl_recipe.py DIR            # prints the loaded GRPOConfig fields as JSON
    python3 check_trl_recipe.py --fixture      # exports the fixture recipe with the release build of
                                               # verity into trl_recipe/, loads it, writes trl_recipe_checked.json

GRPOConfig(**yaml) runs TRL's own validation (__post_init__: batch divisibility, loss types, …);
train.jsonl is read with `datasets` as GRPOTrainer reads a JSON data set. Verified with TRL 1.16.0.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIELDS = ["max_steps", "num_generations", "generation_batch_size", "steps_per_generation", "per_device_train_batch_size",
          "num_iterations", "max_completion_length", "temperature", "top_p", "top_k", "scale_rewards", "epsilon",
          "epsilon_high", "delta", "beta", "loss_type", "mask_truncated_completions", "learning_rate", "adam_beta1",
          "adam_beta2", "adam_epsilon", "weight_decay", "max_grad_norm", "warmup_steps", "lr_scheduler_type",
          "lr_scheduler_kwargs", "reward_weights", "sync_ref_model", "ref_model_sync_steps", "seed"]
# The fixture: DAPO's preset with a cosine schedule and the reward the notebooks use.
SCRIPT = """seed 7
task arithmetic op=add digits=2 train=64 test=16 think=mixed
model new layers=1 dim=16 heads=2 ffn=32 max_pos=32
reward correct format=0.1 length=-0.01
rl steps=0 algo=dapo prompts=8 n=4 minibatches=4 schedule=cosine warmup=5 max_tokens=24
export recipe trl_recipe format=trl steps=200
"""


def load(folder):
    import yaml
    from datasets import load_dataset
    from trl import GRPOConfig
    with open(os.path.join(folder, "grpo_config.yaml")) as f:
        raw = yaml.safe_load(f)
    config = GRPOConfig(**raw)
    data = load_dataset("json", data_files={"train": os.path.join(folder, "train.jsonl"),
                                            "test": os.path.join(folder, "test.jsonl")})
    out = {k: getattr(config, k) for k in FIELDS}
    out["columns"] = data["train"].column_names
    out["rows"] = {"train": len(data["train"]), "test": len(data["test"])}
    return out


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--fixture":
        subprocess.run([os.path.join(ROOT, ".build", "release", "verity")], input=SCRIPT, text=True, cwd=HERE,
                       check=True, stdout=subprocess.DEVNULL)
        import trl
        checked = {"trl": trl.__version__, "config": load(os.path.join(HERE, "trl_recipe"))}
        with open(os.path.join(HERE, "trl_recipe_checked.json"), "w") as f:
            json.dump(checked, f, indent=1, sort_keys=True, default=str)
        print(json.dumps(checked, indent=1, default=str))
    elif len(sys.argv) == 2:
        print(json.dumps(load(sys.argv[1]), default=str))
    else:
        sys.exit(__doc__)


main()
