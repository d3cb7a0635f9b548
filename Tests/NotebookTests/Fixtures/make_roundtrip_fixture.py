#!/usr/bin/env python3
"""Checks that a checkpoint Verity trains and saves works in standard Hugging Face usage, and records
what `transformers` answers, for Tests/NotebookTests/HuggingFaceRoundTripTests.swift.

1. Verity (the release build) trains a tiny model on 2-digit addition (SFT) and saves it as
   roundtrip_model/ with `model save`.
2. `transformers` loads that folder the standard way, AutoTokenizer + AutoModelForCausalLM, and
   answers held-out prompts greedily with `generate` (do_sample=False); its prompt ids (which must
   start with <bos>, added by the saved tokenizer's post-processor) and answers go to
   roundtrip_expected.json.
The Swift test then checks that Verity's own greedy answers on that checkpoint are the same ids and
that `model save` still writes the same tokenizer and companion files.

    pip install torch transformers   # verified with torch 2.13.0+cpu, transformers 5.25.0
    swift build -c release && python3 Tests/NotebookTests/Fixtures/make_roundtrip_fixture.py
    python3 Tests/NotebookTests/Fixtures/make_roundtrip_fixture.py --answer DIR   # print answers as JSON
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PROMPTS = ["12+34=", "57+68=", "90+9=", "41+59=", "3+77=", "66+66=", "25+18=", "80+14="]
MAX_NEW_TOKENS = 40
SCRIPT = """seed 1
task arithmetic op=add digits=2 train=3000 test=200 think=mixed
model new layers=2 dim=64 heads=4 ffn=176 max_pos=64
sft steps=1500 batch=32 lr=5e-3 warmup=20 source=mixed:0.5
model save roundtrip_model
"""


def answer(folder):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder).float().eval()
    out = []
    for prompt in PROMPTS:
        enc = tok(prompt, return_tensors="pt")
        with torch.no_grad():
            ids = model.generate(**enc, do_sample=False, max_new_tokens=MAX_NEW_TOKENS)
        new = ids[0, enc.input_ids.shape[1]:].tolist()
        out.append({"prompt": prompt, "prompt_ids": enc.input_ids[0].tolist(), "answer_ids": new,
                    "answer": tok.decode(new, skip_special_tokens=True)})
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--answer":
        print(json.dumps(answer(sys.argv[2])))
        return
    shutil.rmtree(os.path.join(HERE, "roundtrip_model"), ignore_errors=True)
    subprocess.run([os.path.join(ROOT, ".build", "release", "verity")], input=SCRIPT, text=True, cwd=HERE,
                   check=True, stdout=subprocess.DEVNULL)
    answers = answer(os.path.join(HERE, "roundtrip_model"))
    for a in answers:
        print(a["prompt"], "→", repr(a["answer"]), a["prompt_ids"][:2], "…")
    with open(os.path.join(HERE, "roundtrip_expected.json"), "w") as f:
        json.dump({"max_new_tokens": MAX_NEW_TOKENS, "answers": answers}, f, separators=(",", ":"))


main()
