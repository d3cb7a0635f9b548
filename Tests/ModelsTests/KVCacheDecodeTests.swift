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
