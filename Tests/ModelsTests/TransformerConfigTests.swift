// TransformerConfig: Hugging Face config.json decoding (explicit keys, defaults, unknown keys)
// and validation messages.
import Foundation
import Testing
@testable import Models

@Test func decodesHuggingFaceConfigWithDefaults() throws {
    let json = """
    {"vocab_size": 151936, "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
     "num_attention_heads": 14, "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
     "max_position_embeddings": 32768, "tie_word_embeddings": true, "model_type": "qwen2",
     "bos_token_id": 151643, "eos_token_id": 151645, "sliding_window": 32768, "use_cache": true}
    """
    let c = try JSONDecoder().decode(TransformerConfig.self, from: Data(json.utf8))
    #expect(c.hiddenSize == 896 && c.numKeyValueHeads == 2 && c.headDim == 64 && c.kvDim == 128)
    #expect(c.attentionBias)  // Qwen2 has q/k/v biases even without the key
    #expect(c.tieWordEmbeddings && c.eosTokenId == 151645 && c.padTokenId == nil)
    #expect(c.architectures == ["Qwen2ForCausalLM"])
    try c.validate()

    let llama = try JSONDecoder().decode(TransformerConfig.self, from: Data(#"{"num_attention_heads": 8, "hidden_size": 256, "eos_token_id": [2, 3]}"#.utf8))
    #expect(llama.numKeyValueHeads == 8 && !llama.attentionBias && llama.modelType == "llama")
    #expect(llama.eosTokenId == 2)
}

@Test func encodesWithHuggingFaceKeys() throws {
    let c = TransformerConfig(vocabSize: 32, hiddenSize: 64, numAttentionHeads: 4, numKeyValueHeads: 2)
    let obj = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(c)) as? [String: Any])
    #expect(obj["num_key_value_heads"] as? Int == 2)
    #expect(obj["hidden_size"] as? Int == 64)
    let back = try JSONDecoder().decode(TransformerConfig.self, from: JSONEncoder().encode(c))
    #expect(back == c)
}

@Test func validationNamesTheProblem() {
    func message(_ c: TransformerConfig) -> String {
        do { try c.validate(); return "" } catch { return "\(error)" }
    }
    #expect(message(TransformerConfig(hiddenSize: 100, numAttentionHeads: 3)).contains("must divide hidden_size"))
    #expect(message(TransformerConfig(hiddenSize: 128, numAttentionHeads: 4, numKeyValueHeads: 3)).contains("num_key_value_heads"))
    #expect(message(TransformerConfig(modelType: "gpt2")).contains("model_type"))
    #expect(message(TransformerConfig(vocabSize: 10, eosTokenId: 12)).contains("eos_token_id"))
    #expect(message(TransformerConfig()) == "")
}

/// A damaged or hostile config.json must not make `Transformer(config:tensors:)` allocate what it
/// describes: found by verity-fuzz (seed 1, config inputs 1277, 1355, 2015: "failed to allocate
/// 25905397760 bytes" and the like). Each config below names far more parameters than the tiny
/// checkpoint's tensors hold; before the fix each one died in the allocation.
@Test func hugeSizesFromConfigJSONAreRefusedBeforeAllocating() throws {
    let small = TransformerConfig(vocabSize: 19, hiddenSize: 16, intermediateSize: 32, numHiddenLayers: 1,
                                  numAttentionHeads: 2, maxPositionEmbeddings: 48)
    let tensors = try Transformer(config: small, seed: 1).tensors()
    #expect(try Transformer(config: small, tensors: tensors).parameterCount > 0)
    let hostile = [
        #"{}"#,   // every key absent: transformers' LlamaConfig defaults, a 6.7B-parameter model
        #"{"hidden_size": 100000000, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 19}"#,
        #"{"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 100000000}"#,
        #"{"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1000000000, "num_attention_heads": 2, "vocab_size": 19}"#,
        #"{"hidden_size": 4294967296, "intermediate_size": 4294967296, "num_hidden_layers": 2, "num_attention_heads": 2, "vocab_size": 4294967296}"#,
    ]
    for json in hostile {
        let config = try JSONDecoder().decode(TransformerConfig.self, from: Data(json.utf8))
        #expect(throws: ModelError.self, "\(json)") { try Transformer(config: config, tensors: tensors) }
        do { _ = try Transformer(config: config, tensors: tensors) } catch {
            // Refused by the configuration's size limits or by the count against the tensors.
            #expect("\(error)".contains("does not match config.json") || "\(error)".contains("larger than Verity supports"), "\(error)")
        }
    }
    #expect(ParameterLayout.floatCount(small) == ParameterLayout(config: small).count)
    var tied = small
    tied.tieWordEmbeddings = true
    tied.attentionBias = true
    #expect(ParameterLayout.floatCount(tied) == ParameterLayout(config: tied).count)
}
