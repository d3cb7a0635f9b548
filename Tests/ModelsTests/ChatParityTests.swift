// Chat prompting against transformers itself: a Qwen2 checkpoint with the Qwen2.5 chat template,
// made and saved by transformers (make_chat_model_fixture.py). Verity, prompting through the
// checkpoint's own template, must build the ids `apply_chat_template(add_generation_prompt=True)`
// builds and continue them greedily as `generate` does.
import Foundation
import Testing
@testable import Kernels
@testable import Models

fileprivate struct ChatCase: Decodable {
    var system: String?
    var user: String
    var text: String
    var ids: [Int]
    var greedy: [Int]
    var margin: Float
}
fileprivate struct ChatFixture: Decodable { var cases: [ChatCase]; var files: [String] }

@Suite struct ChatParityTests {
    let dir: URL
    fileprivate let fixture: ChatFixture

    init() throws {
        dir = try #require(Bundle.module.url(forResource: "hf_qwen2_chat", withExtension: nil, subdirectory: "Fixtures"))
        let file = try #require(Bundle.module.url(forResource: "chat_expected_ids", withExtension: "json", subdirectory: "Fixtures"))
        fixture = try JSONDecoder().decode(ChatFixture.self, from: Data(contentsOf: file))
    }

    func chatTokenizer(_ contents: CheckpointContents) throws -> any Tokenizer {
        let source = try #require(Checkpoint.chatTemplateSource(companions: contents.companions))
        let tokens = ChatPrompting.specialTokenStrings(
            tokenizerConfig: contents.companions[Checkpoint.tokenizerConfigFile].map { [UInt8]($0) }, tokenizer: contents.tokenizer)
        return contents.tokenizer.withChat(ChatPrompting(template: try ChatTemplate(source), specialTokens: tokens))
    }

    @Test func promptsAreTheIdsApplyChatTemplateBuilds() throws {
        let contents = try Checkpoint.load(from: dir)
        #expect(contents.companions[Checkpoint.chatTemplateFile] != nil || fixture.files.contains("tokenizer_config.json"))
        let tokenizer = try chatTokenizer(contents)
        for c in fixture.cases {
            let ids = try encodePrompt(c.user, tokenizer: tokenizer, system: c.system)
            #expect(ids == c.ids, "\(c.user.debugDescription)")
            #expect(tokenizer.decode(ids) == c.text)
        }
        // Plain prompting of the same checkpoint is unchanged: no template, no system turn.
        let plain = try encodePrompt("12+34=", tokenizer: contents.tokenizer, system: "ignored")
        #expect(plain == (try contents.tokenizer.encode("12+34=")))
    }

    @Test func greedyContinuationsMatchGenerate() throws {
        let contents = try Checkpoint.load(from: dir)
        let tokenizer = try chatTokenizer(contents)
        let model = try Transformer(config: try contents.config(as: TransformerConfig.self), tensors: contents.tensors)
        for c in fixture.cases {
            #expect(c.margin > 1e-3, "the fixture's greedy path must not hinge on a near tie")
            var rng = RNG(seed: 0)
            let controls = try DecodeControls(options: GenerationOptions(maxNewTokens: c.greedy.count, temperature: 0), tokenizer: tokenizer)
            let out = try model.generate(prompts: [try encodePrompt(c.user, tokenizer: tokenizer, system: c.system)],
                                         controls: controls, rng: &rng)
            #expect(out[0].tokens == c.greedy, "greedy continuation of \(c.user.debugDescription)")
        }
    }

    @Test func theTemplateSurvivesLoadAndSave() throws {
        let contents = try Checkpoint.load(from: dir)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("verity-chat-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try Checkpoint.save(to: out, configJSON: contents.configJSON, tensors: contents.tensors, tokenizer: contents.tokenizer,
                            companions: contents.companions)
        let again = try Checkpoint.load(from: out)
        #expect(Checkpoint.chatTemplateSource(companions: again.companions) == Checkpoint.chatTemplateSource(companions: contents.companions))
        #expect(again.tokenizer.special.eos == contents.tokenizer.special.eos)
        #expect(again.tokenizer.special.moreEnds == contents.tokenizer.special.moreEnds)
    }
}
