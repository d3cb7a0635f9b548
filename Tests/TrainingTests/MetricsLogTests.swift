// Tests of the metrics log: CSV and JSONL text, missing and non-finite values, atomic save, reading
// the files back, and its form in a saved trainer state (the shape older states were saved in).
import Foundation
import Testing
@testable import Training

@Suite struct MetricsLogTests {
    func sample() -> MetricsLog {
        var log = MetricsLog()
        var m = Metrics()
        m["step"] = 1; m["reward"] = 0.25; m["rewards/correct/mean"] = 0.5
        log.append(m)
        var m2 = Metrics()
        m2["step"] = 2; m2["reward"] = .nan; m2["kl"] = 0.125
        log.append(m2)
        return log
    }

    @Test func csvHasAllColumnsAndBlanks() {
        #expect(sample().csv == "step,reward,rewards/correct/mean,kl\n1,0.25,0.5,\n2,,,0.125\n")
    }

    @Test func jsonlWritesNullForNonFinite() throws {
        let text = sample().jsonl
        #expect(text == "{\"step\":1,\"reward\":0.25,\"rewards/correct/mean\":0.5}\n{\"step\":2,\"reward\":null,\"kl\":0.125}\n")
        for line in text.split(separator: "\n") {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
        }
    }

    @Test func seriesAndSave() throws {
        let log = sample()
        #expect(log.series("kl").steps == [2])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verity-metrics-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try log.save(to: dir.appendingPathComponent("m.csv"))
        try log.save(to: dir.appendingPathComponent("m.jsonl"))
        #expect(try String(contentsOf: dir.appendingPathComponent("m.csv"), encoding: .utf8) == log.csv)
        #expect(try String(contentsOf: dir.appendingPathComponent("m.jsonl"), encoding: .utf8) == log.jsonl)
        #expect(throws: TrainingError.self) { try log.save(to: dir.appendingPathComponent("no/such/dir/m.csv")) }
    }

    @Test func filesReadBackToTheSameLog() throws {
        let log = sample()
        // The non-finite value is written as a blank (CSV) or null (JSONL): read back, it is missing.
        var expected = MetricsLog()
        expected.append(step: 1, ["reward": 0.25, "rewards/correct/mean": 0.5])
        expected.append(step: 2, ["kl": 0.125])
        let csv = try MetricsLog.parseCSV(log.csv)
        #expect(csv.rows == expected.rows)
        #expect(csv.names == log.names)
        #expect(try MetricsLog.parseJSONL(log.jsonl).rows == expected.rows)
        #expect(throws: TrainingError.self) { try MetricsLog.parseCSV("reward,step\n1,2\n") }
        #expect(throws: TrainingError.self) { try MetricsLog.parseCSV("step,reward\n1,abc\n") }
        #expect(throws: TrainingError.self) { try MetricsLog.parseJSONL("{\"reward\":1}\n") }
    }

    @Test func savedStateFormRoundTripsAndReadsTheOlderShape() throws {
        let log = sample()
        let data = try JSONEncoder().encode(log)
        let back = try JSONDecoder().decode(MetricsLog.self, from: data)
        #expect(back.names == log.names)
        #expect(back.rows.map(\.step) == [1, 2])
        #expect(back.rows[0].values == log.rows[0].values)
        #expect(back.rows[1].values["kl"] == 0.125)
        #expect(back.rows[1].values["reward"] == nil, "a NaN is saved as missing: JSON has no NaN")
        // A state saved before the logs were one type: columns, and rows of names beside values.
        let older = #"{"columns":["step","reward","kl"],"rows":[{"names":["step","reward"],"values":[3,0.5]},{"names":["step","kl"],"values":[4,0.25]}]}"#
        let read = try JSONDecoder().decode(MetricsLog.self, from: Data(older.utf8))
        #expect(read.names == ["reward", "kl"])
        #expect(read.rows == [MetricsLog.Row(step: 3, values: ["reward": 0.5]), MetricsLog.Row(step: 4, values: ["kl": 0.25])])
    }
}
