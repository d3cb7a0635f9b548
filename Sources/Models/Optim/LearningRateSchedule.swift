// LearningRateSchedule — the learning-rate multiplier over steps: constant, or linear warm-up then
// cosine decay to a floor (the SFT recipe: 30 warm-up steps, cosine to 10%).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning-rate schedule; `rate(at:)` gives the absolute rate for a 0-based step.
public enum LearningRateSchedule: Sendable, Equatable, Codable {
    /// The same rate at every step.
    case constant(Float)
    /// Linear warm-up from ~0 to `peak` over `warmupSteps`, then cosine decay to
    /// `peak · floorRatio` at `totalSteps` (held there afterwards).
    case warmupCosine(peak: Float, warmupSteps: Int, totalSteps: Int, floorRatio: Float)

    /// The learning rate at 0-based `step`.
    public func rate(at step: Int) -> Float {
        switch self {
        case .constant(let r):
            return r
        case let .warmupCosine(peak, warmup, total, floor):
            if warmup > 0 && step < warmup {
                return peak * Float(step + 1) / Float(warmup)
            }
            let span = max(total - warmup, 1)
            let progress = min(max(Double(step - warmup) / Double(span), 0), 1)
            let cosine = 0.5 * (1 + cos(Double.pi * progress))
            return peak * (floor + (1 - floor) * Float(cosine))
        }
    }
}
