#!/usr/bin/env python3
"""PyTorch eager reference for `verity bench`: the same three configurations, the same definitions.

- training tokens/s: B*T tokens per (forward + cross-entropy + backward + grad clip + AdamW step),
  over 3 timed steps after 1 warm-up step;
- sampling tokens/s at B = 1, 16, 64: each sequence has a 1-token prompt and generates T-1 tokens
  at temperature 1 with a preallocated KV cache (prefill included), no stop token;
- sgemm 2048^2 GFLOP/s (torch.mm), median of 5.

CPU only, torch.set_num_threads(2). Run: python3 bench/torch_reference.py

`--qwen05 DIR` measures `transformers` (Qwen2ForCausalLM, eager, float32) on the checkpoint that
`verity bench --config qwen05` saved in DIR (the Qwen2.5-0.5B shape, random weights): load time and
the resident memory it adds (`from_pretrained`, in this fresh process), then sampling at B = 1 and 16
with `generate` (temperature 1, 32 new tokens after a one-token prompt, no stop: min_new_tokens),
KV cache included. Needs transformers as well as torch.
"""
import os
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)

CASES = [
    # name, vocab, dim, layers, heads, kv heads, ffn, T, B
    ("tiny", 32, 128, 4, 4, 4, 512, 64, 64),
    ("small", 32, 256, 6, 8, 8, 1024, 128, 32),
    ("s15m", 32000, 288, 6, 6, 6, 768, 256, 8),
]


class RMSNorm(torch.nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Layer(torch.nn.Module):
    def __init__(self, dim, heads, kv_heads, ffn):
        super().__init__()
        self.h, self.kvh, self.hd = heads, kv_heads, dim // heads
        self.input_layernorm = RMSNorm(dim)
        self.q_proj = torch.nn.Linear(dim, dim, bias=False)
        self.k_proj = torch.nn.Linear(dim, kv_heads * self.hd, bias=False)
        self.v_proj = torch.nn.Linear(dim, kv_heads * self.hd, bias=False)
        self.o_proj = torch.nn.Linear(dim, dim, bias=False)
        self.post_attention_layernorm = RMSNorm(dim)
        self.gate_proj = torch.nn.Linear(dim, ffn, bias=False)
        self.up_proj = torch.nn.Linear(dim, ffn, bias=False)
        self.down_proj = torch.nn.Linear(ffn, dim, bias=False)

    def forward(self, x, cos, sin, cache=None, pos=0):
        B, T, C = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(B, T, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(B, T, self.kvh, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(B, T, self.kvh, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            kc, vc = cache
            kc[:, :, pos:pos + T] = k
            vc[:, :, pos:pos + T] = v
            k, v = kc[:, :, :pos + T], vc[:, :, :pos + T]
        if self.kvh != self.h:
            k = k.repeat_interleave(self.h // self.kvh, dim=1)
            v = v.repeat_interleave(self.h // self.kvh, dim=1)
        o = F.scaled_dot_product_attention(q, k, v, is_causal=(cache is None or T > 1))
        x = x + self.o_proj(o.transpose(1, 2).reshape(B, T, C))
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Model(torch.nn.Module):
    def __init__(self, vocab, dim, layers, heads, kv_heads, ffn):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(vocab, dim)
        self.layers = torch.nn.ModuleList([Layer(dim, heads, kv_heads, ffn) for _ in range(layers)])
        self.norm = RMSNorm(dim)
        self.lm_head = torch.nn.Linear(dim, vocab, bias=False)
        hd = dim // heads
        inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
        f = torch.outer(torch.arange(4096).float(), inv)
        emb = torch.cat((f, f), -1)
        self.cos, self.sin = emb.cos(), emb.sin()
        for p in self.parameters():
            if p.dim() > 1:
                torch.nn.init.normal_(p, std=0.02)

    def forward(self, ids, caches=None, pos=0):
        T = ids.shape[1]
        cos, sin = self.cos[pos:pos + T], self.sin[pos:pos + T]
        x = self.embed_tokens(ids)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, None if caches is None else caches[i], pos)
        return self.lm_head(self.norm(x))


def bench_training(model, V, T, B, steps=3):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    data = torch.randint(0, V, (B, T + 1))
    x, y = data[:, :-1], data[:, 1:]

    def step():
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return B * T * steps / (time.perf_counter() - t0)


@torch.no_grad()
def bench_sampling(model, layers, kvh, hd, T, B):
    new = T - 1
    caches = [(torch.zeros(B, kvh, T, hd), torch.zeros(B, kvh, T, hd)) for _ in range(layers)]
    ids = torch.ones(B, 1, dtype=torch.long)
    t0 = time.perf_counter()
    logits = model(ids, caches, 0)[:, -1]
    n = 0
    for pos in range(1, new + 1):
        probs = torch.softmax(logits, -1)
        nxt = torch.multinomial(probs, 1)
        n += B
        if pos == new:
            break
        logits = model(nxt, caches, pos)[:, -1]
    return n / (time.perf_counter() - t0)


def sgemm_gflops(n=2048, repeats=5):
    a, b = torch.rand(n, n) - 0.5, torch.rand(n, n) - 0.5
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b)
        rates.append(2 * n ** 3 / (time.perf_counter() - t0) * 1e-9)
    return sorted(rates)[len(rates) // 2]


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def qwen05(directory, new_tokens=32, batches=(1, 16)):
    import resource
    import transformers
    before = resident_bytes()
    t0 = time.perf_counter()
    model = transformers.AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32).eval()
    load = time.perf_counter() - t0
    added = resident_bytes() - before
    params = sum(p.numel() for p in model.parameters())
    print(f"transformers {transformers.__version__}, torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"qwen05: {params} parameters, load {load:.1f} s, +{added >> 20} MiB resident, "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10} MiB")
    with torch.no_grad():
        model.generate(torch.ones(1, 1, dtype=torch.long), do_sample=True, max_new_tokens=2, min_new_tokens=2)
        for b in batches:
            ids = torch.ones(b, 1, dtype=torch.long)
            t0 = time.perf_counter()
            out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=True, temperature=1.0, top_k=0,
                                 max_new_tokens=new_tokens, min_new_tokens=new_tokens, pad_token_id=0)
            n = (out.shape[1] - 1) * b
            print(f"qwen05: sampling B={b} {n / (time.perf_counter() - t0):.1f} tok/s", flush=True)
    print(f"qwen05: peak resident memory after sampling {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10} MiB "
          "(the weights are memory-mapped by from_pretrained and become resident as they are read)")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--qwen05":
        qwen05(sys.argv[2])
        return
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, sgemm 2048^2 {sgemm_gflops():.0f} GFLOP/s")
    print(f"{'config':8} {'params':>10} {'train tok/s':>12} {'B=1':>9} {'B=16':>9} {'B=64':>9}")
    only = set(sys.argv[1:])  # optional config names, e.g. `tiny small`
    for name, V, C, L, H, KVH, Fd, T, B in CASES:
        if only and name not in only:
            continue
        model = Model(V, C, L, H, KVH, Fd)
        params = sum(p.numel() for p in model.parameters())
        train = bench_training(model, V, T, B)
        model.eval()
        bench_sampling(model, L, KVH, C // H, 8, 1)  # warm-up
        samp = [bench_sampling(model, L, KVH, C // H, T, b) for b in (1, 16, 64)]
        print(f"{name:8} {params:>10} {train:>12.0f} {samp[0]:>9.0f} {samp[1]:>9.0f} {samp[2]:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
