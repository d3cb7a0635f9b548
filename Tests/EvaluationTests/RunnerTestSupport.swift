// Runner test support: a character tokenizer over the arithmetic alphabet plus " Wait", tiny
// engine Transformers behind the real `LocalGenerator` — one with random weights, and "steered"
// ones whose weights make one token overwhelmingly likely, so the texts that budget forcing and
// wait extensions produce can be predicted exactly by hand.
import Foundation
import Kernels
import Models
import Tasks
@testable import Evaluation

/// `<pad> <bos> <eos> <think> </think>`, then " +0123456789=ISWaict" sorted by code point.
func runnerTokenizer() throws -> CharTokenizer {
    try CharTokenizer(corpus: ["0123456789+=c Wait"])
}

/// A tiny model (1 layer, width 32) with random weights drawn from `seed`.
func tinyModel(_ tokenizer: CharTokenizer, seed: UInt64 = 1) throws -> Transformer {
    try Transformer(config: TransformerConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 32, intermediateSize: 64,
                                              numHiddenLayers: 1, numAttentionHeads: 2), seed: seed)
}

/// A tiny model that picks `favoured` with probability ≈ 1 − V·e⁻²⁸ at every step, from any context:
/// every embedding carries a large constant in dimension 0, the final norm keeps only that
/// dimension (≈ √C after normalisation), and only the favoured token's head row reads it.
func steeredModel(_ tokenizer: CharTokenizer, favouring favoured: Int) throws -> Transformer {
    let model = try tinyModel(tokenizer, seed: 2)
    let C = model.config.hiddenSize
    for entry in model.parameterEntries {
        switch entry.name {
        case "model.embed_tokens.weight":
            for row in 0..<entry.shape[0] { model.parameters[entry.offset + row * C] = 10 }
        case "model.norm.weight":
            for j in 0..<C { model.parameters[entry.offset + j] = j == 0 ? 1 : 0 }
        case "lm_head.weight":
            for row in 0..<entry.shape[0] { model.parameters[entry.offset + row * C] = row == favoured ? 5 : 0 }
        default: break
        }
    }
    return model
}

/// The id of one token of the runner tokenizer.
func tokenID(_ tokenizer: CharTokenizer, _ text: String) throws -> Int {
    let ids = try tokenizer.encode(text)
    guard ids.count == 1, let id = ids.first else { throw EvaluationError("'\(text)' is not one token") }
    return id
}

/// Addition problems `a+b=` (optionally opening a thinking section) with unique ids.
func additionProblems(_ pairs: [(Int, Int)], openThinking: Bool = false) -> [Problem] {
    pairs.enumerated().map { i, pair in
        Problem(id: "p\(i)", prompt: "\(pair.0)+\(pair.1)=" + (openThinking ? "<think>" : ""), answer: String(pair.0 + pair.1))
    }
}

/// A data set holding `problems` as its test split (after-think extraction, numeric comparison).
func testDataset(_ problems: [Problem]) -> Dataset {
    Dataset(name: "toy", train: [], test: problems)
}
