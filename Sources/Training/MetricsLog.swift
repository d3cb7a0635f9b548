// Training/MetricsLog.swift — the one per-step metrics log, under TRL's metric names. The trainer
// keeps one (saved with its state), every training run of a session keeps one (the `metrics`,
// `export metrics` and `plot metrics` commands and the notebook figures read it), and CSV or JSONL
// files of the same shape are written and read here.
//
//     var log = MetricsLog()
//     log.append(step: 12, ["reward": 0.41, "accuracy": 0.38, "length": 17.2])
//
// CSV: a header `step,<metric>,…` then one line per step (empty cells for missing values).
// JSONL: one object per line with a numeric `step` and numeric metrics (other fields are ignored
// on reading; a non-finite value is written as null).

import Fields
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

/// Training metrics by step.
public struct MetricsLog: Sendable, Equatable {
    /// One step's values.
    public struct Row: Sendable, Equatable {
        /// The step number (x of the plots).
        public var step: Int
        /// Metric name → value; a metric absent on a step is simply missing.
        public var values: [String: Double]

        /// A row.
        public init(step: Int, values: [String: Double]) {
            self.step = step
            self.values = values
        }
    }

    /// The rows, in the order appended.
    public internal(set) var rows: [Row] = []
    /// Metric names in order of first appearance (the CSV column order after `step`).
    public internal(set) var names: [String] = []

    /// An empty log.
    public init() {}

    /// Appends a step's metrics; names new to the log join in alphabetical order.
    public mutating func append(step: Int, _ values: [String: Double]) {
        for name in values.keys.sorted() where !names.contains(name) { names.append(name) }
        rows.append(Row(step: step, values: values))
    }

    /// Appends a step recorded as `Metrics`: its `step` metric is the step (the row index without
    /// one), and names new to the log join in recording order.
    public mutating func append(_ metrics: Metrics) {
        var values: [String: Double] = [:]
        for (name, value) in metrics.pairs where name != "step" {
            if !names.contains(name) { names.append(name) }
            values[name] = value
        }
        let step = metrics["step"].flatMap { $0.isFinite && abs($0) < 1e15 ? Int($0) : nil } ?? rows.count
        rows.append(Row(step: step, values: values))
    }

    /// The steps and values of one metric (steps without it are left out).
    public func series(_ name: String) -> (steps: [Double], values: [Double]) {
        var steps: [Double] = [], values: [Double] = []
        for row in rows {
            if let value = row.values[name] { steps.append(Double(row.step)); values.append(value) }
        }
        return (steps, values)
    }

    /// Numbers as written in both formats: as a setting's value is shown (whole numbers without
    /// ".0", others in Swift's shortest round-trip form).
    static func format(_ v: Double) -> String { FieldValue.text(v) }

    /// The log as CSV: a header `step,<names…>`, one line per step, empty cells for metrics a step
    /// did not record and for non-finite values.
    public var csv: String {
        var out = (["step"] + names).map(Self.csvField).joined(separator: ",") + "\n"
        for row in rows {
            out += ([String(row.step)] + names.map { name in
                guard let v = row.values[name], v.isFinite else { return "" }
                return Self.format(v)
            }).joined(separator: ",") + "\n"
        }
        return out
    }

    /// Quotes a header field when it holds a comma or a quote (RFC 4180).
    static func csvField(_ s: String) -> String {
        guard s.contains(",") || s.contains("\"") else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The log as JSON Lines: `{"step":N,"name":value,…}` per step, names in the log's order;
    /// non-finite values are written as null (JSON has no NaN).
    public var jsonl: String {
        var out = ""
        for row in rows {
            var fields = ["\"step\":\(row.step)"]
            for name in names {
                guard let v = row.values[name] else { continue }
                fields.append("\(Self.jsonString(name)):\(v.isFinite ? Self.format(v) : "null")")
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
        let text = url.pathExtension.lowercased() == "csv" ? csv : jsonl
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw TrainingError("could not write the metrics log to \(url.path): \(error.localizedDescription) — "
                + "check that the directory exists and is writable")
        }
    }
}
