// Parity with `transformers` itself: checkpoints that the library made and saved (make_transformers_fixture.py),
// loaded by Verity, must give the library's log-probabilities and greedy continuations, and Verity
// must read both config.json forms (5.x `rope_parameters`, 4.x `rope_theta` + `rope_scaling`).
import Foundation
import Testing
@testable import Kernels
@testable import Models

private struct ParityPrompt: Decodable {
    var text: String
    var ids: [Int]
    var next_logprobs: [Float]
    var last_logprobs: [Float]
    var greedy: [Int]
    var margin: Float
}

private struct ParityModel: Decodable { var prompts: [ParityPrompt] }

private func fixtureURL(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
}

private func expected(_ name: String) throws -> ParityModel {
    let data = try Data(contentsOf: try fixtureURL("hf_expected.json"))
    let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let model = try #require(doc[name])
    return try JSONDecoder().decode(ParityModel.self, from: JSONSerialization.data(withJSONObject: model))
}

/// Log-softmax of each row of `logits` (rows × V), in Double.
private func logSoftmaxRows(_ logits: [Float], vocab V: Int) -> [[Double]] {
    stride(from: 0, to: logits.count, by: V).map { start in
        let row = logits[start..<start + V].map(Double.init)
        let m = row.max() ?? 0
        let z = row.reduce(0) { $0 + Foundation.exp($1 - m) }
        return row.map { $0 - m - Foundation.log(z) }
    }
}

private func load(_ name: String, scaling override: RopeScaling? = nil) throws -> (Transformer, any Tokenizer) {
    let contents = try Checkpoint.load(from: try fixtureURL("hf_\(name)"))
    var config = try contents.config(as: TransformerConfig.self)
    if let override { config.ropeScaling = override }
    return (try Transformer(config: config, tensors: contents.tensors), contents.tokenizer)
}

/// Largest |Verity − transformers| over every next-token log-prob of every prompt and the whole
/// vocabulary after each prompt.
private func largestDifference(_ model: Transformer, _ reference: ParityModel) throws -> Double {
    var worst = 0.0
    for p in reference.prompts {
        let T = p.ids.count
        let batch = try TokenBatch(rows: 1, length: T, inputs: p.ids.map(Int32.init),
                                   targets: Array(p.ids.dropFirst()).map(Int32.init) + [-1])
        let rows = logSoftmaxRows(try model.logits(batch), vocab: model.config.vocabSize)
        for t in 0..<T - 1 { worst = max(worst, abs(rows[t][p.ids[t + 1]] - Double(p.next_logprobs[t]))) }
        for v in p.last_logprobs.indices { worst = max(worst, abs(rows[T - 1][v] - Double(p.last_logprobs[v]))) }
    }
    return worst
}

