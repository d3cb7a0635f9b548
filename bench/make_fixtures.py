#!/usr/bin/env python3
"""Writes Tests/ModelsTests/Fixtures/reference_*.json: a tiny Llama-style decoder in plain PyTorch
(Hugging Face tensor names, rotate_half RoPE, GQA, q/k/v biases), its weights, a right-padded
batch, logits, per-token log-probs and entropies at a temperature, a loss and every parameter's
gradient. The Swift tests load the fixtures and compare (Tests/ModelsTests/TorchReferenceTests).

Run from the repository root:  python3 bench/make_fixtures.py
"""
import json
import math
import os

import torch

torch.manual_seed(1234)


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Decoder(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        C, V, F = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
        H, KVH = cfg["num_attention_heads"], cfg["num_key_value_heads"]
        hd = C // H
        bias = cfg["attention_bias"]
        p = {}
        def w(*shape, std=0.2):
            return torch.nn.Parameter(torch.randn(*shape) * std)
        p["model.embed_tokens.weight"] = w(V, C, std=1.0)
        for l in range(cfg["num_hidden_layers"]):
            pre = f"model.layers.{l}."
            p[pre + "input_layernorm.weight"] = torch.nn.Parameter(1 + 0.1 * torch.randn(C))
            p[pre + "self_attn.q_proj.weight"] = w(C, C)
            p[pre + "self_attn.k_proj.weight"] = w(KVH * hd, C)
            p[pre + "self_attn.v_proj.weight"] = w(KVH * hd, C)
            if bias:
                p[pre + "self_attn.q_proj.bias"] = w(C, std=0.1)
                p[pre + "self_attn.k_proj.bias"] = w(KVH * hd, std=0.1)
                p[pre + "self_attn.v_proj.bias"] = w(KVH * hd, std=0.1)
            p[pre + "self_attn.o_proj.weight"] = w(C, C)
            p[pre + "post_attention_layernorm.weight"] = torch.nn.Parameter(1 + 0.1 * torch.randn(C))
            p[pre + "mlp.gate_proj.weight"] = w(F, C)
            p[pre + "mlp.up_proj.weight"] = w(F, C)
            p[pre + "mlp.down_proj.weight"] = w(C, F)
        p["model.norm.weight"] = torch.nn.Parameter(1 + 0.1 * torch.randn(C))
        if not cfg["tie_word_embeddings"]:
            p["lm_head.weight"] = w(V, C)
        self.p = torch.nn.ParameterDict({k.replace(".", "__"): v for k, v in p.items()})
        self.names = list(p.keys())

    def get(self, name):
        return self.p[name.replace(".", "__")]

    def forward(self, ids):
        cfg = self.cfg
        B, T = ids.shape
        C, H, KVH = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
        hd = C // H
        eps = cfg["rms_norm_eps"]
        inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
        pos = torch.arange(T).float()
        freqs = torch.outer(pos, inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        x = self.get("model.embed_tokens.weight")[ids]
        mask = torch.full((T, T), float("-inf")).triu(1)
        for l in range(cfg["num_hidden_layers"]):
            pre = f"model.layers.{l}."
            h = rms_norm(x, self.get(pre + "input_layernorm.weight"), eps)
            def proj(name):
                y = h @ self.get(pre + f"self_attn.{name}.weight").T
                if cfg["attention_bias"]:
                    y = y + self.get(pre + f"self_attn.{name}.bias")
                return y
            q = proj("q_proj").view(B, T, H, hd).transpose(1, 2)
            k = proj("k_proj").view(B, T, KVH, hd).transpose(1, 2)
            v = proj("v_proj").view(B, T, KVH, hd).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            k = k.repeat_interleave(H // KVH, dim=1)
            v = v.repeat_interleave(H // KVH, dim=1)
            att = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
            o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
            x = x + o @ self.get(pre + "self_attn.o_proj.weight").T
            h = rms_norm(x, self.get(pre + "post_attention_layernorm.weight"), eps)
            g = h @ self.get(pre + "mlp.gate_proj.weight").T
            u = h @ self.get(pre + "mlp.up_proj.weight").T
            x = x + (torch.nn.functional.silu(g) * u) @ self.get(pre + "mlp.down_proj.weight").T
        x = rms_norm(x, self.get("model.norm.weight"), eps)
        head = self.get("model.embed_tokens.weight") if cfg["tie_word_embeddings"] else self.get("lm_head.weight")
        return x @ head.T


def make(name, cfg, temperature, entropy_coef):
    model = Decoder(cfg)
    B, T = 2, 9
    ids = torch.randint(0, cfg["vocab_size"], (B, T + 1))
    inputs = ids[:, :-1].clone()
    targets = ids[:, 1:].clone()
    # Row 1 is right-padded: its last 3 positions are padding (input 0, target ignored).
    inputs[1, T - 3:] = 0
    targets[1, T - 3:] = -1
    targets[0, 0] = -1  # an ignored prompt position
    logits = model(inputs)
    z = logits / temperature
    logp = z.log_softmax(-1)
    valid = targets >= 0
    lp = logp.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1) * valid
    ent = -(logp.exp() * logp).sum(-1) * valid
    n = valid.sum()
    loss = -lp.sum() / n - entropy_coef * ent.sum() / n
    loss.backward()
    flat = lambda t: [round(float(v), 7) for v in t.detach().reshape(-1).tolist()]
    doc = {
        "config": dict(cfg),
        "temperature": temperature,
        "entropy_coef": entropy_coef,
        "rows": B, "length": T,
        "inputs": inputs.reshape(-1).tolist(),
        "targets": targets.reshape(-1).tolist(),
        "weights": {k: {"shape": list(model.get(k).shape), "values": flat(model.get(k))} for k in model.names},
        "logits": flat(logits),
        "logprobs": flat(lp),
        "entropies": flat(ent),
        "loss": float(loss.detach()),
        "gradients": {k: flat(model.get(k).grad) for k in model.names},
    }
    path = os.path.join("Tests", "ModelsTests", "Fixtures", f"reference_{name}.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    os.replace(tmp, path)
    print(path, os.path.getsize(path), "bytes, loss", float(loss.detach()))


base = {
    "vocab_size": 37, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
    "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
    "max_position_embeddings": 64, "tie_word_embeddings": False, "attention_bias": True,
    "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "torch_dtype": "float32",
    "some_unknown_key": 3,
}
make("qwen2_gqa_bias", base, temperature=0.8, entropy_coef=0.05)
tied = dict(base, attention_bias=False, tie_word_embeddings=True, num_key_value_heads=4, model_type="llama",
            architectures=["LlamaForCausalLM"])
make("llama_tied", tied, temperature=1.0, entropy_coef=0.0)
