// AdamW — Adam with bias correction and decoupled weight decay (Loshchilov & Hutter 2019), over
// the model's contiguous parameter buffer; moments live in buffers of the same layout. Weight decay
// skips tensors whose `ParameterEntry.decay` is false (norm weights and biases).
import Kernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// AdamW hyper-parameters. The learning rate is not one of them: every update is given its rate
/// (from a `LearningRateSchedule`). There are no defaults here on purpose: each training loop's
/// config owns its values (`TrainerConfig`, `SFTConfig`, the verifier's and the value model's),
/// so a default is written once, where it is documented and settable.
public struct AdamWConfig: Codable, Sendable, Equatable {
    /// First-moment decay β₁.
    public var beta1: Float
    /// Second-moment decay β₂.
    public var beta2: Float
    /// ε added to √v̂ for stability.
    public var eps: Float
    /// Decoupled weight decay λ (θ ← θ − α·λ·θ); 0 turns it off.
    public var weightDecay: Float

    public init(beta1: Float, beta2: Float, eps: Float, weightDecay: Float) {
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
    }

    /// The settings the built-in supervised learners use (the outcome verifier, the value model;
    /// SFT's own defaults are the same): β₁ 0.9, β₂ 0.98, ε 1e-8.
    public static func supervised(weightDecay: Float) -> AdamWConfig {
        AdamWConfig(beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: weightDecay)
    }

    /// Checks every value is in range; the message names the field.
    public func validate() throws {
        guard beta1 >= 0, beta1 < 1 else { throw ModelError("AdamW beta1 must be in [0, 1), got \(beta1)") }
        guard beta2 >= 0, beta2 < 1 else { throw ModelError("AdamW beta2 must be in [0, 1), got \(beta2)") }
        guard eps > 0, eps.isFinite else { throw ModelError("AdamW eps must be positive, got \(eps)") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw ModelError("AdamW weight decay must be ≥ 0, got \(weightDecay)") }
    }
}

/// AdamW state for one model: first and second moments in the parameter layout, and the step count.
/// A class because it owns two parameter-sized buffers.
public final class AdamW: @unchecked Sendable {
    /// Hyper-parameters.
    public var config: AdamWConfig
    /// Completed steps (t in the bias corrections).
    public private(set) var step: Int = 0
    let entries: [ParameterEntry]
    let m: UnsafeMutableBufferPointer<Float>
    let v: UnsafeMutableBufferPointer<Float>

    /// An optimizer with zero moments for `model`'s parameters.
    public init(model: Transformer, config: AdamWConfig) throws {
        try config.validate()
        // The two moments, 4 bytes each per parameter.
        try MemoryBudget.check(MemoryBudget.bytes(model.parameterCount, of: 8),
                               for: "the optimizer's moments for \(model.parameterCount) parameters",
                               advice: "train a smaller model")
        self.config = config
        entries = model.parameterEntries
        m = .allocate(capacity: max(model.parameterCount, 1)); m.initialize(repeating: 0)
        v = .allocate(capacity: max(model.parameterCount, 1)); v.initialize(repeating: 0)
    }

    deinit { m.deallocate(); v.deallocate() }

    /// One update of `model` from its accumulated gradients, at learning rate `rate` (α).
    /// Does not zero the gradients.
    public func update(_ model: Transformer, learningRate rate: Float) throws {
        guard model.parameterEntries == entries else {
            throw ModelError("this optimizer was made for a different model layout — create a new optimizer for the model")
        }
        guard rate >= 0, rate.isFinite else { throw ModelError("AdamW lr must be ≥ 0, got \(rate)") }
        step += 1
        let b1 = config.beta1, b2 = config.beta2, eps = config.eps
        let c1 = 1 - Float(pow(Double(b1), Double(step)))
        let c2 = 1 - Float(pow(Double(b2), Double(step)))
        guard let p = model.parameters.baseAddress, let g = model.gradients.baseAddress,
              let mb = m.baseAddress, let vb = v.baseAddress else { return }
        for e in entries {
            let decay = e.decay ? rate * config.weightDecay : 0
            let lo = e.offset, count = e.count
            // Elementwise, so any split over threads gives identical results.
            Threading.parallelFor(count, minimumPerWorker: 65_536) { a, b in
                adamWSpan(p: p + lo + a, g: g + lo + a, m: mb + lo + a, v: vb + lo + a, count: b - a,
                          rate: rate, decay: decay, b1: b1, b2: b2, c1: c1, c2: c2, eps: eps)
            }
        }
    }