@Test(arguments: ["llama_llama3", "llama_linear", "qwen2_tied"])
func transformersCheckpointsGiveTheLibrarysLogProbabilities(name: String) throws {
    let reference = try expected(name)
    let (model, tokenizer) = try load(name)
    for p in reference.prompts { #expect(try tokenizer.encode(p.text) == p.ids, "encoding of \(p.text.debugDescription)") }
    let worst = try largestDifference(model, reference)
    print("[\(name)] largest log-prob difference to transformers: \(worst)")
    #expect(worst < 1e-5)
}

@Test(arguments: ["llama_llama3", "llama_linear", "qwen2_tied"])
func transformersCheckpointsGiveTheLibrarysGreedyContinuations(name: String) throws {
    let reference = try expected(name)
    let (model, _) = try load(name)
    var rng = RNG(seed: 1)
    let controls = DecodeControls(eos: nil, sampling: GenerationOptions(maxNewTokens: reference.prompts[0].greedy.count, temperature: 0))
    let out = try model.generate(prompts: reference.prompts.map(\.ids), controls: controls, rng: &rng)
    for (sequence, p) in zip(out, reference.prompts) {
        // Ten times the log-prob tolerance: a closer race could be decided by rounding alone.
        #expect(p.margin > 1e-4, "the fixture's greedy path must not hinge on a near tie")
        #expect(sequence.tokens == p.greedy, "greedy continuation of \(p.text.debugDescription)")
    }
}

@Test func ropeScalingChangesTheAnswerSoTheParityTestCanFail() throws {
    // The same weights without their scaling drift far from transformers: the parity above is not
    // met by plain RoPE by accident.
    for name in ["llama_llama3", "llama_linear"] {
        let (plain, _) = try load(name, scaling: RopeScaling.none)
        let worst = try largestDifference(plain, try expected(name))
        print("[\(name)] without its rope scaling: largest log-prob difference \(worst)")
        #expect(worst > 1e-2)
    }
}

@Test func bothConfigFormsDecodeToTheSameModel() throws {
    let new = try JSONDecoder().decode(TransformerConfig.self,
                                       from: Data(contentsOf: try fixtureURL("hf_llama_llama3").appendingPathComponent("config.json")))
    let old = try JSONDecoder().decode(TransformerConfig.self,
                                       from: Data(contentsOf: try fixtureURL("hf_llama_llama3_legacy_config.json")))
    #expect(new == old)
    #expect(new.ropeTheta == 500_000)
    #expect(new.ropeScaling == .llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 16))
    #expect(new.numKeyValueHeads == 2)
    #expect(new.torchDtype == "float32")
    #expect(new.ignoredKeys.isEmpty, "every key transformers 5 writes for Llama is understood: \(new.ignoredKeys)")
    let linear = try JSONDecoder().decode(TransformerConfig.self,
                                          from: Data(contentsOf: try fixtureURL("hf_llama_linear").appendingPathComponent("config.json")))
    #expect(linear.ropeScaling == .linear(factor: 4))
    // A saved config keeps its scaling through an encode → decode round trip.
    let again = try JSONDecoder().decode(TransformerConfig.self, from: JSONEncoder().encode(new))
    #expect(again == new)
}

/// The error decoding `extra` added to a small valid Llama config.json gives, or nil when it decodes.
private func decodeError(_ extra: String) -> String? {
    let json = #"{"model_type": "llama", "vocab_size": 64, "hidden_size": 32, "num_attention_heads": 4, "#
        + #""num_hidden_layers": 1, "intermediate_size": 64"# + (extra.isEmpty ? "" : ", " + extra) + "}"
    do {
        _ = try JSONDecoder().decode(TransformerConfig.self, from: Data(json.utf8))
        return nil
    } catch {
        return "\(error)"
    }
}

@Test func keysThatChangeTheArithmeticAreRefusedByName() throws {
    let cases: [(String, String)] = [
        (#""rope_scaling": {"rope_type": "yarn", "factor": 4, "original_max_position_embeddings": 32768}"#, "rope type 'yarn'"),
        (#""rope_parameters": {"rope_type": "dynamic", "rope_theta": 10000, "factor": 2}"#, "rope type 'dynamic'"),
        (#""rope_scaling": {"type": "longrope", "short_factor": [1], "long_factor": [2]}"#, "rope type 'longrope'"),
        (#""rope_parameters": {"full_attention": {"rope_type": "default", "rope_theta": 10000}}"#, "full_attention"),
        (#""rope_scaling": {"rope_type": "llama3", "factor": 8}"#, "low_freq_factor"),
        (#""rope_scaling": {"rope_type": "linear"}"#, "needs a positive factor"),
        (#""partial_rotary_factor": 0.5"#, "partial_rotary_factor"),
        (#""head_dim": 16"#, "head_dim 16"),
        (#""hidden_act": "gelu""#, "hidden_act 'gelu'"),
        (#""mlp_bias": true"#, "mlp_bias"),
        (#""use_sliding_window": true, "sliding_window": 4096"#, "use_sliding_window"),
        (#""layer_types": ["sliding_attention"]"#, "sliding_attention"),
        (#""quantization_config": {"quant_method": "gptq", "bits": 4}"#, "quantization_config"),
    ]
    for (extra, needle) in cases {
        let message = try #require(decodeError(extra), "\(extra) must be refused")
        #expect(message.contains(needle), "\(extra) → \(message)")
    }
    // The harmless forms of the same keys decode.
    for extra in [#""head_dim": 8"#, #""hidden_act": "silu""#, #""mlp_bias": false"#, #""use_sliding_window": false"#,
                  #""layer_types": ["full_attention"]"#, #""quantization_config": null"#, #""rope_scaling": null"#,
                  #""rope_parameters": {"rope_type": "default", "rope_theta": 500000}"#, #""partial_rotary_factor": 1.0"#] {
        #expect(decodeError(extra) == nil, "\(extra) is harmless")
    }
}

@Test func unknownHarmlessKeysAreListedNotDropped() throws {
    let json = #"{"model_type": "qwen2", "vocab_size": 64, "hidden_size": 32, "num_attention_heads": 4, "num_hidden_layers": 1, "#
        + #""intermediate_size": 64, "use_cache": true, "initializer_range": 0.02, "bos_token_id": 1, "#
        + #""my_custom_flag": 3, "auto_map": {"AutoConfig": "x"}, "attention_dropout": 0.1, "dtype": "bfloat16"}"#
    let config = try JSONDecoder().decode(TransformerConfig.self, from: Data(json.utf8))
    #expect(config.ignoredKeys == ["attention_dropout", "auto_map", "my_custom_flag"])
    #expect(config.torchDtype == "bfloat16")
    #expect(config.attentionBias, "qwen2 has q/k/v biases")
    // A config made in Verity lists nothing.
    let made = TransformerConfig(vocabSize: 64, hiddenSize: 32, intermediateSize: 64, numHiddenLayers: 1, numAttentionHeads: 4)
    #expect(try JSONDecoder().decode(TransformerConfig.self, from: JSONEncoder().encode(made)).ignoredKeys.isEmpty)
}

@Test func llama3FrequenciesFollowTheBands() {
    // Llama 3.1's published settings: factor 8, low 1, high 4, original context 8192, θ = 5e5, d = 128.
    let scaling = RopeScaling.llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192)
    let plain = RopeScaling.none.inverseFrequencies(headDim: 128, theta: 500_000)
    let scaled = scaling.inverseFrequencies(headDim: 128, theta: 500_000)
    for (f, g) in zip(plain, scaled) {
        let wavelength = 2 * Float.pi / f
        if wavelength < 2048 { #expect(g == f) }                       // short wavelengths kept
        else if wavelength > 8192 { #expect(g == f / 8) }              // long ones slowed 8×
        else { #expect(g < f && g > f / 8) }                           // the band between interpolated
    }
    #expect(RopeScaling.linear(factor: 4).inverseFrequencies(headDim: 8, theta: 10_000)
            == RopeScaling.none.inverseFrequencies(headDim: 8, theta: 10_000).map { $0 / 4 })
}

@Test func everyDeclaredEndOfSequenceIdStopsGeneration() throws {
    // Copy a transformers-made checkpoint and declare, as Qwen2.5-Instruct does, two eos ids in
    // generation_config.json: the tokenizer's own and a token the greedy path produces midway.
    let reference = try expected("qwen2_tied")
    let greedy = reference.prompts[0].greedy
    let stopAt = greedy[5]
    let cut = try #require(greedy.firstIndex(of: stopAt))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ends-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: try fixtureURL("hf_qwen2_tied"), to: dir)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(#"{"eos_token_id": [0, \#(stopAt)], "transformers_version": "5.25.0"}"#.utf8)
        .write(to: dir.appendingPathComponent("generation_config.json"))
    let contents = try Checkpoint.load(from: dir)
    #expect(contents.tokenizer.special.eos == 0)
    #expect(contents.tokenizer.special.moreEnds == [stopAt])
    let model = try Transformer(config: try contents.config(as: TransformerConfig.self), tensors: contents.tensors)
    var controls = try DecodeControls(options: GenerationOptions(maxNewTokens: 16, temperature: 0), tokenizer: contents.tokenizer)
    controls.sampling.temperature = 0
    var rng = RNG(seed: 1)
    let out = try model.generate(prompts: [reference.prompts[0].ids], controls: controls, rng: &rng)
    #expect(out[0].tokens == Array(greedy[...cut]), "stops at the first declared end id, keeping it")
    #expect(out[0].finishReason == .stop)
}
