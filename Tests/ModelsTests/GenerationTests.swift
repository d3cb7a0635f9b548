// Sampling: reproducibility, greedy = argmax of the full forward, log-probs equal to
// forward(_, temperature:), thinking budgets, wait extensions, stops and cancellation.
import Testing
@testable import Models
@testable import Kernels

let genConfig = TransformerConfig(vocabSize: 12, hiddenSize: 16, intermediateSize: 32, numHiddenLayers: 2,
                                  numAttentionHeads: 4, numKeyValueHeads: 2, attentionBias: true, modelType: "qwen2")
let thinkStart = 1, thinkEnd = 2

/// A random model with weights large enough to make distinct, non-uniform predictions.
func randomModel(seed: UInt64) throws -> Transformer {
    let m = try Transformer(config: genConfig, seed: seed)
    var rng = RNG(seed: seed &+ 100)
    for e in m.parameterEntries where e.decay { for i in e.range { m.parameters[i] = 0.3 * rng.normal() } }
    return m
}

/// A model that almost surely predicts `favourite` everywhere: residual channel 0 is held at a
/// positive constant (every embedding has it, no layer writes to it) and only `favourite`'s
/// head row reads it.
func biasedModel(favourite: Int) throws -> Transformer {
    let m = try randomModel(seed: 4)
    let C = genConfig.hiddenSize
    let t = m.tensors()
    var w = t
    func set(_ name: String, _ f: (inout [Float]) -> Void) { var v = w[name]!.values; f(&v); w[name]!.values = v }
    set("model.embed_tokens.weight") { v in for r in 0..<genConfig.vocabSize { v[r * C] = 5 } }
    for l in 0..<genConfig.numHiddenLayers {
        set("model.layers.\(l).self_attn.o_proj.weight") { v in for j in 0..<C { v[j] = 0 } }
        set("model.layers.\(l).mlp.down_proj.weight") { v in for j in 0..<genConfig.intermediateSize { v[j] = 0 } }
    }
    set("lm_head.weight") { v in
        for r in 0..<genConfig.vocabSize { v[r * C] = r == favourite ? 30 : 0 }
    }
    return try Transformer(config: genConfig, tensors: w)
}

/// Log-probs of `seq.tokens` under the full forward pass at `temperature`.
func forwardLogprobs(_ model: Transformer, _ seq: SampledSequence, temperature: Float) throws -> [Float] {
    let all = seq.prompt + seq.tokens
    let mask = all.indices.map { $0 >= seq.prompt.count }
    let batch = try TokenBatch(sequences: [all], lossMask: [mask])
    let r = try model.forward(batch, temperature: temperature)
    return Array(r.logprobs[(seq.prompt.count - 1)...])
}

@Test func samplingIsReproducibleAndMatchesForwardLogprobs() throws {
    let model = try randomModel(seed: 1)
    let prompts = [[3, 4, 5], [6], [7, 8, 9, 10, 11]]
    let controls = DecodeControls(sampling: GenerationOptions(maxNewTokens: 12, temperature: 0.8))
    var r1 = RNG(seed: 5), r2 = RNG(seed: 5), r3 = RNG(seed: 6)
    let a = try model.generate(prompts: prompts, controls: controls, rng: &r1)
    let b = try model.generate(prompts: prompts, controls: controls, rng: &r2)
    let c = try model.generate(prompts: prompts, controls: controls, rng: &r3)
    #expect(a == b)
    #expect(r1 == r2)
    #expect(a.map(\.tokens) != c.map(\.tokens))
    for s in a {
        #expect(s.tokens.count == 12 && s.finishReason == .length && !s.forced.contains(true))
        let ref = try forwardLogprobs(model, s, temperature: 0.8)
        for i in s.tokens.indices { #expect(abs(s.logprobs[i] - ref[i]) < 1e-4) }
    }
    // Batched and one-at-a-time sampling agree when each has its own seeded stream order:
    // a single prompt gives the same result alone as with B = 1.
    var r4 = RNG(seed: 5), r5 = RNG(seed: 5)
    let one = try model.generate(prompts: [prompts[1]], controls: controls, rng: &r4)
    let again = try model.generate(prompts: [prompts[1]], controls: controls, rng: &r5)
    #expect(one == again)
}

@Test func greedyFollowsArgmaxOfFullForward() throws {
    let model = try randomModel(seed: 2)
    var rng = RNG(seed: 1)
    let before = rng
    let out = try model.generate(prompts: [[3, 5, 7], [4]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 8, temperature: 0)), rng: &rng)
    #expect(rng == before)  // greedy draws nothing
    for s in out {
        let ctx = s.prompt + s.tokens
        let batch = try TokenBatch(rows: 1, length: ctx.count, inputs: ctx.map { Int32($0) },
                                   targets: [Int32](repeating: -1, count: ctx.count))
        let logits = try model.logits(batch)
        let V = genConfig.vocabSize
        for (i, tok) in s.tokens.enumerated() {
            let row = Array(logits[((s.prompt.count - 1 + i) * V)..<((s.prompt.count + i) * V)])
            #expect(row.indices.max(by: { row[$0] < row[$1] }) == tok)
        }
        let ref = try forwardLogprobs(model, s, temperature: 1)
        for i in s.tokens.indices { #expect(abs(s.logprobs[i] - ref[i]) < 1e-4) }
    }
}

@Test func topKOneIsGreedyAndTopPKeepsTheMostLikely() throws {
    let model = try randomModel(seed: 3)
    var r1 = RNG(seed: 1), r2 = RNG(seed: 1)
    let greedy = try model.generate(prompts: [[3, 4]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 6, temperature: 0)), rng: &r1)
    let k1 = try model.generate(prompts: [[3, 4]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 6, temperature: 1.5, topK: 1)), rng: &r2)
    #expect(greedy[0].tokens == k1[0].tokens)
    var r3 = RNG(seed: 1)
    let p = try model.generate(prompts: [[3, 4]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 6, temperature: 1, topP: 1e-6)), rng: &r3)
    #expect(p[0].tokens == greedy[0].tokens)
}

