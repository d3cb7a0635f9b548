// LearningRateSchedule — the one learning-rate schedule of every training loop (the policy
// trainer, SFT and STaR, the outcome verifier, the value model): linear warm-up, then constant or
// cosine decay to a floor. The warm-up and cosine arithmetic is fp32, the precision AdamW applies
// the rate in; a constant rate is returned exactly as given.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning-rate schedule; `rate(at:)` gives the rate for a 0-based optimiser step.
public struct LearningRateSchedule: Sendable, Equatable {
    /// What follows the warm-up.
    public enum Decay: Sendable, Equatable {
        /// The peak from then on.
        case constant
        /// Cosine decay from the peak to `peak · floorRatio` at `totalSteps` (held there afterwards).
        case cosine(totalSteps: Int, floorRatio: Double)
    }

    /// The rate after warm-up (η).
    public var peak: Double
    /// Linear warm-up from peak/warmupSteps to the peak over this many steps; 0 = none.
    public var warmupSteps: Int
    /// What follows the warm-up.
    public var decay: Decay

    public init(peak: Double, warmupSteps: Int = 0, decay: Decay = .constant) {
        self.peak = peak; self.warmupSteps = warmupSteps; self.decay = decay
    }

    /// The same rate at every step.
    public static func constant(_ rate: Double) -> LearningRateSchedule { LearningRateSchedule(peak: rate) }

    /// The learning rate at 0-based `step`.
    public func rate(at step: Int) -> Double {
        let p = Float(peak)
        if warmupSteps > 0 && step < warmupSteps { return Double(p * Float(step + 1) / Float(warmupSteps)) }
        switch decay {
        case .constant:
            return peak
        case let .cosine(total, floorRatio):
            let span = max(total - warmupSteps, 1)
            let progress = min(max(Double(step - warmupSteps) / Double(span), 0), 1)
            let cosine = 0.5 * (1 + cos(Double.pi * progress))
            let floor = Float(floorRatio)
            return Double(p * (floor + (1 - floor) * Float(cosine)))
        }
    }
}
