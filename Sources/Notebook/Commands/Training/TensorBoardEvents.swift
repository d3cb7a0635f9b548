// TensorBoardEvents — a training log as a TensorBoard event file, so `tensorboard --logdir DIR`
// (and the tools that read its files) show Verity's runs beside others. `export metrics
// DIR/NAME.tfevents` writes one (TensorBoard reads files whose name contains "tfevents").
//
// The format: TFRecord framing — per record, its length (UInt64, little-endian), the masked CRC-32C
// of those 8 bytes, the payload, the masked CRC-32C of the payload — around serialized
// `tensorflow.Event` protocol buffers. The first event carries `file_version "brain.Event:2"`; each
// logged step is one event with its step and one scalar `Summary.Value` (tag, simple_value) per
// metric. Protocol buffers are written by hand (five fields, fixed order), no dependency needed.
//
// Wall time: a log keeps no clock, so an event's wall_time is the run's cumulative `time/step`
// seconds up to that step (0 without it) — TensorBoard's "relative" axis then shows training time,
// and the same log always gives the same bytes.
import Foundation
import Training

enum TensorBoardEvents {
    /// Whether `path` names an event file (TensorBoard reads files whose name contains "tfevents").
    static func isEventFile(_ path: String) -> Bool {
        URL(fileURLWithPath: path).lastPathComponent.contains("tfevents")
    }

    /// The log as an event file's bytes. Non-finite values are left out (TensorBoard cannot plot them).
    static func data(_ log: MetricsLog) -> Data {
        var out = Data()
        record(event(wallTime: 0, step: nil, fileVersion: "brain.Event:2", scalars: []), into: &out)
        var clock = 0.0
        for row in log.rows {
            if let seconds = row.values["time/step"], seconds.isFinite, seconds > 0 { clock += seconds }
            let scalars = log.names.compactMap { name -> (String, Float)? in
                guard let value = row.values[name], value.isFinite else { return nil }
                return (name, Float(value))
            }
            record(event(wallTime: clock, step: Int64(row.step), fileVersion: nil, scalars: scalars), into: &out)
        }
        return out
    }

    // MARK: TFRecord framing

    private static func record(_ payload: [UInt8], into out: inout Data) {
        var length = UInt64(payload.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
        out.append(contentsOf: lengthBytes)
        append32(maskedCRC(lengthBytes), to: &out)
        out.append(contentsOf: payload)
        append32(maskedCRC(payload), to: &out)
    }

    private static func append32(_ value: UInt32, to out: inout Data) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { out.append(contentsOf: $0) }
    }

    /// TFRecord's masked CRC: rotate right by 15, add a constant.
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = crc32c(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1 }
        return value
    }

    // MARK: Protocol buffers (tensorflow.Event, Summary, Summary.Value)

    /// Event: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5.
    private static func event(wallTime: Double, step: Int64?, fileVersion: String?, scalars: [(String, Float)]) -> [UInt8] {
        // proto3: fields at their default (0) are not written; oneof members (simple_value) always are.
        var out: [UInt8] = []
        if wallTime != 0 {
            out.append(0x09)                                          // field 1, 64-bit
            withUnsafeBytes(of: wallTime.bitPattern.littleEndian) { out += $0 }
        }
        if let step, step != 0 { out.append(0x10); varint(UInt64(bitPattern: step), into: &out) }
        if let fileVersion { lengthDelimited(3, Array(fileVersion.utf8), into: &out) }
        if !scalars.isEmpty {
            var summary: [UInt8] = []
            for (tag, value) in scalars {
                var item: [UInt8] = []
                lengthDelimited(1, Array(tag.utf8), into: &item)       // Value.tag = 1
                item.append(0x15)                                     // Value.simple_value = 2, 32-bit
                withUnsafeBytes(of: value.bitPattern.littleEndian) { item += $0 }
                lengthDelimited(1, item, into: &summary)              // Summary.value = 1 (repeated)
            }
            lengthDelimited(5, summary, into: &out)
        }
        return out
    }

    private static func lengthDelimited(_ field: UInt64, _ bytes: [UInt8], into out: inout [UInt8]) {
        varint(field << 3 | 2, into: &out)
        varint(UInt64(bytes.count), into: &out)
        out += bytes
    }

    private static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }
}
