// safetensors reader and writer (https://github.com/huggingface/safetensors, format only).
//
// Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the data region.
// The JSON maps tensor names to {dtype, shape, data_offsets: [begin, end]} (offsets relative to
// the data region) plus an optional "__metadata__" string→string map. The reader treats the file
// as untrusted and checks everything the reference implementation checks before touching data:
// header size limit, strict JSON without duplicate keys, each entry's fields, byte size with
// overflow checks, and that the tensors tile the data region exactly.

import Foundation

/// The tensors and metadata of one safetensors file.
public struct SafeTensorsContents: Sendable, Equatable {
    /// Tensors by name, converted to fp32.
    public var tensors: [String: Tensor]
    /// The `__metadata__` map (empty when absent).
    public var metadata: [String: String]
    /// Bundles tensors and metadata (for writing, or as read).
    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// Reads and writes safetensors files.
public enum SafeTensors {
    /// The reference implementation's limit on header size.
    public static let maxHeaderLength: UInt64 = 100_000_000

    /// One validated header entry.
    struct Entry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// The dtypes Verity reads, with their element size.
    enum DType: String {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"
        var size: Int { self == .f32 ? 4 : 2 }
    }

    /// Name, dtype and shape of one stored tensor, without its data.
    public struct TensorInfo: Sendable, Equatable {
        /// The tensor's name in the file.
        public var name: String
        /// The stored dtype ("F32", "F16" or "BF16").
        public var dtype: String
        /// Dimensions, outermost first.
        public var shape: [Int]
    }

    /// Lists a file's tensors (sorted by offset) and metadata after the full header and layout
    /// checks, without converting any data — for `model info` and for choosing what to load.
    public static func inspect(_ url: URL) throws(SafeTensorsError) -> (tensors: [TensorInfo], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        let (entries, metadata, _) = try parseHeader(data, file: url.path)
        return (entries.map { TensorInfo(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape) }, metadata)
    }

    /// Reads a file (memory-mapped) and converts every tensor to fp32.
    public static func read(from url: URL) throws(SafeTensorsError) -> SafeTensorsContents {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, file: url.path)
    }

