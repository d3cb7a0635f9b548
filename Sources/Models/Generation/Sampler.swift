// Sampler — picks the next token from one row of logits: greedy, temperature, top-k, top-p, and
// the log-probability the trainer needs (under softmax(logits / T), before truncation; T = 1 when
// greedy). The uniform draw is taken by the caller beforehand, in sequence order, so rows can be
// sampled on several threads and a seed still fixes the whole run.
import Kernels

/// What to do for one sequence at one decode step.
enum TokenPlan: Sendable {
    /// Emit `</think>`: the thinking budget is spent.
    case budgetEnd(Int)
    /// Emit the next queued wait token.
    case queued(Int)
    /// Sample with this uniform draw (ignored when greedy).
    case sample(u: Double)
}

/// The temperature log-probabilities are taken at: the sampling temperature, or 1 when decoding
/// greedily (temperature 0), so a greedy sample still has the model's own log-probability. The one
/// place this rule is written: the sampler, the trainer's update and `verity serve` all use it.
@inline(__always)
public func scoringTemperature(_ temperature: Float) -> Float { temperature > 0 ? temperature : 1 }

/// Chooses tokens from logits rows with the sampling value's temperature, top-k and top-p.
struct Sampler: Sendable {
    /// The sampling value (its temperature, top-k and top-p are read here).
    let sampling: GenerationOptions

    init(_ sampling: GenerationOptions) { self.sampling = sampling }

    /// Scratch floats one row needs (exp weights, and ids for top-k/top-p).
    func scratchCount(vocab v: Int) -> Int { 2 * v }

    /// log p(token) under softmax(logits / T'), T' = the temperature or 1 when greedy, using `scratch` (≥ V floats).
    func logprob(of token: Int, _ logits: UnsafePointer<Float>, _ v: Int, scratch: UnsafeMutablePointer<Float>) -> Float {
        let invT: Float = 1 / scoringTemperature(sampling.temperature)
        let m = maxValue(logits, v)
        let sum = expShiftedSum(out: scratch, inp: logits, count: v, shift: m, scale: invT)
        return (logits[token] - m) * invT - logf_(sum)
    }

    /// Samples (or takes the argmax of) one row with uniform draw `u` ∈ [0, 1).
    func sample(_ logits: UnsafePointer<Float>, _ v: Int, u: Double, scratch: UnsafeMutablePointer<Float>) -> (token: Int, logprob: Float) {
        let invT: Float = 1 / scoringTemperature(sampling.temperature)
        let m = maxValue(logits, v)
        let w = scratch
        let total = expShiftedSum(out: w, inp: logits, count: v, shift: m, scale: invT)
        let logTotal = logf_(total)
        func lp(_ t: Int) -> Float { (logits[t] - m) * invT - logTotal }
        if sampling.temperature == 0 {
            var best = 0
            for j in 1..<v where logits[j] > logits[best] { best = j }
            return (best, lp(best))
        }
        let truncate = (sampling.topK > 0 && sampling.topK < v) || sampling.topP < 1
        if !truncate {
            let r = Float(u) * total
            var acc: Float = 0
            var last = 0
            for j in 0..<v where w[j] > 0 {
                acc += w[j]
                last = j
                if r < acc { return (j, lp(j)) }
            }
            return (last, lp(last))
        }
        // Candidates by descending logit, ties by id, so the kept set is deterministic.
        var ids = UnsafeMutableBufferPointer(start: UnsafeMutableRawPointer(scratch + v).bindMemory(to: Int32.self, capacity: v), count: v)
        for j in 0..<v { ids[j] = Int32(j) }
        ids.sort { logits[Int($0)] > logits[Int($1)] || (logits[Int($0)] == logits[Int($1)] && $0 < $1) }
        var keep = sampling.topK > 0 ? min(sampling.topK, v) : v
        var kept: Float = 0
        for i in 0..<keep { kept += w[Int(ids[i])] }
        if sampling.topP < 1 {
            var acc: Float = 0
            for i in 0..<keep {
                acc += w[Int(ids[i])]
                if acc >= sampling.topP * kept { keep = i + 1; kept = acc; break }
            }
        }
        let r = Float(u) * kept
        var acc: Float = 0
        for i in 0..<keep {
            acc += w[Int(ids[i])]
            if r < acc { return (Int(ids[i]), lp(Int(ids[i]))) }
        }
        let t = Int(ids[keep - 1])
        return (t, lp(t))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
