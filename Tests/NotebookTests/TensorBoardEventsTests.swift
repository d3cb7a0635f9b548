// `export metrics NAME.tfevents` writes a TensorBoard event file: byte for byte what TensorBoard's
// own protocol buffers and record writer make of the same log (Fixtures/make_tfevents.py wrote the
// reference), and the CRC-32C under it against the published check value.
import Foundation
import Testing
import Training
@testable import Notebook

@Suite struct TensorBoardEventsTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The log make_tfevents.py writes.
    static func log() -> MetricsLog {
        var log = MetricsLog()
        log.append(step: 1, ["reward": 0.25, "accuracy": 0.5, "time/step": 0.5])
        log.append(step: 2, ["reward": 0.75, "accuracy": 1.0, "time/step": 0.25])
        log.append(step: 300, ["reward": -1.5, "accuracy": 0.0, "time/step": .nan])
        return log
    }

    @Test func crc32cCheckValue() {
        // The CRC-32C of "123456789" is 0xE3069283 (RFC 3720, the iSCSI check value).
        #expect(TensorBoardEvents.crc32c(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func bytesMatchTensorBoardsOwnWriter() throws {
        let reference = try Data(contentsOf: Self.fixtures.appendingPathComponent("tensorboard-reference.tfevents"))
        let mine = TensorBoardEvents.data(Self.log())
        #expect(mine == reference, "\(mine.count) bytes vs the reference's \(reference.count)")
    }

    @Test func exportWritesAnEventFileByName() throws {
        let dir = try CommandTesting.scratch()
        let session = try TrainingCommandTests.tinySession()
        _ = try session.execute("rl steps=2 prompts=2 n=2 max_tokens=6")
        let text = try CommandTesting.run(session, "export metrics \(dir)/events.out.tfevents.verity")
        #expect(text.contains("wrote 2 steps"))
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/events.out.tfevents.verity"))
        #expect(data.count > 100 && String(decoding: data, as: UTF8.self).contains("brain.Event:2"))
        #expect(CommandTesting.failure(session, "export metrics \(dir)/m.txt").contains("tfevents"))
    }
}
