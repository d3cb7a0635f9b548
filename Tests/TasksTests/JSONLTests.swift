// TasksTests/JSONLTests.swift — JSONL round trip, field mapping, GSM8K answers, line-numbered
// errors and `skipBad`.

import Foundation
import Testing
import TestSupport
@testable import Tasks

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("verity-tasks-\(UInt64.random(in: 0...UInt64.max))-\(name)").path
}

@Test func roundTripThroughAFile() throws {
    let task = try ArithmeticTask(operation: .add, digits: 1...3, think: .mixed(0.5))
    var rng = SplitMix64(seed: 9)
    let problems = try task.makeDataset(train: 200, test: 20, rng: &rng).all
    let path = temporaryPath("round.jsonl")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try JSONL.save(problems, path: path)
    let loaded = try JSONL.load(path: path)
    #expect(loaded.problems == problems)
    #expect(loaded.skipped.isEmpty)
    // Unusual text survives too: quotes, newlines, unicode, a missing solution.
    let odd = [Problem(id: "x", prompt: "say \"hi\"\nthen 你好", answer: "-0.5", solution: nil, difficulty: 2.5,
                       metadata: ["language": "zh"])]
    try JSONL.save(odd, path: path)
    #expect(try JSONL.load(path: path).problems == odd)
    // A custom mapping writes and reads other field names.
    let mapping = FieldMapping(id: "uid", prompt: "question", answer: "final", solution: "rationale", difficulty: "level")
    try JSONL.save(problems, path: path, mapping: mapping)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("\"question\"") && !text.contains("\"prompt\""))
    #expect(try JSONL.load(path: path, mapping: mapping).problems == problems)
}

@Test func gsm8kAnswersAreSplit() throws {
    let line = #"{"question": "Natalia sold 48 clips in April and half as many in May. How many in total?", "answer": "In May she sold 48/2 = <<48/2=24>>24 clips.\nIn total 48+24 = <<48+24=72>>72 clips.\n#### 72"}"#
    let result = try JSONL.parse(Data(line.utf8), file: "gsm8k.jsonl", mapping: .gsm8k)
    let p = try #require(result.problems.first)
    #expect(p.answer == "72")
    #expect(p.solution == "In May she sold 48/2 = <<48/2=24>>24 clips.\nIn total 48+24 = <<48+24=72>>72 clips.")
    #expect(p.id == "gsm8k-1")
    #expect(p.prompt.hasPrefix("Natalia"))
}

@Test func numbersAndExtraFields() throws {
    let text = """
    {"prompt": "a", "answer": 0, "difficulty": "3", "source": "x", "level": 2}
    {"prompt": "b", "answer": 1}

    {"prompt": "c", "answer": 2.5, "metadata": {"language": "en"}}
    """
    let r = try JSONL.parse(Data(text.utf8), file: "n.jsonl")
    #expect(r.problems.map(\.answer) == ["0", "1", "2.5"])
    #expect(r.problems[0].difficulty == 3)
    #expect(r.problems[0].metadata == ["source": "x", "level": "2"])
    #expect(r.problems[2].metadata == ["language": "en"])
    #expect(r.problems[2].id == "n-4")   // blank line 3 is skipped but still counted
}

