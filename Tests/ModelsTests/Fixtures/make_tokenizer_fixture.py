#!/usr/bin/env python3
"""Builds the byte-level BPE fixtures for Tests/ModelsTests/TokenizerBPETests.swift.

Trains three tiny byte-level BPE tokenizers with the Hugging Face `tokenizers` library, one per
pre-tokenizer style Verity implements, and records the ids `tokenizers` produces for a set of
probe texts. The Swift tests load each tokenizer.json and must reproduce the ids exactly and
decode them back to the text.

    pip install tokenizers        # verified with tokenizers 0.23.3
    python3 Tests/ModelsTests/Fixtures/make_tokenizer_fixture.py

Outputs (next to this script):
    bpe_gpt2.json, bpe_llama3.json, bpe_qwen2.json   the tokenizers
    bpe_expected.json                                 {"<name>": [{"text": ..., "ids": [...]}, ...]}
    pretokenizer_expected.json                        {"<name>": [{"text": ..., "pieces": [...]}, ...]}
"""
import json
import os
import random

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

HERE = os.path.dirname(os.path.abspath(__file__))

GPT2 = None  # ByteLevel(use_regex=True) uses the GPT-2 pattern internally
GPT2_REGEX = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
          r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
         r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

SPECIALS = ["<|endoftext|>", "<|im_end|>", "<think>", "</think>"]

CORPUS = [
    "The quick brown fox jumps over the lazy dog. It's 12345 o'clock, isn't it?",
    "Let's add 123 + 4567 = 4690; we'll check: 4690 - 123 = 4567. They're right, I'm sure.",
    "Solve: what is 17 * 23? Think step by step.\nThe answer is 391.\n\n",
    "def f(x):\n    return x ** 2  # squares\n\tindented with a tab\r\n",
    "Café, naïve, déjà vu — Grüße aus Köln! 漢字とかな、日本語のテキスト。Emoji: 🙂🚀✨",
    "   leading spaces and trailing spaces   \n  mixed \t whitespace \n\n\n end",
    "UPPER CASE WORDS DON'T MATTER, YOU'LL SEE; I'VE TRIED. HE'D SAY SO.",
    "numbers: 0 1 22 333 4444 55555 666666 3.14159 -42 1e10 ١٢٣ (Arabic digits) Ⅻ",
] * 20

PROBES = [
    "Hello world",
    "It's 2024, isn't it? I'M SURE they'LL come.",
    "12345678 + 9 = 12345687",
    "  two leading spaces, trailing   ",
    "line one\nline two\r\n\n\nline  three\t\ttabs \n",
    "Café déjà vu 漢字 🙂🚀 naïve",
    "<think>17 * 23 = 391</think>The answer is 391.<|im_end|>",
    "a<|endoftext|>b<think></think>",
    "x = f(y) ** 2  # comment!!! ...",
    "١٢٣ Ⅻ ½ ñ",
    "",
    " ",
    "\n",
    "zzzz qqqq unseen words: xylophone",
]


def build(name, split_regex, normalize):
    tok = Tokenizer(models.BPE())
    if normalize:
        tok.normalizer = normalizers.NFC()
    if split_regex is None:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    else:
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(split_regex), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=420, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS, trainer=trainer)
    path = os.path.join(HERE, f"bpe_{name}.json")
    tok.save(path)
    expected = []
    for text in PROBES:
        ids = tok.encode(text, add_special_tokens=False).ids
        decoded = tok.decode(ids, skip_special_tokens=False)
        expected.append({"text": text, "ids": ids, "decoded": decoded})
    return expected


# Awkward fragments for the pre-tokenizer differential test: Unicode letters, numbers and spaces
# of several kinds, contractions in both cases, CR/LF runs, combining marks.
FRAGMENTS = ["a", "Z", "é", "漢", " ", "  ", "\n", "\r\n", "\t", "'", "s", "t", "re", "LL", "D", "M", "ve",
             "1", "23", "4567", "٣", "Ⅻ", "½", ".", "!", "-", "_", "🙂", "\u00a0", "\u3000", "e\u0301",
             "\u017f", "\u212a", "\r", "\u2028"]


def pretokenizer_cases():
    rng = random.Random(1234)
    texts = ["".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 14))) for _ in range(400)]
    out = {}
    for name, regex in [("gpt2", GPT2_REGEX), ("llama3", LLAMA3), ("qwen2", QWEN2)]:
        split = pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False)
        out[name] = [{"text": t, "pieces": [p for p, _ in split.pre_tokenize_str(t)]} for t in texts]
    return out


def main():
    expected = {
        "gpt2": build("gpt2", GPT2, normalize=False),
        "llama3": build("llama3", LLAMA3, normalize=False),
        "qwen2": build("qwen2", QWEN2, normalize=True),
    }
    with open(os.path.join(HERE, "bpe_expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
    with open(os.path.join(HERE, "pretokenizer_expected.json"), "w", encoding="utf-8") as f:
        json.dump(pretokenizer_cases(), f, ensure_ascii=False, indent=0)


if __name__ == "__main__":
    main()
