// GGUF, the single-file model format of llama.cpp and Ollama (version 3, little-endian):
//
//   "GGUF" · u32 version · u64 tensor count · u64 metadata count
//   metadata: (string key · u32 value type · value)*        strings are u64 length + UTF-8 bytes
//   tensor infos: (string name · u32 n_dims · u64 ne[n_dims] · u32 ggml type · u64 offset)*
//   zero padding to the alignment (32) · tensor data, each tensor padded to the alignment
//
// `ne` lists dimensions innermost first, so a row-major [rows, cols] matrix is ne = [cols, rows];
// offsets count from the start of the data section. Verity writes float32 tensors only (ggml
// type 0) and the metadata value types below. The writer is pure (it returns bytes), so tests
// compare it byte for byte with the file the `gguf` Python package writes for the same content.

import Foundation

/// A GGUF metadata value (the subset Verity writes).
public enum GGUFValue: Equatable, Sendable {
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case strings([String])
    case int32s([Int32])

    /// GGUF's value type codes.
    var typeCode: UInt32 {
        switch self {
        case .uint32: return 4
        case .int32: return 5
        case .float32: return 6
        case .bool: return 7
        case .string: return 8
        case .strings, .int32s: return 9
        }
    }
}

/// A GGUF file being assembled: metadata in order, then float32 tensors in order.
public struct GGUFWriter: Sendable {
    /// Byte alignment of the data section and of each tensor (GGUF's default).
    public static let alignment = 32
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    public private(set) var tensors: [(name: String, shape: [Int], values: [Float])] = []

    public init() {}

    /// Appends a metadata entry; keys must be unique.
    public mutating func add(_ key: String, _ value: GGUFValue) throws(ModelError) {
        guard !metadata.contains(where: { $0.key == key }) else { throw ModelError("GGUF: metadata key \(key) is written twice") }
        if case .strings(let list) = value, list.isEmpty { throw ModelError("GGUF: metadata array \(key) is empty") }
        if case .int32s(let list) = value, list.isEmpty { throw ModelError("GGUF: metadata array \(key) is empty") }
        metadata.append((key, value))
    }

    /// Appends a float32 tensor of row-major `shape` (outermost first, as in safetensors).
    public mutating func addTensor(_ name: String, shape: [Int], values: [Float]) throws(ModelError) {
        guard !shape.isEmpty, shape.count <= 4, shape.allSatisfy({ $0 > 0 }),
              shape.reduce(1, *) == values.count else {
            throw ModelError("GGUF: tensor \(name) has shape \(shape) for \(values.count) values (1 to 4 positive dimensions)")
        }
        guard !tensors.contains(where: { $0.name == name }) else { throw ModelError("GGUF: tensor \(name) is written twice") }
        tensors.append((name, shape, values))
    }

    /// The file's bytes.
    public func encoded() -> Data {
        var out = Data()
        out.reserveCapacity(tensors.reduce(4096) { $0 + $1.values.count * 4 + Self.alignment })
        out.append(contentsOf: Array("GGUF".utf8))
        Self.append(UInt32(3), to: &out)
        Self.append(UInt64(tensors.count), to: &out)
        Self.append(UInt64(metadata.count), to: &out)
        for (key, value) in metadata {
            Self.append(key, to: &out)
            Self.append(value.typeCode, to: &out)
            switch value {
            case .uint32(let v): Self.append(v, to: &out)
            case .int32(let v): Self.append(UInt32(bitPattern: v), to: &out)
            case .float32(let v): Self.append(v.bitPattern, to: &out)
            case .bool(let v): out.append(v ? 1 : 0)
            case .string(let s): Self.append(s, to: &out)
            case .strings(let list):
                Self.append(UInt32(8), to: &out)
                Self.append(UInt64(list.count), to: &out)
                for s in list { Self.append(s, to: &out) }
            case .int32s(let list):
                Self.append(UInt32(5), to: &out)
                Self.append(UInt64(list.count), to: &out)
                for v in list { Self.append(UInt32(bitPattern: v), to: &out) }
            }
        }
        var offset = 0
        for tensor in tensors {
            Self.append(tensor.name, to: &out)
            Self.append(UInt32(tensor.shape.count), to: &out)
            for d in tensor.shape.reversed() { Self.append(UInt64(d), to: &out) }
            Self.append(UInt32(0), to: &out)   // GGML_TYPE_F32
            Self.append(UInt64(offset), to: &out)
            offset += Self.padded(tensor.values.count * 4)
        }
        Self.pad(&out)
        for tensor in tensors {
            tensor.values.withUnsafeBytes { out.append(contentsOf: $0) }   // little-endian hosts only (x86-64, arm64)
            Self.pad(&out)
        }
        return out
    }

    static func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    static func pad(_ out: inout Data) {
        let extra = padded(out.count) - out.count
        if extra > 0 { out.append(contentsOf: [UInt8](repeating: 0, count: extra)) }
    }

    static func append<T: FixedWidthInteger>(_ value: T, to out: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func append(_ string: String, to out: inout Data) {
        let bytes = Array(string.utf8)
        append(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }
}
