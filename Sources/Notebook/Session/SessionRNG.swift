// SessionRNG — the session's random generator is the engine's `Kernels.RNG` (xoshiro256** seeded
// through SplitMix64), so a seed typed in a notebook drives the model's sampler, the task
// generators and the trainer through one stream. Each command that draws randomness takes one
// 64-bit seed from this stream (`Session.commandSeed()`) and builds its own `RNG` from it, so a
// cell re-run after `seed N` reproduces exactly, however many numbers the command itself uses.
import Kernels

/// The session generator: the engine's seeded `RNG`.
public typealias SessionRNG = Kernels.RNG

extension Kernels.RNG {
    /// A uniform float in [0, 1) (the name the session API used before the engine landed).
    public mutating func nextFloat() -> Float { uniform() }
}

extension Session {
    /// The seed for one command's own generator: the next 64 bits of the session stream. Commands
    /// call this once (after validating their arguments) and pass `RNG(seed:)` to whatever draws.
    public func commandSeed() -> UInt64 { rng.next() }

    /// A fresh generator for one command, seeded from the session stream.
    public func commandRNG() -> Kernels.RNG { Kernels.RNG(seed: commandSeed()) }
}
