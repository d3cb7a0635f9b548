// The safetensors writer: F32 tensors in name order, the header padded with spaces to a
// multiple of 8 (so the data region starts 8-byte aligned, as the reference writer does), and
// the file written beside the target and renamed into place.

import Foundation

extension SafeTensors {
    /// Encodes tensors (as F32, sorted by name) and metadata into safetensors bytes.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws(SafeTensorsError) -> Data {
        let names = tensors.keys.sorted()
        var header = JSONObject()
        if !metadata.isEmpty {
            header["__metadata__"] = .object(JSONObject(metadata.keys.sorted().map { ($0, JSONValue.string(metadata[$0] ?? "")) }))
        }
        var offset = 0
        for name in names {
            guard let t = tensors[name] else { continue }
            guard let valid = Tensor(shape: t.shape, values: t.values), valid.count == t.values.count else {
                throw .inconsistentTensor(tensor: name, shape: t.shape, valueCount: t.values.count)
            }
            let size = 4 * t.values.count
            header[name] = .object(JSONObject([
                ("dtype", .string("F32")),
                ("shape", .array(t.shape.map(JSONValue.int))),
                ("data_offsets", .array([.int(offset), .int(offset + size)])),
            ]))
            offset += size
        }
        var headerBytes = JSONValue.object(header).serialized()
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }

        // One zero-filled allocation, then straight copies: appending piecewise to `Data` is
        // several times slower for model-sized files.
        var out = Data(count: 8 + headerBytes.count + offset)
        out.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            raw.storeBytes(of: UInt64(headerBytes.count).littleEndian, as: UInt64.self)
            headerBytes.withUnsafeBytes { src in
                if let base = src.baseAddress { raw.baseAddress?.advanced(by: 8).copyMemory(from: base, byteCount: src.count) }
            }
            var position = 8 + headerBytes.count
            for name in names {
                guard let t = tensors[name] else { continue }
                // The file is little-endian: copy the buffer as is on little-endian hosts (all
                // that Verity runs on), byte-swap elsewhere.
                #if _endian(little)
                let bytes = t.values
                #else
                let bytes = t.values.map { Float(bitPattern: $0.bitPattern.littleEndian) }
                #endif
                bytes.withUnsafeBytes { src in
                    if let base = src.baseAddress { raw.baseAddress?.advanced(by: position).copyMemory(from: base, byteCount: src.count) }
                }
                position += 4 * t.values.count
            }
        }
        return out
    }

    /// Writes tensors and metadata to `url` atomically (write beside, then rename).
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws(SafeTensorsError) {
        let data = try encode(tensors, metadata: metadata)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .writeFailed(file: url.path, reason: error.localizedDescription)
        }
    }
}
