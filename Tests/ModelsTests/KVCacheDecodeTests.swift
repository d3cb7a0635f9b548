// The KV-cache decode path must reproduce the full training forward bit for bit: logits at every position,
// whether tokens arrive one per step, batched across sequences of different lengths, or as a
// prefill chunk followed by single steps.
import Testing
@testable import Models
@testable import Kernels

@Test(arguments: gradientConfigs.indices)
func kvCacheDecodeMatchesFullForward(index: Int) throws {
    let config = gradientConfigs[index]
    let model = try Transformer(config: config, seed: 17)
    var rng = RNG(seed: 18)
    for i in model.parameters.indices where model.parameterEntries.first(where: { $0.range.contains(i) })?.decay == true {
        model.parameters[i] = 0.2 * rng.normal()
    }
    let seqs: [[Int]] = [[1, 5, 3, 8, 2, 7, 4], [3, 3, 9], [6, 1, 2, 10, 5]].map { $0.map { $0 % config.vocabSize } }
    let T = seqs.map(\.count).max()!
    let V = config.vocabSize
    var inputs = [Int32](repeating: 0, count: seqs.count * T)
    for (b, s) in seqs.enumerated() { for (t, x) in s.enumerated() { inputs[b * T + t] = Int32(x) } }
    let batch = try TokenBatch(rows: seqs.count, length: T, inputs: inputs, targets: [Int32](repeating: -1, count: inputs.count))
    let full = try model.logits(batch)

    // One token per step for all unfinished sequences together.
    let cache = KVCache(config: config, sequences: seqs.count, capacity: T)
    let scratch = DecodeScratch(config: config)
    var worst: Float = 0
    for t in 0..<T {
        let rows = seqs.indices.filter { t < seqs[$0].count }.map { DecodeRow(sequence: $0, position: t, token: Int32(seqs[$0][t])) }
        model.decodeStep(rows, headRows: Array(rows.indices), cache: cache, scratch: scratch)
        for (m, r) in rows.enumerated() {
            for j in 0..<V {
                worst = max(worst, abs(scratch.logits.pointer[m * V + j] - full[(r.sequence * T + t) * V + j]))
            }
        }
    }
    #expect(worst == 0, "decode and training forward must agree bit for bit")

    // Prefill the first 4 tokens of sequence 0 in one call, then single steps.
    let cache2 = KVCache(config: config, sequences: 1, capacity: T)
    let s0 = seqs[0]
    let pre = (0..<4).map { DecodeRow(sequence: 0, position: $0, token: Int32(s0[$0])) }
    model.decodeStep(pre, headRows: [1, 3], cache: cache2, scratch: scratch)
    for (m, t) in [1, 3].enumerated() {
        for j in 0..<V { #expect(scratch.logits.pointer[m * V + j] == full[t * V + j]) }
    }
    for t in 4..<s0.count {
        model.decodeStep([DecodeRow(sequence: 0, position: t, token: Int32(s0[t]))], headRows: [0], cache: cache2, scratch: scratch)
        for j in 0..<V { #expect(scratch.logits.pointer[j] == full[t * V + j]) }
    }
}

// Batch invariance of the sampler: a prompt decoded alone, at place 3 of a batch of 7 and at place
// 40 of a batch of 64 (prompts of other lengths around it) gives identical greedy tokens and
// log-probabilities, and the training forward scores those tokens with the same log-probabilities.
@Test func greedyDecodingIsBatchInvariantAndMatchesTheTrainer() throws {
    let config = TransformerConfig(vocabSize: 23, hiddenSize: 64, intermediateSize: 96, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 64)
    let model = try Transformer(config: config, seed: 21)
    var rng = RNG(seed: 22)
    let prompts: [[Int]] = (0..<64).map { i in (0..<(3 + i % 5)).map { _ in Int(rng.next() % 23) } }
    let controls = DecodeControls(sampling: GenerationOptions(maxNewTokens: 20, temperature: 0))
    let target = prompts[40]
    var r1 = RNG(seed: 1), r7 = RNG(seed: 1), r64 = RNG(seed: 1)
    let alone = try model.generate(prompts: [target], controls: controls, rng: &r1)[0]
    var seven = Array(prompts[0..<7]); seven[3] = target
    let inSeven = try model.generate(prompts: seven, controls: controls, rng: &r7)[3]
    let inAll = try model.generate(prompts: prompts, controls: controls, rng: &r64)[40]
    #expect(alone.tokens.count == 20)
    #expect(inSeven.tokens == alone.tokens && inAll.tokens == alone.tokens)
    #expect(inSeven.logprobs == alone.logprobs && inAll.logprobs == alone.logprobs)
    // The trainer's forward over prompt + completion gives the sampler's log-probabilities.
    let sequence = target + alone.tokens
    let T = sequence.count
    var targets = [Int32](repeating: -1, count: T)
    for j in target.count..<T { targets[j - 1] = Int32(sequence[j]) }
    let batch = try TokenBatch(rows: 1, length: T, inputs: sequence.map(Int32.init), targets: targets)
    let scored = try model.forward(batch, temperature: 1)
    #expect(Array(scored.logprobs[(target.count - 1)..<(T - 1)]) == alone.logprobs)
}
