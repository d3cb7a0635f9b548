// `model save … format=gguf`: the file is byte for byte the one llama.cpp's own `gguf` package
// writes for the same checkpoint, and llama.cpp, running Verity's file, answers as Verity does.
// Both references come from Fixtures/make_gguf_fixture.py (the `gguf` package and llama-cpp-python).
import Foundation
import Testing
@testable import Notebook
@testable import Models
import Kernels

@Suite struct GGUFExportTests {
    static let fixtures = HuggingFaceRoundTripTests.fixtures
    static let modelsFixtures = fixtures.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelsTests/Fixtures")

    struct HFPrompt: Decodable { var text: String; var tokenized: [Int]; var greedy: [Int] }
    struct HFModel: Decodable { var max_logprob_difference: Double; var prompts: [HFPrompt] }
    struct Expected: Decodable {
        var llama_cpp_python: String
        var max_new_tokens: Int
        var answers: [HuggingFaceRoundTripTests.Answer]
        var hf_models: [String: HFModel]
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixtures.appendingPathComponent("gguf_expected.json")))
    }

    /// Saves the round-trip checkpoint as GGUF through the command and returns the file's bytes.
    static func savedGGUF(_ source: URL = HuggingFaceRoundTripTests.checkpoint) throws -> (bytes: Data, output: String) {
        let dir = try CommandTesting.scratch()
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model load \(source.path)")
        let output = try CommandTesting.run(session, "model save \(dir)/model.gguf format=gguf")
        return (try Data(contentsOf: URL(fileURLWithPath: "\(dir)/model.gguf")), output)
    }

    @Test func theFileIsTheOneTheGGUFPackageWrites() throws {
        let (bytes, output) = try Self.savedGGUF()
        let reference = try Data(contentsOf: Self.fixtures.appendingPathComponent("roundtrip_model.gguf"))
        #expect(output.contains("as GGUF"))
        #expect(bytes.count == reference.count)
        if bytes != reference, let first = zip(bytes, reference).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("first differing byte at offset \(first.offset): rerun Fixtures/make_gguf_fixture.py if the format changed on purpose")
        }
        #expect(bytes.prefix(4) == Data("GGUF".utf8))
    }

    @Test func llamaCppAnswersAsVerityDoes() throws {
        let expected = try Self.expected()
        let verity = try HuggingFaceRoundTripTests.verityAnswers(HuggingFaceRoundTripTests.checkpoint,
                                                                 prompts: expected.answers.map(\.prompt),
                                                                 maxNewTokens: expected.max_new_tokens)
        #expect(expected.answers.count == 8)
        for (i, reference) in expected.answers.enumerated() {
            #expect(verity.prompts[i] == reference.prompt_ids, "llama.cpp tokenizes \(reference.prompt) as Verity does")
            #expect(verity.answers[i] == reference.answer_ids, "llama.cpp's greedy answer to \(reference.prompt)")
        }
        // Specials come back as text (user-defined tokens), so answers are judged on the same strings.
        #expect(expected.answers.contains { $0.answer.hasPrefix("<think>") && $0.answer.contains("</think>") })
    }

    @Test(arguments: ["qwen2_tied", "llama_llama3", "llama_linear"])
    func llamaCppRunsTransformersModelsVerityExported(_ name: String) throws {
        // The byte-level BPE models `transformers` made, exported by Verity: llama.cpp tokenizes and
        // continues as Verity does, and its log-probs were within 1e-5 of transformers' when recorded.
        let reference = try #require(try Self.expected().hf_models[name])
        #expect(reference.max_logprob_difference < 1e-5)
        let contents = try Checkpoint.load(from: Self.modelsFixtures.appendingPathComponent("hf_\(name)"))
        let model = try Transformer(config: try contents.config(as: TransformerConfig.self), tensors: contents.tensors)
        var rng = RNG(seed: 1)
        for p in reference.prompts {
            let ids = try contents.tokenizer.encode(p.text)
            #expect(ids == p.tokenized, "llama.cpp tokenizes \(p.text.debugDescription) as Verity does")
            let controls = DecodeControls(eos: nil, sampling: GenerationOptions(maxNewTokens: p.greedy.count, temperature: 0))
            let out = try model.generate(prompts: [ids], controls: controls, rng: &rng)
            #expect(out.first?.tokens == p.greedy, "llama.cpp's greedy continuation of \(p.text.debugDescription)")
        }
    }

    @Test func rotaryRowsAreInterleavedPerHead() {
        // Two heads of size 4, one column: halves [a0 a1 | b0 b1] become pairs [a0 b0 a1 b1].
        let rows: [Float] = [0, 1, 10, 11, 20, 21, 30, 31]
        #expect(Checkpoint.interleaveRotaryHalves(rows, shape: [8], heads: 2) == [0, 10, 1, 11, 20, 30, 21, 31])
        // With two columns, whole rows move.
        let matrix: [Float] = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]
        #expect(Checkpoint.interleaveRotaryHalves(matrix, shape: [4, 2], heads: 1) == [0, 0.5, 2, 2.5, 1, 1.5, 3, 3.5])
    }

    @Test func qwen2KeepsItsLayoutBiasesAndTiedEmbeddings() throws {
        let contents = try Checkpoint.load(from: Self.modelsFixtures.appendingPathComponent("hf_qwen2_tied"))
        let config = try contents.config(as: TransformerConfig.self)
        let file = try Checkpoint.gguf(config: config, tensors: contents.tensors, tokenizer: contents.tokenizer,
                                       chatTemplate: nil, name: "qwen2")
        let names = file.tensors.map(\.name)
        #expect(!names.contains("output.weight"), "tied: llama.cpp reuses token_embd")
        #expect(names.contains("blk.0.attn_q.bias") && names.contains("blk.0.attn_k.bias"))
        let q = try #require(file.tensors.first { $0.name == "blk.0.attn_q.weight" })
        #expect(q.values == contents.tensors["model.layers.0.self_attn.q_proj.weight"]?.values, "qwen2 rotates halves: no permutation")
        #expect(file.metadata.first?.value == .string("qwen2"))
        // The byte-level vocabulary and merges are the tokenizer.json's, in rank order.
        let json = try JSONParser.parse([UInt8](Data(contentsOf: Self.modelsFixtures.appendingPathComponent("hf_qwen2_tied/tokenizer.json"))))
        let merges = json.objectValue?["model"]?.objectValue?["merges"]?.arrayValue?.map { pair in
            (pair.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " ")
        } ?? []
        let written = file.metadata.first { $0.key == "tokenizer.ggml.merges" }?.value
        #expect(!merges.isEmpty && written == .strings(merges))
        #expect(file.metadata.first { $0.key == "tokenizer.ggml.pre" }?.value == .string("qwen2"))
        let types = file.metadata.first { $0.key == "tokenizer.ggml.token_type" }?.value
        if case .int32s(let list) = types { #expect(list.count == config.vocabSize) } else { Issue.record("no token types") }
    }

    @Test func llama3ScalingBecomesPerFrequencyDivisors() throws {
        let contents = try Checkpoint.load(from: Self.modelsFixtures.appendingPathComponent("hf_llama_llama3"))
        let config = try contents.config(as: TransformerConfig.self)
        guard case .llama3(let factor, let low, let high, let original) = config.ropeScaling else {
            Issue.record("fixture lacks llama3 scaling"); return
        }
        let file = try Checkpoint.gguf(config: config, tensors: contents.tensors, tokenizer: contents.tokenizer,
                                       chatTemplate: nil, name: "llama3")
        let freqs = try #require(file.tensors.first { $0.name == "rope_freqs.weight" })
        #expect(freqs.shape == [config.headDim / 2])
        // Llama 3.1's rule restated in Double: the divisor of each inverse frequency.
        let d = Double(config.headDim), theta = Double(config.ropeTheta), f = Double(factor)
        for (j, divisor) in freqs.values.enumerated() {
            let wavelength = 2 * Double.pi * pow(theta, Double(2 * j) / d)
            let expected: Double
            if wavelength < Double(original) / Double(high) { expected = 1 }
            else if wavelength > Double(original) / Double(low) { expected = f }
            else {
                let s = (Double(original) / wavelength - Double(low)) / (Double(high) - Double(low))
                expected = 1 / ((1 - s) / f + s)
            }
            #expect(abs(Double(divisor) - expected) < 1e-4 * expected, "divisor \(j)")
        }
        #expect(freqs.values.contains { $0 > 1 && $0 < factor } && freqs.values.contains(factor), "the fixture covers the smooth band")
        // llama.cpp's "llama" rotates adjacent pairs: q rows are permuted, so they differ from the checkpoint's.
        let q = try #require(file.tensors.first { $0.name == "blk.0.attn_q.weight" })
        #expect(q.values != contents.tensors["model.layers.0.self_attn.q_proj.weight"]?.values)
        #expect(q.values.sorted() == contents.tensors["model.layers.0.self_attn.q_proj.weight"]?.values.sorted())
    }

    @Test func modelsWithoutAGGUFFormAreRefusedClearly() throws {
        let config = TransformerConfig(vocabSize: 8, hiddenSize: 8, intermediateSize: 16, numHiddenLayers: 1,
                                       numAttentionHeads: 2, numKeyValueHeads: 2)
        let model = try Transformer(config: config, seed: 1)
        #expect(throws: ModelError.self) {
            _ = try Checkpoint.gguf(config: config, tensors: model.tensors(), tokenizer: IDTokenizer(vocabularySize: 8),
                                    chatTemplate: nil, name: "ids")
        }
        let session = CommandTesting.session()
        _ = try CommandTesting.run(session, "model load \(HuggingFaceRoundTripTests.checkpoint.path)")
        let dir = try CommandTesting.scratch()
        #expect(CommandTesting.failure(session, "model save \(dir)/plain format=gguf").contains("NAME.gguf"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/plain"))
    }
}
