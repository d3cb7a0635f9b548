// Tasks/JSONL.swift — owns loading and saving problems as JSON Lines: one JSON object per line,
// with a field mapping for any field names, GSM8K-style answers (`… #### 42`) split into
// solution and answer, and line-numbered errors (or counted skips with `skipBad`).
//
// Files are untrusted: every line is parsed on its own, every field is type-checked, and no
// input can trap. Writing goes to a temporary file that is then renamed (atomic).

import Foundation

/// Which JSON field holds which `Problem` field. Defaults are Verity's own names; set e.g.
/// `prompt: "question"` for GSM8K or `prompt: "problem"` for MATH.
public struct FieldMapping: Sendable, Equatable, Hashable {
    /// Field with the problem id; nil or absent → `<file name>-<line>`.
    public var id: String?
    /// Field with the prompt text (required on every line).
    public var prompt: String
    /// Field with the gold answer, a string or a number (required on every line).
    public var answer: String
    /// Field with a worked solution, if any.
    public var solution: String?
    /// Field with a numeric difficulty, if any (absent → 0).
    public var difficulty: String?
    /// Split answers of the form `reasoning #### 42` into solution and answer (GSM8K).
    public var splitGSM8K: Bool

    /// A mapping; every argument defaults to Verity's own field name.
    public init(id: String? = "id", prompt: String = "prompt", answer: String = "answer",
                solution: String? = "solution", difficulty: String? = "difficulty", splitGSM8K: Bool = true) {
        self.id = id
        self.prompt = prompt
        self.answer = answer
        self.solution = solution
        self.difficulty = difficulty
        self.splitGSM8K = splitGSM8K
    }

    /// Verity's own field names (what `JSONL.save` writes by default).
    public static let standard = FieldMapping()
    /// The GSM8K release: `question`, `answer` with `#### N`.
    public static let gsm8k = FieldMapping(prompt: "question")
}

/// A line that `skipBad` left out, with why.
public struct SkippedLine: Sendable, Equatable {
    /// 1-based line number in the file.
    public var line: Int
    /// What was wrong with it.
    public var reason: String
}

/// The problems read from a JSONL file and the lines skipped (only with `skipBad`).
public struct JSONLLoadResult: Sendable, Equatable {
    /// Problems in file order.
    public var problems: [Problem]
    /// Lines left out because they were malformed; empty unless `skipBad` was set.
    public var skipped: [SkippedLine]
}

/// JSON Lines input and output for problems.
public enum JSONL {
    /// Reads problems from the file at `path`. Blank lines are ignored. A malformed line throws
    /// an error naming the file, line and field — unless `skipBad`, which counts it instead.
    public static func load(path: String, mapping: FieldMapping = .standard, skipBad: Bool = false,
                            isCancelled: () -> Bool = { false }) throws -> JSONLLoadResult {
        try RegularFile.require(path, wanted: "a JSONL file — give the path of a .jsonl file")
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TasksError("cannot read \(path): \(error.localizedDescription) — check the path")
        }
        let result = try parse(data, file: path, mapping: mapping, skipBad: skipBad, isCancelled: isCancelled)
        if result.problems.isEmpty {
            let first = result.skipped.first.map { " (line \($0.line): \($0.reason))" } ?? ""
            throw TasksError(result.skipped.isEmpty
                ? "\(path) holds no problems — it is empty or only blank lines"
                : "no problems in \(path): all \(result.skipped.count) non-blank lines are malformed\(first) — is it a JSONL data set?")
        }
        return result
    }

    /// Parses JSONL bytes; `file` names the source in error messages and default ids.
    public static func parse(_ data: Data, file: String, mapping: FieldMapping = .standard,
                             skipBad: Bool = false, isCancelled: () -> Bool = { false }) throws -> JSONLLoadResult {
        let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var problems: [Problem] = []
        var skipped: [SkippedLine] = []
        var lineNumber = 0
        for rawLine in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if lineNumber % 4096 == 0, isCancelled() { throw CancellationError() }
            var line = Data(rawLine)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            do {
                problems.append(try problem(from: line, line: lineNumber, base: base, mapping: mapping))
            } catch let reason as LineError {
                if skipBad {
                    skipped.append(SkippedLine(line: lineNumber, reason: reason.text))
                } else {
                    throw TasksError("\(file) line \(lineNumber): \(reason.text) (or load with skip_bad=true to skip such lines)")
                }
            }
        }
        return JSONLLoadResult(problems: problems, skipped: skipped)
    }

    /// The JSONL text for `problems` under `mapping`: one object per line, keys sorted, with
    /// the remaining metadata in a `metadata` object.
    public static func encode(_ problems: [Problem], mapping: FieldMapping = .standard) throws -> Data {
        var out = Data()
        for p in problems {
            var object: [String: Any] = [mapping.prompt: p.prompt, mapping.answer: p.answer]
            if let k = mapping.id { object[k] = p.id }
            if let k = mapping.solution, let s = p.solution { object[k] = s }
            if let k = mapping.difficulty { object[k] = p.difficulty }
            if !p.metadata.isEmpty { object["metadata"] = p.metadata }
            let line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            out.append(line)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Writes `problems` to `path` atomically (temporary file, then rename).
    public static func save(_ problems: [Problem], path: String, mapping: FieldMapping = .standard) throws {
        let data = try encode(problems, mapping: mapping)
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw TasksError("cannot write \(path): \(error.localizedDescription) — check that the folder exists and is writable")
        }
    }

    /// Loads a data set: problems from `path` (and `testPath`, if given, as the test split;
    /// otherwise `test` problems are held out from `path` at random with `rng`). Duplicate
    /// prompts are removed and train never shares a prompt with test.
    public static func loadDataset(name: String, path: String, testPath: String? = nil, test: Int = 0,
                                   mapping: FieldMapping = .standard, skipBad: Bool = false,
                                   extractor: AnswerExtractor, comparison: AnswerComparison,
                                   rng: inout some RandomNumberGenerator,
                                   isCancelled: () -> Bool = { false }) throws -> (dataset: Dataset, skipped: [SkippedLine]) {
        let main = try load(path: path, mapping: mapping, skipBad: skipBad, isCancelled: isCancelled)
        if let testPath {
            let held = try load(path: testPath, mapping: mapping, skipBad: skipBad, isCancelled: isCancelled)
            let data = Dataset(name: name, train: main.problems, test: held.problems,
                               extractor: extractor, comparison: comparison).deduplicated()
            return (data, main.skipped + held.skipped)
        }
        let data = try Dataset.split(name: name, problems: main.problems, testCount: test, rng: &rng,
                                     extractor: extractor, comparison: comparison)
        return (data, main.skipped)
    }
}

