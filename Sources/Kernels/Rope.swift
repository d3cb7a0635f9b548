// Rope — rotary position embeddings in the Hugging Face `rotate_half` layout: within each head of
// size d, dimension j pairs with j + d/2 (not adjacent pairs as in llama2.c / Meta's code).
// angle(pos, j) = pos · theta^(−2j/d), j < d/2.

/// How the rotary frequencies are rescaled for contexts longer than pre-training's (Hugging Face
/// `rope_type`). Only the types whose tables do not depend on the sequence length are here:
/// `linear` (position interpolation) and `llama3` (Llama 3.1's banded interpolation).
public enum RopeScaling: Sendable, Equatable {
    /// Plain RoPE.
    case none
    /// Every inverse frequency divided by `factor`.
    case linear(factor: Float)
    /// Llama 3.1: wavelengths above `originalMaxPositions / lowFreqFactor` are slowed by `factor`,
    /// those below `originalMaxPositions / highFreqFactor` are kept, and the band between is
    /// interpolated smoothly.
    case llama3(factor: Float, lowFreqFactor: Float, highFreqFactor: Float, originalMaxPositions: Int)

    /// The inverse frequencies θ^(−2j/d) for j < d/2, rescaled. Each step is rounded to Float as
    /// PyTorch computes it in float32, so the tables match `transformers`' to the last bits or so.
    public func inverseFrequencies(headDim: Int, theta: Float) -> [Float] {
        let base = (0..<headDim / 2).map { j in Float(1.0 / libmPow(Double(theta), Double(2 * j) / Double(headDim))) }
        switch self {
        case .none:
            return base
        case .linear(let factor):
            return base.map { $0 / factor }
        case .llama3(let factor, let low, let high, let original):
            let old = Float(original)
            let lowWavelength = Float(Double(original) / Double(low)), highWavelength = Float(Double(original) / Double(high))
            return base.map { f in
                let wavelength = Float(2 * Double.pi) / f
                if wavelength < highWavelength { return f }           // high frequencies: kept
                if wavelength > lowWavelength { return f / factor }   // low frequencies: slowed
                let smooth = (old / wavelength - low) / Float(Double(high) - Double(low))
                return (1 - smooth) * f / factor + smooth * f
            }
        }
    }
}

/// Cos/sin tables [positions, d/2] for head size `headDim` and base `theta`.
public struct RopeTable: Sendable {
    public let headDim: Int
    public let positions: Int
    public let cos: [Float]
    public let sin: [Float]

    /// Builds the tables. The inverse frequencies are rounded to Float first, as Hugging Face does,
    /// so angles match PyTorch to the last bits at long positions.
    public init(headDim: Int, positions: Int, theta: Float, scaling: RopeScaling = .none) {
        let half = headDim / 2
        self.headDim = headDim
        self.positions = positions
        let inverse = scaling.inverseFrequencies(headDim: headDim, theta: theta)
        var c = [Float](repeating: 0, count: positions * half)
        var s = [Float](repeating: 0, count: positions * half)
        for j in 0..<half {
            let invFreq = inverse[j]
            for p in 0..<positions {
                let angle = Double(Float(p) * invFreq)
                c[p * half + j] = Float(libmCos(angle))
                s[p * half + j] = Float(libmSin(angle))
            }
        }
        cos = c
        sin = s
    }
}

/// Rotates, in place, `heads` head vectors of size d stored contiguously at `x` for position `pos`.
/// x[h, j] ← x[h,j]·cos − x[h,j+d/2]·sin; x[h,j+d/2] ← x[h,j+d/2]·cos + x[h,j]·sin.
@inline(__always)
public func ropeForward(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim d: Int, pos: Int,
                        cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
    let half = d / 2
    let cp = cos + pos * half, sp = sin + pos * half
    for h in 0..<heads {
        let v = x + h * d
        for j in 0..<half {
            let a = v[j], b = v[j + half]
            v[j] = a * cp[j] - b * sp[j]
            v[j + half] = b * cp[j] + a * sp[j]
        }
    }
}

/// Backward of `ropeForward`, in place on the gradient: the rotation's transpose (angle −θ).
@inline(__always)
public func ropeBackward(_ dx: UnsafeMutablePointer<Float>, heads: Int, headDim d: Int, pos: Int,
                         cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
    let half = d / 2
    let cp = cos + pos * half, sp = sin + pos * half
    for h in 0..<heads {
        let v = dx + h * d
        for j in 0..<half {
            let a = v[j], b = v[j + half]
            v[j] = a * cp[j] + b * sp[j]
            v[j + half] = b * cp[j] - a * sp[j]
        }
    }
}

/// Applies `ropeForward` (or `ropeBackward` when `inverse`) to N rows of `heads` heads, rows
/// `rowStride` floats apart (default heads·d), row n at position n mod `length` (B right-padded
/// rows of T), split over threads.
public func ropeRows(_ x: UnsafeMutablePointer<Float>, rows n: Int, length: Int, heads: Int, headDim d: Int,
                     rowStride: Int? = nil, table: RopeTable, inverse: Bool = false) {
    let stride = rowStride ?? heads * d
    table.cos.withUnsafeBufferPointer { cp in
        table.sin.withUnsafeBufferPointer { sp in
            let c = cp.baseAddress!, s = sp.baseAddress!
            Threading.parallelFor(n, minimumPerWorker: 64) { a, b in
                for r in a..<b {
                    if inverse {
                        ropeBackward(x + r * stride, heads: heads, headDim: d, pos: r % length, cos: c, sin: s)
                    } else {
                        ropeForward(x + r * stride, heads: heads, headDim: d, pos: r % length, cos: c, sin: s)
                    }
                }
            }
        }
    }
}
