// Tests of the metrics log: CSV and JSONL text, missing and non-finite values, atomic save.
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
        #expect(sample().csv() == "step,reward,rewards/correct/mean,kl\n1,0.25,0.5,\n2,,,0.125\n")
    }

    @Test func jsonlWritesNullForNonFinite() throws {
        let text = sample().jsonl()
        #expect(text == "{\"step\":1,\"reward\":0.25,\"rewards/correct/mean\":0.5}\n{\"step\":2,\"reward\":null,\"kl\":0.125}\n")
        for line in text.split(separator: "\n") {
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
        }
    }

    @Test func seriesAndSave() throws {
        let log = sample()
        #expect(log.series("kl").map(\.step) == [2])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verity-metrics-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try log.save(to: dir.appendingPathComponent("m.csv"))
        try log.save(to: dir.appendingPathComponent("m.jsonl"))
        #expect(try String(contentsOf: dir.appendingPathComponent("m.csv"), encoding: .utf8) == log.csv())
        #expect(try String(contentsOf: dir.appendingPathComponent("m.jsonl"), encoding: .utf8) == log.jsonl())
        #expect(throws: TrainingError.self) { try log.save(to: dir.appendingPathComponent("no/such/dir/m.csv")) }
    }
}
