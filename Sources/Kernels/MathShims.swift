// MathShims — the few libm functions the kernels need, named once so every file imports the same ones.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) func libmCos(_ x: Double) -> Double { cos(x) }
@inline(__always) func libmSin(_ x: Double) -> Double { sin(x) }
@inline(__always) func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
/// Single-precision natural log (libm's `logf`), shared with the sampler in Models.
@inlinable @inline(__always) public func logf_(_ x: Float) -> Float { logf(x) }
