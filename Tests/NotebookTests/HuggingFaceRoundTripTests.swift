// A checkpoint Verity trains and saves works in standard Hugging Face usage: AutoTokenizer adds the
// same <bos> Verity prompts with, and AutoModelForCausalLM.generate gives Verity's greedy answers.
// The checkpoint and transformers' answers are fixtures made by Fixtures/make_roundtrip_fixture.py.
import Foundation
import Testing
@testable import Notebook
import Models
import Kernels

@Suite struct HuggingFaceRoundTripTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let checkpoint = fixtures.appendingPathComponent("roundtrip_model")

    struct Answer: Decodable {
        var prompt: String
        var prompt_ids: [Int]
        var answer_ids: [Int]
        var answer: String
    }
    struct Expected: Decodable {
        var max_new_tokens: Int
        var answers: [Answer]
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixtures.appendingPathComponent("roundtrip_expected.json")))
    }

    /// Verity's greedy answers (ids, eos kept as transformers keeps it) on the saved checkpoint.
    static func verityAnswers(_ folder: URL, prompts: [String], maxNewTokens: Int) throws -> (prompts: [[Int]], answers: [[Int]], texts: [String]) {
        let contents = try Checkpoint.load(from: folder)
        let model = try Transformer(config: try contents.config(as: TransformerConfig.self), tensors: contents.tensors)
        let tokenizer = contents.tokenizer
        let ids = try prompts.map { try encodePrompt($0, tokenizer: tokenizer) }
        var controls = try DecodeControls(options: GenerationOptions(), tokenizer: tokenizer)
        controls.sampling.temperature = 0
        controls.sampling.maxNewTokens = maxNewTokens
        var rng = RNG(seed: 1)
        let out = try model.generate(prompts: ids, controls: controls, rng: &rng)
        return (ids, out.map(\.tokens), out.map { tokenizer.decode($0.tokens) })
    }

    @Test func transformersGenerateGivesVeritysGreedyAnswers() throws {
        let expected = try Self.expected()
        let verity = try Self.verityAnswers(Self.checkpoint, prompts: expected.answers.map(\.prompt),
                                            maxNewTokens: expected.max_new_tokens)
        for (i, reference) in expected.answers.enumerated() {
            #expect(reference.prompt_ids.first == 1, "AutoTokenizer starts \(reference.prompt) with <bos>")
            #expect(verity.prompts[i] == reference.prompt_ids, "prompt ids of \(reference.prompt)")
            #expect(verity.answers[i] == reference.answer_ids, "greedy answer to \(reference.prompt)")
        }
        // The fixture is a trained model, not noise: it answers in both forms and ends with <eos>.
        #expect(verity.texts.contains { $0.hasPrefix("<think>") && $0.contains("</think>46") || $0.contains("46<eos>") })
        #expect(expected.answers.filter { $0.answer_ids.last == 2 }.count >= 6)
    }

    @Test func modelSaveStillWritesWhatTransformersRead() throws {
        // The same model shape and tokenizer, saved now, must give the files transformers was run on
        // (weights aside, which depend on training): otherwise rerun the fixture script.
        let dir = try CommandTesting.scratch()
        let session = CommandTesting.session()
        for line in ["seed 1", "task arithmetic op=add digits=2 train=3000 test=200 think=mixed",
                     "model new layers=2 dim=64 heads=4 ffn=176 max_pos=64", "model save \(dir)/fresh"] {
            _ = try CommandTesting.run(session, line)
        }
        for file in ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"] {
            let fresh = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/fresh/\(file)"))
            let fixture = try Data(contentsOf: Self.checkpoint.appendingPathComponent(file))
            #expect(fresh == fixture, "\(file) differs from the fixture's: rerun Fixtures/make_roundtrip_fixture.py")
        }
    }

    @Test func aLoadedCheckpointKeepsItsOwnCompanionFiles() throws {
        // A chat template lives in tokenizer_config.json: load → save must not replace it.
        let dir = try CommandTesting.scratch()
        let source = URL(fileURLWithPath: "\(dir)/source")
        try FileManager.default.copyItem(at: Self.checkpoint, to: source)
        let custom = Data(#"{"chat_template": "{{ messages }}", "eos_token": "<eos>", "tokenizer_class": "PreTrainedTokenizerFast"}"#.utf8)
        try custom.write(to: source.appendingPathComponent("tokenizer_config.json"))
        try FileManager.default.removeItem(at: source.appendingPathComponent("special_tokens_map.json"))
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model load \(source.path)")
        _ = try CommandTesting.run(session, "model save \(dir)/copy")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/copy/tokenizer_config.json")) == custom)
        // A missing one is made from the tokenizer.
        let map = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/copy/special_tokens_map.json"))
        #expect(String(decoding: map, as: UTF8.self).contains(#""bos_token": "<bos>""#))
    }

    /// With VERITY_PYTHON naming a Python that has torch and transformers, a checkpoint saved now is
    /// answered by transformers itself, live. Without one, the fixtures above stand in for it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VERITY_PYTHON"] != nil))
    func transformersAnswersAFreshSaveLive() throws {
        let python = try #require(ProcessInfo.processInfo.environment["VERITY_PYTHON"])
        let dir = try CommandTesting.scratch()
        let session = CommandTesting.session()
        for line in ["seed 1", "task arithmetic op=add digits=2 train=3000 test=200 think=mixed",
                     "model new layers=2 dim=64 heads=4 ffn=176 max_pos=64",
                     "sft steps=100 batch=32 lr=5e-3 warmup=20 source=mixed:0.5", "model save \(dir)/live"] {
            _ = try CommandTesting.run(session, line)
        }
        let (status, output) = try CommandTesting.runProcess(python, [Self.fixtures.appendingPathComponent("make_roundtrip_fixture.py").path,
                                                                      "--answer", "\(dir)/live"])
        #expect(status == 0)
        let live = try JSONDecoder().decode([Answer].self, from: output)
        let verity = try Self.verityAnswers(URL(fileURLWithPath: "\(dir)/live"), prompts: live.map(\.prompt), maxNewTokens: 40)
        #expect(verity.prompts == live.map(\.prompt_ids))
        #expect(verity.answers == live.map(\.answer_ids))
    }
}

