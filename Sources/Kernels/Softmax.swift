// Softmax — softmax, log-softmax with target gather (per-token log-probabilities and
// cross-entropy), and per-token entropy with its gradient, over rows of V logits.
// All use the max-shifted form so large logits never overflow.

/// out[V] = softmax(inp[V]). `out` may alias `inp`.
public func softmaxForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count v: Int) {
    var m = -Float.infinity
    for j in 0..<v where inp[j] > m { m = inp[j] }
    var sum: Float = 0
    for j in 0..<v {
        let e = expf_(inp[j] - m)
        out[j] = e
        sum += e
    }
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
/// with the row's entropy. One pass after the max: Σe and Σe·(z−m) give both lse and entropy.
public func logSoftmaxGatherForward(logits: UnsafePointer<Float>, count v: Int, target: Int,
                                    invTemperature invT: Float) -> LogSoftmaxRow {
    var m = -Float.infinity
    for j in 0..<v where logits[j] > m { m = logits[j] }
    let zm = m * invT
    var sum: Float = 0, sumEZ: Float = 0
    for j in 0..<v {
        let d = logits[j] * invT - zm
        let e = expf_(d)
        sum += e
        sumEZ += e * d
    }
    let logSum = logf_(sum)
    let lse = zm + logSum
    let entropy = logSum - sumEZ / sum
    let lp: Float = target >= 0 ? logits[target] * invT - lse : 0
    return LogSoftmaxRow(logSumExp: lse, logprob: lp, entropy: entropy)
}

/// Gradient of dLogprob·log p(target) + dEntropy·H with respect to the row's logits, written
/// in place over `logits` (which the caller no longer needs):
/// dz_j = dLogprob·(δ_j,target − p_j) − dEntropy·p_j·(log p_j + H); dlogit_j = dz_j · invT.
public func logSoftmaxGatherBackward(logitsToGrad g: UnsafeMutablePointer<Float>, count v: Int,
                                     target: Int, invTemperature invT: Float, row: LogSoftmaxRow,
                                     dLogprob: Float, dEntropy: Float) {
    let lse = row.logSumExp, h = row.entropy
    for j in 0..<v {
        let logp = g[j] * invT - lse
        let p = expf_(logp)
        g[j] = (-dLogprob * p - dEntropy * p * (logp + h)) * invT
    }
    if target >= 0 { g[target] += dLogprob * invT }
}
