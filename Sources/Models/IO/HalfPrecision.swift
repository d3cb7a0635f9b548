// Bit-level conversions between the 16-bit float formats found in safetensors files and Float.
// Written by hand (not `Float16`) because `Float16` is unavailable on some x86 toolchains and
// the conversion must be exact and identical everywhere.

enum HalfPrecision {
    /// IEEE 754 binary16 (F16: 1 sign, 5 exponent, 10 mantissa bits) → Float, exact.
    static func floatFromF16(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = UInt32((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F {
            // Inf or NaN; keep NaN payload bits in the top of the float mantissa.
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Zero or subnormal: value = mantissa × 2^-24, exactly representable in Float.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        // Normal: rebias the exponent from 15 to 127.
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// bfloat16 (BF16: the top 16 bits of a Float) → Float, exact.
    static func floatFromBF16(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

    /// Float → bfloat16 with round-to-nearest-even (NaN stays NaN). Used by tests and writers.
    static func bf16FromFloat(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        if f.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }

    /// Float → binary16 with round-to-nearest-even, overflow to infinity, subnormals kept.
    static func f16FromFloat(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF { return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0) }
        let e = exponent - 127 + 15
        if e >= 0x1F { return sign | 0x7C00 }
        if e <= 0 {
            // Subnormal or zero in binary16: shift the full significand into place and round.
            if e < -10 { return sign }
            let full = mantissa | 0x80_0000
            let shift = UInt32(14 - e)
            var half = full >> shift
            let remainder = full & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(e) << 10 | mantissa >> 13
        let remainder = mantissa & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }   // may carry into the exponent: correct
        return sign | UInt16(half)
    }
}
