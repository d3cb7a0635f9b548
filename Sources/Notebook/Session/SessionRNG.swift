// SessionRNG — the session's seeded random generator until the engine's `Kernels.RNG` replaces it
// (swap the type of `Session.rng`; nothing else names this one). xoshiro256** seeded through
// SplitMix64: small, fast, and the same stream on every machine for the same seed.

/// A deterministic 64-bit generator (xoshiro256**, Blackman & Vigna 2018).
public struct SessionRNG: RandomNumberGenerator, Sendable, Equatable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the four words of state from `seed` through SplitMix64, so nearby seeds give
    /// unrelated streams and seed 0 is fine.
    public init(seed: UInt64) {
        var mix = seed
        func splitmix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    /// A uniform float in [0, 1) from the top 24 bits.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    public static func == (lhs: SessionRNG, rhs: SessionRNG) -> Bool {
        lhs.state == rhs.state
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
