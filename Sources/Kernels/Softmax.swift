// Softmax — softmax, log-softmax with target gather (per-token log-probabilities and
// cross-entropy), and per-token entropy with its gradient, over rows of V logits.
// All use the max-shifted form so large logits never overflow.

/// out[V] = softmax(inp[V]). `out` may alias `inp`.
public func softmaxForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count v: Int) {
    let m = maxValue(inp, v)
    let sum = expShiftedSum(out: out, inp: inp, count: v, shift: m, scale: 1)
    let inv = 1 / sum
    for j in 0..<v { out[j] *= inv }
}

/// dInp[V] = p ⊙ (dOut − Σ dOut·p) for p = softmax output. Overwrites dInp (may alias dOut).
public func softmaxBackward(dInp: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                            probs: UnsafePointer<Float>, count v: Int) {
    let s = dot(dOut, probs, v)
    for j in 0..<v { dInp[j] = probs[j] * (dOut[j] - s) }
}

/// Per-row statistics of softmax(logits · invTemperature) that the backward pass needs.
public struct LogSoftmaxRow: Sendable {
    /// log Σ exp(z) with z = logits · invTemperature.
    public var logSumExp: Float
    /// log p(target), or 0 when target < 0 (ignored position).
    public var logprob: Float
    /// −Σ p log p.
    public var entropy: Float
    public init(logSumExp: Float, logprob: Float, entropy: Float) {
        self.logSumExp = logSumExp; self.logprob = logprob; self.entropy = entropy
    }
}

/// Log-softmax of one row of V logits at inverse temperature `invT`, gathered at `target`,
/// with the row's entropy. One pass after the max: with d = (z − m)·invT, Σe^d and Σe^d·d give both
/// log Σ and entropy. log p(target) = d_target − log Σe^d: the sampler's formula, term for term
/// (`Sampler`), so the trainer's log-probabilities equal the sampler's bit for bit.
public func logSoftmaxGatherForward(logits: UnsafePointer<Float>, count v: Int, target: Int,
                                    invTemperature invT: Float) -> LogSoftmaxRow {
    let m = maxValue(logits, v)
    var vs = SIMD8<Float>(), vsd = SIMD8<Float>()
    let vm = SIMD8<Float>(repeating: m), vt = SIMD8<Float>(repeating: invT)
    var j = 0
    while j + 8 <= v {
        let d = (UnsafeRawPointer(logits + j).loadUnaligned(as: SIMD8<Float>.self) - vm) * vt
        let e = vexp(d)
        vs += e
        vsd += e * d
        j += 8
    }
    var sum = vs.sum(), sumED = vsd.sum()
    while j < v {
        let d = (logits[j] - m) * invT
        let e = vexp(d)
        sum += e
        sumED += e * d
        j += 1
    }
    let logSum = logf_(sum)
    let lse = m * invT + logSum
    let entropy = logSum - sumED / sum
    let lp: Float = target >= 0 ? (logits[target] - m) * invT - logSum : 0
    return LogSoftmaxRow(logSumExp: lse, logprob: lp, entropy: entropy)
}

/// Gradient of dLogprob·log p(target) + dEntropy·H with respect to the row's logits, written
/// in place over `logits` (which the caller no longer needs):
/// dz_j = dLogprob·(δ_j,target − p_j) − dEntropy·p_j·(log p_j + H); dlogit_j = dz_j · invT.
public func logSoftmaxGatherBackward(logitsToGrad g: UnsafeMutablePointer<Float>, count v: Int,
                                     target: Int, invTemperature invT: Float, row: LogSoftmaxRow,
                                     dLogprob: Float, dEntropy: Float) {
    let lse = row.logSumExp, h = row.entropy
    let vt = SIMD8<Float>(repeating: invT), vl = SIMD8<Float>(repeating: lse), vh = SIMD8<Float>(repeating: h)
    let va = SIMD8<Float>(repeating: -dLogprob * invT), vb = SIMD8<Float>(repeating: -dEntropy * invT)
    var j = 0
    while j + 8 <= v {
        let logp = UnsafeRawPointer(g + j).loadUnaligned(as: SIMD8<Float>.self) * vt - vl
        let p = vexp(logp)
        UnsafeMutableRawPointer(g + j).storeBytes(of: va * p + vb * p * (logp + vh), as: SIMD8<Float>.self)
        j += 8
    }
    while j < v {
        let logp = g[j] * invT - lse
        let p = vexp(logp)
        g[j] = (-dLogprob * p - dEntropy * p * (logp + h)) * invT
        j += 1
    }
    if target >= 0 { g[target] += dLogprob * invT }
}

/// Weighted cross-entropy over per-token log-probabilities: loss = −Σ wₜ·log pₜ / Σ wₜ (0 when
/// every weight is 0), and its gradient dLoss/dlog pₜ = −wₜ / Σ w — what `backward` takes as
/// `dLogprob` for supervised fine-tuning with per-token weights (e.g. 1 on completion tokens).
public func weightedCrossEntropy(logprobs: [Float], weights: [Float]) -> (loss: Float, dLogprob: [Float]) {
    let n = min(logprobs.count, weights.count)
    var total: Double = 0, sum: Double = 0
    for i in 0..<n { total += Double(weights[i]); sum += Double(weights[i]) * Double(logprobs[i]) }
    guard total > 0 else { return (0, [Float](repeating: 0, count: logprobs.count)) }
    var d = [Float](repeating: 0, count: logprobs.count)
    for i in 0..<n { d[i] = Float(-Double(weights[i]) / total) }
    return (Float(-sum / total), d)
}
