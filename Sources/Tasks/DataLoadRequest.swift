// Tasks/DataLoadRequest.swift — owns `DataLoadRequest`: the `key=value` front door for loading
// a JSONL data set from the REPL, e.g.
//   `data load data/gsm8k.jsonl prompt=question answer=answer test=500 extract=gsm8k`.

import Fields
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

    /// Parses the `key=value` text arguments after the path, each by its key's declaration, as
    /// the REPL's `data load` reads them. Unknown keys and bad values throw errors that list
    /// the valid choices.
    public static func make(path: String, arguments: [SpecArgument]) throws -> DataLoadRequest {
        var values: [String: FieldValue] = [:]
        for a in arguments {
            guard let field = fields.first(where: { $0.key == a.key }) else { throw unknown(a.key) }
            guard let v = a.value, !v.isEmpty else {
                throw TasksError("data load: '\(a.key)' needs a value, as in \(a.key)=… — valid keys: \(fields.map(\.key).joined(separator: ", "))")
            }
            values[a.key] = try refusing { try field.spec.parse(v) }
        }
        return try make(path: path, values: values)
    }

    /// The request for `path` with already parsed values (what the REPL hands over); a key left
    /// out keeps its default (the data set's name: the file name without extension).
    public static func make(path: String, values: [String: FieldValue]) throws -> DataLoadRequest {
        var request = defaults
        request.path = path
        request.name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        for (name, value) in values {
            guard let field = fields.first(where: { $0.key == name }) else { throw unknown(name) }
            try refusing { try field.set(value, in: &request) }
        }
        return request
    }

    private static func unknown(_ key: String) -> TasksError {
        TasksError("data load: unknown key '\(key)' — valid keys: \(fields.map(\.key).joined(separator: ", "))")
    }

    private static func refusing<T>(_ body: () throws -> T) throws -> T {
        try FieldError.mapped(to: { TasksError("data load: " + $0) }, body)
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

extension DataLoadRequest: FieldRoot {
    /// Every default: Verity's own field names, no test split, last-number answers compared numerically.
    public static var defaults: DataLoadRequest {
        DataLoadRequest(path: "", testPath: nil, test: 0, mapping: .standard, skipBad: false,
                        extractor: .lastNumber, comparison: .numeric, name: "")
    }

    /// Every key of `data load`, each declared once.
    public static let fields: [Field<DataLoadRequest>] = [
        .text("prompt", \.mapping.prompt, "mapping.prompt", "field holding the prompt (GSM8K: prompt=question)"),
        .text("answer", \.mapping.answer, "mapping.answer", "field holding the gold answer"),
        .optionalText("solution", \.mapping.solution, "mapping.solution", "field holding a worked solution"),
        .optionalText("id", \.mapping.id, "mapping.id", "field holding the id"),
        .optionalText("difficulty", \.mapping.difficulty, "mapping.difficulty", "field holding a numeric difficulty"),
        .flag("gsm8k", \.mapping.splitGSM8K, "mapping.splitGSM8K", "split answers 'reasoning #### 42' into solution and answer"),
        .flag("skip_bad", \.skipBad, "skipBad", "skip and count malformed lines"),
        .whole("test", \.test, "test", "problems held out for testing", bounds: 0...1e9),
        .optionalText("test_file", \.testPath, "testPath", "a separate JSONL file for the test split", kind: .path),
        .choice("extract", \.extractor, "extractor", "how answers are cut from completions"),
        .choice("compare", \.comparison, "comparison", "how answers are compared"),
        .text("name", \.name, "name", "the data set's name (default: the file name)"),
    ]
}