@Test func thinkingBudgetEndsThinkingAtExactlyNTokens() throws {
    let model = try randomModel(seed: 5)
    // Unlimited waits: the model can only leave thinking through the budget.
    for budget in [0, 1, 6] {
        var rng = RNG(seed: UInt64(budget))
        let c = DecodeControls(thinkStart: thinkStart, thinkEnd: thinkEnd, waitTokens: [9], sampling: GenerationOptions(maxNewTokens: 20, temperature: 1, thinkingBudget: budget, waitExtensions: 1000))
        let out = try model.generate(prompts: [[3, thinkStart], [4, 5, thinkStart]], controls: c, rng: &rng)
        for s in out {
            let end = try #require(s.tokens.firstIndex(of: thinkEnd))
            #expect(end == budget)
            #expect(s.forced[end])
            #expect(s.thinkingTokens == budget)
            let ref = try forwardLogprobs(model, s, temperature: 1)
            for i in s.tokens.indices { #expect(abs(s.logprobs[i] - ref[i]) < 1e-4) }
        }
    }
    // Without <think> in the prompt nothing is counted or forced.
    var rng = RNG(seed: 1)
    let c = DecodeControls(thinkStart: 11, thinkEnd: thinkEnd, sampling: GenerationOptions(maxNewTokens: 5, thinkingBudget: 0))
    let out = try model.generate(prompts: [[3, 4]], controls: c, rng: &rng)
    #expect(!out[0].forced.contains(true))
}

@Test func waitExtensionsAreAddedExactlyWTimes() throws {
    let model = try biasedModel(favourite: thinkEnd)
    var rng = RNG(seed: 3)
    let c = DecodeControls(thinkStart: thinkStart, thinkEnd: thinkEnd, waitTokens: [7, 8], sampling: GenerationOptions(maxNewTokens: 10, waitExtensions: 3))
    let s = try #require(try model.generate(prompts: [[5, thinkStart]], controls: c, rng: &rng).first)
    #expect(Array(s.tokens.prefix(7)) == [7, 8, 7, 8, 7, 8, thinkEnd])
    #expect(Array(s.forced.prefix(7)) == [true, true, true, true, true, true, false])
    #expect(s.waitsUsed == 3 && s.thinkingTokens == 6)
    #expect(s.tokens.count == 10 && s.finishReason == .length)
    // Budget and waits together: the budget cuts the waits short.
    var rng2 = RNG(seed: 3)
    let c2 = DecodeControls(thinkStart: thinkStart, thinkEnd: thinkEnd, waitTokens: [7, 8], sampling: GenerationOptions(maxNewTokens: 6, thinkingBudget: 3, waitExtensions: 5))
    let s2 = try #require(try model.generate(prompts: [[5, thinkStart]], controls: c2, rng: &rng2).first)
    #expect(Array(s2.tokens.prefix(4)) == [7, 8, 7, thinkEnd])
    #expect(s2.thinkingTokens == 3 && s2.forced[3])
}

@Test func stopsAtEosStopSequencesAndLength() throws {
    let model = try biasedModel(favourite: 6)
    var rng = RNG(seed: 1)
    let eos = try model.generate(prompts: [[3]], controls: DecodeControls(eos: 6, sampling: GenerationOptions(maxNewTokens: 10)), rng: &rng)
    #expect(eos[0].tokens == [6] && eos[0].finishReason == .stop)
    let stop = try model.generate(prompts: [[3]], controls: DecodeControls(stopSequences: [[6, 6, 6]], sampling: GenerationOptions(maxNewTokens: 10)), rng: &rng)
    #expect(stop[0].tokens == [6, 6, 6] && stop[0].finishReason == .stopString)
    let len = try model.generate(prompts: [[3], [4, 5]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 4)), rng: &rng)
    #expect(len.allSatisfy { $0.tokens.count == 4 && $0.finishReason == .length })
    let none = try model.generate(prompts: [[3]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 0)), rng: &rng)
    #expect(none[0].tokens.isEmpty)
}

@Test func rejectsBadInputsAndHonoursCancellation() throws {
    let model = try randomModel(seed: 1)
    var rng = RNG(seed: 1)
    #expect(throws: ModelError.self) { _ = try model.generate(prompts: [[]], controls: DecodeControls(), rng: &rng) }
    #expect(throws: ModelError.self) { _ = try model.generate(prompts: [[99]], controls: DecodeControls(), rng: &rng) }
    #expect(throws: ModelError.self) { _ = try model.generate(prompts: [[1]], controls: DecodeControls(sampling: GenerationOptions(thinkingBudget: 3)), rng: &rng) }
    #expect(throws: ModelError.self) { _ = try model.generate(prompts: [[1]], controls: DecodeControls(sampling: GenerationOptions(topP: 0)), rng: &rng) }
    #expect(throws: ModelError.self) {
        _ = try model.generate(prompts: [[1]], controls: DecodeControls(thinkEnd: 2, sampling: GenerationOptions(waitExtensions: 1)), rng: &rng)
    }
    #expect(throws: ModelError.self) {
        _ = try model.generate(prompts: [[1]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: genConfig.maxPositionEmbeddings)), rng: &rng)
    }
    var calls = 0
    #expect(throws: CancellationError.self) {
        _ = try model.generate(prompts: [[1, 2]], controls: DecodeControls(sampling: GenerationOptions(maxNewTokens: 50)), rng: &rng,
                               isCancelled: { calls += 1; return calls > 3 })
    }
}
