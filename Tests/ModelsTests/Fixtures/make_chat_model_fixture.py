#!/usr/bin/env python3
"""Builds a tiny chat model with `transformers` itself, for the chat-prompting parity test
(Tests/ModelsTests/ChatParityTests.swift) and notebooks/hf-model.md.

hf_qwen2_chat/ is a Qwen2 model (random weights, seeded; biases, tied embeddings, grouped-query
attention) saved with `save_pretrained`, and its tokenizer saved with the tokenizer's own
`save_pretrained`: the byte-level BPE of bpe_qwen2.json plus the special token `<|im_start|>`,
`<|im_end|>` as eos and the Qwen2.5 chat template (chat_templates/qwen2.5.jinja), so the folder holds
exactly the files a Qwen2.5-Instruct checkpoint has (config.json, generation_config.json,
model.safetensors, tokenizer.json, tokenizer_config.json, chat_template.jinja or the template
inside tokenizer_config.json, as this transformers version writes it).

chat_expected_ids.json records, for each conversation, what `apply_chat_template(…,
add_generation_prompt=True, tokenize=True)` gives and the ids `generate` (greedy, stopping at the
checkpoint's eos ids) continues with.

    pip install torch transformers tokenizers   # verified with torch 2.13.0+cpu, transformers 5.25.0
    python3 Tests/ModelsTests/Fixtures/make_chat_model_fixture.py

The notebook copy (notebooks/models/qwen2-chat-tiny) is written too.
"""
import json
import os
import shutil

import torch
import transformers
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OUT = os.path.join(HERE, "hf_qwen2_chat")
NOTEBOOK_COPY = os.path.join(ROOT, "notebooks", "models", "qwen2-chat-tiny")
GREEDY_TOKENS = 12

CONVERSATIONS = [
    {"system": None, "user": "What is 12+34?"},
    {"system": "Answer with a number.", "user": "12+34="},
    {"system": "Réponds en français 🙂", "user": "Combien font 7 × 8 ?\n  Merci."},
]


def main():
    torch.manual_seed(1)
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(HERE, "bpe_qwen2.json"))
    tok.add_special_tokens({"additional_special_tokens": ["<|im_start|>"]})
    tok.eos_token = "<|im_end|>"
    tok.pad_token = "<|endoftext|>"
    with open(os.path.join(HERE, "chat_templates", "qwen2.5.jinja"), encoding="utf-8") as f:
        tok.chat_template = f.read()
    vocab = len(tok)
    eos = tok.convert_tokens_to_ids("<|im_end|>")
    endoftext = tok.convert_tokens_to_ids("<|endoftext|>")
    config = Qwen2Config(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                         rms_norm_eps=1e-6, initializer_range=0.15, tie_word_embeddings=True,
                         bos_token_id=None, eos_token_id=[eos, endoftext], pad_token_id=endoftext,
                         rope_parameters={"rope_type": "default", "rope_theta": 1000000.0})
    model = Qwen2ForCausalLM(config).float().eval()
    model.generation_config.eos_token_id = [eos, endoftext]
    model.generation_config.pad_token_id = endoftext
    shutil.rmtree(OUT, ignore_errors=True)
    model.save_pretrained(OUT, safe_serialization=True)
    tok.save_pretrained(OUT)

    # Everything below reads the saved folder back, as a user of the checkpoint would.
    tok = transformers.AutoTokenizer.from_pretrained(OUT)
    model = transformers.AutoModelForCausalLM.from_pretrained(OUT).float().eval()
    cases = []
    for conv in CONVERSATIONS:
        messages = ([{"role": "system", "content": conv["system"]}] if conv["system"] else []) + \
                   [{"role": "user", "content": conv["user"]}]
        text = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        ids = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        if hasattr(ids, "keys"):
            ids = ids["input_ids"]
        ids = list(ids)
        assert ids == tok.encode(text, add_special_tokens=False)
        with torch.no_grad():
            out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                                 do_sample=False, max_new_tokens=GREEDY_TOKENS, output_scores=True,
                                 return_dict_in_generate=True)
        greedy = out.sequences[0, len(ids):].tolist()
        margin = min(float(s[0].topk(2).values[0] - s[0].topk(2).values[1]) for s in out.scores)
        cases.append({**conv, "text": text, "ids": ids, "greedy": greedy, "margin": margin})
        print(f"{len(ids)} prompt ids, greedy {greedy}, smallest top-2 margin {margin:.4f}")
    with open(os.path.join(HERE, "chat_expected_ids.json"), "w", encoding="utf-8") as f:
        json.dump({"transformers": transformers.__version__, "torch": torch.__version__, "files": sorted(os.listdir(OUT)),
                   "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    shutil.rmtree(NOTEBOOK_COPY, ignore_errors=True)
    shutil.copytree(OUT, NOTEBOOK_COPY)


if __name__ == "__main__":
    main()