@Test func malformedLinesNameFileLineAndField() throws {
    let cases: [(String, String)] = [
        (#"{"prompt": "a", "answer": "1"}"# + "\n" + #"{"question": "b", "answer": "2"}"#,
         "bad.jsonl line 2: field 'prompt' (the prompt) is missing; the line has: answer, question"),
        (#"{"prompt": "a", "answer": "1"}"# + "\n\n" + "{not json",
         "bad.jsonl line 3: not valid JSON"),
        (#"[1, 2]"#, "bad.jsonl line 1: not a JSON object"),
        (#"{"prompt": "a", "answer": true}"#, "bad.jsonl line 1: field 'answer' (the answer) must be a string or a number"),
        (#"{"prompt": "a", "answer": "1", "difficulty": "hard"}"#,
         "bad.jsonl line 1: field 'difficulty' (the difficulty) must be a finite number"),
        (#"{"prompt": "a", "answer": "steps ####"}"#, "bad.jsonl line 1: field 'answer' has '####' with nothing after it"),
    ]
    for (text, message) in cases {
        #expect(throws: TasksError(message + " (or load with skip_bad=true to skip such lines)")) {
            try JSONL.parse(Data(text.utf8), file: "bad.jsonl")
        }
    }
}

@Test func skipBadCountsAndReportsLines() throws {
    let text = "{\"prompt\": \"a\", \"answer\": \"1\"}\n{oops\n{\"prompt\": \"\", \"answer\": \"2\"}\n{\"prompt\": \"d\", \"answer\": \"4\"}\n"
    let r = try JSONL.parse(Data(text.utf8), file: "s.jsonl", skipBad: true)
    #expect(r.problems.map(\.prompt) == ["a", "d"])
    #expect(r.skipped.map(\.line) == [2, 3])
    #expect(r.skipped[0].reason == "not valid JSON")
}

@Test func loadDatasetSplitsAndDeduplicates() throws {
    let path = temporaryPath("d.jsonl")
    defer { try? FileManager.default.removeItem(atPath: path) }
    var problems = (0..<50).map { Problem(id: "p\($0)", prompt: "q\($0)", answer: "\($0)") }
    problems.append(Problem(id: "dup", prompt: "q3", answer: "3"))
    try JSONL.save(problems, path: path)
    var rng = SplitMix64(seed: 1)
    let (data, skipped) = try JSONL.loadDataset(name: "d", path: path, test: 10, extractor: .lastNumber,
                                                comparison: .numeric, rng: &rng)
    #expect(skipped.isEmpty)
    #expect(data.test.count == 10 && data.train.count == 40)
    #expect(Set(data.train.map(\.prompt)).isDisjoint(with: data.test.map(\.prompt)))
    #expect(throws: TasksError.self) {
        try JSONL.loadDataset(name: "d", path: path + ".missing", extractor: .lastNumber, comparison: .numeric, rng: &rng)
    }
}

@Test func dataLoadRequestFromArguments() throws {
    let path = temporaryPath("gsm.jsonl")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let lines = (0..<30).map { #"{"question": "q\#($0)", "answer": "step \#($0) #### \#($0 * 2)"}"# }
    try Data((lines.joined(separator: "\n") + "\n{broken\n").utf8).write(to: URL(fileURLWithPath: path))
    let request = try DataLoadRequest.make(path: path, arguments: SpecArgument.split(
        "prompt=question answer=answer test=10 extract=gsm8k skip_bad=true name=gsm"))
    #expect(request.mapping.prompt == "question" && request.extractor == .gsm8k && request.test == 10)
    var rng = SplitMix64(seed: 3)
    let (data, skipped) = try request.load(rng: &rng)
    #expect(data.name == "gsm" && data.train.count == 20 && data.test.count == 10)
    #expect(skipped == [SkippedLine(line: 31, reason: "not valid JSON")])
    let p = try #require(data.all.first { $0.prompt == "q7" })
    #expect(p.answer == "14" && p.solution == "step 7")
    #expect(data.isCorrect(completion: "so #### 14", problem: p))
    #expect(throws: TasksError.self) { try DataLoadRequest.make(path: path, arguments: [SpecArgument("extract", "regex")]) }
    #expect(throws: TasksError.self) { try DataLoadRequest.make(path: path, arguments: [SpecArgument("colour", "red")]) }
    // One spelling, as the REPL's `data load` has it: the field named "question" holds the prompt.
    #expect(throws: TasksError.self) { try DataLoadRequest.make(path: path, arguments: [SpecArgument("question", "question")]) }
    #expect(throws: TasksError.self) { try DataLoadRequest.make(path: path, arguments: [SpecArgument("test", "-1")]) }
}