@Suite struct TokenLevelCommandTests {
    static func session() throws -> Session {
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model load \(HuggingFaceRoundTripTests.checkpoint.path)")
        return session
    }

    @Test func tokensShowsIdsBothWays() throws {
        let session = try Self.session()
        let encoded = try CommandTesting.run(session, #"tokens "12+34=" prompt=true"#)
        #expect(encoded.contains("7 tokens: 1,8,9,6,10,11,17"), "the ids AutoTokenizer gave for this prompt")
        let decoded = try CommandTesting.run(session, "tokens ids=1,8,9,6")
        #expect(decoded.contains(#"decoded "<bos>12+""#))
        #expect(CommandTesting.failure(session, "tokens ids=1,999").contains("id 999 is outside the vocabulary"))
        #expect(CommandTesting.failure(session, #"tokens "1" ids=1"#).contains("not both"))
    }

    @Test func scoreGivesTheModelsLogProbabilitiesAndFirstChoices() throws {
        // transformers' greedy answer to "12+34=" (the round-trip fixture): each of its tokens must
        // be the model's first choice (rank 1), and scoring by text or by ids must agree.
        let expected = try HuggingFaceRoundTripTests.expected()
        let answer = try #require(expected.answers.first { $0.prompt == "12+34=" })
        let session = try Self.session()
        let ids = (answer.prompt_ids + answer.answer_ids).map(String.init).joined(separator: ",")
        let byIDs = try CommandTesting.run(session, "score ids=\(ids) from=\(answer.prompt_ids.count)")
        let rows = byIDs.split(separator: "\n").filter { $0.range(of: #"^\s*\d+\s+\d+\s"#, options: .regularExpression) != nil }
        #expect(rows.count == answer.answer_ids.count)
        for row in rows {
            // "… logprob rank first-choice": the rank follows the four-decimal log-prob.
            let rank = row.firstMatch(of: /-?\d+\.\d{4}\s+(\d+)\s/)?.output.1
            #expect(rank == "1", "greedy token is rank 1: \(row)")
        }
        let text = try CommandTesting.run(session, "tokens ids=" + answer.answer_ids.map(String.init).joined(separator: ","))
        let completion = try #require(text.split(separator: "\n").last.map { String($0.dropFirst("decoded ".count)) })
        let byText = try CommandTesting.run(session, "score \"12+34=\" \(completion)")
        let total = { (s: String) in s.split(separator: "\n").last { $0.hasPrefix("total logprob") } }
        #expect(total(byIDs) != nil && total(byIDs) == total(byText))
        #expect(CommandTesting.failure(session, "score ids=1,8 from=2").contains("leaves nothing to score"))
    }
}
