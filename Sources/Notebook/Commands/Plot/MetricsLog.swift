// MetricsLog — per-step training metrics as a simple table: one row per step, each a set of named
// numbers. Each training run (TrainingRuns.swift) keeps one; `plot metrics` draws it, or a CSV /
// JSONL file of the same shape:
//
//     var log = MetricsLog()
//     log.append(step: 12, ["reward": 0.41, "accuracy": 0.38, "length": 17.2])
//
// CSV: a header `step,<metric>,…` then one line per step (empty cells for missing values).
// JSONL: one object per line with a numeric `step` and numeric metrics (other fields are ignored).
import Foundation

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
    public private(set) var rows: [Row] = []
    /// Metric names in order of first appearance (the CSV column order).
    public private(set) var names: [String] = []

    /// An empty log.
    public init() {}

    /// Appends a step's metrics.
    public mutating func append(step: Int, _ values: [String: Double]) {
        for name in values.keys.sorted() where !names.contains(name) { names.append(name) }
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

    /// The log as CSV text: `step,<names…>` and one line per row.
    public var csv: String {
        var text = (["step"] + names).joined(separator: ",") + "\n"
        for row in rows {
            text += ([String(row.step)] + names.map { row.values[$0].map { "\($0)" } ?? "" }).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Reads a CSV or JSONL metrics file (chosen by the extension `.csv`, `.jsonl` or `.json`).
    /// - Throws: `CommandError` naming the file, line and field that is wrong.
    public static func read(path: String) throws -> MetricsLog {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("cannot read the metrics file \(path) — check the path (a .csv with a 'step,…' header, or .jsonl)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CommandError("\(path) is not UTF-8 text") }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ext == "jsonl" || ext == "json" { return try parseJSONL(text, file: path) }
        return try parseCSV(text, file: path)
    }

    /// Parses CSV text with a `step,<metric>,…` header.
    public static func parseCSV(_ text: String, file: String = "<csv>") throws -> MetricsLog {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0) }.filter { !$0.trimmingWhitespace().isEmpty }
        guard let header = lines.first else { throw CommandError("\(file) is empty — expected a 'step,<metric>,…' header") }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard columns.first == "step", columns.count >= 2, !columns.contains("") else {
            throw CommandError("\(file): the header must be 'step,<metric>,…', got '\(header)'")
        }
        var log = MetricsLog()
        for (offset, line) in lines.enumerated().dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard cells.count == columns.count else {
                throw CommandError("\(file) line \(offset + 1): \(cells.count) fields, the header has \(columns.count)")
            }
            guard let step = Int(cells[0]) ?? Double(cells[0]).flatMap({ $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil }) else {
                throw CommandError("\(file) line \(offset + 1): step '\(cells[0])' is not a whole number")
            }
            var values: [String: Double] = [:]
            for index in 1..<columns.count where !cells[index].isEmpty {
                guard let value = Double(cells[index]) else {
                    throw CommandError("\(file) line \(offset + 1): \(columns[index]) '\(cells[index])' is not a number")
                }
                values[columns[index]] = value
            }
            log.rows.append(Row(step: step, values: values))
        }
        log.names = Array(columns.dropFirst())
        return log
    }

    /// Parses JSONL text: one object per line with a numeric `step`.
    public static func parseJSONL(_ text: String, file: String = "<jsonl>") throws -> MetricsLog {
        var log = MetricsLog()
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.trimmingWhitespace().isEmpty else { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw CommandError("\(file) line \(offset + 1): not a JSON object")
            }
            guard let stepNumber = object["step"] as? NSNumber, stepNumber.doubleValue == stepNumber.doubleValue.rounded(),
                  abs(stepNumber.doubleValue) < 1e15 else {
                throw CommandError("\(file) line \(offset + 1): needs a whole-number \"step\" field")
            }
            var values: [String: Double] = [:]
            for (key, value) in object where key != "step" {
                // Booleans are NSNumbers too; metrics are plain numbers only. (`value is Bool` is true
                // for a parsed 0 or 1 on Linux, so booleans are told apart by their C type "c".)
                if let number = value as? NSNumber, String(cString: number.objCType) != "c", number.doubleValue.isFinite {
                    values[key] = number.doubleValue
                }
            }
            log.append(step: stepNumber.intValue, values)
        }
        guard !log.rows.isEmpty else { throw CommandError("\(file) has no metrics lines") }
        return log
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
