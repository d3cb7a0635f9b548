// Softmax, log-softmax gather with entropy, and causal GQA attention (training and decode forms)
// vs naive Double references and central finite differences.
import Foundation
import Testing
@testable import Kernels

func refSoftmax(_ z: [Double]) -> [Double] {
    let m = z.max() ?? 0
    let e = z.map { exp($0 - m) }
    let s = e.reduce(0, +)
    return e.map { $0 / s }
}

@Test func softmaxForwardBackward() {
    var rng = RNG(seed: 31)
    let v = 9
    let x = randomFloats(v, std: 3, rng: &rng), dy = randomFloats(v, rng: &rng)
    var p = [Float](repeating: 0, count: v)
    p.withUnsafeMutableBufferPointer { softmaxForward(out: $0.baseAddress!, inp: x, count: v) }
    let xd = x.map(Double.init)
    #expect(maxRelativeDifference(p, refSoftmax(xd)) < 1e-6)
    var dx = [Float](repeating: 0, count: v)
    dx.withUnsafeMutableBufferPointer { softmaxBackward(dInp: $0.baseAddress!, dOut: dy, probs: p, count: v) }
    #expect(maxRelativeDifference(dx, numericGradient(xd) { weighted(refSoftmax($0), dy) }) < 1e-4)
}

@Test(arguments: [Float(1), Float(0.7)])
func logSoftmaxGatherEntropyAndGradient(temperature: Float) {
    var rng = RNG(seed: 32)
    let v = 11, target = 4
    let logits = randomFloats(v, std: 2, rng: &rng)
    let a = -0.8, b = 0.3  // L = a·logp(target) + b·H
    func ref(_ l: [Double]) -> (lp: Double, h: Double) {
        let p = refSoftmax(l.map { $0 / Double(temperature) })
        return (log(p[target]), -p.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) })
    }
    let row = logSoftmaxGatherForward(logits: logits, count: v, target: target, invTemperature: 1 / temperature)
    let r = ref(logits.map(Double.init))
    #expect(abs(Double(row.logprob) - r.lp) < 1e-5)
    #expect(abs(Double(row.entropy) - r.h) < 1e-5)
    #expect(logSoftmaxGatherForward(logits: logits, count: v, target: -1, invTemperature: 1).logprob == 0)
    var g = logits
    g.withUnsafeMutableBufferPointer {
        logSoftmaxGatherBackward(logitsToGrad: $0.baseAddress!, count: v, target: target, invTemperature: 1 / temperature,
                                 row: row, dLogprob: Float(a), dEntropy: Float(b))
    }
    let fd = numericGradient(logits.map(Double.init)) { l in let q = ref(l); return a * q.lp + b * q.h }
    #expect(maxRelativeDifference(g, fd) < 1e-4)
}

/// Naive causal GQA attention in Double: q [B·T, H·hd], k/v [B·T, KVH·hd].
func refAttention(_ q: [Double], _ k: [Double], _ v: [Double], _ s: AttentionShape) -> [Double] {
    let T = s.length, hd = s.headDim, C = s.heads * hd, KV = s.kvHeads * hd
    var out = [Double](repeating: 0, count: s.batch * T * C)
    for b in 0..<s.batch { for h in 0..<s.heads {
        let g = h / (s.heads / s.kvHeads)
        for t in 0..<T {
            var sc = [Double](repeating: 0, count: t + 1)
            for u in 0...t {
                var d = 0.0
                for j in 0..<hd { d += q[(b * T + t) * C + h * hd + j] * k[(b * T + u) * KV + g * hd + j] }
                sc[u] = d / Double(hd).squareRoot()
            }
            let p = refSoftmax(sc)
            for u in 0...t { for j in 0..<hd { out[(b * T + t) * C + h * hd + j] += p[u] * v[(b * T + u) * KV + g * hd + j] } }
        }
    } }
    return out
}

/// Short rows (one query block) and rows of 70 positions (blocks of 32, 32 and 6: the block-causal
/// products and their accumulation across blocks).
let attentionTestShapes = [AttentionShape(batch: 2, length: 5, heads: 4, kvHeads: 2, headDim: 4),
                           AttentionShape(batch: 1, length: 70, heads: 2, kvHeads: 1, headDim: 4)]

