// RNG — the one seeded random generator every random draw in Verity comes from.
// xoshiro256** (Blackman & Vigna) seeded through SplitMix64; its four words are the whole state,
// so a checkpoint that stores `state` resumes the exact same stream.

/// Errors from restoring a generator state.
public struct RNGStateError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// A small, fast, seeded pseudo-random generator (xoshiro256**). Value type: copying it forks
/// the stream, so pass it `inout` where draws must advance a shared sequence.
public struct RNG: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the four state words from SplitMix64 so nearby seeds give unrelated streams.
    public init(seed: UInt64) {
        var x = seed
        func splitmix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(&x); s1 = splitmix(&x); s2 = splitmix(&x); s3 = splitmix(&x)
    }

    /// Restores a generator from `state` (four words, not all zero) for an exact resume.
    public init(state: [UInt64]) throws {
        guard state.count == 4 else {
            throw RNGStateError(description: "random generator state must have 4 words, got \(state.count) — use the 'state' saved by the same Verity version")
        }
        guard state.contains(where: { $0 != 0 }) else {
            throw RNGStateError(description: "random generator state is all zeros, which xoshiro256** never reaches — the saved state is corrupt")
        }
        s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3]
    }

    /// The full generator state (four words); `RNG(state:)` continues the same stream.
    public var state: [UInt64] {
        get { [s0, s1, s2, s3] }
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RNG.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = RNG.rotl(s3, 45)
        return result
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal draw (Box–Muller; one of the pair is discarded so the stream position
    /// depends only on the number of calls).
    public mutating func normal() -> Float {
        // 1 - u lies in (0, 1], so the log is finite.
        let u1 = 1.0 - uniformDouble()
        let u2 = uniformDouble()
        return Float((-2.0 * libmLog(u1)).squareRoot() * libmCos(2.0 * Double.pi * u2))
    }

    /// A uniform integer in 0..<n (n > 0), unbiased (Lemire's method via the standard library).
    public mutating func int(below n: Int) -> Int {
        Int.random(in: 0..<max(n, 1), using: &self)
    }

    /// Draws an index from unnormalised non-negative `weights` (one uniform draw).
    /// Returns the last index with positive weight if rounding leaves the draw past the total,
    /// and 0 when every weight is zero.
    public mutating func categorical(_ weights: UnsafeBufferPointer<Float>) -> Int {
        var total: Double = 0
        for w in weights { total += Double(w) }
        let r = uniformDouble() * total
        var acc: Double = 0
        var last = 0
        for i in 0..<weights.count where weights[i] > 0 {
            acc += Double(weights[i])
            last = i
            if r < acc { return i }
        }
        return last
    }

    /// Draws an index from unnormalised non-negative `weights`.
    public mutating func categorical(_ weights: [Float]) -> Int {
        weights.withUnsafeBufferPointer { categorical($0) }
    }
}
