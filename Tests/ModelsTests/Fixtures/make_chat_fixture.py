#!/usr/bin/env python3
"""Renders chat templates with the renderer `transformers` uses, for Tests/ModelsTests/ChatTemplateTests.swift.

The templates in chat_templates/ are the published chat templates of three model families, kept as
the formats they define (a model's prompt format is a fact to reproduce exactly, not code to run):

    qwen2.5.jinja    Qwen2.5-Instruct's (ChatML with a default system prompt, tools, tool calls)
    qwen3.jinja      Qwen3's (ChatML; reasoning split from content, `enable_thinking`, namespaces,
                     reversed iteration, string methods)
    llama3.2.jinja   Llama 3.2-Instruct's (bos_token, a dated system header, trim, slices, tojson(indent))

and constructs.jinja, written for Verity, which uses each Jinja construct the Swift renderer supports
once (filters, tests, loops with `loop.*`, `else` on `for`, namespaces, slices, literals, tojson, set
blocks, break/continue, Python-style printing of lists, dicts, floats and None).

Each case is rendered by transformers' own compiled environment (`_compile_jinja_template`: jinja2's
sandbox with trim_blocks, lstrip_blocks, loopcontrols, its tojson/raise_exception/namespace), called as
`apply_chat_template` calls it: messages, tools (None unless given), documents=None,
add_generation_prompt, the special-token strings and any extra variables. Llama cases pass
`date_string` so that no rendering depends on today's date.

    pip install transformers jinja2   # verified with transformers 5.25.0, jinja2 3.1.6
    python3 Tests/ModelsTests/Fixtures/make_chat_fixture.py

Output: chat_expected.json = [{"template", "case", "messages", "tools", "add_generation_prompt",
"variables", "expected"}].
"""
import json
import os

import jinja2
import transformers
from transformers.utils.chat_template_utils import _compile_jinja_template

HERE = os.path.dirname(os.path.abspath(__file__))

TOKENS = {"bos_token": "<|begin_of_text|>", "eos_token": "<|im_end|>"}

CONVERSATIONS = {
    "user": [{"role": "user", "content": "What is 12+34?"}],
    "system_user": [
        {"role": "system", "content": "Think step by step inside <think></think>, then answer."},
        {"role": "user", "content": "What is 12+34?"},
    ],
    "multi_turn": [
        {"role": "system", "content": "  You are terse.\n"},
        {"role": "user", "content": "Héllo — ça va? 你好 👋🏽 \"quoted\" and 'single'\n\ttabbed  "},
        {"role": "assistant", "content": "<think>\nGreeting in three languages.\n</think>\n\nFine, thanks!"},
        {"role": "user", "content": "Now: 7*8 = ?"},
    ],
    "think_history": [
        {"role": "user", "content": "1+1"},
        {"role": "assistant", "content": "<think>one and one</think>2"},
        {"role": "user", "content": "2+2"},
        {"role": "assistant", "content": "<think>\ntwo and two\n</think>\n\n4"},
    ],
    "tool_call": [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"type": "function", "function": {"name": "weather", "arguments": {"city": "Paris", "days": 2}}}]},
        {"role": "tool", "content": "{\"temp\": 21.5}"},
        {"role": "tool", "content": "sunny"},
    ],
}

TOOLS = [{"type": "function", "function": {
    "name": "weather", "description": "Forecast for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                   "required": ["city"]}}}]

# (template, conversation, add_generation_prompt, tools, extra variables)
CASES = []
for name in ["qwen2.5", "qwen3", "llama3.2", "constructs"]:
    extra = {"date_string": "04 Dec 2026"} if name == "llama3.2" else {}
    for conv in ["user", "system_user", "multi_turn", "think_history"]:
        for gen in [True, False]:
            CASES.append((name, conv, gen, None, extra))
CASES += [
    ("qwen3", "system_user", True, None, {"enable_thinking": False}),
    ("qwen3", "user", True, None, {"enable_thinking": True}),
    ("qwen2.5", "tool_call", True, None, {}),
    ("qwen2.5", "system_user", True, TOOLS, {}),
    ("qwen3", "tool_call", True, TOOLS, {}),
    ("llama3.2", "system_user", True, TOOLS, {"date_string": "04 Dec 2026"}),
    ("llama3.2", "system_user", True, TOOLS, {"date_string": "04 Dec 2026", "tools_in_user_message": False}),
    ("constructs", "tool_call", True, None, {}),
]


def main():
    out = []
    for name, conv, gen, tools, extra in CASES:
        with open(os.path.join(HERE, "chat_templates", name + ".jinja"), encoding="utf-8") as f:
            source = f.read()
        template = _compile_jinja_template(source)
        messages = CONVERSATIONS[conv]
        rendered = template.render(messages=messages, tools=tools, documents=None,
                                   add_generation_prompt=gen, **TOKENS, **extra)
        out.append({"template": name, "case": conv, "messages": messages, "tools": tools,
                    "add_generation_prompt": gen, "variables": extra, "expected": rendered})
    with open(os.path.join(HERE, "chat_expected.json"), "w", encoding="utf-8") as f:
        json.dump({"transformers": transformers.__version__, "jinja2": jinja2.__version__,
                   "special_tokens": TOKENS, "cases": out}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} renderings written")


if __name__ == "__main__":
    main()
