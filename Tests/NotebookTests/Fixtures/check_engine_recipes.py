#!/usr/bin/env python3
"""Loads the recipes written by `export recipe DIR format=verl` and `format=openrlhf` with the engines'
own code, for Tests/NotebookTests/ExportRecipeTests.swift.

    python3 check_engine_recipes.py --fixture   # exports the fixture recipes with the release build of
                                                # verity into verl_recipe/ and openrlhf_recipe/, loads
                                                # them, writes engine_recipes_checked.json

veRL (verified with verl 0.9.1, hydra-core 1.3.8): verl_config.yaml is composed by Hydra on top of
veRL's own ppo_trainer config (the `defaults` and `hydra.searchpath` it declares), and its actor,
rollout and algorithm sections are turned into veRL's config dataclasses, which validate them
(`omega_conf_to_dataclass`). train.json is read with `datasets` as veRL's RLHFDataset reads a .json
file. verity_reward.py is imported and its `compute_score` called as veRL calls it, against a live
`verity serve --reward` of the same setup.

OpenRLHF (verified with openrlhf 0.11.2): the flags of train_openrlhf.sh are parsed by the argument
parser and validation code of OpenRLHF's own `openrlhf/cli/train_ppo_ray.py` (its `__main__` block,
run without the final `train(args)` call, so no cluster is needed), then hierarchized as OpenRLHF does.
"""
import ast
from importlib import metadata
import json
import os
import shlex
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # importing verity_reward.py must leave no __pycache__ in the fixture
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
VERITY = os.path.join(ROOT, ".build", "release", "verity")
SETUP = """seed 7
task arithmetic op=add digits=2 train=64 test=16 think=mixed
model new layers=1 dim=16 heads=2 ffn=32 max_pos=32
reward correct format=0.1 length=-0.01
rl steps=0 algo=dapo prompts=8 n=4 minibatches=4 schedule=cosine warmup=5 max_tokens=24
"""
EXPORTS = """export recipe verl_recipe format=verl steps=200 model=Qwen/Qwen2.5-0.5B-Instruct reward_url=http://127.0.0.1:{port}/get_reward
export recipe openrlhf_recipe format=openrlhf steps=200 model=Qwen/Qwen2.5-0.5B-Instruct reward_url=http://127.0.0.1:{port}/get_reward
"""
PORT = 18765


def check_verl(folder, port):
    import datasets
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf
    from verl.utils.config import omega_conf_to_dataclass
    with initialize_config_dir(config_dir=os.path.abspath(folder), version_base=None):
        cfg = compose(config_name="verl_config")
    actor = omega_conf_to_dataclass(cfg.actor_rollout_ref.actor)
    rollout = omega_conf_to_dataclass(cfg.actor_rollout_ref.rollout)
    algorithm = omega_conf_to_dataclass(cfg.algorithm)
    data = datasets.load_dataset("json", data_files={"train": os.path.join(folder, "train.json"),
                                                     "test": os.path.join(folder, "test.json")})
    sys.path.insert(0, folder)
    import verity_reward
    row = data["train"][0]
    answer = row["reward_model"]["ground_truth"]
    right = verity_reward.compute_score(row["data_source"], "<think></think>" + answer, answer, row["extra_info"])
    wrong = verity_reward.compute_score(row["data_source"], "<think></think>" + answer + "9", answer, row["extra_info"])
    return {
        "actor": {k: getattr(actor, k) for k in ["ppo_mini_batch_size", "ppo_epochs", "clip_ratio_low", "clip_ratio_high",
                                                  "clip_ratio_c", "loss_agg_mode", "entropy_coeff", "use_kl_loss",
                                                  "kl_loss_coef", "kl_loss_type", "grad_clip"]},
        "optim": {k: getattr(actor.optim, k) for k in ["lr", "betas", "weight_decay", "lr_warmup_steps",
                                                        "lr_scheduler_type", "min_lr_ratio"]},
        "rollout": {k: getattr(rollout, k) for k in ["n", "temperature", "top_p", "top_k", "response_length"]},
        "algorithm": {k: getattr(algorithm, k) for k in ["adv_estimator", "norm_adv_by_std_in_grpo", "use_kl_in_reward"]},
        "data": {k: OmegaConf.to_container(cfg.data)[k] for k in ["train_files", "val_files", "prompt_key",
                                                                   "max_response_length", "train_batch_size"]},
        "trainer": {"total_training_steps": cfg.trainer.total_training_steps},
        "columns": sorted(data["train"].column_names),
        "rows": {"train": len(data["train"]), "test": len(data["test"])},
        "reward_right": right, "reward_wrong": wrong,
    }


