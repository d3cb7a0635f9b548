// Tests for the safetensors reader and writer: bit-exact round trips, F16/BF16 conversion
// against hand-computed values, and a clear error (never a crash) for each kind of corrupt file.

import Foundation
import Testing
@testable import Models

/// Builds a safetensors file from a raw header text and data bytes (no validation).
func rawSafeTensors(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> Data {
    let h = Array(header.utf8)
    var out = Data()
    var n = (declaredLength ?? UInt64(h.count)).littleEndian
    withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
    out.append(contentsOf: h)
    out.append(contentsOf: data)
    return out
}

/// Decodes and returns the error, failing the test if decoding succeeded.
func safeTensorsError(_ data: Data) -> SafeTensorsError? {
    do {
        _ = try SafeTensors.decode(data, file: "test.safetensors")
        return nil
    } catch {
        return error
    }
}

@Test func safeTensorsRoundTripIsBitExact() throws {
    let specials: [Float] = [0, -0.0, 1, -1.5, .pi, .infinity, -.infinity, .leastNonzeroMagnitude,
                             .greatestFiniteMagnitude, Float(bitPattern: 0x0001_1170), Float(bitPattern: 0x7FC0_1234)]
    let tensors: [String: Tensor] = [
        "model.embed_tokens.weight": try #require(Tensor(shape: [3, 4], values: (0..<12).map { Float($0) * 0.1 - 0.3 })),
        "b": try #require(Tensor(shape: [11], values: specials)),
        "scalar": try #require(Tensor(shape: [], values: [42])),
        "empty": try #require(Tensor(shape: [0, 5], values: [])),
    ]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("m.safetensors")
    try SafeTensors.write(tensors, metadata: ["format": "pt", "note": "ü \"q\""], to: url)
    let back = try SafeTensors.read(from: url)
    #expect(back.metadata == ["format": "pt", "note": "ü \"q\""])
    #expect(Set(back.tensors.keys) == Set(tensors.keys))
    for (name, t) in tensors {
        let r = try #require(back.tensors[name])
        #expect(r.shape == t.shape)
        #expect(r.values.map(\.bitPattern) == t.values.map(\.bitPattern), "tensor \(name)")
    }
    let listing = try SafeTensors.inspect(url)
    #expect(listing.tensors.map(\.name) == ["b", "empty", "model.embed_tokens.weight", "scalar"])
    #expect(listing.tensors.first { $0.name == "model.embed_tokens.weight" } == .init(name: "model.embed_tokens.weight", dtype: "F32", shape: [3, 4]))
    #expect(listing.metadata["format"] == "pt")
    // Header padded to a multiple of 8 so the data region is aligned.
    let raw = try Data(contentsOf: url)
    let length = raw.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    #expect(length % 8 == 0)
    #expect(raw[8] == UInt8(ascii: "{"))
}

@Test func safeTensorsReadsF16AndBF16() throws {
    // F16 bit patterns and their values, computed by hand from sign/exponent/mantissa.
    let f16: [(UInt16, Float)] = [
        (0x3C00, 1), (0xC000, -2), (0x3555, 0.333251953125), (0x7BFF, 65504),
        (0x0001, 5.9604644775390625e-8), (0x03FF, 6.097555160522461e-5), (0x8000, -0.0),
        (0x7C00, .infinity), (0xFC00, -.infinity),
    ]
    // BF16 is the top half of a float32.
    let bf16: [(UInt16, Float)] = [(0x3F80, 1), (0x4049, 3.140625), (0xC2F7, -123.5), (0x0001, Float(bitPattern: 0x0001_0000))]
    var bytes: [UInt8] = []
    for (bits, _) in f16 { bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
    for (bits, _) in bf16 { bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
    bytes += [0x00, 0x7E]   // F16 NaN
    let header = """
    {"h":{"dtype":"F16","shape":[9],"data_offsets":[0,18]},"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[18,26]},\
    "n":{"dtype":"F16","shape":[1],"data_offsets":[26,28]}}
    """
    let c = try SafeTensors.decode(rawSafeTensors(header: header, data: bytes))
    #expect(c.tensors["h"]?.values.map(\.bitPattern) == f16.map(\.1.bitPattern))
    #expect(c.tensors["b"]?.values == bf16.map(\.1))
    #expect(c.tensors["b"]?.shape == [2, 2])
    #expect(c.tensors["n"]?.values.first?.isNaN == true)
}

@Test func halfPrecisionEncodersRoundTripEveryPattern() {
    // Every finite F16 value converts to Float and back to the same bits; same for BF16.
    for bits in UInt16.min...UInt16.max {
        let f = HalfPrecision.floatFromF16(bits)
        if !f.isNaN { #expect(HalfPrecision.f16FromFloat(f) == bits) }
        let g = HalfPrecision.floatFromBF16(bits)
        if !g.isNaN { #expect(HalfPrecision.bf16FromFloat(g) == bits) }
    }
    // Rounding: halfway between 1 and 1+2^-10 rounds to even (1).
    #expect(HalfPrecision.f16FromFloat(1 + 0x1p-11) == 0x3C00)
    #expect(HalfPrecision.f16FromFloat(70000) == 0x7C00)
}

@Test func safeTensorsRejectsTruncatedAndOversizedHeaders() {
    let good = rawSafeTensors(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 128, 63])
    #expect((try? SafeTensors.decode(good))?.tensors["a"]?.values == [1])
    #expect(safeTensorsError(Data([1, 2, 3])) == .truncated(file: "test.safetensors", size: 3))
    if case .headerTooLarge = safeTensorsError(rawSafeTensors(header: "{}", data: [], declaredLength: 100_000_001)) {} else {
        Issue.record("expected headerTooLarge")
    }
    if case .headerOutOfBounds = safeTensorsError(rawSafeTensors(header: "{}", data: [], declaredLength: 50)) {} else {
        Issue.record("expected headerOutOfBounds")
    }
    // Truncated data: the tensor's range runs past the end of the file.
    if case .offsetsOutOfBounds(_, let t, _, _, _) = safeTensorsError(good.dropLast(1)) { #expect(t == "a") } else {
        Issue.record("expected offsetsOutOfBounds")
    }
    // A huge length whose 8 + length would overflow naive arithmetic.
    if case .headerTooLarge = safeTensorsError(rawSafeTensors(header: "{}", data: [], declaredLength: UInt64.max)) {} else {
        Issue.record("expected headerTooLarge for UInt64.max")
    }
}

@Test func safeTensorsRejectsBadJSON() {
    for header in ["{", "[]", "not json", #"{"a":1,}"#, "{\"a\":\u{1}}", "{}x", String(repeating: "[", count: 10_000)] {
        guard case .invalidHeader(let file, let reason) = safeTensorsError(rawSafeTensors(header: header, data: [])) else {
            Issue.record("expected invalidHeader for \(header.prefix(20))"); continue
        }
        #expect(file == "test.safetensors")
        #expect(!reason.isEmpty)
    }
    // Invalid UTF-8 in the header.
    var bad = rawSafeTensors(header: #"{"\#u{E9}":1}"#, data: [])
    bad[10] = 0xFF
    if case .invalidHeader(_, let reason) = safeTensorsError(bad) { #expect(reason.contains("UTF-8")) } else {
        Issue.record("expected invalidHeader for bad UTF-8")
    }
}

@Test func safeTensorsRejectsDuplicateKeys() {
    let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\u0061":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
    guard case .invalidHeader(_, let reason) = safeTensorsError(rawSafeTensors(header: header, data: [0, 0, 0, 0])) else {
        Issue.record("expected a duplicate-key error"); return
    }
    #expect(reason.contains("duplicate key \"a\""))
    // Duplicates inside an entry too.
    let inner = #"{"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}"#
    if case .invalidHeader(_, let r) = safeTensorsError(rawSafeTensors(header: inner, data: [0, 0, 0, 0])) {
        #expect(r.contains("dtype"))
    } else { Issue.record("expected a duplicate-key error inside an entry") }
}

@Test func safeTensorsRejectsBadLayouts() {
    let four: [UInt8] = [0, 0, 0, 0]
    func entry(_ name: String, _ dtype: String = "F32", _ shape: String = "[1]", b: Int, e: Int) -> String {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(b),\#(e)]}"#
    }
    // Overlap.
    if case .overlap(_, let t, let p) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", b: 0, e: 4)),\(entry("b", b: 0, e: 4))}", data: four + four)) {
        #expect(Set([t, p]) == ["a", "b"])
    } else { Issue.record("expected overlap") }
    // Gap before the second tensor.
    if case .gap(_, let t, 4, 8) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", b: 0, e: 4)),\(entry("b", b: 8, e: 12))}", data: four + four + four)) {
        #expect(t == "b")
    } else { Issue.record("expected gap") }
    // Trailing bytes after the last tensor.
    if case .trailingBytes(_, 4, 8) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", b: 0, e: 4))}", data: four + four)) {} else {
        Issue.record("expected trailingBytes")
    }
    // Out of range.
    if case .offsetsOutOfBounds(_, "a", 0, 40, 4) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", "F32", "[10]", b: 0, e: 40))}", data: four)) {} else {
        Issue.record("expected offsetsOutOfBounds")
    }
    // begin > end.
    if case .invalidEntry(_, "a", let r) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", b: 4, e: 0))}", data: four)) {
        #expect(r.contains("after end"))
    } else { Issue.record("expected begin > end error") }
    // Shape × dtype mismatch.
    if case .sizeMismatch(_, "a", 8, 4) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", "F32", "[2]", b: 0, e: 4))}", data: four)) {} else {
        Issue.record("expected sizeMismatch")
    }
    // Overflowing shape: the product overflows Int, and a dimension beyond Int.
    if case .shapeOverflow(_, "a", _) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", "F32", "[4294967296,4294967296]", b: 0, e: 4))}", data: four)) {} else {
        Issue.record("expected shapeOverflow for a product")
    }
    if case .shapeOverflow(_, "a", _) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", "F32", "[99999999999999999999999]", b: 0, e: 4))}", data: four)) {} else {
        Issue.record("expected shapeOverflow for a huge dimension")
    }
    // Negative or fractional shape, missing fields.
    for shape in ["[-1]", "[1.5]", "[\"1\"]", "3"] {
        if case .invalidEntry(_, "a", _) = safeTensorsError(rawSafeTensors(header: "{\(entry("a", "F32", shape, b: 0, e: 4))}", data: four)) {} else {
            Issue.record("expected invalidEntry for shape \(shape)")
        }
    }
    if case .invalidEntry(_, "a", _) = safeTensorsError(rawSafeTensors(header: #"{"a":{"dtype":"F32","shape":[1]}}"#, data: four)) {} else {
        Issue.record("expected invalidEntry for missing data_offsets")
    }
    // Unsupported dtype names the tensor.
    guard case .unsupportedDtype(_, "w", "F64") = safeTensorsError(rawSafeTensors(header: "{\(entry("w", "F64", "[1]", b: 0, e: 8))}", data: four + four)) else {
        Issue.record("expected unsupportedDtype"); return
    }
    #expect(SafeTensorsError.unsupportedDtype(file: "x", tensor: "w", dtype: "I64").description.contains("'w'"))
    // Bad metadata.
    if case .invalidMetadata = safeTensorsError(rawSafeTensors(header: #"{"__metadata__":{"a":1}}"#, data: [])) {} else {
        Issue.record("expected invalidMetadata")
    }
}

@Test func safeTensorsSurvivesRandomBytes() {
    var rng = SystemRandomNumberGenerator()
    var failures = 0
    for trial in 0..<2000 {
        let n = Int.random(in: 0..<200, using: &rng)
        var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // Half the trials get a plausible small header length so the JSON parser is exercised.
        if trial % 2 == 0, bytes.count >= 8 {
            let len = UInt64.random(in: 0...UInt64(bytes.count - 8), using: &rng)
            for k in 0..<8 { bytes[k] = UInt8((len >> (8 * UInt64(k))) & 0xFF) }
            if bytes.count > 8, len > 0 { bytes[8] = UInt8(ascii: "{") }
        }
        if safeTensorsError(Data(bytes)) != nil { failures += 1 }
    }
    // Random bytes essentially never form a valid file; each one must fail with an error, not crash.
    #expect(failures >= 1990)
}

@Test func safeTensorsWriterRejectsInconsistentTensor() {
    var t = Tensor(zeros: [2, 2])
    t.values.append(1)
    #expect(throws: SafeTensorsError.inconsistentTensor(tensor: "x", shape: [2, 2], valueCount: 5)) {
        _ = try SafeTensors.encode(["x": t])
    }
}
