// AdamW against a hand-computed step, decay mask, state round trip, clipping, LR schedule, and a
// tiny model overfitting a fixed batch end to end.
import Testing
@testable import Models
@testable import Kernels

let optConfig = TransformerConfig(vocabSize: 10, hiddenSize: 8, intermediateSize: 16, numHiddenLayers: 1,
                                  numAttentionHeads: 2, attentionBias: true, modelType: "qwen2")

@Test func adamWMatchesHandComputedSteps() throws {
    let model = try Transformer(config: optConfig, seed: 1)
    let cfg = AdamWConfig(beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.5)
    let opt = try AdamW(model: model, config: cfg)
    let decayed = try #require(model.parameterEntries.first { $0.name == "model.layers.0.self_attn.q_proj.weight" }).offset
    let notDecayed = try #require(model.parameterEntries.first { $0.name == "model.layers.0.self_attn.q_proj.bias" }).offset
    let p0 = model.parameters[decayed]
    model.parameters[notDecayed] = 0.7
    // Step 1: g = 0.2 → m = 0.02, v = 0.0004, m̂ = 0.2, v̂ = 0.04, update = 0.2/0.2 = 1.
    // θ₁ = θ₀ − 0.1·1 − 0.1·0.5·θ₀.
    model.zeroGradients()
    model.gradients[decayed] = 0.2
    model.gradients[notDecayed] = 0.2
    try opt.update(model, learningRate: 0.1)
    #expect(abs(model.parameters[decayed] - (p0 - 0.1 - 0.05 * p0)) < 1e-6)
    #expect(abs(model.parameters[notDecayed] - (0.7 - 0.1)) < 1e-6)
    // Step 2: g = −0.4 → m = 0.9·0.02 − 0.04 = −0.022, v = 0.99·0.0004 + 0.01·0.16 = 0.001996,
    // m̂ = −0.022/0.19, v̂ = 0.001996/0.0199.
    let p1 = model.parameters[notDecayed]
    model.gradients[notDecayed] = -0.4
    try opt.update(model, learningRate: 0.05)
    let mHat = -0.022 / 0.19, vHat = 0.001996 / (1 - 0.99 * 0.99)
    let expected = Double(p1) - 0.05 * mHat / (vHat.squareRoot() + 1e-8)
    #expect(abs(Double(model.parameters[notDecayed]) - expected) < 1e-5)
    #expect(opt.step == 2)
    #expect(throws: ModelError.self) { try opt.update(model, learningRate: .nan) }
    #expect(opt.step == 2, "a refused rate leaves the optimizer as it was")
    // A parameter with zero gradient moves only by decay.
    let other = try #require(model.parameterEntries.first { $0.name == "model.layers.0.mlp.up_proj.weight" }).offset
    #expect(model.parameters[other] != 0)
}

@Test func optimizerStateResumesExactly() throws {
    let a = try Transformer(config: optConfig, seed: 2)
    let b = try a.copy()
    let torch = AdamWConfig(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01)  // torch.optim.AdamW's defaults
    let oa = try AdamW(model: a, config: torch), ob = try AdamW(model: b, config: torch)
    var rng = RNG(seed: 3)
    func randomGrads(_ m: Transformer, _ r: inout RNG) { for i in m.gradients.indices { m.gradients[i] = r.normal() } }
    var r1 = rng
    randomGrads(a, &r1); try oa.update(a, learningRate: 1e-3)
    randomGrads(b, &rng); try ob.update(b, learningRate: 1e-3)
    let state = oa.stateTensors()
    #expect(state["exp_avg.model.norm.weight"]?.shape == [8])
    #expect(state["exp_avg_sq.lm_head.weight"] != nil)
    let oc = try AdamW(model: b, config: torch)
    try oc.restore(state: state, step: oa.step)
    var r2 = r1
    randomGrads(a, &r1); try oa.update(a, learningRate: 1e-3)
    randomGrads(b, &r2); try oc.update(b, learningRate: 1e-3)
    #expect(a.tensors() == b.tensors())
    #expect(throws: ModelError.self) { try oc.restore(state: [:], step: 1) }
}

@Test func clippingScalesToMaxNormAndReportsTheOriginal() throws {
    let m = try Transformer(config: optConfig, seed: 1)
    m.zeroGradients()
    m.gradients[0] = 3; m.gradients[1] = 4
    let norm = m.clipGradientNorm(maxNorm: 1)
    #expect(abs(norm - 5) < 1e-6)
    #expect(abs(m.gradientNorm() - 1) < 1e-4)
    #expect(abs(m.clipGradientNorm(maxNorm: 10) - m.gradientNorm()) < 1e-6)
}

@Test func learningRateSchedule() {
    let s = LearningRateSchedule(peak: 1, warmupSteps: 10, decay: .cosine(totalSteps: 110, floorRatio: 0.1))
    #expect(abs(s.rate(at: 0) - 0.1) < 1e-6)
    #expect(abs(s.rate(at: 9) - 1) < 1e-6)
    #expect(abs(s.rate(at: 10) - 1) < 1e-6)
    #expect(abs(s.rate(at: 60) - 0.55) < 1e-5)   // halfway: floor + (1 − floor)/2
    #expect(abs(s.rate(at: 110) - 0.1) < 1e-6)
    #expect(abs(s.rate(at: 500) - 0.1) < 1e-6)
    #expect(LearningRateSchedule.constant(0.3).rate(at: 1000) == 0.3, "a constant rate is exact, not rounded to fp32")
    #expect(LearningRateSchedule(peak: 0.3, warmupSteps: 3).rate(at: 0) == Double(Float(0.3) / 3))
    #expect(LearningRateSchedule(peak: 0.3, warmupSteps: 3).rate(at: 3) == 0.3)
}

@Test func tinyModelOverfitsAFixedBatch() throws {
    let config = TransformerConfig(vocabSize: 16, hiddenSize: 32, intermediateSize: 64, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2)
    let model = try Transformer(config: config, seed: 1)
    var rng = RNG(seed: 2)
    let seqs = (0..<4).map { _ in (0..<12).map { _ in rng.int(below: 16) } }
    let batch = try TokenBatch(sequences: seqs)
    let opt = try AdamW(model: model, config: AdamWConfig(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0))
    let n = Float(batch.targetCount)
    var first: Float = 0, last: Float = 0
    for step in 0..<150 {
        let r = try model.forward(batch)
        let loss = -r.logprobs.reduce(0, +) / n
        if step == 0 { first = loss }
        last = loss
        model.zeroGradients()
        try model.backward(dLogprob: batch.targets.map { $0 >= 0 ? -1 / n : 0 }, dEntropy: nil)
        model.clipGradientNorm(maxNorm: 1)
        try opt.update(model, learningRate: 1e-2)
    }
    print("overfit: loss \(first) → \(last)")
    #expect(first > 2.5)
    #expect(last < 0.05)
}
