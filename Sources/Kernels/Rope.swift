// Rope — rotary position embeddings in the Hugging Face `rotate_half` layout: within each head of
// size d, dimension j pairs with j + d/2 (not adjacent pairs as in llama2.c / Meta's code).
// angle(pos, j) = pos · theta^(−2j/d), j < d/2.

/// Cos/sin tables [positions, d/2] for head size `headDim` and base `theta`.
public struct RopeTable: Sendable {
    public let headDim: Int
    public let positions: Int
    public let cos: [Float]
    public let sin: [Float]

    /// Builds the tables. The inverse frequencies are rounded to Float first, as Hugging Face does,
    /// so angles match PyTorch to the last bits at long positions.
    public init(headDim: Int, positions: Int, theta: Float) {
        let half = headDim / 2
        self.headDim = headDim
        self.positions = positions
        var c = [Float](repeating: 0, count: positions * half)
        var s = [Float](repeating: 0, count: positions * half)
        for j in 0..<half {
            let invFreq = Float(1.0 / libmPow(Double(theta), Double(2 * j) / Double(headDim)))
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
