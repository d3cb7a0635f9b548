// SweepTSV — sweep points as a tab-separated table with a header line, written atomically and
// read back exactly (numbers are written in Swift's shortest round-trip form).
import Foundation

/// The header line of a sweep table.
public let sweepTSVHeader = "method\tk\tbudget\tmean_tokens\taccuracy\tlow\thigh"

/// The points as TSV text: header, one line per point, an empty `budget` cell for none.
/// Throws when a method name holds a tab or line break (it would break the table).
public func sweepTSV(_ points: [SweepPoint]) throws -> String {
    var text = sweepTSVHeader + "\n"
    for point in points {
        guard !point.method.contains(where: { $0 == "\t" || $0.isNewline }), !point.method.isEmpty else {
            throw EvaluationError("sweep table: method name '\(point.method)' must be non-empty without tabs or line breaks")
        }
        let budget = point.budget.map(String.init) ?? ""
        text += [point.method, String(point.k), budget, "\(point.meanTokens)", "\(point.accuracy)", "\(point.low)", "\(point.high)"]
            .joined(separator: "\t") + "\n"
    }
    return text
}

/// Parses a sweep table written by `sweepTSV`; errors name the line and field that is wrong.
public func parseSweepTSV(_ text: String) throws -> [SweepPoint] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
        $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
    while lines.last == "" { lines.removeLast() }
    guard let header = lines.first, header == sweepTSVHeader else {
        throw EvaluationError("sweep table: the first line must be the header '\(sweepTSVHeader.replacingOccurrences(of: "\t", with: "<tab>"))'")
    }
    var points: [SweepPoint] = []
    for (offset, line) in lines.enumerated().dropFirst() {
        let number = offset + 1
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7 else {
            throw EvaluationError("sweep table line \(number): \(fields.count) fields, expected 7 (\(sweepTSVHeader.replacingOccurrences(of: "\t", with: ", ")))")
        }
        func integer(_ index: Int, _ name: String) throws -> Int {
            guard let value = Int(fields[index]) else { throw EvaluationError("sweep table line \(number): \(name) '\(fields[index])' is not an integer") }
            return value
        }
        func real(_ index: Int, _ name: String) throws -> Double {
            guard let value = Double(fields[index]) else { throw EvaluationError("sweep table line \(number): \(name) '\(fields[index])' is not a number") }
            return value
        }
        guard !fields[0].isEmpty else { throw EvaluationError("sweep table line \(number): empty method name") }
        let budget = fields[2].isEmpty ? nil : try integer(2, "budget")
        guard try integer(1, "k") >= 1 else { throw EvaluationError("sweep table line \(number): k must be at least 1") }
        if let budget, budget < 0 { throw EvaluationError("sweep table line \(number): budget \(budget) must not be negative") }
        points.append(SweepPoint(method: fields[0], k: try integer(1, "k"), budget: budget,
                                 meanTokens: try real(3, "mean_tokens"), accuracy: try real(4, "accuracy"),
                                 low: try real(5, "low"), high: try real(6, "high")))
    }
    return points
}

/// Writes the points as TSV to `url` atomically (a crash never leaves half a table).
public func writeSweepTSV(_ points: [SweepPoint], to url: URL) throws {
    let text = try sweepTSV(points)
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
        throw EvaluationError("cannot write the sweep table \(url.path): \(error.localizedDescription) — check the directory is writable")
    }
}

/// Reads a sweep table written by `writeSweepTSV`.
public func readSweepTSV(from url: URL) throws -> [SweepPoint] {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
        throw EvaluationError("cannot read the sweep table \(url.path): \(error.localizedDescription)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw EvaluationError("the sweep table \(url.path) is not UTF-8 text")
    }
    return try parseSweepTSV(text)
}
