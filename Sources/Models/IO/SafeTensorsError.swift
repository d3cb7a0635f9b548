// The public error of the safetensors reader and writer: every case names the file and, where
// there is one, the tensor, and says what is wrong so a person can fix or replace the file.

/// Why a safetensors file could not be read or written.
public enum SafeTensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// Fewer than 8 bytes: not even the header length is there.
    case truncated(file: String, size: Int)
    /// The declared header length exceeds the 100,000,000-byte limit.
    case headerTooLarge(file: String, length: UInt64)
    /// The declared header runs past the end of the file.
    case headerOutOfBounds(file: String, length: UInt64, fileSize: Int)
    /// The header is not valid UTF-8 / JSON, or not a JSON object (includes duplicate keys).
    case invalidHeader(file: String, reason: String)
    /// `__metadata__` is not an object of strings.
    case invalidMetadata(file: String, reason: String)
    /// A tensor entry is malformed (missing or ill-typed dtype, shape or data_offsets).
    case invalidEntry(file: String, tensor: String, reason: String)
    /// The dtype exists but Verity does not read it.
    case unsupportedDtype(file: String, tensor: String, dtype: String)
    /// product(shape) × dtype size does not fit in an Int.
    case shapeOverflow(file: String, tensor: String, shape: [Int])
    /// The byte range does not match product(shape) × dtype size.
    case sizeMismatch(file: String, tensor: String, expectedBytes: Int, actualBytes: Int)
    /// The byte range reaches past the data region.
    case offsetsOutOfBounds(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// Two tensors share bytes.
    case overlap(file: String, tensor: String, previous: String)
    /// Unused bytes between tensors (or before the first one).
    case gap(file: String, tensor: String, gapStart: Int, gapEnd: Int)
    /// Unused bytes after the last tensor.
    case trailingBytes(file: String, dataEnd: Int, dataSize: Int)
    /// A tensor handed to the writer whose value count differs from its shape.
    case inconsistentTensor(tensor: String, shape: [Int], valueCount: Int)
    /// Writing the file failed.
    case writeFailed(file: String, reason: String)

    /// A message naming the file (and tensor) and what to do.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "cannot read safetensors file \(file): \(reason)"
        case let .truncated(file, size):
            return "\(file) is not a safetensors file: only \(size) bytes, fewer than the 8-byte header length — the file is truncated or of another format"
        case let .headerTooLarge(file, length):
            return "\(file): header length \(length) exceeds the 100,000,000-byte limit — the file is corrupt or not safetensors"
        case let .headerOutOfBounds(file, length, fileSize):
            return "\(file): header of \(length) bytes runs past the end of the \(fileSize)-byte file — the file is truncated or corrupt"
        case let .invalidHeader(file, reason):
            return "\(file): the safetensors header is invalid: \(reason) — the file is corrupt or not safetensors"
        case let .invalidMetadata(file, reason):
            return "\(file): __metadata__ is invalid: \(reason) (it must map strings to strings)"
        case let .invalidEntry(file, tensor, reason):
            return "\(file): tensor '\(tensor)': \(reason)"
        case let .unsupportedDtype(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has unsupported dtype \(dtype) — Verity reads F32, F16 and BF16; convert the file (e.g. with safetensors in Python) first"
        case let .shapeOverflow(file, tensor, shape):
            return "\(file): tensor '\(tensor)' has shape \(shape) whose byte size overflows — the file is corrupt"
        case let .sizeMismatch(file, tensor, expected, actual):
            return "\(file): tensor '\(tensor)' needs \(expected) bytes for its shape and dtype but its data_offsets span \(actual) bytes — the file is corrupt"
        case let .offsetsOutOfBounds(file, tensor, begin, end, dataSize):
            return "\(file): tensor '\(tensor)' data_offsets [\(begin), \(end)] are outside the \(dataSize)-byte data region — the file is truncated or corrupt"
        case let .overlap(file, tensor, previous):
            return "\(file): tensor '\(tensor)' overlaps tensor '\(previous)' — the file is corrupt"
        case let .gap(file, tensor, start, end):
            return "\(file): unused bytes \(start)..<\(end) of the data region before tensor '\(tensor)' — the file is corrupt"
        case let .trailingBytes(file, dataEnd, dataSize):
            return "\(file): tensors end at byte \(dataEnd) of the \(dataSize)-byte data region; the rest is unaccounted for — the file is corrupt"
        case let .inconsistentTensor(tensor, shape, count):
            return "cannot write tensor '\(tensor)': shape \(shape) does not match its \(count) values"
        case let .writeFailed(file, reason):
            return "cannot write safetensors file \(file): \(reason) — check the directory exists and is writable"
        }
    }
}
