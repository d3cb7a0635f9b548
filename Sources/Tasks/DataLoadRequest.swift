// Tasks/DataLoadRequest.swift — owns `DataLoadRequest`: the `key=value` front door for loading
// a JSONL data set from the REPL, e.g.
//   `data load data/gsm8k.jsonl question=question answer=answer test=500 extract=gsm8k`.

import Foundation

/// What `data load PATH key=value…` asks for: the file, the field mapping, the split and how
/// answers are judged. Parse with `DataLoadRequest.make(path:arguments:)`, then call `load(rng:)`.
public struct DataLoadRequest: Sendable, Equatable {
    /// The JSONL file (all problems, or the training split when `testPath` is set).
    public var path: String
    /// A separate test file, or nil to hold out `test` problems from `path`.
    public var testPath: String?
    /// Problems held out for testing when there is no `testPath`.
    public var test: Int
    /// Which JSON fields hold which problem fields.
    public var mapping: FieldMapping
    /// Count and skip malformed lines instead of stopping at the first.
    public var skipBad: Bool
    /// How answers are cut from completions.
    public var extractor: AnswerExtractor
    /// How answers are compared.
    public var comparison: AnswerComparison
    /// The data set's name (default: the file name without extension).
    public var name: String

    /// Every key `make` accepts, with its meaning, for `help` and completion.
    public static let keys: [(name: String, help: String)] = [
        ("prompt", "field holding the prompt (alias: question); default prompt"),
        ("answer", "field holding the gold answer; default answer"),
        ("solution", "field holding a worked solution; default solution"),
        ("id", "field holding the id; default id"),
        ("difficulty", "field holding a numeric difficulty; default difficulty"),
        ("gsm8k", "true|false: split answers 'reasoning #### 42' into solution and answer; default true"),
        ("skip_bad", "true|false: skip and count malformed lines; default false"),
        ("test", "problems held out for testing; default 0"),
        ("test_file", "a separate JSONL file for the test split"),
        ("extract", "after-think|answer-tag|boxed|gsm8k|answer-is|last-number|whole|auto; default last-number"),
        ("compare", "numeric|numeric-percent|exact|countdown; default numeric"),
        ("name", "the data set's name; default the file name"),
    ]

    /// Parses the arguments after the path. Unknown keys and bad values throw errors that list
    /// the valid choices.
    public static func make(path: String, arguments: [SpecArgument]) throws -> DataLoadRequest {
        var mapping = FieldMapping.standard
        var request = DataLoadRequest(path: path, testPath: nil, test: 0, mapping: mapping, skipBad: false,
                                      extractor: .lastNumber, comparison: .numeric,
                                      name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        for a in arguments {
            guard let v = a.value, !v.isEmpty else {
                throw TasksError("data load: '\(a.key)' needs a value, as in \(a.key)=… — valid keys: \(keys.map(\.name).joined(separator: ", "))")
            }
            switch a.key {
            case "prompt", "question": mapping.prompt = v
            case "answer": mapping.answer = v
            case "solution": mapping.solution = v
            case "id": mapping.id = v
            case "difficulty": mapping.difficulty = v
            case "gsm8k": mapping.splitGSM8K = try flag(v, key: a.key)
            case "skip_bad": request.skipBad = try flag(v, key: a.key)
            case "test":
                guard let n = Int(v), n >= 0 else { throw TasksError("data load: test=\(v) — use a whole number of 0 or more") }
                request.test = n
            case "test_file": request.testPath = v
            case "extract":
                guard let e = AnswerExtractor(rawValue: v) else {
                    throw TasksError("data load: extract=\(v) is not valid — use one of \(AnswerExtractor.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                request.extractor = e
            case "compare":
                guard let c = AnswerComparison(rawValue: v) else {
                    throw TasksError("data load: compare=\(v) is not valid — use one of \(AnswerComparison.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                request.comparison = c
            case "name": request.name = v
            default:
                throw TasksError("data load: unknown key '\(a.key)' — valid keys: \(keys.map(\.name).joined(separator: ", "))")
            }
        }
        request.mapping = mapping
        return request
    }

    /// Loads the data set and the lines skipped (only with `skipBad`).
    public func load(rng: inout some RandomNumberGenerator,
                     isCancelled: () -> Bool = { false }) throws -> (dataset: Dataset, skipped: [SkippedLine]) {
        try JSONL.loadDataset(name: name, path: path, testPath: testPath, test: test, mapping: mapping,
                              skipBad: skipBad, extractor: extractor, comparison: comparison, rng: &rng,
                              isCancelled: isCancelled)
    }

    /// The files this request reads (the data set and its separate test file, if any).
    public var files: [String] { [path] + (testPath.map { [$0] } ?? []) }
}

/// `true` or `false`; anything else throws naming the key.
private func flag(_ value: String, key: String) throws -> Bool {
    switch value.lowercased() {
    case "true", "yes", "on", "1": return true
    case "false", "no", "off", "0": return false
    default: throw TasksError("\(key)=\(value) — use true or false")
    }
}