@Test(arguments: [1, 2], [0, 1])
func attentionForwardBackwardGQA(threads: Int, shapeIndex: Int) {
    Threading.setThreads(threads)
    defer { Threading.setThreads(2) }
    var rng = RNG(seed: 33)
    let s = attentionTestShapes[shapeIndex]
    let C = s.heads * s.headDim, KV = s.kvHeads * s.headDim, N = s.batch * s.length
    let q = randomFloats(N * C, rng: &rng), k = randomFloats(N * KV, rng: &rng), v = randomFloats(N * KV, rng: &rng)
    let dy = randomFloats(N * C, rng: &rng)
    var out = [Float](repeating: 0, count: N * C)
    var probs = [Float](repeating: 0, count: s.batch * s.heads * s.length * s.length)
    out.withUnsafeMutableBufferPointer { op in probs.withUnsafeMutableBufferPointer { pp in
        attentionForward(out: op.baseAddress!, probs: pp.baseAddress!, q: q, k: k, v: v, shape: s)
    } }
    let qd = q.map(Double.init), kd = k.map(Double.init), vd = v.map(Double.init)
    #expect(maxRelativeDifference(out, refAttention(qd, kd, vd, s)) < 1e-5)
    var dq = [Float](repeating: 0, count: N * C), dk = [Float](repeating: 9, count: N * KV), dv = dk
    dq.withUnsafeMutableBufferPointer { dqp in dk.withUnsafeMutableBufferPointer { dkp in dv.withUnsafeMutableBufferPointer { dvp in
        attentionBackward(dq: dqp.baseAddress!, dk: dkp.baseAddress!, dv: dvp.baseAddress!, dOut: dy, probs: probs,
                          q: q, k: k, v: v, shape: s)
    } } }
    #expect(maxRelativeDifference(dq, numericGradient(qd) { weighted(refAttention($0, kd, vd, s), dy) }) < 1e-4)
    #expect(maxRelativeDifference(dk, numericGradient(kd) { weighted(refAttention(qd, $0, vd, s), dy) }) < 1e-4)
    #expect(maxRelativeDifference(dv, numericGradient(vd) { weighted(refAttention(qd, kd, $0, s), dy) }) < 1e-4)

    // Decode form: row t of the last sequence against a cache holding that sequence's keys/values.
    let t = min(40, s.length - 2), b = s.batch - 1
    var row = [Float](repeating: 0, count: C), scores = [Float](repeating: 0, count: s.heads * s.length)
    row.withUnsafeMutableBufferPointer { rp in scores.withUnsafeMutableBufferPointer { sp in
        q.withUnsafeBufferPointer { qp in k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
            attentionDecodeRow(out: rp.baseAddress!, q: qp.baseAddress! + (b * s.length + t) * C,
                               keyCache: kp.baseAddress! + b * s.length * KV, valueCache: vp.baseAddress! + b * s.length * KV,
                               pos: t, heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim, scores: sp.baseAddress!)
        } } }
    } }
    let base = (b * s.length + t) * C
    #expect(maxRelativeDifference(row, Array(refAttention(qd, kd, vd, s)[base..<(base + C)])) < 1e-5)
}

@Test func weightedCrossEntropyAndGradient() {
    let lp: [Float] = [-0.5, -2, -1, 0]
    let w: [Float] = [1, 0, 3, 0]
    let (loss, d) = weightedCrossEntropy(logprobs: lp, weights: w)
    #expect(abs(loss - (0.5 + 3) / 4) < 1e-6)
    #expect(d == [-0.25, 0, -0.75, 0])
    // Finite differences of the loss in each log-prob.
    for i in lp.indices {
        var p = lp, m = lp
        p[i] += 1e-2; m[i] -= 1e-2
        let fd = (weightedCrossEntropy(logprobs: p, weights: w).loss - weightedCrossEntropy(logprobs: m, weights: w).loss) / 2e-2
        #expect(abs(fd - d[i]) < 1e-4)
    }
    #expect(weightedCrossEntropy(logprobs: lp, weights: [0, 0, 0, 0]).loss == 0)
}
