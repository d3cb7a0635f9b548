// Training/MetricsLog+Files.swift — reading a metrics log back from the CSV or JSONL files
// `MetricsLog` writes (or any of the same shape), and the log's form in a saved trainer state.
import Foundation

extension MetricsLog {
    /// Reads a CSV or JSONL metrics file (chosen by the extension `.csv`, `.jsonl` or `.json`).
    /// - Throws: a `TrainingError` naming the file, line and field that is wrong.
    public static func read(path: String) throws -> MetricsLog {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError("cannot read the metrics file \(path) — check the path (a .csv with a 'step,…' header, or .jsonl)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw TrainingError("\(path) is not UTF-8 text") }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ext == "jsonl" || ext == "json" { return try parseJSONL(text, file: path) }
        return try parseCSV(text, file: path)
    }

    /// Parses CSV text with a `step,<metric>,…` header.
    public static func parseCSV(_ text: String, file: String = "<csv>") throws -> MetricsLog {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0) }.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        guard let header = lines.first else { throw TrainingError("\(file) is empty — expected a 'step,<metric>,…' header") }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard columns.first == "step", columns.count >= 2, !columns.contains("") else {
            throw TrainingError("\(file): the header must be 'step,<metric>,…', got '\(header)'")
        }
        var log = MetricsLog()
        for (offset, line) in lines.enumerated().dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard cells.count == columns.count else {
                throw TrainingError("\(file) line \(offset + 1): \(cells.count) fields, the header has \(columns.count)")
            }
            guard let step = Int(cells[0]) ?? Double(cells[0]).flatMap({ $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil }) else {
                throw TrainingError("\(file) line \(offset + 1): step '\(cells[0])' is not a whole number")
            }
            var values: [String: Double] = [:]
            for index in 1..<columns.count where !cells[index].isEmpty {
                guard let value = Double(cells[index]) else {
                    throw TrainingError("\(file) line \(offset + 1): \(columns[index]) '\(cells[index])' is not a number")
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
            guard !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw TrainingError("\(file) line \(offset + 1): not a JSON object")
            }
            guard let stepNumber = object["step"] as? NSNumber, stepNumber.doubleValue == stepNumber.doubleValue.rounded(),
                  abs(stepNumber.doubleValue) < 1e15 else {
                throw TrainingError("\(file) line \(offset + 1): needs a whole-number \"step\" field")
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
        guard !log.rows.isEmpty else { throw TrainingError("\(file) has no metrics lines") }
        return log
    }
}

/// In a saved trainer state: `{"columns": ["step", …], "rows": [{"names": […], "values": […]}]}`,
/// each row's names (its `step` first) beside their values; non-finite values are left out.
extension MetricsLog: Codable {
    private enum CodingKeys: String, CodingKey { case columns, rows }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        let columns = try container.decode([String].self, forKey: .columns)
        names = columns.filter { $0 != "step" }
        for row in try container.decode([Metrics].self, forKey: .rows) { append(row) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(["step"] + names, forKey: .columns)
        try container.encode(rows.map { row -> Metrics in
            var metrics = Metrics()
            metrics["step"] = Double(row.step)
            // JSON has no NaN: a non-finite value is left out, as in the CSV (a NaN reward once made
            // the whole trainer state unsavable).
            for name in names { if let value = row.values[name], value.isFinite { metrics[name] = value } }
            return metrics
        }, forKey: .rows)
    }
}
