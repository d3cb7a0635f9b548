// The whole model's gradients vs central finite differences on small configs (GQA, q/k/v bias,
// tied embeddings), a loss mixing log-probs and entropies at a temperature; plus the API contracts
// around forward/backward, tensors and copies.
import Testing
@testable import Models
@testable import Kernels

/// Configs the model gradient is checked on.
let gradientConfigs: [TransformerConfig] = [
    TransformerConfig(vocabSize: 11, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 2, numAttentionHeads: 4,
                      numKeyValueHeads: 2, attentionBias: true, modelType: "qwen2"),
    TransformerConfig(vocabSize: 13, hiddenSize: 16, intermediateSize: 20, numHiddenLayers: 2, numAttentionHeads: 2,
                      numKeyValueHeads: 1, tieWordEmbeddings: true),
]

/// A small batch with padding and ignored positions.
func smallBatch(vocab: Int) throws -> TokenBatch {
    try TokenBatch(sequences: [[1, 4, 2, 7, 3, 5], [2, 9 % vocab, 1, 6]], padId: 0,
                   lossMask: [[false, false, true, true, true, true], [false, true, true, true]])
}

@Test(arguments: gradientConfigs.indices)
func modelGradientMatchesFiniteDifferences(index: Int) throws {
    let config = gradientConfigs[index]
    let model = try Transformer(config: config, seed: 5)
    // Larger weights than the 0.02 init so every path carries a visible gradient.
    var rng = RNG(seed: 6)
    for e in model.parameterEntries where e.decay || e.name.hasSuffix(".bias") {
        for i in e.range { model.parameters[i] = 0.3 * rng.normal() }
    }
    let batch = try smallBatch(vocab: config.vocabSize)
    let temperature: Float = 0.9
    let a = (0..<batch.inputs.count).map { _ in rng.normal() }
    let b = (0..<batch.inputs.count).map { _ in 0.3 * rng.normal() }
    func loss() throws -> Double {
        let r = try model.forward(batch, temperature: temperature)
        var s = 0.0
        for i in r.logprobs.indices { s += Double(a[i]) * Double(r.logprobs[i]) + Double(b[i]) * Double(r.entropies[i]) }
        return s
    }
    _ = try loss()
    model.zeroGradients()
    try model.backward(dLogprob: a, dEntropy: b)
    let analytic = Array(model.gradients)
    // Check a spread of parameters in every tensor.
    var worst = 0.0
    for e in model.parameterEntries {
        for j in stride(from: 0, to: e.count, by: max(1, e.count / 6)) {
            let i = e.offset + j
            let saved = model.parameters[i]
            let h: Float = 4e-3
            model.parameters[i] = saved + h; let fp = try loss()
            model.parameters[i] = saved - h; let fm = try loss()
            model.parameters[i] = saved
            let numeric = (fp - fm) / (2 * Double(h))
            let err = abs(numeric - Double(analytic[i])) / max(0.05, abs(numeric))
            worst = max(worst, err)
            #expect(err < 2e-2, "\(e.name)[\(j)]: analytic \(analytic[i]) numeric \(numeric)")
        }
    }
    print("config \(index): worst relative gradient error \(worst)")
}