    /// Decodes safetensors bytes; `file` names the source in error messages.
    public static func decode(_ data: Data, file: String = "<memory>") throws(SafeTensorsError) -> SafeTensorsContents {
        // Work on a zero-based copy of the indices: `Data` slices keep their parent's indices.
        let bytes = data.startIndex == 0 ? data : Data(data)
        let (entries, metadata, dataStart) = try parseHeader(bytes, file: file)
        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(entries.count)
        bytes.withUnsafeBytes { raw in
            for e in entries {
                let count = e.shape.reduce(1, *)   // validated: fits, and matches end - begin
                let base = dataStart + e.begin
                var values = [Float](repeating: 0, count: count)
                switch e.dtype {
                case .f32:
                    for k in 0..<count {
                        values[k] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * k, as: UInt32.self)))
                    }
                case .f16:
                    for k in 0..<count {
                        values[k] = HalfPrecision.floatFromF16(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: base + 2 * k, as: UInt16.self)))
                    }
                case .bf16:
                    for k in 0..<count {
                        values[k] = HalfPrecision.floatFromBF16(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: base + 2 * k, as: UInt16.self)))
                    }
                }
                // Shape and count agree by construction, so the failable init cannot fail here.
                tensors[e.name] = Tensor(shape: e.shape, values: values) ?? Tensor(zeros: [0])
            }
        }
        return SafeTensorsContents(tensors: tensors, metadata: metadata)
    }

    /// Validates the header and the data layout; returns entries sorted by offset.
    static func parseHeader(_ bytes: Data, file: String) throws(SafeTensorsError) -> ([Entry], [String: String], Int) {
        guard bytes.count >= 8 else { throw .truncated(file: file, size: bytes.count) }
        var length: UInt64 = 0
        for k in 0..<8 { length |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        guard length <= maxHeaderLength else { throw .headerTooLarge(file: file, length: length) }
        guard length <= UInt64(bytes.count - 8) else {
            throw .headerOutOfBounds(file: file, length: length, fileSize: bytes.count)
        }
        let dataStart = 8 + Int(length)
        let dataSize = bytes.count - dataStart
        let headerBytes = [UInt8](bytes[8..<dataStart])
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw .invalidHeader(file: file, reason: "not valid UTF-8")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(headerBytes)
        } catch {
            throw .invalidHeader(file: file, reason: error.description)
        }
        guard let object = json.objectValue else {
            throw .invalidHeader(file: file, reason: "the JSON is not an object")
        }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in object.pairs {
            if name == "__metadata__" {
                guard let map = value.objectValue else { throw .invalidMetadata(file: file, reason: "not an object") }
                for (k, v) in map.pairs {
                    guard let s = v.stringValue else { throw .invalidMetadata(file: file, reason: "value of '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            entries.append(try parseEntry(name: name, value: value, dataSize: dataSize, file: file))
        }
        try checkTiling(entries: &entries, dataSize: dataSize, file: file)
        return (entries, metadata, dataStart)
    }

    /// Checks one entry's fields, its byte size and its bounds.
    static func parseEntry(name: String, value: JSONValue, dataSize: Int, file: String) throws(SafeTensorsError) -> Entry {
        guard let fields = value.objectValue else {
            throw .invalidEntry(file: file, tensor: name, reason: "entry is not an object")
        }
        guard let dtypeName = fields["dtype"]?.stringValue else {
            throw .invalidEntry(file: file, tensor: name, reason: "missing or non-string \"dtype\"")
        }
        guard let shapeItems = fields["shape"]?.arrayValue else {
            throw .invalidEntry(file: file, tensor: name, reason: "missing or non-array \"shape\"")
        }
        var shape: [Int] = []
        for item in shapeItems {
            guard case .number(let text) = item else {
                throw .invalidEntry(file: file, tensor: name, reason: "shape \(shapeItems.count)-vector holds a non-number")
            }
            guard let d = Int(text) else {
                // A fraction, an exponent or digits beyond Int: either malformed or overflowing.
                if text.allSatisfy({ $0.isNumber || $0 == "-" }) { throw .shapeOverflow(file: file, tensor: name, shape: []) }
                throw .invalidEntry(file: file, tensor: name, reason: "shape entry \(text) is not an integer")
            }
            guard d >= 0 else { throw .invalidEntry(file: file, tensor: name, reason: "shape entry \(d) is negative") }
            shape.append(d)
        }
        guard let offsets = fields["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, end >= 0 else {
            throw .invalidEntry(file: file, tensor: name, reason: "\"data_offsets\" must be two non-negative integers [begin, end]")
        }
        guard begin <= end else {
            throw .invalidEntry(file: file, tensor: name, reason: "data_offsets begin \(begin) is after end \(end)")
        }
        guard end <= dataSize else {
            throw .offsetsOutOfBounds(file: file, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw .unsupportedDtype(file: file, tensor: name, dtype: dtypeName)
        }
        var bytesNeeded = dtype.size
        for d in shape {
            let (p, overflow) = bytesNeeded.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .shapeOverflow(file: file, tensor: name, shape: shape) }
            bytesNeeded = p
        }
        guard bytesNeeded == end - begin else {
            throw .sizeMismatch(file: file, tensor: name, expectedBytes: bytesNeeded, actualBytes: end - begin)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// Requires the byte ranges, sorted, to cover the data region with no gap or overlap.
    static func checkTiling(entries: inout [Entry], dataSize: Int, file: String) throws(SafeTensorsError) {
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var expected = 0
        var previous = ""
        for e in entries {
            if e.begin < expected { throw .overlap(file: file, tensor: e.name, previous: previous) }
            if e.begin > expected { throw .gap(file: file, tensor: e.name, gapStart: expected, gapEnd: e.begin) }
            expected = e.end
            previous = e.name
        }
        guard expected == dataSize else { throw .trailingBytes(file: file, dataEnd: expected, dataSize: dataSize) }
    }
}
