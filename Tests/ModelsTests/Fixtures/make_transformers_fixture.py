#!/usr/bin/env python3
"""Builds tiny checkpoints with `transformers` itself, for Tests/ModelsTests/TransformersParityTests.swift.

Each model is made by `transformers` (random weights, seeded), saved with `save_pretrained` exactly
as the library writes it, given the byte-level BPE tokenizer `bpe_qwen2.json` (trained with
`tokenizers`), and run by `transformers` to record what Verity must reproduce:

    llama_llama3  Llama with grouped-query attention (4 heads, 2 kv heads), rope_theta 5e5 and a
                  llama3 rope scaling, in the 5.x config form (`rope_parameters`, `dtype`)
    llama_linear  Llama with a linear rope scaling, its config rewritten in the 4.x form
                  (`rope_theta` and `rope_scaling: {"type": "linear"}` at the top level,
                  `torch_dtype`), as checkpoints made before transformers 5 have it
    qwen2_tied    Qwen2 with q/k/v biases and tied embeddings

Also `llama_llama3_legacy_config.json`: the llama_llama3 config in the 4.x form (`rope_theta`,
`rope_scaling`), which must decode to the same configuration.

    pip install torch transformers tokenizers   # verified with torch 2.13.0+cpu, transformers 5.25.0
    python3 Tests/ModelsTests/Fixtures/make_transformers_fixture.py

Outputs (next to this script): hf_<name>/ (config.json, model.safetensors, tokenizer.json) and
hf_expected.json = {"<name>": {"prompts": [{"text", "ids", "next_logprobs" (log p of each next prompt
token, T − 1 values: every position), "last_logprobs" (log-softmax over the whole vocabulary after the
prompt), "greedy" (ids from generate, do_sample=False), "margin" (smallest gap between the two most
likely tokens along the greedy path)}], "config": {...}}}.
"""
import json
import os
import shutil

import torch
import transformers
from tokenizers import Tokenizer
from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER = os.path.join(HERE, "bpe_qwen2.json")
PROMPTS = [
    "Solve: what is 17 * 23? Think step by step.\nThe answer is",
    "Café, naïve — Grüße aus Köln! 漢字とかな 🙂🚀 and   spaces\t\n end",
    "def f(x):\n    return x ** 2  # squares, then 12345 + 678 = 13023 and more text to pass position 32",
]
GREEDY_TOKENS = 16

torch.manual_seed(0)
tok = Tokenizer.from_file(TOKENIZER)
VOCAB = tok.get_vocab_size()
EOS = tok.token_to_id("<|endoftext|>")


def common(**extra):
    return dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                num_attention_heads=4, max_position_embeddings=128, rms_norm_eps=1e-6,
                initializer_range=0.15, eos_token_id=EOS, bos_token_id=None, pad_token_id=None, **extra)


def build(name):
    if name == "llama_llama3":
        config = LlamaConfig(**common(num_key_value_heads=2, tie_word_embeddings=False,
                                      rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                                                       "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                       "original_max_position_embeddings": 16}))
        return LlamaForCausalLM(config)
    if name == "llama_linear":
        config = LlamaConfig(**common(num_key_value_heads=4, tie_word_embeddings=False,
                                      rope_parameters={"rope_type": "linear", "rope_theta": 10000.0, "factor": 4.0}))
        return LlamaForCausalLM(config)
    if name == "qwen2_tied":
        config = Qwen2Config(**common(num_key_value_heads=2, tie_word_embeddings=True,
                                      rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}))
        return Qwen2ForCausalLM(config)
    raise ValueError(name)


def legacy(config_json):
    """The 4.x form of a 5.x config.json: rope settings at the top level, torch_dtype."""
    c = dict(config_json)
    rope = dict(c.pop("rope_parameters"))
    c["rope_theta"] = rope.pop("rope_theta")
    kind = rope.pop("rope_type")
    c["rope_scaling"] = None if kind == "default" else {"type": kind, **rope}
    if "dtype" in c:
        c["torch_dtype"] = c.pop("dtype")
    return c


def record(name):
    model = build(name).float().eval()
    out = os.path.join(HERE, f"hf_{name}")
    shutil.rmtree(out, ignore_errors=True)
    model.save_pretrained(out, safe_serialization=True)
    shutil.copyfile(TOKENIZER, os.path.join(out, "tokenizer.json"))
    path = os.path.join(out, "config.json")
    with open(path) as f:
        config_json = json.load(f)
    if name == "llama_linear":
        config_json = legacy(config_json)
        with open(path, "w") as f:
            json.dump(config_json, f, indent=2, sort_keys=True)
        # The rewritten file must mean the same model to transformers.
        reread = LlamaForCausalLM.from_pretrained(out).eval()
        for a, b in zip(model.state_dict().values(), reread.state_dict().values()):
            assert torch.equal(a, b)
        model = reread
    if name == "llama_llama3":
        with open(os.path.join(HERE, "hf_llama_llama3_legacy_config.json"), "w") as f:
            json.dump(legacy(config_json), f, indent=2, sort_keys=True)
    prompts = []
    for text in PROMPTS:
        ids = tok.encode(text).ids
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0].float()
            logprobs = torch.log_softmax(logits, dim=-1)
            generated = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                                       do_sample=False, max_new_tokens=GREEDY_TOKENS, eos_token_id=None,
                                       pad_token_id=0, output_scores=True, return_dict_in_generate=True)
        greedy = generated.sequences[0, len(ids):].tolist()
        margin = min(float((s[0].topk(2).values[0] - s[0].topk(2).values[1])) for s in generated.scores)
        nxt = [float(logprobs[t, ids[t + 1]]) for t in range(len(ids) - 1)]
        prompts.append({"text": text, "ids": ids, "next_logprobs": nxt, "last_logprobs": logprobs[-1].tolist(),
                        "greedy": greedy, "margin": margin})
        print(f"{name}: {len(ids)} prompt tokens, greedy {greedy[:6]}…, smallest top-2 margin {margin:.4f}")
    return {"prompts": prompts, "config": config_json}


expected = {"transformers": transformers.__version__, "torch": torch.__version__}
for name in ["llama_llama3", "llama_linear", "qwen2_tied"]:
    expected[name] = record(name)
with open(os.path.join(HERE, "hf_expected.json"), "w") as f:
    json.dump(expected, f, separators=(",", ":"))
