// Models/Transformer/Transformer+Initialization.swift — alternative weight initialisations of a
// fresh model. Verity's default (`Transformer(config:seed:)`) draws every matrix from N(0, 0.02²)
// as GPT-2 does; a plain-PyTorch model built from `nn.Embedding` and `nn.Linear` starts from
// their layer defaults instead, and on the "Thinking pays" recipe that start is what reproduces
// the reference run (RECIPES.md), so both are offered.
import Kernels

/// How a fresh model's matrices are drawn (norm weights are always 1, biases 0).
public enum WeightInitialization: String, Sendable, Codable, CaseIterable {
    /// Every matrix ~ N(0, 0.02²) (GPT-2, nanoGPT, Hugging Face Llama's `initializer_range`).
    case gpt2
    /// PyTorch layer defaults: embeddings ~ N(0, 1) (`nn.Embedding`), linear weights ~
    /// U(−1/√fan_in, 1/√fan_in) (`nn.Linear`'s Kaiming-uniform with a = √5), biases 0.
    case torch
}

extension Transformer {
    /// A freshly initialised model drawn with `initialization` from a generator seeded with `seed`.
    public convenience init(config: TransformerConfig, seed: UInt64, initialization: WeightInitialization) throws {
        try self.init(config: config, seed: seed)
        if initialization == .torch { reinitializeTorchDefaults(seed: seed) }
    }

    /// Redraws matrices with PyTorch's layer defaults (see `WeightInitialization.torch`); norm
    /// weights and biases keep their values. Why a separate stream (`seed` + 17): the GPT-2 draw
    /// stays the same for a given seed whichever initialisation follows.
    func reinitializeTorchDefaults(seed: UInt64) {
        var rng = RNG(seed: seed &+ 17)
        let w = parameters
        for e in parameterEntries where e.name.hasSuffix(".weight") && e.shape.count == 2 {
            if e.name.hasSuffix("embed_tokens.weight") {
                for i in e.offset..<e.offset + e.count { w[i] = rng.normal() }
            } else {
                // Linear weights are [out, in]: fan_in is the second dimension.
                let bound = 1 / Float(e.shape[1]).squareRoot()
                for i in e.offset..<e.offset + e.count { w[i] = bound * (2 * rng.uniform() - 1) }
            }
        }
    }
}
