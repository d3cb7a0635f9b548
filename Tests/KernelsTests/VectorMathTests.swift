// The vectorised exp against Double exp, and the helpers built on it.
import Foundation
import Testing
@testable import Kernels

@Test func vexpRelativeErrorIsTiny() {
    var worst = 0.0
    var x: Float = -87
    while x < 88 {
        let v = vexp(SIMD8<Float>(x, x + 0.013, x + 0.031, x + 0.057, x + 0.071, x + 0.089, x + 0.097, x + 0.1))
        for i in 0..<8 {
            let xi = [x, x + 0.013, x + 0.031, x + 0.057, x + 0.071, x + 0.089, x + 0.097, x + 0.1][i]
            let ref = exp(Double(xi))
            worst = max(worst, abs(Double(v[i]) - ref) / ref)
        }
        x += 0.37
    }
    #expect(worst < 5e-7)
    #expect(vexp(Float(0)) == 1)
    #expect(vexp(Float(-1000)) < 1e-37)
}

@Test func expShiftedSumAndMax() {
    var rng = RNG(seed: 41)
    for n in [1, 7, 8, 13, 100] {
        let x = randomFloats(n, std: 3, rng: &rng)
        let m = maxValue(x, n)
        #expect(m == x.max())
        var out = [Float](repeating: 0, count: n)
        let s = out.withUnsafeMutableBufferPointer { expShiftedSum(out: $0.baseAddress!, inp: x, count: n, shift: m, scale: 0.5) }
        let ref = x.map { exp(0.5 * (Double($0) - Double(m))) }
        #expect(maxRelativeDifference(out, ref) < 1e-6)
        #expect(abs(Double(s) - ref.reduce(0, +)) < 1e-5 * Double(n))
    }
}
