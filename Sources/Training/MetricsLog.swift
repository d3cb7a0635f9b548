// Training/MetricsLog.swift — the per-step metrics log under TRL's metric names, kept in memory
// in step order and saved as CSV or JSONL, atomically (write beside, then rename).

import Foundation

/// One step's metrics, in the order they were recorded (the CSV column order follows first use).
public struct Metrics: Sendable, Equatable, Codable {
    /// Metric names, in recording order, unique.
    public private(set) var names: [String] = []
    /// Values, parallel to `names`.
    public private(set) var values: [Double] = []

    /// An empty set of metrics.
    public init() {}

    /// The value of `name`, or nil when it was not recorded.
    public subscript(name: String) -> Double? {
        get { names.firstIndex(of: name).map { values[$0] } }
        set {
            if let i = names.firstIndex(of: name) {
                if let newValue { values[i] = newValue } else { names.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                names.append(name); values.append(newValue)
            }
        }
    }

    /// (name, value) pairs in recording order.
    public var pairs: [(name: String, value: Double)] { Array(zip(names, values)).map { ($0.0, $0.1) } }
}

/// Metrics of every step, saved as CSV or JSONL.
public struct MetricsLog: Sendable, Equatable, Codable {
    /// Every column seen so far, in first-use order; `step` comes first.
    public private(set) var columns: [String] = ["step"]
    /// One entry per logged step.
    public private(set) var rows: [Metrics] = []

    /// An empty log.
    public init() {}

    /// Appends one step's metrics (a `step` metric is expected but not required).
    public mutating func append(_ metrics: Metrics) {
        for name in metrics.names where !columns.contains(name) { columns.append(name) }
        rows.append(metrics)
    }

    /// The series of one metric: (step, value) for every row that recorded it. Rows without a
    /// `step` use their row index.
    public func series(_ name: String) -> [(step: Int, value: Double)] {
        rows.enumerated().compactMap { i, row in
            guard let v = row[name] else { return nil }
            return (Int(row["step"] ?? Double(i)), v)
        }
    }

    /// Numbers as written in both formats: shortest exact decimal; integers without ".0".
    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// The log as CSV: a header of all columns, one line per step, empty cells for metrics a
    /// step did not record and for non-finite values.
    public func csv() -> String {
        var out = columns.map(Self.csvField).joined(separator: ",") + "\n"
        for row in rows {
            out += columns.map { c in
                guard let v = row[c], v.isFinite else { return "" }
                return Self.format(v)
            }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Quotes a header field when it holds a comma or a quote (RFC 4180).
    static func csvField(_ s: String) -> String {
        guard s.contains(",") || s.contains("\"") else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The log as JSON Lines: one object per step with that step's metrics in recording order;
    /// non-finite values are written as null (JSON has no NaN).
    public func jsonl() -> String {
        var out = ""
        for row in rows {
            let fields = row.pairs.map { name, v -> String in
                "\(Self.jsonString(name)):\(v.isFinite ? Self.format(v) : "null")"
            }
            out += "{" + fields.joined(separator: ",") + "}\n"
        }
        return out
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// Saves the log; the format follows the extension (`.csv`, otherwise JSONL). Atomic.
    /// - Throws: a `TrainingError` naming the file when it cannot be written.
    public func save(to url: URL) throws {
        let text = url.pathExtension.lowercased() == "csv" ? csv() : jsonl()
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw TrainingError("could not write the metrics log to \(url.path): \(error.localizedDescription) — "
                + "check that the directory exists and is writable")
        }
    }
}
