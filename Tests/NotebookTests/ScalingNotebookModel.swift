// The checkpoint `notebooks/scaling.md` loads (`notebooks/models/add3-sft`): a 4x64 model given a
// supervised warm start on the notebook's own data set (3-digit additions, half of them worked).
// Rebuilt only on request, since the committed checkpoint is what the notebook replays:
//
//     VERITY_WRITE_SCALING_MODEL=1 swift test -c release -Xswiftc -enable-testing --filter ScalingNotebookModel
//
// Without the variable the test checks that the committed checkpoint loads and fits the data set.
import Foundation
import Testing
import Training
@testable import Notebook

@Suite(.serialized) struct ScalingNotebookModel {
    /// The package root (two levels above this file's directory).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let checkpoint = root.appendingPathComponent("notebooks/models/add3-sft").path
    /// The notebook's first cell: the same seed and task give the same problems and alphabet.
    static let taskLines = ["seed 7", "task arithmetic op=add digits=3 train=5000 test=500 think=mixed:0.5"]

    @Test func committedCheckpointFitsTheNotebookTask() throws {
        let session = CommandTesting.session()
        for line in Self.taskLines { _ = try session.execute(line) }
        if ProcessInfo.processInfo.environment["VERITY_WRITE_SCALING_MODEL"] == "1" {
            _ = try session.execute("model new layers=4 dim=64 heads=4 kv_heads=2 ffn=168")
            guard case .local(let local) = try #require(session[ModelSlot.self]) else { throw CommandError("not local") }
            let dataset = try #require(session[DatasetSlot.self])
            let examples = try sftExamples(problems: dataset.train, dataset: dataset, tokenizer: local.tokenizer)
            var config = SFTConfig()
            config.batchSize = 64
            let steps = Int(ProcessInfo.processInfo.environment["VERITY_SFT_STEPS"] ?? "") ?? 1200
            let trainer = try SFTTrainer(model: local.transformer, examples: examples, config: config,
                                         padId: local.tokenizer.special.pad ?? 0, seed: 7)
            _ = try trainer.run(steps: steps)
            _ = try session.execute("model save \(Self.checkpoint)")
        }
        guard FileManager.default.fileExists(atPath: Self.checkpoint) else { return }
        _ = try session.execute("model load \(Self.checkpoint)")
        let text = try CommandTesting.run(session, "eval problems=20 max_tokens=40")
        #expect(text.contains("20 problems × 1 sample (greedy)"))
        let size = try FileManager.default.attributesOfItem(atPath: Self.checkpoint + "/model.safetensors")[.size] as? Int
        #expect((size ?? .max) < 2_000_000, "keep the notebook's checkpoint under 2 MB")
    }
}
