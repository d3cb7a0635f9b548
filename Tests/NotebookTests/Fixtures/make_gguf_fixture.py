#!/usr/bin/env python3
"""Reference for `model save … format=gguf`, for Tests/NotebookTests/GGUFExportTests.swift.

1. Writes roundtrip_model.gguf from the Verity-trained checkpoint roundtrip_model/ with the `gguf`
   package (llama.cpp's own GGUF writer), following llama.cpp's conventions: tensor names, the q/k
   row permutation its "llama" architecture needs, a SentencePiece-style ("llama") vocabulary in
   which space is "▁", control tokens for <pad>/<bos>/<eos> and user-defined ones for the other
   specials. The Swift test checks that Verity writes the same bytes.
2. Loads Verity's own GGUF (written by the release build) in llama.cpp (llama-cpp-python) and
   records its greedy answers to the round-trip prompts in gguf_expected.json. The Swift test
   checks that Verity's local answers are the same ids.
3. Does the same for the `transformers`-made models of Tests/ModelsTests/Fixtures (byte-level BPE;
   Qwen2 with biases and tied embeddings, Llama with GQA and llama3 or linear rope scaling): Verity
   writes their GGUF, llama.cpp tokenizes the prompts, answers greedily and scores every position,
   and the largest log-probability difference to transformers' (hf_expected.json) is recorded.
   llama.cpp runs with a float32 KV cache (type_k=type_v=0): its default float16 cache moves
   log-probabilities by ~3e-3, which flips greedy choices whose top-2 margin is smaller.

    pip install gguf==0.19.0 llama-cpp-python==0.3.36 safetensors numpy
    swift build -c release && python3 Tests/NotebookTests/Fixtures/make_gguf_fixture.py
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from gguf import GGUFWriter, TokenType
from safetensors.numpy import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
MODEL = os.path.join(HERE, "roundtrip_model")


def permute(w, heads):
    """Hugging Face's rotate-half rows → llama.cpp's adjacent pairs, per head."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_reference(path):
    config = json.load(open(os.path.join(MODEL, "config.json")))
    tok = json.load(open(os.path.join(MODEL, "tokenizer.json")))
    weights = load_file(os.path.join(MODEL, "model.safetensors"))
    arch = "llama"
    w = GGUFWriter(path, arch)   # writes general.architecture first
    w.add_name("roundtrip_model")
    w.add_file_type(0)
    w.add_vocab_size(config["vocab_size"])
    w.add_context_length(config["max_position_embeddings"])
    w.add_embedding_length(config["hidden_size"])
    w.add_block_count(config["num_hidden_layers"])
    w.add_feed_forward_length(config["intermediate_size"])
    w.add_head_count(config["num_attention_heads"])
    w.add_head_count_kv(config["num_key_value_heads"])
    w.add_rope_dimension_count(config["hidden_size"] // config["num_attention_heads"])
    w.add_rope_freq_base(float(config["rope_theta"]))
    w.add_layer_norm_rms_eps(config["rms_norm_eps"])

    vocab = tok["model"]["vocab"]
    by_id = sorted(vocab.items(), key=lambda kv: kv[1])
    specials = {a["id"] for a in tok["added_tokens"]}
    control = {config["bos_token_id"], config["eos_token_id"], config["pad_token_id"]}
    tokens, types = [], []
    for text, i in by_id:
        if i in specials:
            tokens.append(text)
            types.append(TokenType.CONTROL if i in control else TokenType.USER_DEFINED)
        else:
            tokens.append(text.replace(" ", "\u2581"))
            types.append(TokenType.NORMAL)
    for i in range(len(tokens), config["vocab_size"]):
        tokens.append(f"[PAD{i}]")
        types.append(TokenType.UNUSED)
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_bos_token_id(config["bos_token_id"])
    w.add_eos_token_id(config["eos_token_id"])
    w.add_pad_token_id(config["pad_token_id"])
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)

    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]

    def put(name, hf, permute_heads=None):
        t = weights[hf].astype(np.float32)
        if permute_heads:
            t = permute(t, permute_heads)
        w.add_tensor(name, np.ascontiguousarray(t))

    put("token_embd.weight", "model.embed_tokens.weight")
    for layer in range(config["num_hidden_layers"]):
        hf, gg = f"model.layers.{layer}.", f"blk.{layer}."
        put(gg + "attn_norm.weight", hf + "input_layernorm.weight")
        put(gg + "attn_q.weight", hf + "self_attn.q_proj.weight", heads)
        put(gg + "attn_k.weight", hf + "self_attn.k_proj.weight", kv_heads)
        put(gg + "attn_v.weight", hf + "self_attn.v_proj.weight")
        put(gg + "attn_output.weight", hf + "self_attn.o_proj.weight")
        put(gg + "ffn_norm.weight", hf + "post_attention_layernorm.weight")
        put(gg + "ffn_gate.weight", hf + "mlp.gate_proj.weight")
        put(gg + "ffn_up.weight", hf + "mlp.up_proj.weight")
        put(gg + "ffn_down.weight", hf + "mlp.down_proj.weight")
    put("output_norm.weight", "model.norm.weight")
    put("output.weight", "lm_head.weight")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def log_softmax(x):
    x = np.asarray(x, dtype=np.float64)
    top = x.max()
    return x - top - np.log(np.exp(x - top).sum())


