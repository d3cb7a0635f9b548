// Shared helpers for the kernel tests: random buffers, Double references, comparisons.
import Foundation
@testable import Kernels

enum JSONEncoderShim {
    static func encode(_ r: RNG) throws -> Data { try JSONEncoder().encode(r) }
    static func decode(_ d: Data) throws -> RNG { try JSONDecoder().decode(RNG.self, from: d) }
}

/// n normal draws scaled by `std`.
func randomFloats(_ n: Int, std: Float = 1, rng: inout RNG) -> [Float] {
    (0..<n).map { _ in rng.normal() * std }
}

/// Largest |a − b| / max(1e-3, max |b|).
func maxRelativeDifference(_ a: [Float], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var d = 0.0, m = 1e-3
    for i in a.indices { d = max(d, abs(Double(a[i]) - b[i])); m = max(m, abs(b[i])) }
    return d / m
}

/// Central finite differences of a Double scalar function at x.
func numericGradient(_ x: [Double], h: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var g = [Double](repeating: 0, count: x.count)
    var y = x
    for i in x.indices {
        y[i] = x[i] + h; let fp = f(y)
        y[i] = x[i] - h; let fm = f(y)
        y[i] = x[i]
        g[i] = (fp - fm) / (2 * h)
    }
    return g
}
