// The value model: its regression gradient (plain and PPO-clipped) against central finite
// differences, a policy-initialised critic that starts at 0 with the policy's features, the states
// it reads, and a save/load round trip.
import Foundation
import Testing
@testable import Models
@testable import Kernels

private func valueFixture(seed: UInt64) throws -> (ValueModel, [[Int]], [[Int]]) {
    let tokenizer = try CharTokenizer(corpus: ["0123456789+=<>/thinkab"])
    let value = try ValueModel.fresh(tokenizer: tokenizer, layers: 2, hiddenSize: 16, heads: 2, intermediateSize: 24,
                                     maxPositions: 64, seed: seed)
    // Larger weights than the init (the value row included) so every path carries a gradient.
    var rng = RNG(seed: seed &+ 1)
    for e in value.model.parameterEntries where e.decay || e.name.hasSuffix(".bias") {
        for i in e.range { value.model.parameters[i] = 0.3 * rng.normal() }
    }
    let prompts = [try tokenizer.encode("12+3="), try tokenizer.encode("7+8=")]
    let completions = [try tokenizer.encode("15"), try tokenizer.encode("<think>ab</think>15")]
    return (value, prompts, completions)
}

@Test(arguments: [0.0, 0.05])
func valueRegressionGradientMatchesFiniteDifferences(clip: Double) throws {
    let (value, prompts, completions) = try valueFixture(seed: 3)
    let targets = completions.map { c in c.indices.map { Double($0 % 3) * 0.5 - 0.2 } }
    let weights = completions.map { c in c.indices.map { 0.5 + Double($0 % 2) } }
    // Old values away from the current ones, so some states take the clipped branch.
    let current = try value.values(prompts: prompts, completions: completions)
    let old: [[Float]] = current.map { row in row.enumerated().map { $1 + ($0 % 2 == 0 ? 0.2 : -0.01) } }
    func loss() throws -> Double {
        value.model.zeroGradients()
        return try value.accumulateRegression(prompts: prompts, completions: completions, targets: targets,
                                              weights: weights, old: old, clip: clip).loss
    }
    let result = try loss()
    if clip > 0 { #expect(result > 0) }
    let analytic = Array(value.model.gradients)
    #expect(analytic.contains { $0 != 0 })
    var worst = 0.0
    for e in value.model.parameterEntries {
        for j in stride(from: 0, to: e.count, by: max(1, e.count / 5)) {
            let i = e.offset + j
            let saved = value.model.parameters[i]
            let h: Float = 1e-2
            value.model.parameters[i] = saved + h; let fp = try loss()
            value.model.parameters[i] = saved - h; let fm = try loss()
            value.model.parameters[i] = saved
            let numeric = (fp - fm) / (2 * Double(h))
            let err = abs(numeric - Double(analytic[i])) / max(0.05, abs(numeric))
            worst = max(worst, err)
            #expect(err < 2e-2, "\(e.name)[\(j)]: analytic \(analytic[i]) numeric \(numeric)")
        }
    }
    print("value head, clip \(clip): worst relative gradient error \(worst)")
}

@Test func clippedValueLossIsTheLargerBranch() throws {
    let (value, prompts, completions) = try valueFixture(seed: 4)
    let v = try value.values(prompts: prompts, completions: completions)
    // Old values far below, targets far above: clipping at ε = 0.1 caps the step towards y,
    // so the clipped loss ½(v_old + 0.1 − y)² is the larger one at every state.
    let old = v.map { $0.map { $0 - 1 } }
    let targets = v.map { $0.map { Double($0) + 2 } }
    let weights = v.map { $0.map { _ in 1.0 } }
    value.model.zeroGradients()
    let r = try value.accumulateRegression(prompts: prompts, completions: completions, targets: targets, weights: weights,
                                           old: old, clip: 0.1)
    var expected = 0.0
    for (row, oldRow) in zip(v, old) {
        for (x, o) in zip(row, oldRow) {
            let y = Double(x) + 2, vc = Double(o) + 0.1
            expected += 0.5 * (vc - y) * (vc - y)
        }
    }
    #expect(abs(r.loss - expected) < 1e-3 * expected)
    #expect(r.clipFraction == 1)
    #expect(value.model.gradientNorm() == 0)
}

@Test func aPolicyInitialisedCriticStartsAtZeroAndSeesEveryState() throws {
    let tokenizer = try CharTokenizer(corpus: ["0123456789+=<>/thinkab"])
    for tied in [false, true] {
        let config = TransformerConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 16, intermediateSize: 24,
                                       numHiddenLayers: 1, numAttentionHeads: 2, tieWordEmbeddings: tied)
        let policy = try Transformer(config: config, seed: 9)
        let critic = try ValueModel.from(policy: policy, tokenizer: tokenizer)
        #expect(critic.valueRow == tokenizer.vocabularySize)
        #expect(critic.model.config.vocabSize == tokenizer.vocabularySize + 1)
        let prompts = [try tokenizer.encode("1+2=")], completions = [try tokenizer.encode("3")]
        let values = try critic.values(prompts: prompts, completions: completions, final: true)
        #expect(values == [[0, 0]])
        // The other head rows are the policy's: same logits on the policy's vocabulary.
        let batch = try TokenBatch(sequences: [prompts[0] + completions[0]])
        let a = try policy.logits(batch), b = try critic.model.logits(batch)
        let V = tokenizer.vocabularySize
        for p in 0..<batch.inputs.count {
            for t in 0..<V { #expect(abs(a[p * V + t] - b[p * (V + 1) + t]) < 1e-5) }
        }
    }
}

@Test func statesAreReadAtTheirLastToken() throws {
    let (value, prompts, completions) = try valueFixture(seed: 5)
    let together = try value.values(prompts: prompts, completions: completions, final: true)
    #expect(together.map(\.count) == completions.map { $0.count + 1 })
    // The value of s_t depends only on p + c_<t: a prefix alone gives the same numbers (causal).
    for (i, c) in completions.enumerated() {
        for t in 0...c.count {
            let alone = try value.values(prompts: [prompts[i] + c.prefix(t)], completions: [[]], final: true)
            #expect(abs(alone[0][0] - together[i][t]) < 1e-4)
        }
    }
}

@Test func aValueModelSavesAndLoads() throws {
    let (value, prompts, completions) = try valueFixture(seed: 6)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("value-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try value.save(to: dir)
    let loaded = try ValueModel.load(from: dir)
    #expect(loaded.valueRow == value.valueRow)
    #expect(try loaded.values(prompts: prompts, completions: completions) == value.values(prompts: prompts, completions: completions))
    // A policy checkpoint is not a value model.
    let policyDir = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: policyDir) }
    try Checkpoint.save(to: policyDir, config: value.model.config, tensors: value.model.tensors(), tokenizer: value.tokenizer)
    #expect(throws: ModelError.self) { _ = try ValueModel.load(from: policyDir) }
    // Mismatched inputs are refused, not indexed out of range.
    #expect(throws: ModelError.self) {
        _ = try value.accumulateRegression(prompts: prompts, completions: completions, targets: [[0]], weights: [[1]])
    }
    #expect(throws: ModelError.self) { _ = try value.values(prompts: [[]], completions: [[1]]) }
}