def llama_cpp_hf_model(gguf_path, prompts):
    """llama.cpp's tokenization, greedy continuation and log-probs for one transformers-made model."""
    from llama_cpp import Llama
    model = Llama(model_path=gguf_path, n_ctx=128, verbose=False, logits_all=True, type_k=0, type_v=0)
    rows, worst = [], 0.0
    for p in prompts:
        ids = p["ids"]
        tokenized = model.tokenize(p["text"].encode(), add_bos=False, special=True)
        model.reset()
        model.eval(ids)
        last = log_softmax(model.scores[len(ids) - 1])
        nxt = [log_softmax(model.scores[i])[ids[i + 1]] for i in range(len(ids) - 1)]
        worst = max(worst, float(np.abs(last - np.array(p["last_logprobs"])).max()),
                    float(np.abs(np.array(nxt) - np.array(p["next_logprobs"][:len(nxt)])).max()))
        model.reset()
        out = []
        for t in model.generate(ids, temp=0.0, top_k=1):
            out.append(t)
            if len(out) >= len(p["greedy"]):
                break
        rows.append({"text": p["text"], "tokenized": tokenized, "greedy": out})
    return {"max_logprob_difference": worst, "prompts": rows}


def llama_cpp_answers(gguf_path, prompts, max_new_tokens):
    from llama_cpp import Llama
    model = Llama(model_path=gguf_path, n_ctx=64, verbose=False, type_k=0, type_v=0)
    answers = []
    for prompt in prompts:
        ids = model.tokenize(prompt.encode(), add_bos=True, special=True)
        model.reset()
        out = []
        for t in model.generate(ids, temp=0.0, top_k=1):
            out.append(t)
            if t == model.token_eos() or len(out) >= max_new_tokens:
                break
        text = model.detokenize([t for t in out if t != model.token_eos()]).decode()
        answers.append({"prompt": prompt, "prompt_ids": ids, "answer_ids": out, "answer": text})
    return answers


def main():
    write_reference(os.path.join(HERE, "roundtrip_model.gguf"))
    roundtrip = json.load(open(os.path.join(HERE, "roundtrip_expected.json")))
    prompts = [a["prompt"] for a in roundtrip["answers"]]
    with tempfile.TemporaryDirectory() as scratch:
        script = os.path.join(scratch, "save.verity")
        with open(script, "w") as f:
            f.write(f"model load {MODEL}\nmodel save {scratch}/verity.gguf format=gguf\n")
        subprocess.run([os.path.join(ROOT, ".build", "release", "verity"), "run", script, "--allow", MODEL],
                       check=True, cwd=scratch, stdout=subprocess.DEVNULL)
        answers = llama_cpp_answers(os.path.join(scratch, "verity.gguf"), prompts, roundtrip["max_new_tokens"])
        models_fixtures = os.path.join(ROOT, "Tests", "ModelsTests", "Fixtures")
        hf_expected = json.load(open(os.path.join(models_fixtures, "hf_expected.json")))
        hf_models = {}
        for name in ["qwen2_tied", "llama_llama3", "llama_linear"]:
            with open(script, "w") as f:
                f.write(f"model load {models_fixtures}/hf_{name}\nmodel save {scratch}/{name}.gguf format=gguf\n")
            subprocess.run([os.path.join(ROOT, ".build", "release", "verity"), "run", script, "--allow", models_fixtures],
                           check=True, cwd=scratch, stdout=subprocess.DEVNULL)
            hf_models[name] = llama_cpp_hf_model(os.path.join(scratch, f"{name}.gguf"), hf_expected[name]["prompts"])
    import llama_cpp
    import gguf
    doc = {"llama_cpp_python": llama_cpp.__version__, "gguf": gguf.__version__ if hasattr(gguf, "__version__") else "0.19.0",
           "max_new_tokens": roundtrip["max_new_tokens"], "answers": answers, "hf_models": hf_models}
    with open(os.path.join(HERE, "gguf_expected.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    same = sum(a["answer_ids"] == r["answer_ids"] for a, r in zip(answers, roundtrip["answers"]))
    print(f"llama.cpp on Verity's GGUF: {same}/{len(answers)} greedy answers equal transformers' on the checkpoint")
    for name, result in hf_models.items():
        greedy = sum(r["greedy"] == p["greedy"] for r, p in zip(result["prompts"], hf_expected[name]["prompts"]))
        print(f"{name}: greedy {greedy}/{len(result['prompts'])} as transformers, "
              f"max |log-prob difference| {result['max_logprob_difference']:.1e}")


if __name__ == "__main__":
    sys.exit(main())