    /// The optimizer state as named tensors: `exp_avg.<name>` and `exp_avg_sq.<name>` for every
    /// parameter, for an exact resume together with `step`.
    public func stateTensors() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for e in entries {
            var a = Tensor(zeros: e.shape), b = Tensor(zeros: e.shape)
            a.values.withUnsafeMutableBufferPointer { _ = $0.initialize(from: m[e.range]) }
            b.values.withUnsafeMutableBufferPointer { _ = $0.initialize(from: v[e.range]) }
            out["exp_avg." + e.name] = a
            out["exp_avg_sq." + e.name] = b
        }
        return out
    }

    /// Restores moments and step from `stateTensors()` output; every tensor must be present with
    /// its parameter's shape.
    public func restore(state: [String: Tensor], step: Int) throws {
        guard step >= 0 else { throw ModelError("optimizer step must be ≥ 0, got \(step)") }
        for e in entries {
            for (prefix, buf) in [("exp_avg.", m), ("exp_avg_sq.", v)] {
                guard let t = state[prefix + e.name] else {
                    throw ModelError("optimizer state is missing '\(prefix + e.name)' — it was saved for a different model")
                }
                guard t.shape == e.shape else {
                    throw ModelError("optimizer state '\(prefix + e.name)' has shape \(t.shape), expected \(e.shape)")
                }
                t.values.withUnsafeBufferPointer { src in
                    _ = UnsafeMutableBufferPointer(rebasing: buf[e.range]).update(fromContentsOf: src)
                }
            }
        }
        self.step = step
    }
}

/// The AdamW update of `count` contiguous parameters, eight at a time:
/// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − α·(m/c₁)/(√(v/c₂) + ε) − α·λ·θ.
@inline(__always)
func adamWSpan(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
               v: UnsafeMutablePointer<Float>, count n: Int, rate: Float, decay: Float,
               b1: Float, b2: Float, c1: Float, c2: Float, eps: Float) {
    var i = 0
    let vb1 = SIMD8<Float>(repeating: b1), vb2 = SIMD8<Float>(repeating: b2)
    let va1 = SIMD8<Float>(repeating: 1 - b1), va2 = SIMD8<Float>(repeating: 1 - b2)
    let vc1 = SIMD8<Float>(repeating: 1 / c1), vc2 = SIMD8<Float>(repeating: 1 / c2)
    let vr = SIMD8<Float>(repeating: rate), vd = SIMD8<Float>(repeating: decay), ve = SIMD8<Float>(repeating: eps)
    while i + 8 <= n {
        let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
        let mi = vb1 * UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self) + va1 * gi
        let vi = vb2 * UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self) + va2 * gi * gi
        let pi = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
        let step = vr * (mi * vc1) / ((vi * vc2).squareRoot() + ve) + vd * pi
        UnsafeMutableRawPointer(p + i).storeBytes(of: pi - step, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        let gi = g[i]
        let mi = b1 * m[i] + (1 - b1) * gi
        let vi = b2 * v[i] + (1 - b2) * gi * gi
        m[i] = mi; v[i] = vi
        p[i] -= rate * (mi * (1 / c1)) / ((vi * (1 / c2)).squareRoot() + eps) + decay * p[i]
        i += 1
    }
}

/// Scales `model`'s gradients so their global L2 norm is at most `maxNorm`; returns the norm
/// before clipping (logged by trainers). maxNorm ≤ 0 disables clipping.
@discardableResult
public func clipGradientNorm(_ model: Transformer, maxNorm: Float) -> Float {
    let norm = model.gradientNorm()
    if maxNorm > 0, norm > maxNorm, norm.isFinite {
        let s = maxNorm / (norm + 1e-6)
        let g = model.gradients
        for i in g.indices { g[i] *= s }
    }
    return norm
}

extension Transformer {
    /// Scales the gradients to global norm ≤ maxNorm; returns the norm before clipping.
    @discardableResult
    public func clipGradientNorm(maxNorm: Float) -> Float { Models.clipGradientNorm(self, maxNorm: maxNorm) }
}
