// Models/Generation/LocalGenerator.swift — the local model as a text-level generator: encodes
// prompts with the tokenizer, maps `GenerationOptions` to the engine's `DecodeControls`, samples
// every prompt × sample in one batched `generate` call, decodes the texts. Also the one prompt
// encoding convention shared by SFT, RL sampling and evaluation.

import Kernels

/// Encodes a prompt the way every Verity component conditions the model: the tokenizer's `bos`
/// (when it has one) followed by the text's ids. SFT, RL sampling and evaluation all use this,
/// so a model is always scored on the prompts it was trained on.
public func encodePrompt(_ text: String, tokenizer: any Tokenizer) throws -> [Int] {
    let ids = try tokenizer.encode(text)
    if let bos = tokenizer.special.bos { return [bos] + ids }
    guard !ids.isEmpty else {
        throw ModelError("the prompt is empty and the tokenizer has no bos token — give a non-empty prompt")
    }
    return ids
}
