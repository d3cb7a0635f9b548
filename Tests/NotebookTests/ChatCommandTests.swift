// model chat and data system: prompting a checkpoint through its own chat template from the
// command line, on the transformers-made Qwen2 chat checkpoint of notebooks/hf-model.md, and the
// errors that leave the session as it was.
import Foundation
import Testing
@testable import Notebook

@Suite struct ChatCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let checkpoint = root.appendingPathComponent("notebooks/models/qwen2-chat-tiny").path

    struct Case: Decodable { var system: String?; var user: String; var ids: [Int] }
    struct Fixture: Decodable { var cases: [Case] }

    static func fixture() throws -> Fixture {
        let url = root.appendingPathComponent("Tests/ModelsTests/Fixtures/chat_expected_ids.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func promptsThroughTheCheckpointsTemplate() throws {
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model load \(Self.checkpoint)")
        let info = try CommandTesting.run(session, "model info")
        #expect(info.contains("ChatML (Qwen style), off"))
        let plain = try CommandTesting.run(session, "tokens \"12+34=\" prompt=true")
        for c in try Self.fixture().cases {
            let system = c.system.map { " system=\"\($0)\"" } ?? ""
            _ = try CommandTesting.run(session, "model chat on\(system)")
            let shown = try CommandTesting.run(session, "tokens \"\(c.user.replacingOccurrences(of: "\n", with: "\\n"))\" prompt=true")
            #expect(shown.hasPrefix("\(c.ids.count) tokens: " + c.ids.map(String.init).joined(separator: ",")), "\(c.user)")
        }
        _ = try CommandTesting.run(session, "model chat off")
        #expect(try CommandTesting.run(session, "tokens \"12+34=\" prompt=true") == plain)
    }

    @Test func theDataSetsSystemTurnWins() throws {
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model load \(Self.checkpoint)")
        _ = try CommandTesting.run(session, "task arithmetic op=add digits=1 train=5 test=5 think=none")
        _ = try CommandTesting.run(session, "model chat on system=\"from the model\"")
        #expect(try CommandTesting.run(session, "model chat").contains("from the model"))
        let set = try CommandTesting.run(session, "data system \"from the data\"")
        #expect(set.contains("from the data"))
        let shown = try CommandTesting.run(session, "model chat")
        #expect(shown.contains("<|im_start|>system\\nfrom the data<|im_end|>"))
        #expect(!shown.contains("from the model<|im_end|>"))
        _ = try CommandTesting.run(session, "data system off")
        #expect(try CommandTesting.run(session, "model chat").contains("<|im_start|>system\\nfrom the model<|im_end|>"))
    }

    @Test func errorsSayWhatToDoAndChangeNothing() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model new layers=1 dim=16 heads=2 ffn=32")
        #expect(CommandTesting.failure(session, "model chat on").contains("has no chat template"))
        // A ChatML template needs tokens a character tokenizer does not have.
        try "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
            .write(toFile: "\(dir)/chatml.jinja", atomically: true, encoding: .utf8)
        #expect(!CommandTesting.failure(session, "model chat on template=\(dir)/chatml.jinja").isEmpty)
        #expect(try CommandTesting.run(session, "model chat").contains("off (prompts are <bos> + text)"))

        _ = try CommandTesting.run(session, "model load \(Self.checkpoint)")
        _ = try CommandTesting.run(session, "model chat on")
        try "{% macro turn(m) %}{{ m.content }}{% endmacro %}".write(toFile: "\(dir)/macro.jinja", atomically: true, encoding: .utf8)
        #expect(CommandTesting.failure(session, "model chat on template=\(dir)/macro.jinja").contains("macro"))
        #expect(CommandTesting.failure(session, "model chat off system=x").contains("takes no keys"))
        #expect(CommandTesting.failure(session, "model chat system=x").contains("need 'on'"))
        let still = try CommandTesting.run(session, "model chat")
        #expect(still.contains("chat            on") && still.contains("ChatML (Qwen style)"))
    }

    @Test func aTemplateGivenByFileIsSavedWithTheModel() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = CommandTesting.session()
        // A template in the characters of the task's vocabulary: the prompt doubled, then '='.
        _ = try CommandTesting.run(session, "task arithmetic op=add digits=1 train=5 test=5 think=none")
        _ = try CommandTesting.run(session, "model new layers=1 dim=16 heads=2 ffn=32")
        try "{% for m in messages %}{{ m.content ~ m.content }}{% endfor %}{% if add_generation_prompt %}={% endif %}"
            .write(toFile: "\(dir)/plain.jinja", atomically: true, encoding: .utf8)
        _ = try CommandTesting.run(session, "model chat on template=\(dir)/plain.jinja")
        _ = try CommandTesting.run(session, "model save \(dir)/ck")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/ck/chat_template.jinja"))
        _ = try CommandTesting.run(session, "model load \(dir)/ck")
        #expect(try CommandTesting.run(session, "model info").contains("custom, off"))
        _ = try CommandTesting.run(session, "model chat on")
        #expect(try CommandTesting.run(session, "tokens \"1+2=\" prompt=true").hasPrefix("9 tokens"))
        // Sampling, training and evaluation run through it.
        _ = try CommandTesting.run(session, "eval problems=2 max_tokens=2")
        _ = try CommandTesting.run(session, "rl steps=1 prompts=2 n=2 max_tokens=2")
    }

    @Test func generationDefaultsAreShownNotApplied() throws {
        let dir = try CommandTesting.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Self.checkpoint, toPath: "\(dir)/m")
        let file = "\(dir)/m/generation_config.json"
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        object.merge(["do_sample": true, "temperature": 0.7, "top_p": 0.8, "top_k": 20, "repetition_penalty": 1.05]) { $1 }
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: file))
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model load \(dir)/m")
        let info = try CommandTesting.run(session, "model info")
        #expect(info.contains("do_sample true, temperature 0.7, top_p 0.8, top_k 20, repetition_penalty 1.05 (shown, not applied"))
    }
}