/// Why one line could not be read (internal; wrapped with the file and line number).
struct LineError: Error { let text: String }

/// One problem from one JSON line.
private func problem(from line: Data, line number: Int, base: String, mapping: FieldMapping) throws -> Problem {
    let any: Any
    do { any = try JSONSerialization.jsonObject(with: line, options: []) } catch {
        throw LineError(text: "not valid JSON")
    }
    guard let object = any as? [String: Any] else { throw LineError(text: "not a JSON object") }
    let fields = object.keys.sorted().joined(separator: ", ")
    guard let promptValue = object[mapping.prompt] else {
        throw LineError(text: "field '\(mapping.prompt)' (the prompt) is missing; the line has: \(fields)")
    }
    guard let prompt = promptValue as? String, !prompt.isEmpty else {
        throw LineError(text: "field '\(mapping.prompt)' (the prompt) must be a non-empty string")
    }
    guard let answerValue = object[mapping.answer] else {
        throw LineError(text: "field '\(mapping.answer)' (the answer) is missing; the line has: \(fields)")
    }
    guard var answer = scalarText(answerValue) else {
        throw LineError(text: "field '\(mapping.answer)' (the answer) must be a string or a number")
    }
    var solution: String?
    if let k = mapping.solution, let v = object[k], !(v is NSNull) {
        guard let s = v as? String else { throw LineError(text: "field '\(k)' (the solution) must be a string") }
        solution = s
    }
    if mapping.splitGSM8K, let marker = answer.range(of: "####", options: .backwards) {
        let final = answer[marker.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard !final.isEmpty else { throw LineError(text: "field '\(mapping.answer)' has '####' with nothing after it") }
        if solution == nil {
            solution = answer[..<marker.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        answer = final
    }
    var difficulty = 0.0
    if let k = mapping.difficulty, let v = object[k], !(v is NSNull) {
        guard let text = scalarText(v), let d = Double(text), d.isFinite else {
            throw LineError(text: "field '\(k)' (the difficulty) must be a finite number")
        }
        difficulty = d
    }
    var id = "\(base)-\(number)"
    if let k = mapping.id, let v = object[k], !(v is NSNull) {
        guard let text = scalarText(v) else { throw LineError(text: "field '\(k)' (the id) must be a string or a number") }
        id = text
    }
    var metadata: [String: String] = [:]
    let mapped = Set([mapping.id, mapping.prompt, mapping.answer, mapping.solution, mapping.difficulty, "metadata"].compactMap { $0 })
    for (key, value) in object where !mapped.contains(key) {
        if let text = scalarText(value) { metadata[key] = text }
    }
    if let nested = object["metadata"], !(nested is NSNull) {
        guard let dict = nested as? [String: Any] else { throw LineError(text: "field 'metadata' must be an object") }
        for (key, value) in dict {
            guard let text = scalarText(value) else {
                throw LineError(text: "field 'metadata.\(key)' must be a string or a number")
            }
            metadata[key] = text
        }
    }
    return Problem(id: id, prompt: prompt, answer: answer, solution: solution, difficulty: difficulty, metadata: metadata)
}

/// A JSON string or number as text (`42`, `0.5`); nil for other types.
private func scalarText(_ value: Any) -> String? {
    if let s = value as? String { return s }
    guard let n = value as? NSNumber else { return nil }
    // JSON booleans also arrive as NSNumber (and `is Bool` holds for 0 and 1 on Linux), so
    // tell them apart by the stored C type: booleans are `c`, numbers `i`, `q`, `d`, ….
    if String(cString: n.objCType) == "c" { return nil }
    let d = n.doubleValue
    if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return n.stringValue
}
