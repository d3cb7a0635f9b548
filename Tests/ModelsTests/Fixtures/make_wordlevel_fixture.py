#!/usr/bin/env python3
"""Word-level tokenizers made and run by `tokenizers` itself, for Tests/ModelsTests/WordLevelTests.swift.

Two WordLevel tokenizers trained with `tokenizers`' WordLevelTrainer on a small corpus: one with a
Whitespace pre-tokenizer, a Lowercase normalizer and no decoder (tokens joined by spaces), one with
a BertPreTokenizer and a Fuse decoder; each with an [UNK] token and added special tokens. For each,
the encodings (ids) and decodings of texts with punctuation, unknown words, special tokens, accents,
digits and odd whitespace are recorded.

    pip install tokenizers   # verified with tokenizers 0.23.3
    python3 Tests/ModelsTests/Fixtures/make_wordlevel_fixture.py

Outputs: wordlevel_whitespace.json, wordlevel_bert.json (the tokenizer.json files) and
wordlevel_expected.json = {"<name>": [{"text", "ids", "decoded"}]}.
"""
import json
import os

import tokenizers
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers
from tokenizers.models import WordLevel
from tokenizers.trainers import WordLevelTrainer

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = [
    "The answer is 42 .", "What is 12 plus 34 ? The answer is 46 .", "Café au lait, s'il vous plaît!",
    "x_1 = y-2 (approximately) ; done.", "Think step by step: first add, then carry.", "the THE The tHe",
]
TEXTS = [
    "The answer is 46.", "what is 12 plus 34?", "Café!! unknownword x_1", "<think> step </think> 46 <eos>",
    "  tabs\tand\nnewlines  ", "s'il vous plaît", "(approximately)-done;", "",
]


def build(name, pre, norm, decoder):
    tok = Tokenizer(WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre
    if norm is not None:
        tok.normalizer = norm
    if decoder is not None:
        tok.decoder = decoder
    trainer = WordLevelTrainer(special_tokens=["[UNK]", "<pad>", "<eos>", "<think>", "</think>"])
    tok.train_from_iterator(CORPUS, trainer)
    path = os.path.join(HERE, f"wordlevel_{name}.json")
    tok.save(path)
    tok = Tokenizer.from_file(path)
    return [{"text": t, "ids": tok.encode(t).ids, "decoded": tok.decode(tok.encode(t).ids, skip_special_tokens=False)}
            for t in TEXTS]


expected = {
    "tokenizers": tokenizers.__version__,
    "whitespace": build("whitespace", pre_tokenizers.Whitespace(), normalizers.Lowercase(), None),
    "bert": build("bert", pre_tokenizers.BertPreTokenizer(), None, decoders.Fuse()),
}
with open(os.path.join(HERE, "wordlevel_expected.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, ensure_ascii=False, indent=1)
    f.write("\n")
for name in ["whitespace", "bert"]:
    for case in expected[name][:4]:
        print(name, case)
