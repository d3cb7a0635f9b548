// A checkpoint without tokenizer.json loads for token-id work: transformers' Qwen2 fixture with its
// tokenizer removed gives, from `generate ids=…`, the greedy continuation transformers' `generate`
// recorded (hf_expected.json); text commands say to work in ids; saving writes no tokenizer.
import Foundation
import Testing
@testable import Notebook

@Suite struct IDsOnlyTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelsTests/Fixtures")

    @Test func generatesFromIDsAsTransformersDoes() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = "\(dir)/qwen2-ids"
        try FileManager.default.copyItem(atPath: Self.models.appendingPathComponent("hf_qwen2_tied").path, toPath: folder)
        try FileManager.default.removeItem(atPath: "\(folder)/tokenizer.json")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.models.appendingPathComponent("hf_expected.json"))) as? [String: Any]
        let prompt = try #require(((doc?["qwen2_tied"] as? [String: Any])?["prompts"] as? [[String: Any]])?.first)
        let ids = try #require(prompt["ids"] as? [Int]), greedy = try #require(prompt["greedy"] as? [Int])

        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model load \(folder)")
        #expect(try CommandTesting.run(session, "model info").contains("ids only: no tokenizer.json"))
        #expect(CommandTesting.failure(session, "generate \"hello\" n=1").contains("work in token ids"))
        let out = try CommandTesting.run(session, "generate ids=\(ids.map(String.init).joined(separator: ",")) n=1 temperature=0 max_tokens=\(greedy.count)")
        #expect(out.contains(greedy.map(String.init).joined(separator: ",")), "\(out)")
        #expect(out.contains("#\(greedy[0]) #\(greedy[1])"))
        let tokens = try CommandTesting.run(session, "tokens ids=\(ids[0]),\(ids[1])")
        #expect(tokens.contains("#\(ids[0])"))
        _ = try CommandTesting.run(session, "model save \(dir)/saved")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/saved/tokenizer.json"))
        _ = try CommandTesting.run(session, "model load \(dir)/saved")
        #expect(CommandTesting.failure(session, "generate ids=\(ids.map(String.init).joined(separator: ",")) n=1 temperature=0 max_tokens=2 problem=1")
            .contains("without a PROMPT or problem="))
    }
}