def check_openrlhf(folder):
    import argparse
    import datetime
    import importlib.util
    import types
    import openrlhf
    package = os.path.dirname(openrlhf.__file__)
    with open(os.path.join(folder, "train_openrlhf.sh")) as f:
        script = f.read()
    command = script.split("python3 -m openrlhf.cli.train_ppo_ray", 1)[1].split("\n\n", 1)[0]
    argv = shlex.split(command.replace("\\\n", " ").replace('"$VERITY_REWARD_URL"', "http://127.0.0.1:8000/get_reward"))
    # OpenRLHF's own config helpers, without importing the package (which needs a GPU stack).
    spec = importlib.util.spec_from_file_location("openrlhf.utils.config", os.path.join(package, "utils", "config.py"))
    config = importlib.util.module_from_spec(spec)
    sys.modules.update({"openrlhf": types.ModuleType("openrlhf"), "openrlhf.utils": types.ModuleType("openrlhf.utils"),
                        "openrlhf.utils.config": config})
    spec.loader.exec_module(config)
    with open(os.path.join(package, "cli", "train_ppo_ray.py")) as f:
        tree = ast.parse(f.read())
    main = next(n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test))
    body = [s for s in main.body if not (isinstance(s, ast.Expr) and "train(args)" in ast.unparse(s))]
    namespace = {"argparse": argparse, "os": os, "datetime": datetime.datetime, "__name__": "__check__"}
    sys.argv = ["train_ppo_ray"] + argv
    exec(compile(ast.Module(body=body, type_ignores=[]), "train_ppo_ray.py", "exec"), namespace)
    args = namespace["args"]
    pick = {
        "rollout": ["batch_size", "n_samples_per_prompt", "max_new_tokens", "temperature", "top_p"],
        "train": ["batch_size", "max_epochs", "num_episodes", "seed"],
        "actor": ["eps_clip_low_high", "dual_clip", "entropy_coef", "max_norm", "lr_scheduler", "lr_warmup_ratio",
                  "min_lr_ratio", "model_name_or_path"],
        "algo": ["dynamic_filtering_enable", "dynamic_filtering_range"],
        "data": ["prompt_dataset", "input_key", "label_key", "apply_chat_template"],
        "reward": ["remote_url"],
    }
    out = {section: {k: getattr(getattr(args, section), k) for k in keys} for section, keys in pick.items()}
    out["adam"] = {k: getattr(args.actor.adam, k) for k in ["lr", "betas", "eps", "weight_decay"]}
    out["advantage"] = {"estimator": args.algo.advantage.estimator}
    out["kl"] = {k: getattr(args.algo.kl, k) for k in ["init_coef", "use_loss", "estimator"]}
    return out


def main():
    if sys.argv[1:] != ["--fixture"]:
        sys.exit(__doc__)
    setup = os.path.join(HERE, "engine_recipe_setup.verity")
    with open(setup, "w") as f:
        f.write(SETUP)
    subprocess.run([VERITY], input=SETUP + EXPORTS.format(port=PORT), text=True, cwd=HERE, check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([VERITY, "serve", "--reward", setup, "--port", str(PORT)], cwd=HERE,
                              stdout=subprocess.PIPE, text=True)
    try:
        for line in server.stdout:
            if line.startswith("listening on"):
                break
        import verl
        import openrlhf
        checked = {"verl": check_verl(os.path.join(HERE, "verl_recipe"), PORT),
                   "openrlhf": check_openrlhf(os.path.join(HERE, "openrlhf_recipe")),
                   "versions": {"verl": metadata.version("verl"), "openrlhf": metadata.version("openrlhf")}}
    finally:
        server.terminate()
        server.wait()
    with open(os.path.join(HERE, "engine_recipes_checked.json"), "w") as f:
        json.dump(checked, f, indent=1, sort_keys=True, default=str)
    print(json.dumps(checked, indent=1, default=str))


main()
