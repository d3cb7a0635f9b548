// Sampler — picks the next token from one row of logits: greedy, temperature, top-k, top-p, and
// the log-probability the trainer needs (under softmax(logits / T), before truncation).
// Exactly one uniform draw per sampled token, none for greedy or forced tokens, so a seed fixes
// the whole run.
import Kernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses tokens from logits rows; owns its scratch so no allocation happens per token.
struct Sampler {
    let temperature: Float
    let topK: Int
    let topP: Float
    private var order: [Int32] = []
    private var weights: [Float] = []

    init(temperature: Float, topK: Int, topP: Float) {
        self.temperature = temperature; self.topK = topK; self.topP = topP
    }

    /// Statistics of softmax(logits / T') with T' = temperature, or 1 when greedy.
    @inline(__always)
    func logSumExp(_ logits: UnsafePointer<Float>, _ v: Int) -> (max: Float, logSum: Float, invT: Float) {
        let invT: Float = temperature > 0 ? 1 / temperature : 1
        var m = -Float.infinity
        for j in 0..<v where logits[j] > m { m = logits[j] }
        var s: Float = 0
        for j in 0..<v { s += expf((logits[j] - m) * invT) }
        return (m, logf(s), invT)
    }

    /// log p(token) under softmax(logits / T').
    func logprob(of token: Int, _ logits: UnsafePointer<Float>, _ v: Int) -> Float {
        let st = logSumExp(logits, v)
        return (logits[token] - st.max) * st.invT - st.logSum
    }

    /// Samples (or takes the argmax of) one row; returns the token and its log-probability.
    mutating func sample(_ logits: UnsafePointer<Float>, _ v: Int, rng: inout RNG) -> (token: Int, logprob: Float) {
        let st = logSumExp(logits, v)
        func lp(_ t: Int) -> Float { (logits[t] - st.max) * st.invT - st.logSum }
        if temperature == 0 {
            var best = 0
            for j in 1..<v where logits[j] > logits[best] { best = j }
            return (best, lp(best))
        }
        let truncate = (topK > 0 && topK < v) || topP < 1
        if !truncate {
            if weights.count != v { weights = [Float](repeating: 0, count: v) }
            for j in 0..<v { weights[j] = expf((logits[j] - st.max) * st.invT) }
            let t = rng.categorical(weights)
            return (t, lp(t))
        }
        // Candidates sorted by logit, ties broken by id, so the kept set is deterministic.
        if order.count != v { order = (0..<Int32(v)).map { $0 } }
        for j in 0..<v { order[j] = Int32(j) }
        order.sort { logits[Int($0)] > logits[Int($1)] || (logits[Int($0)] == logits[Int($1)] && $0 < $1) }
        var keep = topK > 0 ? min(topK, v) : v
        if weights.count != v { weights = [Float](repeating: 0, count: v) }
        var total: Float = 0
        for i in 0..<keep {
            let e = expf((logits[Int(order[i])] - st.max) * st.invT)
            weights[i] = e
            total += e
        }
        if topP < 1 {
            var acc: Float = 0
            for i in 0..<keep {
                acc += weights[i]
                if acc >= topP * total { keep = i + 1; break }
            }
        }
        let i = weights.withUnsafeBufferPointer { rng.categorical(UnsafeBufferPointer(rebasing: $0[0..<keep])) }
        let t = Int(order[i])
        return (t, lp(t))
    }
}