@Test func ignoredPositionsReportZeroAndGetNoGradient() throws {
    let model = try Transformer(config: gradientConfigs[0], seed: 1)
    let batch = try smallBatch(vocab: 11)
    let r = try model.forward(batch)
    for i in batch.targets.indices where batch.targets[i] < 0 {
        #expect(r.logprobs[i] == 0 && r.entropies[i] == 0)
    }
    for i in batch.targets.indices where batch.targets[i] >= 0 { #expect(r.logprobs[i] < 0 && r.entropies[i] > 0) }
    // A gradient at an ignored position is not applied: all-zero dLogprob except there → zero gradients.
    model.zeroGradients()
    let dl = batch.targets.map { $0 < 0 ? Float(1) : 0 }
    try model.backward(dLogprob: dl, dEntropy: nil)
    #expect(model.gradientNorm() == 0)
}

@Test func backwardNeedsAFreshForwardAndRightSizes() throws {
    let model = try Transformer(config: gradientConfigs[1], seed: 1)
    #expect(throws: ModelError.self) { try model.backward(dLogprob: [], dEntropy: nil) }
    let batch = try smallBatch(vocab: 13)
    _ = try model.forward(batch)
    #expect(throws: ModelError.self) { try model.backward(dLogprob: [1, 2], dEntropy: nil) }
    let n = batch.inputs.count
    _ = try model.forward(batch)
    try model.backward(dLogprob: [Float](repeating: -1, count: n), dEntropy: nil)
    #expect(throws: ModelError.self) { try model.backward(dLogprob: [Float](repeating: -1, count: n), dEntropy: nil) }
    #expect(throws: ModelError.self) { _ = try model.forward(batch, temperature: 0) }
    let bad = try TokenBatch(rows: 1, length: 2, inputs: [1, 99], targets: [2, 3])
    #expect(throws: ModelError.self) { _ = try model.forward(bad) }
}

@Test func tensorsRoundTripAndCopiesAreIndependent() throws {
    let config = gradientConfigs[0]
    let model = try Transformer(config: config, seed: 3)
    let names = Set(model.tensors().keys)
    #expect(names.contains("model.layers.1.self_attn.k_proj.bias"))
    #expect(names.contains("lm_head.weight"))
    #expect(model.tensors()["model.layers.0.self_attn.k_proj.weight"]?.shape == [8, 16])
    #expect(model.parameterCount == model.tensors().values.reduce(0) { $0 + $1.count })
    let restored = try Transformer(config: config, tensors: model.tensors())
    #expect(restored.tensors() == model.tensors())
    let batch = try smallBatch(vocab: 11)
    #expect(try restored.logits(batch) == model.logits(batch))

    let copy = try model.copy()
    copy.parameters[0] += 1
    #expect(copy.parameters[0] != model.parameters[0])
    try copy.copyParameters(from: model)
    #expect(copy.parameters[0] == model.parameters[0])
    let other = try Transformer(config: gradientConfigs[1], seed: 3)
    #expect(throws: ModelError.self) { try other.copyParameters(from: model) }

    var partial = model.tensors()
    partial["model.norm.weight"] = nil
    #expect(throws: ModelError.self) { _ = try Transformer(config: config, tensors: partial) }
    var wrong = model.tensors()
    wrong["model.norm.weight"] = Tensor(zeros: [3])
    #expect(throws: ModelError.self) { _ = try Transformer(config: config, tensors: wrong) }
    let tied = try Transformer(config: gradientConfigs[1], seed: 1)
    #expect(tied.tensors()["lm_head.weight"] == nil)
    // Decay mask: norms and biases are not decayed.
    for e in model.parameterEntries {
        #expect(e.decay == !(e.name.hasSuffix(".bias") || e.name.hasSuffix("norm.weight")), "\(e.name)")
    }
}

@Test func seededInitIsReproducible() throws {
    let a = try Transformer(config: gradientConfigs[0], seed: 9), b = try Transformer(config: gradientConfigs[0], seed: 9)
    let c = try Transformer(config: gradientConfigs[0], seed: 10)
    #expect(a.tensors() == b.tensors())
    #expect(a.tensors() != c.tensors())
    #expect(a.tensors()["model.norm.weight"]?.values.allSatisfy { $0 == 1 } == true)
}

@Test func tokenBatchValidates() throws {
    #expect(throws: ModelError.self) { _ = try TokenBatch(rows: 2, length: 2, inputs: [1, 2, 3], targets: [1, 2, 3, 4]) }
    #expect(throws: ModelError.self) { _ = try TokenBatch(rows: 1, length: 2, inputs: [1, -2], targets: [1, 2]) }
    #expect(throws: ModelError.self) { _ = try TokenBatch(sequences: [[1]]) }
    let b = try TokenBatch(sequences: [[1, 2, 3], [4, 5]], padId: 0)
    #expect(b.rows == 2 && b.length == 2)
    #expect(b.inputs == [1, 2, 4, 0] && b.targets == [2, 3, 5, -1])
}
