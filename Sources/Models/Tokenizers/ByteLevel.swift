// The byte ↔ character table of byte-level BPE (GPT-2's `bytes_to_unicode`): every byte maps
// to a printable Unicode character so that BPE can run on strings. Printable Latin-1 bytes
// (33…126, 161…172, 174…255) map to themselves; the other 68 bytes map, in order, to U+0100….
// So a space (0x20) becomes "Ġ" (U+0120) and a newline "Ċ" (U+010A).

enum ByteLevel {
    /// The character for each byte value.
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            let value = printable ? UInt32(b) : { defer { next += 1 }; return next }()
            table[b] = Unicode.Scalar(value) ?? " "   // all values < 0x144 are valid scalars
        }
        return table
    }()

    /// The byte for each mapped character (the inverse table).
    static let scalarToByte: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { map[s] = UInt8(b) }
        return map
    }()

    /// The byte-level string of some UTF-8 bytes.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(byteToScalar[Int(b)]) }
        return String(s)
    }

    /// Appends the bytes a byte-level token stands for; false (appending nothing) if it holds a
    /// character outside the table.
    static func decode(_ token: String, into bytes: inout [UInt8]) -> Bool {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for s in token.unicodeScalars {
            guard let b = scalarToByte[s] else { return false }
            out.append(b)
        }
        bytes.append(contentsOf: out)
        return true
    }
}
